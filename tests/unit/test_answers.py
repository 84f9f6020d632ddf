"""Typed answers are parsed leniently and validated strictly, with messages in Chinese."""

from __future__ import annotations

import datetime as dt

import pytest

from wizard.answers import parse_text, validate
from wizard.errors import AnswerError
from wizard.model import UNSURE, Flow

TODAY = dt.date(2026, 11, 23)


def test_numbers_accept_full_width_digits_and_check_range(example: Flow) -> None:
    """Full-width digits are folded; out-of-range and fractional input is refused in Chinese."""
    q = example.questions["months_paid"]
    assert parse_text(q, "１２", TODAY) == 12
    with pytest.raises(AnswerError, match="0 到 600"):
        parse_text(q, "601", TODAY)
    with pytest.raises(AnswerError, match="整数"):
        parse_text(q, "1.5", TODAY)
    with pytest.raises(AnswerError, match="数字"):
        parse_text(q, "十二", TODAY)
    with pytest.raises(AnswerError, match="数字"):
        validate(q, float("nan"), TODAY)


def test_dates_in_common_formats(example: Flow) -> None:
    """ISO, slashes and 年月日 parse; impossible and out-of-bounds dates are refused."""
    q = example.questions["birth_date"]
    for text in ("2026-03-01", "2026/3/1", "2026年3月1日", "20260301"):
        assert parse_text(q, text, TODAY) == dt.date(2026, 3, 1)
    with pytest.raises(AnswerError, match="2月没有30日"):
        parse_text(q, "2026-02-30", TODAY)
    with pytest.raises(AnswerError, match="之间"):
        parse_text(q, "1990-01-01", TODAY)
    with pytest.raises(AnswerError, match="格式"):
        parse_text(q, "去年春天", TODAY)


def test_choices_by_number_label_or_value(example: Flow) -> None:
    """A choice is picked by its number, its label or its value, and nothing else."""
    q = example.questions["region"]
    assert parse_text(q, "1", TODAY) == "shanghai"
    assert parse_text(q, "其他地区", TODAY) == "other"
    assert validate(q, "other", TODAY) == "other"
    with pytest.raises(AnswerError, match="不是选项"):
        parse_text(q, "北京", TODAY)


def test_yes_no_and_unsure(example: Flow) -> None:
    """是/否 words and unsure parse; unsure is refused where not offered."""
    q = example.questions["insured"]
    assert parse_text(q, "是", TODAY) is True
    assert parse_text(q, "否", TODAY) is False
    assert parse_text(q, "不确定", TODAY) is UNSURE
    with pytest.raises(AnswerError, match="不确定"):
        validate(example.questions["region"], "unsure", TODAY)


def test_multi_lists_are_normalised(example: Flow) -> None:
    """Multiple choices keep option order, accept 0 for none, and refuse unknown options."""
    q = example.questions["extras"]
    assert validate(q, ["twins", "difficult"], TODAY) == ("difficult", "twins")
    assert parse_text(q, "0", TODAY) == ()
    assert parse_text(q, "2，1", TODAY) == ("difficult", "twins")
    with pytest.raises(AnswerError, match="不是这个问题的选项"):
        validate(q, ["triplets"], TODAY)


def test_huge_and_control_input_is_refused_or_cleaned(example: Flow) -> None:
    """Pastes beyond the limit are refused; escape sequences are stripped before parsing."""
    q = example.questions["months_paid"]
    with pytest.raises(AnswerError, match="太长"):
        parse_text(q, "1" * 10_000, TODAY)
    assert parse_text(q, "\x0712\x00", TODAY) == 12
    with pytest.raises(AnswerError, match="数字"):
        parse_text(q, "\x1b[31m12", TODAY)  # ESC is dropped, "[31m12" is still not a number
