"""The "为什么" data: each answer, the condition it met, where it led, and what other answers would have done.

Pure (no Textual): everything comes from `wizard.engine.trace` and, when the core has it,
`wizard.paths.what_if`; nothing here is hand-written per flow.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..citations import citation_label
from ..engine import State, trace
from ..errors import WizardError
from ..model import Corpus, Flow
from ..receipt import verdict_text


def _load_what_if() -> Callable[[State, str], list[Any]] | None:
    """`wizard.paths.what_if` if the core provides it (it is being written), else None."""
    try:
        module = importlib.import_module("wizard.paths")
    except ModuleNotFoundError as exc:
        if exc.name != "wizard.paths":
            raise
        return None
    return getattr(module, "what_if", None)


@dataclass(frozen=True)
class Alternative:
    """"如果当时选 label" → result."""

    label: str
    result: str


@dataclass(frozen=True)
class WhyItem:
    """One answer on the way to the outcome."""

    number: int
    question: str
    answer: str
    condition: str
    leads_to: str
    alternatives: tuple[Alternative, ...] | None
    """None when alternatives could not be computed (no `what_if` in the core)."""


def node_text(flow: Flow, node: str) -> str:
    """Where a branch leads, in words: the next question's label or the outcome's verdict and title."""
    if node in flow.outcomes:
        outcome = flow.outcomes[node]
        return f"结论：{verdict_text(outcome.verdict)} {outcome.title}"
    if node in flow.questions:
        return f"接着问：{flow.questions[node].label}"
    return node


def result_text(state: State) -> str:
    """Where a what-if state ends: its outcome, or the question it would ask next."""
    return node_text(state.flow, state.node)


def explain(state: State, what_if: Callable[[State, str], list[Any]] | None | bool = True) -> list[WhyItem]:
    """The trace of ``state`` with, per answer, the engine's what-if alternatives.

    ``what_if=True`` looks the function up in the core; pass None to leave alternatives out.
    """
    finder = _load_what_if() if what_if is True else what_if or None
    items = []
    for n, item in enumerate(trace(state), 1):
        alternatives: tuple[Alternative, ...] | None = None
        if callable(finder):
            try:
                found = finder(state, item.question.id)
            except WizardError:
                found = []
            alternatives = tuple(Alternative(str(a.label), result_text(a.state)) for a in found)
        items.append(WhyItem(n, item.question.label, item.question.describe(item.answer),
                             item.condition, node_text(state.flow, item.goto), alternatives))
    return items


def basis(state: State, corpus: Corpus) -> list[str]:
    """The citation labels the outcome rests on."""
    if state.outcome is None:
        return []
    return [citation_label(c, corpus) for c in state.outcome.citations]
