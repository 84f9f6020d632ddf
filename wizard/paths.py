"""Every path through a flow: representative answers, decision tables, graphs and what-ifs.

Answers are bucketed by the conditions that split them: a number question gets one
bucket per interval between the thresholds the flow compares it with, a date question
one per interval of the date differences it is compared by, and "不确定" its own bucket.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import combinations

from . import conditions as cnd
from . import engine
from .answers import validate
from .citations import citation_label
from .conditions import Comparison
from .errors import AnswerError, WizardError
from .model import UNSURE, Answer, Corpus, Flow, Kind, Question, add_months, resolve_date_clamped

MAX_PATHS = 50_000
"""Enumeration stops with an error beyond this; a flow this large should be split."""


@cache
def _comparisons(flow: Flow) -> tuple[Comparison, ...]:
    out: list[Comparison] = []
    for q in flow.questions.values():
        for rule in q.rules:
            if rule.when is not None:
                out.extend(cnd.comparisons(rule.when))
    return tuple(out)


@cache
def _about(flow: Flow, qid: str) -> tuple[Comparison, ...]:
    return tuple(c for c in _comparisons(flow) if qid in c.questions())


def reference_day(flow: Flow) -> dt.date:
    """The fixed "today" of decision tables, so they do not change from day to day."""
    return dt.date.fromisoformat(flow.updated)


def _numbers(c: Comparison) -> list[float]:
    vals = c.value if isinstance(c.value, tuple) else (c.value,)
    return [v for v in vals if isinstance(v, (int, float)) and not isinstance(v, bool)]


def _known(ref: object, vals: dict[str, Answer], today: dt.date) -> object:
    if isinstance(ref, (int, float)) and not isinstance(ref, bool):
        return ref
    if ref == "today":
        return today
    return vals.get(str(ref), UNSURE)


def _number_targets(q: Question, c: Comparison, vals: dict[str, Answer], today: dt.date) -> list[float]:
    """Values of q at which comparison c flips, given the answers already known."""
    targets = _numbers(c)
    if c.subject == "answer":
        return targets
    others = [_known(a, vals, today) for a in c.args if a != q.id]
    if any(o is UNSURE or not isinstance(o, (int, float)) for o in others) or c.args.count(q.id) != 1:
        return []
    nums = [float(o) for o in others]  # type: ignore[arg-type]
    if c.subject == "sum":
        return [t - sum(nums) for t in targets]
    if c.subject == "difference":
        return [t + nums[0] for t in targets] if c.args[0] == q.id else [nums[0] - t for t in targets]
    if c.subject == "product":
        prod = 1.0
        for n in nums:
            prod *= n
        return [t / prod for t in targets] if prod else []
    return []


def _shift(day: dt.date, days: int = 0, months: int = 0) -> dt.date | None:
    """``day`` moved by whole months and days, or None past the calendar's ends (years 1–9999)."""
    try:
        return add_months(day, months) + dt.timedelta(days=days)
    except (ValueError, OverflowError):
        return None


def _date_targets(q: Question, c: Comparison, vals: dict[str, Answer], today: dt.date) -> list[dt.date]:
    if c.subject == "answer":
        vals_ = c.value if isinstance(c.value, tuple) else (c.value,)
        return [resolve_date_clamped(v, today) for v in vals_ if isinstance(v, str)]
    if c.subject not in ("months_between", "days_between") or c.args[0] == c.args[1]:
        return []
    a, b = c.args
    other = _known(b if a == q.id else a, vals, today)
    if not isinstance(other, dt.date):
        return []
    sign = -1 if a == q.id else 1
    out = []
    for t in _numbers(c):
        if not math.isfinite(t):
            continue
        n = int(t) * sign
        moved = _shift(other, months=n) if c.subject == "months_between" else _shift(other, days=n)
        if moved is not None:  # a threshold beyond year 9999 splits no answer
            out.append(moved)
    return out


def candidates(flow: Flow, q: Question, vals: dict[str, Answer], today: dt.date) -> list[Answer]:
    """Representative answers of q: enough to take every branch any condition can tell apart."""
    raw: list[object] = []
    about = _about(flow, q.id)
    if q.kind in (Kind.YESNO, Kind.CHOICE):
        raw = [v for v, _ in q.choices()]
    elif q.kind is Kind.MULTI:
        mentioned = [o.value for o in q.options if any(
            o.value in (c.value if isinstance(c.value, tuple) else (c.value,)) for c in about)]
        mentioned = mentioned[:8]
        for size in range(len(mentioned) + 1):
            raw.extend(tuple(s) for s in combinations(mentioned, size))
        counts = {int(t) + d for c in about if c.subject == "count" for t in _numbers(c) for d in (-1, 0, 1)}
        values = [o.value for o in q.options]
        raw.extend(tuple(values[:n]) for n in sorted(counts) if 0 <= n <= len(values))
    elif q.kind is Kind.NUMBER:
        step = 1.0 if q.integer else 0.5
        points = {q.min, q.max}
        for c in about:
            for t in _number_targets(q, c, vals, today):
                points.update((t - step, t, t + step))
        ordered = sorted(p for p in points if p is not None)
        raw = [int(p) for p in ordered if float(p).is_integer()] if q.integer else list(ordered)
    else:
        lo, hi = resolve_date_clamped(q.earliest, today), resolve_date_clamped(q.latest, today)
        days = {lo, hi}
        for c in about:
            for d in _date_targets(q, c, vals, today):
                days.update(x for x in (_shift(d, days=-1), d, _shift(d, days=1)) if x is not None)
        raw.extend(sorted(days))
    if q.unsure is not None and q.kind not in (Kind.YESNO, Kind.CHOICE):
        raw.append(UNSURE)
    out: list[Answer] = []
    for value in raw:
        try:
            checked = validate(q, value, today)
        except AnswerError:
            continue
        if checked not in out:
            out.append(checked)
    return out


@dataclass(frozen=True)
class Bucket:
    """A set of answers to one question that no condition tells apart."""

    answer: Answer
    """The representative answer (first of the bucket)."""
    label: str


def buckets(flow: Flow, q: Question, vals: dict[str, Answer], today: dt.date) -> list[Bucket]:
    """The answers of q grouped by how every condition that can already be evaluated treats them."""
    about = [c for c in _about(flow, q.id) if set(c.questions()) <= set(vals) | {q.id}]
    groups: dict[tuple[object, ...], list[Answer]] = {}
    for value in candidates(flow, q, vals, today):
        trial = {**vals, q.id: value}
        try:
            index, _ = engine.route(flow, q, trial, today)
        except engine.FlowStuck:
            index = -1
        signature: tuple[object, ...] = (index, value is UNSURE)
        signature += tuple(cnd.evaluate(c, trial, today) for c in about)
        groups.setdefault(signature, []).append(value)
    out = []
    for values in groups.values():
        out.append(Bucket(values[0], _bucket_label(flow, q, values, about, {**vals, q.id: values[0]}, today)))
    return out


def _bucket_label(flow: Flow, q: Question, values: list[Answer], about: list[Comparison],
                  trial: dict[str, Answer], today: dt.date) -> str:
    if q.kind in (Kind.YESNO, Kind.CHOICE) or values[0] is UNSURE:
        return " / ".join(q.describe(v) for v in values)
    if q.kind is Kind.MULTI and not any(c.subject == "count" for c in about):
        return " / ".join(q.describe(v) for v in values)
    parts = []
    for c in about:
        if c.value is UNSURE or (isinstance(c.value, tuple) and UNSURE in c.value):
            continue  # the unsure bucket is labelled on its own
        holds = cnd.evaluate(c, trial, today)
        text = cnd.describe(flow, c, negate=not holds)
        if text not in parts:
            parts.append(text)
    return " 且 ".join(parts) if parts else "任意"


@dataclass(frozen=True)
class PathStep:
    question: Question
    label: str
    answer: Answer


@dataclass(frozen=True)
class Path:
    """One way from the start to an outcome."""

    steps: tuple[PathStep, ...]
    outcome: str


def enumerate_paths(flow: Flow, today: dt.date | None = None) -> list[Path]:
    """Every path from the start to an outcome, answers bucketed by the conditions."""
    today = today or reference_day(flow)
    out: list[Path] = []

    def walk(node: str, vals: dict[str, Answer], steps: tuple[PathStep, ...]) -> None:
        if node in flow.outcomes:
            out.append(Path(steps, node))
            if len(out) > MAX_PATHS:
                raise WizardError(f"流程 “{flow.id}” 的路线超过 {MAX_PATHS} 条。", hint="把它拆成几个小流程。")
            return
        q = flow.questions[node]
        for bucket in buckets(flow, q, vals, today):
            trial = {**vals, q.id: bucket.answer}
            try:
                _, rule = engine.route(flow, q, trial, today)
            except engine.FlowStuck:
                continue
            walk(rule.goto, trial, steps + (PathStep(q, bucket.label, bucket.answer),))

    walk(flow.start, {}, ())
    return out


def steps_per_path(paths: list[Path]) -> int:
    return sum(len(p.steps) for p in paths)


# ----------------------------------------------------------------------------- what if


@dataclass(frozen=True)
class Alternative:
    """What the flow would have said with another answer to one question."""

    label: str
    answer: Answer
    state: engine.State


def what_if(state: engine.State, question_id: str) -> list[Alternative]:
    """For one answered question, each other bucket of answers and where it leads."""
    flow = state.flow
    q = flow.questions[question_id]
    before: dict[str, Answer] = {}
    for qid, value in state.answers:
        if qid == question_id:
            break
        before[qid] = value
    current = state.values.get(question_id)
    out = []
    for bucket in buckets(flow, q, before, state.today):
        trial_current = {**before, q.id: current} if current is not None else None
        if trial_current is not None and _same_bucket(flow, q, before, bucket.answer, current, state.today):
            continue
        out.append(Alternative(bucket.label, bucket.answer, engine.change(state, question_id, bucket.answer)))
    return out


def _same_bucket(flow: Flow, q: Question, before: dict[str, Answer], a: Answer, b: Answer | None,
                 today: dt.date) -> bool:
    if b is None:
        return False
    about = [c for c in _about(flow, q.id) if set(c.questions()) <= set(before) | {q.id}]
    ta, tb = {**before, q.id: a}, {**before, q.id: b}
    if engine.route(flow, q, ta, today)[0] != engine.route(flow, q, tb, today)[0]:
        return False
    if (a is UNSURE) != (b is UNSURE):
        return False
    if q.kind in (Kind.YESNO, Kind.CHOICE):
        return a == b
    return all(cnd.evaluate(c, ta, today) == cnd.evaluate(c, tb, today) for c in about)


# ----------------------------------------------------------------------------- output


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _citations_text(flow: Flow, outcome_id: str, corpus: Corpus) -> str:
    return "；".join(citation_label(c, corpus) for c in flow.outcomes[outcome_id].citations)


def decision_table(flow: Flow, corpus: Corpus, fmt: str = "markdown") -> str:
    """Every path as a table row: answers → outcome → citations (Markdown or CSV)."""
    paths = enumerate_paths(flow)
    rows = []
    for i, p in enumerate(paths, 1):
        answers = "；".join(f"{s.question.label}：{s.label}" for s in p.steps)
        o = flow.outcomes[p.outcome]
        rows.append((str(i), answers, o.id, o.verdict, o.title, _citations_text(flow, o.id, corpus)))
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["path", "answers", "outcome", "verdict", "title", "citations"])
        writer.writerows(rows)
        return buf.getvalue()
    reached = {p.outcome for p in paths}
    lines = [
        f"# {flow.title}（{flow.id}）决策表",
        "",
        (f"由 `wizard paths {flow.id}` 生成，请勿手改。流程版本 {flow.version}，"
         f"共 {len(paths)} 条路线，到达 {len(reached)}/{len(flow.outcomes)} 个结论。"),
        f"日期题的区间以流程的更新日期 {flow.updated} 为“今天”计算；“不确定”单列。",
        "",
        "| # | 回答 | 结论 | 判断 | 依据 |",
        "|---|---|---|---|---|",
    ]
    for n, answers, oid, verdict, title, cites in rows:
        lines.append(f"| {n} | {_cell(answers)} | {_cell(title)} (`{oid}`) | {verdict} | {_cell(cites)} |")
    missing = [o for o in flow.outcomes if o not in reached]
    if missing:
        lines += ["", f"没有路线到达的结论：{'、'.join(missing)}"]
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    return text.replace("\"", "#quot;").replace("\n", " ")


_VERDICT_MARK = {"可以": "✔", "不可以": "✘", "要看情况": "？", "说明": "ℹ"}


def edges(flow: Flow) -> Iterator[tuple[str, str, str]]:
    """(from, to, label) for every branch."""
    for q in flow.questions.values():
        previous = []
        for rule in q.rules:
            if rule.when is not None:
                label = cnd.describe(flow, rule.when)
                previous.append(rule.when)
            else:
                label = "其他情况" if previous else ""
            yield q.id, rule.goto, label


def graph(flow: Flow, fmt: str = "mermaid") -> str:
    """The flow as a Mermaid flowchart or a Graphviz DOT digraph."""
    if fmt == "dot":
        lines = [f"digraph \"{flow.id}\" {{", "  rankdir=TB;", "  node [fontname=\"Noto Sans CJK SC\"];"]
        for q in flow.questions.values():
            lines.append(f"  \"{q.id}\" [shape=box, label=\"{_dot(q.label)}\\n{_dot(q.text)}\"];")
        for o in flow.outcomes.values():
            lines.append(f"  \"{o.id}\" [shape=ellipse, label=\"{_dot(o.verdict)}：{_dot(o.title)}\"];")
        for a, b, label in edges(flow):
            lines.append(f"  \"{a}\" -> \"{b}\"" + (f" [label=\"{_dot(label)}\"]" if label else "") + ";")
        lines.append("}")
        return "\n".join(lines) + "\n"
    lines = ["flowchart TD"]
    for q in flow.questions.values():
        lines.append(f"  {q.id}[\"{_mermaid_text(q.label)}<br/>{_mermaid_text(q.text)}\"]")
    for o in flow.outcomes.values():
        mark = _VERDICT_MARK.get(o.verdict, "")
        lines.append(f"  {o.id}([\"{mark} {o.verdict}：{_mermaid_text(o.title)}\"])")
    for a, b, label in edges(flow):
        lines.append(f"  {a} -->|\"{_mermaid_text(label)}\"| {b}" if label else f"  {a} --> {b}")
    return "\n".join(lines) + "\n"


def _dot(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
