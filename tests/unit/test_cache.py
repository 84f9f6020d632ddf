"""The content-hash cache returns the same checked flows, and never serves a stale or broken entry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wizard import cache
from wizard.loader import load_library

EXAMPLE = Path(__file__).parent.parent / "data" / "example"


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WIZARD_CACHE_DIR", str(tmp_path / "cache"))
    cache.cache_dir.cache_clear()
    shutil.copytree(EXAMPLE, tmp_path / "flows")
    yield tmp_path / "flows"
    cache.cache_dir.cache_clear()


def test_second_load_is_served_from_the_cache_and_equal(folder: Path) -> None:
    """A warm load gives the same flow and problems as the cold one, from cache entries."""
    cold = load_library([folder / "example.yaml"])
    entries = set((folder.parent / "cache").glob("obj-*.pickle"))
    assert len(entries) == 2  # the corpus and the flow
    warm = load_library([folder / "example.yaml"])
    assert warm.flows[0].problems == cold.flows[0].problems
    a, b = cold.get("example"), warm.get("example")
    assert a is not b and a.questions == b.questions and a.outcomes == b.outcomes


def test_a_changed_flow_is_checked_again(folder: Path) -> None:
    """Editing a flow misses the cache, so a new error is reported."""
    load_library([folder / "example.yaml"])
    text = (folder / "example.yaml").read_text("utf-8").replace("goto: region", "goto: regoin")
    (folder / "example.yaml").write_text(text, "utf-8")
    loaded = load_library([folder / "example.yaml"]).flows[0]
    assert loaded.flow is None and loaded.errors[0].code == "unknown-target"


def test_a_changed_article_invalidates_flows_that_quote_it(folder: Path) -> None:
    """Editing the corpus changes its key, so quotes are proven again against the new text."""
    load_library([folder / "example.yaml"])
    doc = folder / "articles" / "sample-law.yaml"
    doc.write_text(doc.read_text("utf-8").replace("其职工享受", "其员工享受"), "utf-8")
    library = load_library([folder / "example.yaml"])
    codes = {p.code for p in library.problems()}
    assert "article-changed" in codes and "quote-not-verbatim" in codes


def test_broken_entries_are_ignored(folder: Path) -> None:
    """A corrupted cache entry is a miss, not a crash."""
    load_library([folder / "example.yaml"])
    for entry in (folder.parent / "cache").glob("obj-*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert load_library([folder / "example.yaml"]).get("example").id == "example"


def test_cache_can_be_turned_off(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """WIZARD_NO_CACHE disables the cache entirely."""
    monkeypatch.setenv("WIZARD_NO_CACHE", "1")
    cache.cache_dir.cache_clear()
    load_library([folder / "example.yaml"])
    assert not (folder.parent / "cache").exists()
