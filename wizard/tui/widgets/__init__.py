"""Reusable widgets of the wizard app; each carries its own DEFAULT_CSS."""
