"""Replay scripts: answers by question id, replayed headlessly, with an optional expectation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import engine
from .answers import to_plain
from .citations import citation_label
from .errors import AnswerError, Problem, ReplayError, WizardError
from .loader import Library, read_document, schema_problems
from .model import Corpus
from .yamlload import format_path


@dataclass
class ReplayResult:
    """What replaying one script gave, and whether it met its expectation."""

    file: str
    flow: str
    state: engine.State | None = None
    expect: dict[str, str] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.problems and self.state is not None

    def as_dict(self, corpus: Corpus) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file, "flow": self.flow, "ok": self.ok}
        state = self.state
        if state is not None:
            outcome = state.outcome
            out["outcome"] = outcome.id if outcome else None
            out["verdict"] = outcome.verdict if outcome else None
            out["stopped_at"] = None if outcome else state.node
            out["path"] = [{"question": q, "answer": to_plain(a),
                            "answer_text": state.flow.questions[q].describe(a)} for q, a in state.answers]
            out["citations"] = [
                {"document": c.doc, "article": c.article, "paragraph": c.paragraph,
                 "label": citation_label(c, corpus), "quote": c.quote}
                for c in (outcome.citations if outcome else ())
            ]
        if self.mismatches:
            out["mismatches"] = self.mismatches
        if self.problems:
            out["problems"] = [p.as_dict() for p in self.problems]
        return out


def replay_file(path: Path, library: Library) -> ReplayResult:
    """Replay one script file against the library; problems are collected, never raised."""
    doc, _, problems = read_document(path)
    if doc is None:
        return ReplayResult(str(path), "", problems=problems)
    problems = schema_problems(doc, "replay")
    flow_id = doc.data.get("flow", "") if isinstance(doc.data, dict) else ""
    result = ReplayResult(str(path), str(flow_id), problems=problems)
    if problems:
        return result
    data = doc.data
    result.expect = dict(data.get("expect") or {})

    def problem(code: str, key: tuple[str | int, ...], message: str, hint: str = "") -> Problem:
        line, col = doc.positions.at(key)
        return Problem(code, message, hint, str(path), line, col, format_path(key))

    try:
        flow = library.get(flow_id)
    except WizardError as exc:
        result.problems.append(problem("unknown-flow", ("flow",), exc.message, exc.hint))
        return result
    try:
        today = dt.date.fromisoformat(data["today"]) if data.get("today") else None
    except ValueError:
        result.problems.append(problem("bad-date", ("today",), f"日期 {data['today']} 不存在。",
                                       "写成真实存在的日期，例如 2026-02-28。"))
        return result
    answers: dict[str, Any] = data["answers"]
    for qid in answers:
        if qid not in flow.questions:
            result.problems.append(problem("unknown-question", ("answers", qid),
                                           f"流程 “{flow.id}” 里没有问题 “{qid}”。",
                                           "问题 id 见 wizard paths " + flow.id + " 的表头。"))
    if result.problems:
        return result
    try:
        state = engine.replay(flow, answers, today)
    except AnswerError as exc:
        bad = next((q for q in answers if f"“{q}”" in exc.message), None)
        result.problems.append(problem("bad-answer", ("answers", bad) if bad else ("answers",),
                                       exc.message, exc.hint))
        return result
    result.state = state
    asked = {q for q, _ in state.answers}
    unused = [q for q in answers if q not in asked]
    if unused and state.done:
        result.mismatches.append(f"这些回答没有用到（路线上没有问到）：{'、'.join(unused)}")
    if not state.done:
        q = state.question
        result.mismatches.append(f"回答不够：停在问题 “{state.node}”（{q.label if q else ''}），没有到达结论")
    outcome = state.outcome
    if outcome is not None:
        want_outcome = result.expect.get("outcome")
        if want_outcome and want_outcome != outcome.id:
            result.mismatches.append(f"期望结论 “{want_outcome}”，实际是 “{outcome.id}”（{outcome.title}）")
        want_verdict = result.expect.get("verdict")
        if want_verdict and want_verdict != outcome.verdict:
            result.mismatches.append(f"期望判断 “{want_verdict}”，实际是 “{outcome.verdict}”")
    return result


def load_script(path: Path) -> dict[str, Any]:
    """A replay script's data after schema validation (raises ReplayError with the problems)."""
    doc, _, problems = read_document(path)
    if doc is None:
        raise ReplayError(f"无法读取回放脚本 {path}。", problems=problems)
    problems = schema_problems(doc, "replay")
    if problems:
        raise ReplayError(f"回放脚本 {path} 的格式不对。", problems=problems)
    data: dict[str, Any] = doc.data
    return data
