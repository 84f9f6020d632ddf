"""Hostile terminals: every screen of the app from 20x8 to 400x200, resize storms, and hostile pastes."""

from __future__ import annotations

import asyncio
import random
import re
import time
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from textual import events
from textual.geometry import Size
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from tests.tui.conftest import EXAMPLE_ARTICLES, EXAMPLE_FLOW, TODAY, drive, keys_for, settled, type_keys
from wizard.loader import Library, load_library
from wizard.receipt import verdict_text
from wizard.tui.app import WizardApp
from wizard.tui.screens.change import ChangeAnswerScreen
from wizard.tui.screens.flow import FlowScreen
from wizard.tui.screens.help import HelpScreen
from wizard.tui.screens.home import HomeScreen
from wizard.tui.screens.why import WhyScreen
from wizard.tui.text import APP_TITLE
from wizard.tui.widgets.choice_list import ChoiceList

SIZES = [(20, 8), (30, 10), (40, 12), (60, 20), (80, 24), (132, 43), (400, 200)]
"""From the kiosk's smallest allowed window to its largest."""
READABLE = {(60, 20), (80, 24)}
"""Sizes at which the key text of every screen must be on screen, not scrolled or clipped away."""
COUNTS: dict[str, int] = {"screens": 0, "resizes": 0, "pastes": 0}
"""What the tests here tried, printed at the end of the session with -s (for the hardening report)."""


@dataclass(frozen=True)
class FlowCase:
    """A flow walked through every kind of screen: how to pick it on Home and what to answer."""

    name: str
    pick: tuple[str, ...]
    """Keys typed on Home to start the flow."""
    answers: dict[str, Any]
    outcome: str
    change: int
    """Which answer (0-based, in the F2 list) to open the change dialog on."""
    library: Callable[[], Library] = field(compare=False, repr=False)


_LIBRARIES: dict[str, Library] = {}


def _example() -> Library:
    if "example" not in _LIBRARIES:
        _LIBRARIES["example"] = load_library([EXAMPLE_FLOW], EXAMPLE_ARTICLES)
    return _LIBRARIES["example"]


def _shipped() -> Library:
    if "shipped" not in _LIBRARIES:
        _LIBRARIES["shipped"] = load_library()
    return _LIBRARIES["shipped"]


EXAMPLE = FlowCase(
    "example", ("enter",),
    {"insured": True, "birth_date": "2026-03-01", "months_paid": 13, "extras": ["twins"], "region": "shanghai"},
    "can_claim_more", change=2, library=_example)
"""Every kind of question: yesno, date, number, multi, choice."""
MATERNITY = FlowCase(
    "maternity", ("离", "职", "enter"),
    {"worked_insured": True, "left_when": "after_birth", "months_paid": 24, "region": "guangdong",
     "birth_date": "2026-03-10"},
    "can_claim_guangdong", change=2, library=_shipped)
"""A shipped flow among all the shipped ones: yesno, choice, number, choice, date, with long texts."""
CASES = [EXAMPLE, MATERNITY]


# ---------------------------------------------------------------------------------- helpers


def visible(app: WizardApp) -> str:
    """The text the terminal would show for the top screen, one line per row."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def squash(text: str) -> str:
    """Text without spaces, line breaks, borders and scrollbars, so a wrapped sentence still matches."""
    return re.sub(r"[\s\u2500-\u259f]", "", text)


def shown_controls(app: WizardApp) -> set[str]:
    """Control and bidi-override characters in what the terminal would be sent as text."""
    found = set()
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            found |= {c for c in segment.text if unicodedata.category(c) == "Cc" or c in BIDI}
    return found


BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def snapshot(app: WizardApp) -> dict[str, Any]:
    """What the person has done so far and where they are; none of it may change when the window does."""
    state = app.state
    shot: dict[str, Any] = {
        "stack": [type(s).__name__ for s in app.screen_stack],
        "state": state,
        "answers": state.answers if state else None,
        "node": state.node if state else None,
        "focused": (type(app.focused).__name__, app.focused.id) if app.focused else None,
    }
    flow_screen = app.flow_screen
    if flow_screen is not None:
        shot["shown"] = flow_screen.shown is state
        shot["answers_open"] = flow_screen.has_class("-show-answers")
    for widget in app.screen.query(Input):
        shot[f"input#{widget.id}"] = (widget.value, widget.cursor_position)
    for listing in app.screen.query(OptionList):
        ticked = sorted(listing.ticked) if isinstance(listing, ChoiceList) else None
        shot[f"list#{listing.id}"] = (listing.highlighted, listing.option_count, ticked)
    return shot


def post_resize(app: WizardApp, width: int, height: int) -> None:
    """Resize the terminal without waiting for the app (what `Pilot.resize_terminal` does, minus the pause)."""
    size = Size(width, height)
    app._driver._size = size  # type: ignore[union-attr]
    app.post_message(events.Resize(size, size))
    COUNTS["resizes"] += 1


async def resize(pilot: Pilot[Any], width: int, height: int) -> None:
    await pilot.resize_terminal(width, height)
    COUNTS["resizes"] += 1


def healthy(app: WizardApp, where: str) -> None:
    """The app is running and has not caught an exception."""
    assert app._exception is None, f"{where}: {app._exception!r}"
    assert app.is_running, f"{where}: the app stopped"


async def wait_for_screen(pilot: Pilot[Any], kind: type, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not isinstance(pilot.app.screen, kind):
        assert time.monotonic() < deadline, f"{kind.__name__} did not open"
        await asyncio.sleep(0.01)
    await pilot.pause()


Visit = Callable[[Pilot[Any], WizardApp, str, list[str]], Awaitable[None]]
"""Called on every screen of a walk with the screen's name and the texts that must be readable on it."""
Answer = Callable[[Pilot[Any], WizardApp, Any], Awaitable[None]]


async def answer_by_keys(pilot: Pilot[Any], app: WizardApp, value: Any) -> None:
    question = app.state.question  # type: ignore[union-attr]
    await drive(pilot, app, {question.id: value})  # type: ignore[union-attr]


async def walk(pilot: Pilot[Any], app: WizardApp, case: FlowCase, visit: Visit,
               answer: Answer = answer_by_keys) -> list[str]:
    """Home, help, every question, the outcome, the Why view and the change dialog; the screens visited."""
    seen = ["home"]
    await pilot.pause()
    await visit(pilot, app, "home", [APP_TITLE])
    await type_keys(pilot, *case.pick, until=lambda: app.state is not None)
    assert app.state is not None, f"{case.name}: keys {case.pick} started no flow"
    while (question := app.state.question) is not None:
        name = f"{question.kind.value}:{question.id}"
        seen.append(name)
        await visit(pilot, app, name, [question.text])
        if len(seen) == 2:  # help over the first question
            await pilot.press("f1")
            await wait_for_screen(pilot, HelpScreen)
            seen.append("help")
            await visit(pilot, app, "help", ["说明", question.text])
            await pilot.press("escape")
            await wait_for_screen(pilot, FlowScreen)
        await answer(pilot, app, case.answers[question.id])
        await settled(pilot)
    outcome = app.state.outcome
    assert outcome is not None and outcome.id == case.outcome
    seen.append("outcome")
    await visit(pilot, app, "outcome", [verdict_text(outcome.verdict), outcome.title])
    await pilot.press("w")
    await wait_for_screen(pilot, WhyScreen)
    seen.append("why")
    await visit(pilot, app, "why", ["为什么是这个结论", app.state.flow.questions[app.state.answers[0][0]].label])
    await pilot.press("escape")
    await wait_for_screen(pilot, FlowScreen)
    await pilot.press("f2", *["down"] * case.change, "enter")
    await wait_for_screen(pilot, ChangeAnswerScreen)
    changed = app.state.flow.questions[app.state.answers[case.change][0]]
    seen.append("change")
    await visit(pilot, app, "change", [f"修改：{changed.label}"])
    await pilot.press("escape")
    await wait_for_screen(pilot, FlowScreen)
    return seen


def readable(app: WizardApp, texts: list[str], where: str) -> None:
    shown = squash(visible(app))
    for text in texts:
        assert squash(text) in shown, f"{where}: {text!r} is not on screen:\n{visible(app)}"


# ---------------------------------------------------------------------------------- sizes


@pytest.mark.slow
@pytest.mark.timeout(60)
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_every_screen_works_at_every_start_size(case: FlowCase, size: tuple[int, int]) -> None:
    """Started at any size from 20x8 to 400x200, every screen of a walk works and, at 60x20 and 80x24, shows its key text."""
    app = WizardApp(case.library(), today=TODAY)

    async def visit(pilot: Pilot[Any], app: WizardApp, name: str, texts: list[str]) -> None:
        await pilot.pause()
        healthy(app, f"{name} at {size}")
        COUNTS["screens"] += 1
        if size in READABLE:
            readable(app, texts, f"{name} at {size}")

    async with app.run_test(size=size) as pilot:
        seen = await walk(pilot, app, case, visit)
        healthy(app, f"end at {size}")
    assert {"home", "help", "outcome", "why", "change"} <= set(seen)


@pytest.mark.slow
@pytest.mark.timeout(90)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_resizing_every_screen_keeps_its_state(case: FlowCase) -> None:
    """On every screen and while answering, shrinking to 20x8 and back, growing to 400x200 and forty resizes in a row change nothing the person did, and the key text is readable again at 80x24."""
    rng = random.Random(7)
    app = WizardApp(case.library(), today=TODAY)

    async def visit(pilot: Pilot[Any], app: WizardApp, name: str, texts: list[str]) -> None:
        await pilot.pause()
        before = snapshot(app)
        for width, height in [(20, 8), (80, 24), (400, 200), (60, 20), (20, 8), (80, 24)]:
            await resize(pilot, width, height)
            healthy(app, f"{name} at {width}x{height}")
            assert snapshot(app) == before, f"{name}: resizing to {width}x{height} changed the state"
            if (width, height) in READABLE:
                readable(app, texts, f"{name} at {width}x{height}")
        for _ in range(40):  # a window being dragged: no pause between sizes
            post_resize(app, rng.randint(20, 400), rng.randint(8, 200))
        await resize(pilot, 80, 24)
        await pilot.pause()
        healthy(app, f"{name} after a resize storm")
        assert snapshot(app) == before, f"{name}: a resize storm changed the state"
        readable(app, texts, f"{name} after a resize storm")
        COUNTS["screens"] += 1

    async def answer_while_resizing(pilot: Pilot[Any], app: WizardApp, value: Any) -> None:
        """The answer's keys with resizes between them, as when a window is dragged while typing."""
        state = app.state
        assert state is not None and state.question is not None
        for key in keys_for(state.question, value, state.today):
            post_resize(app, rng.choice([20, 60, 132]), rng.choice([8, 24, 43]))
            name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
            app.post_message(events.Key(name, key if len(key) == 1 else None))
            await asyncio.sleep(0)
        post_resize(app, 80, 24)
        deadline = time.monotonic() + 5
        while app.state is state and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        healthy(app, f"answering {state.question.id} while resizing")
        assert app.state is not state, f"{state.question.id}: the answer was lost while resizing"
        assert app.state.answers[-1][0] == state.question.id

    async with app.run_test(size=(80, 24)) as pilot:
        seen = await walk(pilot, app, case, visit, answer_while_resizing)
    assert len(seen) >= 9


async def test_narrow_first_question_does_not_crash() -> None:
    """The first choice question drawn in a 40-column window, or after shrinking from 132 columns, does not crash the app."""
    for start, then in [((40, 12), None), ((20, 8), None), ((132, 43), (40, 12)), ((132, 43), (20, 8))]:
        app = WizardApp(_example(), today=TODAY)
        async with app.run_test(size=start) as pilot:
            await pilot.press("enter")
            await settled(pilot)
            if then is not None:
                await resize(pilot, *then)
            await pilot.pause()
            healthy(app, f"first question at {start} then {then}")
            assert isinstance(app.screen, FlowScreen) and app.state is not None
            assert app.state.question is not None and app.state.question.id == "insured"
        COUNTS["screens"] += 1


# ---------------------------------------------------------------------------------- pastes

HOSTILE_PASTES = {
    "csi-colours": "\x1b[31m12\x1b[0m",
    "osc-title-and-clipboard": "\x1b]0;pwned\x07\x1b]52;c;ZWNobyBwd25lZA==\x07",
    "clear-screen-leave-alt-screen": "\x1b[2J\x1b[?1049l\x1b[H\x1bc",
    "c1-csi-and-dcs": "\x9b31m\x90q\x9c7",
    "nul-bell-backspace-del": "\x00\x07\x08\x7f" * 64,
    "tabs-and-lines": "abc\t12\r\n34\n" * 100,
    "100kb-digits": "9" * 100_000,
    "100kb-cjk": "医保" * 50_000,
    "100kb-escapes": ("\x1b[1;31m医" + "x" * 20) * 4_000,
    "100kb-words": "a b c d " * 12_500,
    "rtl-arabic-digits": "١٢ شهرا",
    "rtl-overrides": "\u202e\u2067شهر\u2069 ٣\u202c",
    "combining-strokes": "1\u0336" * 150,
    "zalgo": "1" + "\u0300\u0301\u0302" * 2_000,
    "zero-width": "\u200b\u200c\u200d\ufeff" * 50,
    "emoji-zwj": "👩\u200d👩\u200d👧\u200d👦" * 100,
    "half-width-katakana": "ｶﾀｶﾅ１２月",
}
"""Pastes a person (or a hostile SSH client) can send; none is a valid number or date."""
TYPED = "١٢ שנה 1\u0336\u0301医保👩\u200d👧ｶﾅ" * 4
"""Characters typed one key at a time: RTL letters and digits, combining marks, CJK, emoji, half-width."""
CJK = re.compile(r"[\u4e00-\u9fff]")


def message(app: WizardApp) -> str:
    return str(app.screen.query_one("#message", Static).render())


async def paste(pilot: Pilot[Any], text: str) -> float:
    """Paste `text` into whatever has focus; the seconds the app took to take it in."""
    started = time.monotonic()
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()
    COUNTS["pastes"] += 1
    return time.monotonic() - started


def clean_input(app: WizardApp, widget: Input, where: str) -> None:
    """Nothing a terminal would obey reached the input or the screen."""
    assert not {c for c in widget.value if unicodedata.category(c) == "Cc" or c in BIDI}, where
    assert not shown_controls(app), f"{where}: control characters on screen: {shown_controls(app)!r}"


async def refused(pilot: Pilot[Any], app: WizardApp, where: str) -> None:
    """The typed answer is refused in Chinese, and Enter does not move on."""
    state = app.state
    assert CJK.search(message(app)), f"{where}: no Chinese message: {message(app)!r}"
    await pilot.press("enter")
    await pilot.pause()
    healthy(app, where)
    assert app.state is state, f"{where}: Enter moved on"
    assert message(app).startswith("✘") and CJK.search(message(app)), f"{where}: {message(app)!r}"


@pytest.mark.timeout(90)
@pytest.mark.parametrize("question", ["birth_date", "months_paid"])
async def test_hostile_pastes_into_typed_answers_are_refused(question: str) -> None:
    """Escape sequences, control characters, 100 KB, RTL, combining and zero-width text pasted or typed into a number or date answer are refused with a Chinese message, nothing reaches the terminal and the state stays."""
    to_question = {"insured": True, "birth_date": "2026-03-01"} if question == "months_paid" else {"insured": True}
    app = WizardApp(_example(), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await drive(pilot, app, to_question)
        state = app.state
        assert state is not None and state.question is not None and state.question.id == question
        answer = app.screen.query_one("#answer", Input)
        for name, text in HOSTILE_PASTES.items():
            answer.value = ""
            took = await paste(pilot, text)
            where = f"{question} <- {name}"
            healthy(app, where)
            assert took < 5, f"{where}: took {took:.1f}s"
            assert app.state is state and app.focused is answer, where
            clean_input(app, answer, where)
            await refused(pilot, app, where)
        answer.value = ""
        await type_keys(pilot, *TYPED)
        healthy(app, f"{question} <- typed")
        assert answer.value == "".join(c for c in TYPED if c.isprintable())  # a typed ZWJ is no key
        await refused(pilot, app, f"{question} <- typed")
        assert app.state is state


@pytest.mark.timeout(60)
async def test_hostile_pastes_into_the_change_dialog_are_refused() -> None:
    """Hostile text pasted into the change dialog's number answer is refused in Chinese and the dialog keeps the old answer."""
    app = WizardApp(_example(), today=TODAY)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.press("enter")
        await drive(pilot, app, EXAMPLE.answers)
        state = app.state
        await pilot.press("f2", "down", "down", "enter")
        await wait_for_screen(pilot, ChangeAnswerScreen)
        answer = app.screen.query_one("#answer", Input)
        for name, text in HOSTILE_PASTES.items():
            answer.value = ""
            await paste(pilot, text)
            where = f"change dialog <- {name}"
            healthy(app, where)
            clean_input(app, answer, where)
            assert isinstance(app.screen, ChangeAnswerScreen) and app.state is state, where
            await refused(pilot, app, where)
            assert isinstance(app.screen, ChangeAnswerScreen), f"{where}: the dialog closed"
        await pilot.press("escape")
        await wait_for_screen(pilot, FlowScreen)
        assert app.state is state


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_hostile_pastes_into_the_home_filter_start_nothing(case: FlowCase) -> None:
    """Hostile text pasted or typed into Home's filter shows a Chinese line, sends nothing a terminal obeys, starts no flow, and Esc clears it."""
    app = WizardApp(case.library(), today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        home = app.screen
        assert isinstance(home, HomeScreen)
        box = home.query_one("#filter", Input)
        for name, text in [*HOSTILE_PASTES.items(), ("typed", None)]:
            if text is None:
                await type_keys(pilot, *TYPED)
            else:
                took = await paste(pilot, text)
                assert took < 5, f"{name}: took {took:.1f}s"
            healthy(app, f"home <- {name}")
            assert app.screen is home and app.state is None and app.focused is box, name
            clean_input(app, box, f"home <- {name}")
            line = str(home.query_one("#home-empty", Static).render())
            assert CJK.search(line), f"home <- {name}: {line[:200]!r}"
            if home.flow_list.option_count == 0:
                await pilot.press("enter")
                await pilot.pause()
                assert app.screen is home and app.state is None, f"home <- {name}: Enter started a flow"
            await pilot.press("escape")
            await pilot.pause()
            assert home.is_clean and home.flow_list.option_count == len(case.library().flows), name


@pytest.mark.timeout(60)
async def test_pastes_on_screens_without_an_input_change_nothing() -> None:
    """A hostile paste on a choice, multi, outcome, Why or help screen changes neither the state nor the screen."""
    app = WizardApp(_example(), today=TODAY)

    async def visit(pilot: Pilot[Any], app: WizardApp, name: str, texts: list[str]) -> None:
        if app.screen.query(Input):
            return  # typed answers and the filter: the tests above
        await pilot.pause()
        before = snapshot(app)
        for text in HOSTILE_PASTES.values():
            await paste(pilot, text)
        healthy(app, f"paste on {name}")
        assert snapshot(app) == before, f"{name}: a paste changed the state"
        assert not shown_controls(app), name

    async with app.run_test(size=(80, 24)) as pilot:
        await walk(pilot, app, EXAMPLE, visit)


@pytest.fixture(scope="module", autouse=True)
def _report_counts() -> Any:
    yield
    print(f"\n[test_terminals] {COUNTS}")
