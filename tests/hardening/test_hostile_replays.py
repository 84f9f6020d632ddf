"""Hostile replay scripts: each gives located problems (or a clean result), never an exception or a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hardening_helpers import NO_CACHE_ENV

from wizard.loader import Library, load_library
from wizard.replay import replay_file

EXAMPLE = Path(__file__).parent.parent / "data" / "example"

SCRIPTS = {
    "wrong-types": ("flow: example\nanswers:\n  insured: [1, 2]\n  birth_date: {a: 1}\n", "schema", 3),
    "number-too-big": ("flow: example\nanswers:\n  insured: yes\n  birth_date: 2026-01-01\n  months_paid: "
                       + "9" * 90 + "\n", "bad-answer", 5),
    "number-too-long": ("flow: example\nanswers:\n  months_paid: " + "9" * 500 + "\n", "yaml-too-big", 3),
    "nan": ("flow: example\nanswers:\n  insured: yes\n  birth_date: 2026-01-01\n  months_paid: .nan\n", "bad-answer", 5),
    "inf": ("flow: example\nanswers:\n  insured: yes\n  birth_date: 2026-01-01\n  months_paid: .inf\n", "bad-answer", 5),
    "null-answer": ("flow: example\nanswers:\n  insured: null\n", "schema", 3),
    "null-answers": ("flow: example\nanswers:\n", "schema", 2),
    "today-zero": ("flow: example\ntoday: '0000-00-00'\nanswers: {}\n", "bad-date", 2),
    "today-impossible": ("flow: example\ntoday: 2023-02-29\nanswers: {}\n", "bad-date", 2),
    "flow-list": ("flow: [x]\nanswers: {}\n", "schema", 1),
    "unknown-flow": ("flow: nothing\nanswers: {}\n", "unknown-flow", 1),
    "escape-in-answer": ('flow: example\nanswers:\n  insured: "\\e[2J"\n', "control-char", 3),
    "unknown-question": ("flow: example\nanswers:\n  zz: 1\n", "unknown-question", 3),
    "datetime-answer": ("flow: example\nanswers:\n  insured: yes\n  birth_date: 2026-01-01 10:00:00\n",
                        "bad-answer", 4),
    "fullwidth-date": ("flow: example\nanswers:\n  insured: yes\n  birth_date: ２０２６－０２－３０\n", "bad-answer", 4),
    "alias-bomb": ("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nflow: example\nanswers: {}\n", "yaml-alias", 2),
    "list-document": ("- 1\n- 2\n", "schema", 1),
    "expect-list": ("flow: example\nanswers: {insured: yes}\nexpect: {outcome: [1]}\n", "schema", 3),
    "deep": ("flow: example\nanswers: {x: " + "[" * 5000 + "]" * 5000 + "}\n", "yaml-too-deep", 2),
}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library([EXAMPLE / "example.yaml"], EXAMPLE / "articles")


@pytest.mark.parametrize("name", list(SCRIPTS))
def test_hostile_replay_script_gives_a_located_problem(name: str, library: Library, tmp_path: Path) -> None:
    """A hostile replay script yields its problem code at its line from replay_file, and the CLI prints no traceback."""
    text, code, line = SCRIPTS[name]
    script = tmp_path / f"{name}.yaml"
    script.write_text(text, encoding="utf-8")
    result = replay_file(script, library)
    assert not result.ok
    assert [(p.code, p.line) for p in result.problems][:1] == [(code, line)], result.problems
    cli = subprocess.run([sys.executable, "-m", "wizard", "replay", str(script), "--flows", str(EXAMPLE)],
                         check=False, capture_output=True, text=True, timeout=60, env=NO_CACHE_ENV)
    assert "Traceback" not in cli.stdout + cli.stderr and cli.returncode == 1
