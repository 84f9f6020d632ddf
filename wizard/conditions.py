"""The structured condition language: parse, type-check, evaluate and describe conditions.

A condition is YAML data validated by the flow schema, never a string to be parsed or
evaluated: ``{all: [...]}``, ``{any: [...]}``, ``{not: ...}``, or a comparison made of one
subject (``answer``, ``months_between``, ``days_between``, ``sum``, ``difference``,
``product``, ``count``) and one operator (``is``, ``is_not``, ``in``, ``not_in``,
``includes``, ``excludes``, ``includes_any``, ``includes_all``, ``lt``, ``le``, ``gt``,
``ge``, ``between``). Evaluation only reads the answers it is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .model import UNSURE, Answer, Flow, Kind, Question, months_between, resolve_date_clamped
from .yamlload import JsonPath

SUBJECTS = ("answer", "months_between", "days_between", "sum", "difference", "product", "count")
OPERATORS = ("is", "is_not", "in", "not_in", "includes", "excludes", "includes_any",
             "includes_all", "lt", "le", "gt", "ge", "between")
ORDERING = ("lt", "le", "gt", "ge", "between")
MEMBERSHIP = ("includes", "excludes", "includes_any", "includes_all")
EQUALITY = ("is", "is_not", "in", "not_in")

_OP_TEXT = {"is": "是", "is_not": "不是", "in": "是", "not_in": "不是", "includes": "选了",
            "excludes": "没选", "includes_any": "选了其中之一：", "includes_all": "全都选了：",
            "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "between": "在"}
_NEGATED = {"is": "is_not", "is_not": "is", "in": "not_in", "not_in": "in", "includes": "excludes",
            "excludes": "includes", "lt": "ge", "ge": "lt", "gt": "le", "le": "gt"}


@dataclass(frozen=True)
class Comparison:
    """One comparison of a subject with a literal value."""

    subject: str
    """One of SUBJECTS."""
    args: tuple[Any, ...]
    """Question ids (or ``today``, or numbers for arithmetic) the subject is computed from."""
    op: str
    value: Any
    path: JsonPath = ()

    def questions(self) -> tuple[str, ...]:
        return tuple(a for a in self.args if isinstance(a, str) and a != "today")


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]
    path: JsonPath = ()


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]
    path: JsonPath = ()


@dataclass(frozen=True)
class Not:
    item: Condition
    path: JsonPath = ()


Condition = Comparison | All | AnyOf | Not


def parse(raw: Mapping[str, Any], path: JsonPath = ()) -> Condition:
    """Build a condition from schema-valid data (the schema guarantees the shape)."""
    if "all" in raw:
        return All(tuple(parse(c, path + ("all", i)) for i, c in enumerate(raw["all"])), path)
    if "any" in raw:
        return AnyOf(tuple(parse(c, path + ("any", i)) for i, c in enumerate(raw["any"])), path)
    if "not" in raw:
        return Not(parse(raw["not"], path + ("not",)), path)
    subject = next(k for k in SUBJECTS if k in raw)
    op = next(k for k in OPERATORS if k in raw)
    arg = raw[subject]
    args = tuple(arg) if isinstance(arg, list) else (arg,)
    value = raw[op]
    if isinstance(value, list):
        value = tuple(UNSURE if v == "unsure" else v for v in value)
    elif value == "unsure":
        value = UNSURE
    return Comparison(subject, args, op, value, path)


def comparisons(cond: Condition) -> Iterator[Comparison]:
    """Every comparison inside a condition, depth first."""
    if isinstance(cond, Comparison):
        yield cond
    elif isinstance(cond, Not):
        yield from comparisons(cond.item)
    else:
        for item in cond.items:
            yield from comparisons(item)


def referenced(cond: Condition) -> set[str]:
    """Question ids a condition reads."""
    return {q for c in comparisons(cond) for q in c.questions()}


# ---------------------------------------------------------------------------------- evaluation


def _subject_value(c: Comparison, answers: Mapping[str, Answer], today: dt.date) -> Any:
    """The compared value, or UNSURE when any input is unsure or missing."""
    def get(ref: Any) -> Any:
        if isinstance(ref, (int, float)) and not isinstance(ref, bool):
            return ref
        if ref == "today":
            return today
        return answers.get(ref, UNSURE)

    vals = [get(a) for a in c.args]
    if any(v is UNSURE for v in vals):
        return UNSURE
    if c.subject in ("answer", "count"):
        return len(vals[0]) if c.subject == "count" else vals[0]
    if c.subject == "months_between":
        return months_between(vals[0], vals[1])
    if c.subject == "days_between":
        return (vals[1] - vals[0]).days
    try:
        return _arithmetic(c.subject, vals)
    except OverflowError:
        # A huge integer met a float (e.g. 10**400 × 1.5): redo it exactly; Fractions compare with both.
        try:
            return _arithmetic(c.subject, [Fraction(v) for v in vals])
        except (OverflowError, ValueError):  # an infinite constant has no exact value
            return UNSURE


def _arithmetic(subject: str, vals: list[Any]) -> Any:
    if subject == "sum":
        return sum(vals)
    if subject == "difference":
        return vals[0] - vals[1]
    result = 1
    for v in vals:
        result *= v
    return result


def _literal(value: Any, today: dt.date, like: Any) -> Any:
    if isinstance(like, dt.date) and isinstance(value, str):
        return resolve_date_clamped(value, today)
    return value


def _compare(c: Comparison, got: Any, today: dt.date) -> bool:
    op, value = c.op, c.value
    if got is UNSURE:
        # "Unsure" equals only itself; every other test on it is false, except the negative ones.
        if op == "is":
            return value is UNSURE
        if op == "is_not":
            return value is not UNSURE
        if op == "in":
            return UNSURE in value
        return op == "not_in" and UNSURE not in value
    if op == "is":
        return bool(got == _literal(value, today, got))
    if op == "is_not":
        return bool(got != _literal(value, today, got))
    if op == "in":
        return any(got == _literal(v, today, got) for v in value)
    if op == "not_in":
        return all(got != _literal(v, today, got) for v in value)
    if op == "includes":
        return value in got
    if op == "excludes":
        return value not in got
    if op == "includes_any":
        return any(v in got for v in value)
    if op == "includes_all":
        return all(v in got for v in value)
    if op == "between":
        lo, hi = (_literal(v, today, got) for v in value)
        return bool(lo <= got <= hi)
    ref = _literal(value, today, got)
    if op == "lt":
        return bool(got < ref)
    if op == "le":
        return bool(got <= ref)
    if op == "gt":
        return bool(got > ref)
    return bool(got >= ref)


def evaluate(cond: Condition, answers: Mapping[str, Answer], today: dt.date) -> bool:
    """Whether ``cond`` holds for these answers; reads nothing else."""
    if isinstance(cond, Comparison):
        return _compare(cond, _subject_value(cond, answers, today), today)
    if isinstance(cond, All):
        return all(evaluate(c, answers, today) for c in cond.items)
    if isinstance(cond, AnyOf):
        return any(evaluate(c, answers, today) for c in cond.items)
    return not evaluate(cond.item, answers, today)


def evaluable(cond: Condition, answered: set[str] | frozenset[str]) -> bool:
    return referenced(cond) <= answered


# ---------------------------------------------------------------------------------- describing


def _qname(flow: Flow, qid: Any) -> str:
    if qid == "today":
        return "今天"
    if isinstance(qid, (int, float)):
        return f"{qid:g}" if isinstance(qid, float) else str(qid)
    q = flow.questions.get(qid)
    return q.label if q else str(qid)


def _value_text(flow: Flow, c: Comparison, value: Any) -> str:
    q = flow.questions.get(c.args[0]) if c.subject == "answer" else None
    if value is UNSURE:
        return q.unsure or "不确定" if q else "不确定"
    if isinstance(value, tuple):
        return "、".join(_value_text(flow, c, v) for v in value)
    if q is not None and q.kind is Kind.DATE and isinstance(value, str):
        return _date_text(value)
    if q is not None and (q.kind in (Kind.CHOICE, Kind.MULTI, Kind.YESNO)):
        if q.kind is Kind.YESNO and isinstance(value, bool):
            return q.describe(value)
        opt = q.option(str(value))
        return opt.label if opt else str(value)
    if isinstance(value, str) and value.startswith("today"):
        return _date_text(value)
    unit = ""
    if c.subject in ("months_between",):
        unit = " 个月"
    elif c.subject == "days_between":
        unit = " 天"
    elif c.subject == "count":
        unit = " 项"
    elif q is not None and q.unit:
        unit = f" {q.unit}"
    num = f"{value:g}" if isinstance(value, float) else str(value)
    return num + unit


def _date_text(literal: str) -> str:
    if literal == "today":
        return "今天"
    if literal.startswith("today"):
        sign, n, unit = literal[5], literal[6:-1], literal[-1]
        word = {"d": "天", "m": "个月", "y": "年"}[unit]
        return f"{n}{word}{'前' if sign == '-' else '后'}"
    y, m, d = literal.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def subject_text(flow: Flow, c: Comparison) -> str:
    names = [_qname(flow, a) for a in c.args]
    if c.subject == "answer":
        return names[0]
    if c.subject == "count":
        return f"{names[0]}选了几项"
    if c.subject == "months_between":
        return f"从{names[0]}到{names[1]}的月数"
    if c.subject == "days_between":
        return f"从{names[0]}到{names[1]}的天数"
    if c.subject == "sum":
        return " + ".join(names)
    if c.subject == "difference":
        return f"{names[0]} − {names[1]}"
    return " × ".join(names)


def describe(flow: Flow, cond: Condition | None, negate: bool = False) -> str:
    """The condition in plain Chinese, e.g. ``参保地 是 上海 且 缴费月数 ≥ 12 个月``."""
    if cond is None:
        return "其他情况"
    if isinstance(cond, Not):
        return describe(flow, cond.item, not negate)
    if isinstance(cond, (All, AnyOf)):
        joiner = " 且 " if isinstance(cond, All) != negate else " 或 "
        parts = [describe(flow, c, negate) for c in cond.items]
        text = joiner.join(f"（{p}）" if (" 且 " in p or " 或 " in p) else p for p in parts)
        return text
    op = cond.op
    if negate:
        if op in _NEGATED:
            op = _NEGATED[op]
        else:
            return f"并非（{describe(flow, cond)}）"
    subject = subject_text(flow, cond)
    if op == "between":
        lo, hi = (_value_text(flow, cond, v) for v in cond.value)
        return f"{subject} 在 {lo} 到 {hi} 之间"
    if op in ("is", "in"):
        return f"{subject}：{_value_text(flow, cond, cond.value).replace('、', ' 或 ')}"
    if op in ("is_not", "not_in"):
        return f"{subject}：不是 {_value_text(flow, cond, cond.value).replace('、', ' 或 ')}"
    if op in ("includes", "excludes"):
        return f"{subject}：{_OP_TEXT[op]} {_value_text(flow, cond, cond.value)}"
    if op in ("includes_any", "includes_all"):
        return f"{subject}：{_OP_TEXT[op]}{_value_text(flow, cond, cond.value)}"
    return f"{subject} {_OP_TEXT[op]} {_value_text(flow, cond, cond.value)}"


# ---------------------------------------------------------------------------------- typing

VALUE_KIND = {Kind.YESNO: "是/否", Kind.CHOICE: "单选", Kind.MULTI: "多选", Kind.NUMBER: "数字",
              Kind.DATE: "日期"}


def subject_kind(c: Comparison, questions: Mapping[str, Question]) -> Kind | None:
    """The type a comparison's subject has: the answered question's kind, or NUMBER if computed."""
    if c.subject == "answer":
        q = questions.get(c.args[0])
        return q.kind if q else None
    return Kind.NUMBER
