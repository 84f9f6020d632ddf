"""Hardening tests load hostile files with the on-disk flow cache turned off, so every run parses."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _no_flow_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    try:
        cache = importlib.import_module("wizard.cache")
    except ImportError:  # no cache in this version of the loader
        yield
        return
    monkeypatch.setattr(cache, "cache_dir", lambda: None)
    yield
