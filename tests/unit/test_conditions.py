"""The condition language evaluates only its inputs, handles "unsure", and reads as plain Chinese."""

from __future__ import annotations

import datetime as dt

from wizard import conditions as cnd
from wizard.model import UNSURE, Flow, add_months, months_between, resolve_date

TODAY = dt.date(2026, 11, 23)


def ev(raw: dict, answers: dict) -> bool:  # type: ignore[type-arg]
    return cnd.evaluate(cnd.parse(raw), answers, TODAY)


def test_comparisons_on_numbers() -> None:
    """Ordering, equality and between compare numbers as expected."""
    assert ev({"answer": "n", "ge": 12}, {"n": 12})
    assert not ev({"answer": "n", "gt": 12}, {"n": 12})
    assert ev({"answer": "n", "between": [1, 3]}, {"n": 3})
    assert ev({"answer": "n", "in": [1, 2]}, {"n": 2})


def test_boolean_combinators() -> None:
    """all, any and not combine comparisons."""
    raw = {"all": [{"answer": "a", "is": True}, {"not": {"answer": "r", "in": ["sh", "zj"]}}]}
    assert ev(raw, {"a": True, "r": "bj"})
    assert not ev(raw, {"a": True, "r": "sh"})
    assert ev({"any": [{"answer": "a", "is": False}, {"answer": "r", "is": "sh"}]}, {"a": True, "r": "sh"})


def test_unsure_equals_only_itself() -> None:
    """An unsure answer matches is: unsure and negative tests, and no ordering."""
    assert ev({"answer": "n", "is": "unsure"}, {"n": UNSURE})
    assert not ev({"answer": "n", "ge": 0}, {"n": UNSURE})
    assert not ev({"answer": "n", "lt": 0}, {"n": UNSURE})
    assert ev({"answer": "n", "is_not": 3}, {"n": UNSURE})
    assert not ev({"answer": "n", "is": "unsure"}, {"n": 3})


def test_arithmetic_and_count() -> None:
    """sum, difference, product and count compute from the answers."""
    answers = {"a": 5, "b": 7, "m": ("x", "y")}
    assert ev({"sum": ["a", "b", 1], "is": 13}, answers)
    assert ev({"difference": ["b", "a"], "is": 2}, answers)
    assert ev({"product": ["a", 2], "ge": 10}, answers)
    assert ev({"count": "m", "is": 2}, answers)


def test_date_differences() -> None:
    """months_between and days_between count calendar months and days, today included."""
    birth = dt.date(2025, 11, 24)
    assert ev({"months_between": ["birth", "today"], "is": 11}, {"birth": birth})
    assert ev({"months_between": ["birth", "today"], "is": 12}, {"birth": dt.date(2025, 11, 23)})
    assert ev({"days_between": ["birth", "today"], "is": 364}, {"birth": birth})
    assert ev({"answer": "birth", "lt": "today-6m"}, {"birth": birth})


def test_months_between_edges() -> None:
    """Month arithmetic clamps month ends and counts backwards as negative."""
    assert months_between(dt.date(2025, 1, 31), dt.date(2025, 2, 27)) == 0
    assert months_between(dt.date(2025, 1, 31), dt.date(2025, 2, 28)) == 1  # one month after 31 Jan is 28 Feb
    assert months_between(dt.date(2025, 1, 31), dt.date(2025, 3, 1)) == 1
    assert months_between(dt.date(2025, 3, 1), dt.date(2025, 1, 1)) == -2
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert resolve_date("today-1y", TODAY) == dt.date(2025, 11, 23)
    assert resolve_date("today+30d", TODAY) == dt.date(2026, 12, 23)


def test_multi_membership() -> None:
    """includes, excludes, includes_any and includes_all test a set of chosen options."""
    got = {"m": ("a", "c")}
    assert ev({"answer": "m", "includes": "a"}, got)
    assert ev({"answer": "m", "excludes": "b"}, got)
    assert ev({"answer": "m", "includes_any": ["b", "c"]}, got)
    assert not ev({"answer": "m", "includes_all": ["a", "b"]}, got)


def test_evaluation_reads_nothing_but_its_answers() -> None:
    """A missing answer is treated as unsure: no lookup outside the mapping given."""
    assert not ev({"answer": "x", "ge": 1}, {})
    assert ev({"answer": "x", "is": "unsure"}, {})


def test_description_is_plain_chinese(example: Flow) -> None:
    """Conditions render with question labels, option labels, units and negation."""
    c = cnd.parse({"all": [{"answer": "months_paid", "ge": 12}, {"answer": "region", "is": "shanghai"}]})
    assert cnd.describe(example, c) == "连续缴费月数 ≥ 12 个月 且 参保地：上海"
    assert cnd.describe(example, c, negate=True) == "连续缴费月数 < 12 个月 或 参保地：不是 上海"
    assert cnd.describe(example, cnd.parse({"answer": "insured", "is": "unsure"})) == "单位交了生育保险：不确定"
