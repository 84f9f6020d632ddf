"""Shared bits of the hardening tests (a module with a unique name, importable beside them)."""

from __future__ import annotations

import os

NO_CACHE_ENV = {**os.environ, "WIZARD_NO_CACHE": "1"}
"""Environment for CLI subprocesses: no flow cache, so each run reads the files it is given."""
