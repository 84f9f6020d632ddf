"""Shared fixtures: the example flow with its small article corpus."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from wizard.loader import Library, load_library
from wizard.model import Flow

DATA = Path(__file__).parent / "data"
EXAMPLE = DATA / "example"
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="session")
def example_library() -> Library:
    return load_library([EXAMPLE / "example.yaml"], EXAMPLE / "articles")


@pytest.fixture(scope="session")
def example(example_library: Library) -> Flow:
    return example_library.get("example")


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests use their own cache folder, never the user's."""
    import os

    from wizard import cache

    os.environ["WIZARD_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    cache.cache_dir.cache_clear()
