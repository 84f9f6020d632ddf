"""Replay scripts report outcomes, mismatches and bad files as results, never as tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.loader import Library
from wizard.replay import replay_file

DATA = Path(__file__).parent.parent / "data"
BAD = DATA / "replays-invalid"


def test_example_scripts_meet_their_expectations(example_library: Library) -> None:
    """Every example replay script reaches the outcome it expects."""
    for script in sorted((DATA / "example" / "replays").glob("*.yaml")):
        result = replay_file(script, example_library)
        assert result.ok, (script, result.mismatches, result.problems)


@pytest.mark.parametrize("name,code", [
    ("bad-answer", "bad-answer"), ("unknown-flow", "unknown-flow"), ("unknown-question", "unknown-question"),
    ("schema", "schema"), ("yaml-syntax", "yaml-syntax"),
])
def test_bad_scripts_give_located_problems(name: str, code: str, example_library: Library) -> None:
    """A malformed script yields a problem with its code and a line, not an exception."""
    result = replay_file(BAD / f"{name}.yaml", example_library)
    assert not result.ok
    assert result.problems and result.problems[0].code == code and result.problems[0].line >= 1


@pytest.mark.parametrize("name,words", [
    ("mismatch", "期望结论 “can_claim”"), ("incomplete", "回答不够"), ("unused-answer", "没有用到"),
])
def test_mismatches_are_reported(name: str, words: str, example_library: Library) -> None:
    """A script whose answers lead elsewhere, stop short or go unused is a mismatch."""
    result = replay_file(BAD / f"{name}.yaml", example_library)
    assert not result.ok and any(words in m for m in result.mismatches)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wizard", *args], capture_output=True, text=True, timeout=60)


def test_cli_replay_exit_codes_and_summary() -> None:
    """wizard replay exits 0 when all scripts pass and 1 on any mismatch, with a summary line."""
    flows = str(DATA / "example")
    ok = run("replay", str(DATA / "example" / "replays"), "--flows", flows)
    assert ok.returncode == 0 and "2 passed, 0 failed" in ok.stdout
    bad = run("replay", str(BAD), "--flows", flows)
    assert bad.returncode == 1 and "Traceback" not in bad.stdout + bad.stderr
    assert "0 passed, 8 failed" in bad.stdout


def test_cli_replay_json_fields() -> None:
    """--json prints flow, outcome, verdict, the answer path and citations with quotes."""
    out = run("replay", str(DATA / "example" / "replays" / "can_claim.yaml"), "--json", "--flows",
              str(DATA / "example"))
    data = json.loads(out.stdout)[0]
    assert data["flow"] == "example" and data["outcome"] == "can_claim" and data["verdict"] == "可以"
    assert [p["question"] for p in data["path"]] == ["insured", "birth_date", "months_paid", "extras"]
    assert data["citations"][0]["document"] == "sample-law"
    assert data["citations"][0]["quote"] == "用人单位已经缴纳生育保险费的，其职工享受生育保险待遇。"
