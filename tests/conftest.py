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
