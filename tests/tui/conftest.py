"""Fixtures and key-driving helpers for the TUI tests: the example flow, a fixed today, answers as keys."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.keys import _character_to_key
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


async def settled(pilot: Pilot[Any], timeout: float = 10.0) -> None:
    """Wait until the flow screen (if it is on top) shows the app's current state."""
    from wizard.tui.screens.flow import FlowScreen

    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while isinstance(app.screen, FlowScreen) and app.screen.shown is not app.state:  # type: ignore[attr-defined]
        if loop.time() > deadline:
            raise AssertionError("the flow screen did not show the new state")
        await asyncio.sleep(0.005)


async def type_keys(pilot: Pilot[Any], *keys: str, until: Callable[[], bool] | None = None) -> None:
    """Press ``keys`` as a fast typist would, then wait for ``until`` (or for the app to go idle).

    `Pilot.press` waits for the app to go idle after every key (~60 ms each); replaying
    every script that way took minutes. Characters are queued back to back; a named key
    (Enter, ctrl+k, F5…) runs a binding, which Textual schedules after the characters already
    queued, so the keys after one wait for it.
    """
    app = pilot.app
    for n, key in enumerate(keys):
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        char = key if len(key) == 1 else {"space": " "}.get(key)
        app.post_message(events.Key(name, char))
        if len(key) > 1 and n < len(keys) - 1:
            await pilot.pause()
    if until is None:
        await pilot.pause()
    else:
        # Polling for the expected effect is much quicker than waiting for the app to go idle.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5.0
        while not until() and loop.time() < deadline:
            await asyncio.sleep(0.002)
    await settled(pilot)


async def drive(pilot: Pilot[Any], app: WizardApp, answers: dict[str, Any], limit: int = 200) -> None:
    """Answer the questions the app shows, from ``answers``, with keys only, until one is missing."""
    for _ in range(limit):
        state = app.state
        assert state is not None, "no flow is running"
        question = state.question
        if question is None or question.id not in answers:
            return
        await settled(pilot)
        await type_keys(pilot, *keys_for(question, answers[question.id], state.today),
                        until=lambda state=state: app.state is not state)  # type: ignore[misc]
        assert app.state is not state, f"the app did not move on from {question.id}"
    raise AssertionError("too many questions")


def screen_text(app: WizardApp) -> str:
    """All text the current screen shows (widgets' rendered content), for asserting words."""
    from rich.text import Text
    from textual.content import Content
    from textual.widgets import Static

    parts = []
    for widget in app.screen.query(Static):
        shown = widget.content
        parts.append(str(shown) if isinstance(shown, (str, Text, Content)) else plain(shown))
    return "\n".join(parts)


def on_question(app: WizardApp) -> bool:
    """The flow screen is on top and shows a question."""
    from wizard.tui.screens.flow import FlowScreen

    return isinstance(app.screen, FlowScreen) and app.screen.mode == "question"


def on_outcome(app: WizardApp) -> bool:
    """The flow screen is on top and shows an outcome."""
    from wizard.tui.screens.flow import FlowScreen

    return isinstance(app.screen, FlowScreen) and app.screen.mode == "outcome"


def plain(renderable: Any) -> str:
    """The text of a Rich renderable (an option's prompt, say), without styles."""
    from rich.console import Console

    console = Console(width=200, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()
