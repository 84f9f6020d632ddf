"""Hardening tests load hostile files with the on-disk flow cache turned off, so every run parses."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="module")
def _no_flow_cache() -> Iterator[None]:
    """Module-scoped (not per test) so hypothesis tests may use it, and undone after each module."""
    try:
        cache = importlib.import_module("wizard.cache")
    except ImportError:  # no cache in this version of the loader
        yield
        return
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cache, "cache_dir", lambda: None)
        yield
