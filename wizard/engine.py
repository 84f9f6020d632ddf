"""The pure state machine that runs a flow: start, answer, back, change, replay, trace.

States are immutable. Every state is the flow plus the answers given so far, so any
state can be rebuilt by replaying its answers from the start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any
from weakref import WeakKeyDictionary

from . import conditions as cnd
from .answers import validate
from .errors import AnswerError, NotFoundError, WizardError
from .model import Answer, Flow, Outcome, Question, Rule


class FlowStuck(WizardError):
    """No branch of a question matched; the checks rule this out for flows that pass them."""

    title = "流程无法继续"


@dataclass(frozen=True)
class State:
    """Where a person is in a flow: the answers given, in order, and the node reached."""

    flow: Flow
    today: dt.date
    answers: tuple[tuple[str, Answer], ...]
    node: str

    @cached_property
    def values(self) -> Mapping[str, Answer]:
        """Answers by question id."""
        return MappingProxyType(dict(self.answers))

    @property
    def done(self) -> bool:
        return self.node in self.flow.outcomes

    @property
    def question(self) -> Question | None:
        return self.flow.questions.get(self.node)

    @property
    def outcome(self) -> Outcome | None:
        return self.flow.outcomes.get(self.node)


def start(flow: Flow, today: dt.date | None = None) -> State:
    """The state before the first answer."""
    return State(flow, today or dt.date.today(), (), flow.start)


def route(flow: Flow, question: Question, values: Mapping[str, Answer], today: dt.date) -> tuple[int, Rule]:
    """The first rule of ``question`` that holds, with its index."""
    for i, rule in enumerate(question.rules):
        if rule.when is None or cnd.evaluate(rule.when, values, today):
            return i, rule
    raise FlowStuck(f"问题 “{question.id}” 没有一个分支符合这个回答。",
                    hint="请运行 wizard check 检查这个流程（fall-through）。")


def answer(state: State, value: Any) -> State:
    """Answer the current question; the value is validated against it first."""
    q = state.question
    if q is None:
        raise AnswerError("已经得出结论，没有要回答的问题了。")
    checked = validate(q, value, state.today)
    values = dict(state.values)
    values[q.id] = checked
    _, rule = route(state.flow, q, values, state.today)
    return State(state.flow, state.today, state.answers + ((q.id, checked),), rule.goto)


def back(state: State) -> State:
    """One question back (the start stays the start)."""
    if not state.answers:
        return state
    previous = state.answers[:-1]
    node = state.answers[-1][0]
    return State(state.flow, state.today, previous, node)


def replay(flow: Flow, answers: Mapping[str, Any] | Iterable[tuple[str, Any]],
           today: dt.date | None = None) -> State:
    """Walk from the start, answering each question from ``answers`` until one is missing."""
    given = dict(answers.items() if isinstance(answers, Mapping) else answers)
    state = start(flow, today)
    while not state.done:
        q = state.question
        assert q is not None
        if q.id not in given:
            break
        try:
            state = answer(state, given[q.id])
        except AnswerError as exc:
            raise AnswerError(f"问题 “{q.id}”（{q.label}）：{exc.message}", hint=exc.hint) from None
    return state


def change(state: State, question_id: str, value: Any) -> State:
    """Change an earlier answer and replay: later answers are kept where still asked."""
    if question_id not in state.values:
        raise NotFoundError(f"还没有回答过问题 “{question_id}”。")
    given = dict(state.values)
    given[question_id] = value
    order = [q for q, _ in state.answers]
    return replay(state.flow, [(q, given[q]) for q in order], state.today)


def restart(state: State) -> State:
    """A fresh start of the same flow, forgetting every answer."""
    return start(state.flow, state.today)


# ------------------------------------------------------------------------------- progress

_LONGEST: WeakKeyDictionary[Flow, dict[str, int]] = WeakKeyDictionary()


def _longest(flow: Flow) -> dict[str, int]:
    """Most questions still to answer from each node (0 at outcomes)."""
    cached = _LONGEST.get(flow)
    if cached is not None:
        return cached
    memo: dict[str, int] = {o: 0 for o in flow.outcomes}

    def visit(n: str, depth: int = 0) -> int:
        if n in memo:
            return memo[n]
        if depth > len(flow.questions):  # a cycle: checks report it; don't recurse forever
            return 0
        q = flow.questions.get(n)
        memo[n] = 1 + max((visit(r.goto, depth + 1) for r in q.rules), default=0) if q else 0
        return memo[n]

    for n in flow.questions:
        visit(n)
    _LONGEST[flow] = memo
    return memo


@dataclass(frozen=True)
class Progress:
    """Step n of at most m."""

    step: int
    most: int


def progress(state: State) -> Progress:
    """The current step and the most steps the flow can still take from here."""
    done = len(state.answers)
    remaining = _longest(state.flow).get(state.node, 0)
    return Progress(step=done + (0 if state.done else 1), most=done + remaining)


# ------------------------------------------------------------------------------- trace


@dataclass(frozen=True)
class TraceItem:
    """One answer on the way to the outcome and the branch it took."""

    question: Question
    answer: Answer
    condition: str
    """The branch's condition in plain words (for else: the earlier conditions that failed)."""
    goto: str
    rule_index: int
    mattered: bool
    """False when the question's next does not depend on any answer."""
    uses: tuple[str, ...] = field(default=())
    """Question ids the branch condition read."""


def trace(state: State) -> tuple[TraceItem, ...]:
    """Each answer given, the condition it satisfied and where it led."""
    flow, items = state.flow, []
    values: dict[str, Answer] = {}
    for qid, value in state.answers:
        q = flow.questions[qid]
        values[qid] = value
        index, rule = route(flow, q, values, state.today)
        previous = [r.when for r in q.rules[:index] if r.when is not None]
        if rule.when is not None:
            text = cnd.describe(flow, rule.when)
            uses = tuple(sorted(cnd.referenced(rule.when)))
        elif previous:
            text = cnd.describe(flow, cnd.All(tuple(cnd.Not(p) for p in previous)))
            uses = tuple(sorted(set().union(*(cnd.referenced(p) for p in previous))))
        else:
            text, uses = "（无论怎么回答都到这里）", ()
        items.append(TraceItem(q, value, text, rule.goto, index, bool(previous) or rule.when is not None, uses))
    return tuple(items)
