"""Fixtures and key-driving helpers for the TUI tests: the example flow, a fixed today, answers as keys."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from wizard.answers import validate
from wizard.loader import Library, load_library
from wizard.model import UNSURE, Answer, Kind, Question
from wizard.tui.app import WizardApp

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_DIR = ROOT / "tests" / "data" / "example"
EXAMPLE_FLOW = EXAMPLE_DIR / "example.yaml"
EXAMPLE_ARTICLES = EXAMPLE_DIR / "articles"
TODAY = dt.date(2026, 11, 23)
"""The example's dates are relative to today: fix it so snapshots and outcomes never drift."""


@pytest.fixture(scope="session")
def example_library() -> Library:
    return load_library([EXAMPLE_FLOW], EXAMPLE_ARTICLES)


def make_app(library: Library, **kwargs: Any) -> WizardApp:
    kwargs.setdefault("today", TODAY)
    return WizardApp(library, **kwargs)


def keys_for(question: Question, value: Any, today: dt.date) -> list[str]:
    """The keys a person presses to give ``value`` (script form) to ``question``."""
    answer: Answer = validate(question, tuple(value) if isinstance(value, list) else value, today)
    if question.kind in (Kind.CHOICE, Kind.YESNO):
        index = [v for v, _ in question.choices()].index(answer)
        if index < 9:
            return [str(index + 1)]
        return ["home"] + ["down"] * index + ["enter"]
    if answer is UNSURE:
        return ["f6"]
    if question.kind is Kind.MULTI:
        assert isinstance(answer, tuple)
        values = [o.value for o in question.options]
        ticks = [str(values.index(v) + 1) for v in answer]
        assert all(len(t) == 1 for t in ticks), "more than 9 options: extend keys_for"
        return ticks + ["enter"]
    if isinstance(answer, dt.date):
        return list(answer.isoformat()) + ["enter"]
    text = f"{answer:g}" if isinstance(answer, float) else str(answer)
    return list(text) + ["enter"]


async def drive(pilot: Pilot[Any], app: WizardApp, answers: dict[str, Any], limit: int = 200) -> None:
    """Answer the questions the app shows, from ``answers``, with keys only, until one is missing."""
    for _ in range(limit):
        state = app.state
        assert state is not None, "no flow is running"
        question = state.question
        if question is None or question.id not in answers:
            return
        await pilot.press(*keys_for(question, answers[question.id], state.today))
        await pilot.pause()
        assert app.state is not state, f"the app did not move on from {question.id}"
    raise AssertionError("too many questions")


def screen_text(app: WizardApp) -> str:
    """All text the current screen shows (widgets' rendered content), for asserting words."""
    from textual.widgets import Static

    parts = []
    for widget in app.screen.query(Static):
        parts.append(str(widget.render()))
    return "\n".join(parts)
