"""Tests of the SSH kiosk (loopback only)."""
