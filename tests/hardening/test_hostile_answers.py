"""Hostile answers at the core: parse_text and validate give a valid answer or an AnswerError in Chinese."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from wizard.answers import MAX_INPUT, parse_text, validate
from wizard.errors import AnswerError
from wizard.model import UNSURE, Kind, Option, Question

TODAY = dt.date(2026, 11, 23)
CJK = re.compile(r"[\u4e00-\u9fff]")

QUESTIONS = {
    "yesno": Question("y", Kind.YESNO, "是吗？", "是否", unsure="不确定"),
    "choice": Question("c", Kind.CHOICE, "哪里？", "地区", options=(Option("sh", "上海"), Option("zj", "浙江")),
                       unsure="不知道"),
    "multi": Question("m", Kind.MULTI, "哪些？", "材料", options=(Option("a", "甲"), Option("b", "乙"))),
    "months": Question("n", Kind.NUMBER, "几个月？", "月数", min=0, max=600, unit="个月"),
    "money": Question("f", Kind.NUMBER, "多少钱？", "金额", min=-1e300, max=1e300, integer=False, unit="元"),
    "unbounded": Question("i", Kind.NUMBER, "多少？", "数", min=float("-inf"), max=float("inf")),
    "date": Question("d", Kind.DATE, "哪天？", "日期"),
    "wide-date": Question("w", Kind.DATE, "哪天？", "日期", earliest="today-9999y", latest="today+9999y"),
}

HOSTILE_TEXTS = [
    # huge pastes
    "9" * 100_000, "1" * MAX_INPUT, "1" * (MAX_INPUT + 1), "测" * 5_000, "a" * 200, "1, " * 2_000,
    # control and escape sequences
    "\x1b[2J\x1b[H", "\x1b]0;pwned\x07", "\x00", "12\x00", "\x7f", "\r\n", "\t12\t", "\x08\x08\x081",
    "\u009b31m", "\\x1b[31m", "%s%s%n", "{0.__class__}", "<script>alert(1)</script>", "'; DROP TABLE x; --",
    # invalid dates
    "2月30日", "2023-02-29", "2026-02-30", "2025年13月1日", "2025-00-10", "0000-01-01", "9999-12-31",
    "10000-01-01", "20250230", "2025/2/29", "2025.04.31", "２０２５－０２－３０", "2025-1-1-1",
    # numbers: negative, astronomically large, special
    "1e308", "1e309", "-1e308", "1" + "0" * 400, "10**400", "-0", "-0.0", "+0", "inf", "-inf", "Infinity",
    "nan", "NaN", "-nan", "1e-400", "0x10", "0b1", "1_000", "1,2", "12,000", "1,234,567.5", "５e２",
    "１２", "１２．５", "-１", "٣", "١٢", "²", "一二", "十二", "Ⅻ", "½", "1/2", "12个月", "12 个月",
    # right-to-left, combining, invisible
    "\u202e21", "\u202d12", "\u2066是\u2069", "1\u0301", "是\u0301", "\u200b12", "12\u200b", "\ufeff12",
    "\u00a012\u00a0", "\u3000是\u3000", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629", "ab\u05d0\u05d1",
    "e\u0301\u0301\u0301\u0301\u0301", "\U0001f642", "\ud800", "\udfff12",
    # empty-ish and words
    "", " ", "\n\n", "？", "?", "不确定", "unsure", "UNSURE", "不知道", "0", "无", "none", "3", "-1",
    "上海", "上海市", "是", "否", "Y", "ｙｅｓ", "yes\u200b", "True", "1 1 1", "1,2,3", "甲、乙", "甲,,乙",
]


def assert_ok_or_chinese_error(q: Question, call: Any, *args: Any) -> Any:
    try:
        result = call(q, *args, TODAY)
    except AnswerError as exc:
        assert CJK.search(exc.message), exc.message
        return None
    # A value came back: it must itself be a valid answer to the question.
    assert validate(q, result, TODAY) == result
    return result


@pytest.mark.parametrize("kind", list(QUESTIONS))
def test_hostile_texts_give_an_answer_or_a_chinese_error(kind: str) -> None:
    """Every hostile text typed at every kind of question is parsed to a valid answer or refused with a Chinese AnswerError."""
    q = QUESTIONS[kind]
    for text in HOSTILE_TEXTS:
        assert_ok_or_chinese_error(q, parse_text, text)
        assert_ok_or_chinese_error(q, validate, text)


HOSTILE_VALUES: list[Any] = [
    True, False, None, 0, -0.0, 1.5, float("nan"), float("inf"), float("-inf"), 10**400, -(10**400), 2**63,
    [], {}, (), ["a", "a"], ("a", 1), [None], {"a": 1}, frozenset({"a"}), {"a"}, b"12", bytearray(b"1"),
    object(), type, dt.datetime(2026, 1, 1, 5, 0), dt.date.max, dt.date.min, dt.time(1, 2), dt.timedelta(1),
    "unsure", UNSURE, 1j, Ellipsis,
]


@pytest.mark.parametrize("kind", list(QUESTIONS))
def test_hostile_values_give_an_answer_or_a_chinese_error(kind: str) -> None:
    """Every wrong-typed value a script could carry (None, NaN, 10**400, bytes, objects) validates or gives a Chinese AnswerError."""
    q = QUESTIONS[kind]
    for value in HOSTILE_VALUES:
        assert_ok_or_chinese_error(q, validate, value)


@pytest.mark.parametrize(("text", "words"), [
    ("2月30日", "格式"), ("2023-02-29", "2023年2月没有29日"), ("2026-02-30", "没有30日"), ("2025年13月1日", "月份"),
    ("0000-01-01", "年份"), ("20250230", "没有30日"), ("２０２５－０２－３０", "没有30日"),
])
def test_impossible_dates_are_explained(text: str, words: str) -> None:
    """A date that does not exist is refused with a message that says what is wrong with it."""
    with pytest.raises(AnswerError, match=words):
        parse_text(QUESTIONS["date"], text, TODAY)


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "Infinity", "0x10", "1_000", "1,2", "٣", "10**400"])
def test_number_syntax_beyond_plain_decimals_is_refused(text: str) -> None:
    """Only plain decimal numbers are numbers: inf, nan, hex, underscores, odd commas and non-ASCII digits are refused."""
    with pytest.raises(AnswerError, match="数字"):
        parse_text(QUESTIONS["unbounded"], text, TODAY)


@pytest.mark.parametrize(("text", "value"), [
    ("１２", 12), ("12,000", 12000), ("-0", 0), ("+3", 3), ("1e3", 1000), (" 12 ", 12), ("12\u200b", 12),
    ("\x1b12", 12),
])
def test_plain_numbers_in_any_width_are_accepted(text: str, value: int) -> None:
    """Full-width digits, thousands separators, signs and stray invisible characters still give the number."""
    assert parse_text(QUESTIONS["unbounded"], text, TODAY) == value


def test_negative_zero_is_zero() -> None:
    """``-0`` for a decimal question is 0.0, not -0.0 (which would print as "-0")."""
    got = parse_text(QUESTIONS["money"], "-0", TODAY)
    assert got == 0 and str(got) == "0.0"


@pytest.mark.parametrize(("kind", "text"), [("months", "1" + "0" * 199), ("money", "1e309"), ("unbounded", "1e309"),
                                           ("months", "9" * 200)], ids=["1e199-digits", "1e309", "1e309-unbounded",
                                                                        "200-nines"])
def test_astronomical_numbers_are_out_of_range_not_a_crash(kind: str, text: str) -> None:
    """A number too large for the question (or for a float) is refused with a message about its size or range."""
    with pytest.raises(AnswerError, match="太大|之间"):
        parse_text(QUESTIONS[kind], text, TODAY)


def test_huge_integer_value_is_refused_without_overflow() -> None:
    """``10**400`` as a script value gives a range error instead of OverflowError."""
    with pytest.raises(AnswerError, match="之间"):
        validate(QUESTIONS["months"], 10**400, TODAY)
    assert validate(QUESTIONS["unbounded"], 10**400, TODAY) == 10**400


def test_paste_beyond_the_limit_is_refused_before_parsing() -> None:
    """A 100 000-character paste is refused by length with its size in the message."""
    with pytest.raises(AnswerError, match="太长"):
        parse_text(QUESTIONS["months"], "9" * 100_000, TODAY)


@pytest.mark.parametrize("today", [dt.date(1, 1, 2), dt.date(9999, 12, 30)])
def test_relative_bounds_at_the_ends_of_the_calendar_are_clamped(today: dt.date) -> None:
    """``today-100y`` on 0001-01-02 (or ``today+2y`` near 9999) clamps instead of raising ValueError."""
    got = validate(QUESTIONS["date"], today, today)
    assert got == today
    with pytest.raises(AnswerError):
        parse_text(QUESTIONS["date"], "2026-02-30", today)
