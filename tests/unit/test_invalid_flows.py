"""One invalid flow per failure mode: each must give its code, at its line, in plain words."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.loader import load_corpus, load_flow

INVALID = Path(__file__).parent.parent / "data" / "invalid"
FIXTURES = sorted(INVALID.glob("*.yaml"))


def expectation(path: Path) -> tuple[str, list[str], int]:
    """The code and words a fixture declares in its header, and the line marked with ``# <-``."""
    raw = path.read_bytes()
    head = raw.split(b"\n", 2)
    code = head[0].decode().split(":", 1)[1].strip()
    words = [w.strip() for w in head[1].decode().split(":", 1)[1].split(",")]
    line = next(i for i, text in enumerate(raw.split(b"\n"), 1) if b"# <-" in text)
    return code, words, line


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    corpus, problems = load_corpus(INVALID / "articles")
    assert not problems
    return corpus


def test_there_is_a_fixture_per_failure_mode() -> None:
    """The invalid corpus covers at least every check named by the core issue."""
    codes = {expectation(p)[0] for p in FIXTURES}
    required = {"yaml-syntax", "duplicate-key", "not-utf8", "yaml-tab", "yaml-tag", "yaml-alias", "schema",
                "unknown-target", "unreachable", "cycle", "dead-end", "unknown-question", "not-yet-asked",
                "value-not-offered", "fall-through", "type-mismatch", "quote-not-verbatim", "unknown-article",
                "unused-question"}
    assert required <= codes


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_reports_its_problem_at_its_line(path: Path, corpus) -> None:  # type: ignore[no-untyped-def]
    """Loading the fixture reports the declared code on the marked line, with the declared words."""
    code, words, line = expectation(path)
    loaded = load_flow(path, corpus)
    matching = [p for p in loaded.problems if p.code == code and p.line == line]
    assert matching, f"no {code} at line {line}; got: " + "; ".join(f"{p.code}@{p.line}" for p in loaded.problems)
    text = " ".join(p.message + " " + p.hint for p in matching)
    for word in words:
        assert re.search(word, text), f"{word!r} not in {text!r}"
    assert all(p.file == str(path) for p in loaded.problems)
    if not code.startswith(("unused", "unsure-unrouted")):
        assert loaded.flow is None


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_cli_check_prints_file_and_line(path: Path) -> None:
    """``wizard check`` prints file:line:col for the fixture and exits 1 on errors, 0 on warnings only."""
    code, _, line = expectation(path)
    result = subprocess.run([sys.executable, "-m", "wizard", "check", str(path)], capture_output=True, text=True,
                            timeout=60)
    assert "Traceback" not in result.stdout + result.stderr
    assert f"{path}:{line}:" in result.stdout
    warning_only = code in ("unused-question", "unsure-unrouted")
    assert result.returncode == (0 if warning_only else 1)
