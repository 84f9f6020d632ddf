"""Regression tests for checks, conditions, replay and date bugs that hostile input found."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hardening_helpers import NO_CACHE_ENV, OUTCOMES

from wizard import conditions as cnd
from wizard import engine
from wizard.loader import load_corpus, load_flow, load_library
from wizard.model import UNSURE, resolve_date_clamped
from wizard.replay import replay_file

DATA = Path(__file__).parent.parent / "data"
EXAMPLE = DATA / "example"
ARTICLES = DATA / "invalid" / "articles"

FLOW = """id: bad
title: 测试流程
summary: 只用于测试。
version: "1.0"
updated: 2026-11-23
regions: [全国]
questions:
  - id: region
    kind: choice
    text: 哪里？
    options: [{value: sh, label: 上海}, {value: zj, label: 浙江}]
    next: n
  - id: n
    kind: number
    text: 几个月？
    min: 0
    max: 600
    next:
      - if: {answer: n, ge: 12}
        goto: ok
      - else: nope
""" + OUTCOMES


def problems(tmp_path: Path, old: str, new: str) -> list[tuple[str, int, str]]:
    assert old in FLOW
    f = tmp_path / "bad.yaml"
    f.write_text(FLOW.replace(old, new, 1), encoding="utf-8")
    corpus, _ = load_corpus(ARTICLES)
    loaded = load_flow(f, corpus)
    return [(p.code, p.line, p.message + " " + p.hint) for p in loaded.problems if p.is_error]


def test_the_fixture_flow_is_good(tmp_path: Path) -> None:
    """The flow these tests break loads without errors."""
    assert problems(tmp_path, "id: bad", "id: bad") == []


def test_quoted_impossible_updated_date_is_a_problem(tmp_path: Path) -> None:
    """A quoted ``updated: "2026-02-30"`` passes the schema pattern but is reported as bad-date, not a crash in paths."""
    found = problems(tmp_path, "updated: 2026-11-23", 'updated: "2026-02-30"')
    assert [(c, line) for c, line, _ in found] == [("bad-date", 5)]


@pytest.mark.parametrize("bound", ["min", "max"])
def test_nan_bounds_are_a_bad_range(tmp_path: Path, bound: str) -> None:
    """``min: .nan`` (or max) would accept every number; it is reported as bad-range."""
    old = "    min: 0\n" if bound == "min" else "    max: 600\n"
    found = problems(tmp_path, old, f"    {bound}: .nan\n")
    assert [(c, line) for c, line, _ in found] == [("bad-range", 16 if bound == "min" else 17)]
    assert ".nan" in found[0][2]


def test_nan_in_a_comparison_is_a_type_mismatch(tmp_path: Path) -> None:
    """``ge: .nan`` can never hold; it is reported as a type mismatch on its line."""
    found = problems(tmp_path, "{answer: n, ge: 12}", "{answer: n, ge: .nan}")
    assert [(c, line) for c, line, _ in found] == [("type-mismatch", 19)]


@pytest.mark.parametrize(("value", "words"), [("ｓｈ", "全角字符"), ("sh\u200b", "U+200B")], ids=["fullwidth", "zero-width"])
def test_option_values_with_odd_characters_are_explained(tmp_path: Path, value: str, words: str) -> None:
    """Comparing with ``ｓｈ`` or ``sh`` + U+200B names the odd character and suggests ``sh``."""
    old = "    next: n\n"
    new = f"    next:\n      - if: {{answer: region, is: \"{value}\"}}\n        goto: n\n      - else: n\n"
    found = problems(tmp_path, old, new)
    assert [(c, line) for c, line, _ in found] == [("value-not-offered", 13)]
    assert words in found[0][2] and "是不是想写 “sh”" in found[0][2]


def test_arithmetic_overflow_is_computed_exactly() -> None:
    """A product of a huge integer answer with a float constant compares exactly instead of raising OverflowError."""
    cond = cnd.parse({"product": ["n", "n", 1.5], "ge": 1})
    assert cnd.evaluate(cond, {"n": 10**308}, dt.date(2026, 1, 1)) is True
    assert cnd.evaluate(cnd.parse({"sum": ["n", float("inf")], "ge": 1}), {"n": 10**400}, dt.date(2026, 1, 1)) is False


@pytest.mark.parametrize(("literal", "today", "want"), [
    ("today-100y", dt.date(1, 1, 2), dt.date.min), ("today+2y", dt.date(9999, 12, 1), dt.date.max),
    ("today+9999d", dt.date(9999, 1, 1), dt.date.max), ("today-5m", dt.date(2026, 3, 31), dt.date(2025, 10, 31)),
])
def test_relative_dates_clamp_at_the_calendar_ends(literal: str, today: dt.date, want: dt.date) -> None:
    """Relative dates past year 1 or 9999 clamp to the calendar's end; ordinary ones are unchanged."""
    assert resolve_date_clamped(literal, today) == want


def test_comparison_with_a_far_relative_date_does_not_raise() -> None:
    """``lt: today+9999y`` on a late "today" evaluates (true) instead of raising ValueError."""
    cond = cnd.parse({"answer": "d", "lt": "today+9999y"})
    assert cnd.evaluate(cond, {"d": dt.date(2026, 1, 1)}, dt.date(2026, 1, 1)) is True
    assert cnd.evaluate(cond, {"d": UNSURE}, dt.date(2026, 1, 1)) is False


REPLAY = """flow: example
today: {today}
answers:
  insured: yes
  birth_date: {birth}
  months_paid: 13
  extras: []
"""


@pytest.mark.parametrize(("today", "birth", "code"), [
    ('"2026-02-30"', "2026-01-01", "bad-date"),
    ("2026-02-30", "2026-01-01", "bad-date"),
    ("0001-01-02", "0001-01-01", None),
], ids=["quoted-impossible", "unquoted-impossible", "year-one"])
def test_replay_scripts_with_odd_todays_give_problems_not_tracebacks(tmp_path: Path, today: str, birth: str,
                                                                   code: str | None) -> None:
    """A replay script whose ``today`` does not exist gives bad-date; one in year 1 replays (bounds clamp)."""
    script = tmp_path / "r.yaml"
    script.write_text(REPLAY.format(today=today, birth=birth), encoding="utf-8")
    library = load_library([EXAMPLE / "example.yaml"], EXAMPLE / "articles")
    result = replay_file(script, library)
    if code is None:
        assert result.state is not None and not result.problems
    else:
        assert [p.code for p in result.problems] == [code] and result.problems[0].line == 2
    cli = subprocess.run([sys.executable, "-m", "wizard", "replay", str(script), "--flows", str(EXAMPLE)],
                         check=False, capture_output=True, text=True, timeout=60, env=NO_CACHE_ENV)
    assert "Traceback" not in cli.stdout + cli.stderr and cli.returncode in (0, 1)


def test_engine_runs_on_the_first_day_of_the_calendar() -> None:
    """Starting a flow on 0001-01-02 and answering a date question does not raise ValueError."""
    library = load_library([EXAMPLE / "example.yaml"], EXAMPLE / "articles")
    flow = library.get("example")
    state = engine.start(flow, dt.date(1, 1, 2))
    state = engine.answer(state, True)
    for q in flow.questions.values():
        if q.kind.value == "date":
            engine.replay(flow, {**dict(state.answers), q.id: dt.date(1, 1, 1)}, state.today)


# ------------------------------------------------------------------ quotes: where the first difference is

def _article(text: str) -> tuple[Any, Any, Any]:
    from wizard.model import Article, Citation, LawDocument, Status
    article = Article("第一条", text)
    document = LawDocument("law", "法", "法", "law", "全国", Status.TWO_COPIES, {"第一条": article})
    return article, document, Citation


@pytest.mark.parametrize(("quote", "offset", "kind"), [
    ("其职工享受生育保险待遇.", 11, "全角/半角"),
    ("（一）应当从工伤保险基金中支付的;", 16, "全角/半角"),
    ("用人单位已经缴纳\u200b生育保险费的", 8, "文字不同"),
], ids=["full-stop", "semicolon-after-blank-line", "zero-width"])
def test_quote_mismatch_points_at_the_character_that_differs(quote: str, offset: int, kind: str) -> None:
    """A quote that differs in its last character is explained at that character, not at the first one."""
    from wizard.citations import diagnose
    article, document, citation = _article("用人单位已经缴纳生育保险费的，其职工享受生育保险待遇。\n\n（一）应当从工伤保险基金中支付的；")
    mismatch = diagnose(citation("law", "第一条", quote=quote), article, document)
    assert mismatch.offset == offset and kind in mismatch.explain()
    if "\u200b" in quote:
        assert "U+200B" in mismatch.explain()


# ------------------------------------------------------------------ decision tables at the calendar's edges

DATED = """id: dated
title: 测试流程
summary: 只用于测试。
version: "1.0"
updated: 2026-11-23
regions: [全国]
questions:
  - id: born
    kind: date
    text: 哪天？
    next:
      - if: DATE_RULE
        goto: ok
      - else: nope
outcomes:
  - {id: ok, verdict: 可以, title: 可以, explanation: 说明。, steps: [{what: 去办}], citations: [{doc: sample-law}]}
  - {id: nope, verdict: 不可以, title: 不可以, explanation: 说明。, steps: [{what: 去问}], citations: [{doc: sample-law}]}
"""


@pytest.mark.parametrize(("old", "new"), [
    ("DATE_RULE", "{months_between: [born, today], le: 1000000}"),
    ("DATE_RULE", "{days_between: [born, today], le: 99999999}"),
    ("DATE_RULE", "{answer: born, lt: today+7999y}"),
    ("updated: 2026-11-23", "updated: 0001-01-05"),
    ("updated: 2026-11-23", "updated: 9999-12-30"),
], ids=["months-beyond-9999", "days-beyond-9999", "relative-beyond-9999", "updated-year-one", "updated-year-9999"])
def test_decision_tables_survive_dates_past_the_calendar(tmp_path: Path, old: str, new: str) -> None:
    """A flow that passes the checks but compares dates beyond year 9999 (or is dated year 1) still gets its table."""
    from wizard.paths import decision_table

    f = tmp_path / "flow.yaml"
    f.write_text(DATED.replace(old, new).replace("DATE_RULE", "{answer: born, lt: today}"), encoding="utf-8")
    corpus, _ = load_corpus(ARTICLES)
    loaded = load_flow(f, corpus)
    assert loaded.flow is not None, [p.format() for p in loaded.errors]
    table = decision_table(loaded.flow, corpus)
    assert "(`ok`)" in table and "路线" in table
