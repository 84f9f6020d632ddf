"""Turning what a person typed (or a script wrote) into a valid answer, with messages in Chinese."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from .errors import AnswerError
from .model import UNSURE, Answer, Kind, Question, resolve_date_clamped

MAX_INPUT = 200
"""Longest typed answer we look at; a paste beyond this is refused, not parsed."""

_UNSURE_WORDS = {"unsure", "不确定", "不知道", "不清楚", "?", "？"}
_YES = {"yes", "y", "true", "是", "对", "有", "1"}
_NO = {"no", "n", "false", "否", "不是", "没有", "无", "2"}
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")
_THOUSANDS = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?$")
"""12,000 and 1,234,567.5 (commas only where thousands separators go: 1,2 is not 12)."""
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def _clean(text: str) -> str:
    """NFKC folds full-width digits and punctuation; control characters are dropped."""
    if len(text) > MAX_INPUT:
        raise AnswerError(f"输入太长了（{len(text)} 个字符）。", hint="请只输入回答本身。")
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return text.strip()


def _date_bounds(q: Question, today: dt.date) -> tuple[dt.date, dt.date]:
    return resolve_date_clamped(q.earliest, today), resolve_date_clamped(q.latest, today)


def _fmt_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _fmt_num(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:g}" if isinstance(x, float) else str(x)


def check_number(q: Question, value: float) -> float | int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AnswerError("请输入一个数字。")
    if isinstance(value, float) and not math.isfinite(value):  # ints are always finite (10**400 included)
        raise AnswerError("请输入一个数字。" if math.isnan(value) else "这个数字太大了，请检查。")
    if q.integer and value != int(value):
        raise AnswerError(f"请输入整数（不要小数）{('，单位：' + q.unit) if q.unit else ''}。")
    lo, hi = q.min, q.max
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        unit = q.unit
        raise AnswerError(f"请输入 {_fmt_num(lo)} 到 {_fmt_num(hi)} 之间的数字{('（' + unit + '）') if unit else ''}。")
    return int(value) if q.integer else float(value) + 0.0  # + 0.0 turns -0.0 into 0.0


def check_date(q: Question, value: dt.date, today: dt.date) -> dt.date:
    lo, hi = _date_bounds(q, today)
    if not lo <= value <= hi:
        raise AnswerError(f"日期应在 {_fmt_date(lo)} 到 {_fmt_date(hi)} 之间。")
    return value


def parse_date_text(text: str) -> dt.date:
    """Parse ``2025-03-01``, ``2025/3/1``, ``2025年3月1日`` or ``20250301``."""
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            if not 1 <= mo <= 12:
                raise AnswerError(f"没有{mo}月，月份应在 1 到 12 之间。")
            try:
                return dt.date(y, mo, d)
            except ValueError:
                if y < 1:
                    raise AnswerError("年份不对，请检查日期。") from None
                raise AnswerError(f"{y}年{mo}月没有{d}日，请检查日期。") from None
    raise AnswerError("日期格式不对，请按 年-月-日 输入，例如 2025-03-01。")


def validate(q: Question, value: Any, today: dt.date) -> Answer:
    """Check an already-typed value (from the engine, a script or the UI) against the question."""
    if value is UNSURE or value == "unsure":
        if q.unsure is None:
            raise AnswerError("这个问题没有“不确定”这个选项，请选一个回答。")
        return UNSURE
    if q.kind is Kind.YESNO:
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return parse_text(q, value, today)
        raise AnswerError("请回答“是”或“否”。")
    if q.kind is Kind.CHOICE:
        if isinstance(value, str) and q.option(value):
            return value
        if isinstance(value, str):
            return parse_text(q, value, today)
        raise AnswerError("请从选项里选一个。")
    if q.kind is Kind.MULTI:
        if isinstance(value, str):
            return parse_text(q, value, today)
        if not isinstance(value, (list, tuple, set, frozenset)):
            raise AnswerError("请选择零个或多个选项。")
        chosen = set()
        for v in value:
            if not isinstance(v, str) or q.option(v) is None:
                offered = "、".join(o.value for o in q.options)
                raise AnswerError(f"“{v}”不是这个问题的选项（可选：{offered}）。")
            chosen.add(v)
        return tuple(o.value for o in q.options if o.value in chosen)
    if q.kind is Kind.NUMBER:
        if isinstance(value, str):
            return parse_text(q, value, today)
        return check_number(q, value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return check_date(q, value, today)
    if isinstance(value, str):
        return parse_text(q, value, today)
    raise AnswerError("请输入日期，例如 2025-03-01。")


def parse_text(q: Question, raw: str, today: dt.date) -> Answer:
    """Parse what a person typed: an option number or label, 是/否, a number or a date."""
    text = _clean(raw)
    if not text:
        raise AnswerError("还没有输入回答。")
    if text.lower() in _UNSURE_WORDS or (q.unsure is not None and text == _clean(q.unsure)):
        return validate(q, UNSURE, today)
    if q.kind is Kind.YESNO:
        low = text.lower()
        if low in _YES or text == q.yes_label:
            return True
        if low in _NO or text == q.no_label:
            return False
        raise AnswerError("请回答“是”或“否”（也可以输入 1 或 2）。")
    if q.kind is Kind.CHOICE:
        return _pick(q, text)
    if q.kind is Kind.MULTI:
        parts = [p for p in re.split(r"[\s,，、;；]+", text) if p]
        if parts in (["0"], ["无"], ["none"]):
            return ()
        return validate(q, tuple(_pick(q, p) for p in parts), today)
    if q.kind is Kind.NUMBER:
        plain = text.replace(",", "") if _THOUSANDS.match(text) else text
        if not _NUMBER.match(plain):  # not float()'s wider syntax: no inf, nan, 1_000 or non-ASCII digits
            raise AnswerError(f"请输入数字{('（单位：' + q.unit + '）') if q.unit else ''}，例如 12。")
        return check_number(q, float(plain))
    return check_date(q, parse_date_text(text), today)


def _pick(q: Question, text: str) -> str:
    if text.isdigit() and 1 <= int(text) <= len(q.options):
        return q.options[int(text) - 1].value
    for o in q.options:
        if text in (o.value, _clean(o.label)):
            return o.value
    raise AnswerError(f"“{text[:20]}”不是选项之一，请输入 1 到 {len(q.options)} 的数字。")


def to_plain(value: Answer) -> Any:
    """An answer as JSON/YAML data (the form replay scripts and receipts use)."""
    if value is UNSURE:
        return "unsure"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def from_plain(q: Question, value: Any, today: dt.date) -> Answer:
    """Inverse of :func:`to_plain`, validating against the question."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        value = tuple(value)
    return validate(q, value, today)
