"""Kiosk mode: no way out, no palette, no files; back to a clean Home after an outcome or when idle."""

from __future__ import annotations

import asyncio
import os

import pytest
from textual.command import CommandPalette

from wizard.loader import Library
from wizard.tui.app import WizardApp
from wizard.tui.screens.home import HomeScreen
from wizard.tui.widgets.key_hints import KeyHints

from .conftest import drive, make_app, on_outcome, on_question, screen_text

TO_OUTCOME = {"insured": True, "birth_date": "2026-03-01", "months_paid": 13, "extras": []}


async def wait_until(condition: object, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():  # type: ignore[operator]
        if loop.time() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.05)


async def test_kiosk_cannot_be_quit_or_opened_up(example_library: Library) -> None:
    """In kiosk mode ctrl+q, ctrl+c and ctrl+p do nothing and the app keeps running."""
    app = make_app(example_library, kiosk=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q", "ctrl+c", "ctrl+p", "ctrl+z", "ctrl+backslash")
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert not isinstance(app.screen, CommandPalette)
        assert isinstance(app.screen, HomeScreen)
        await app.run_action("quit")  # even the action itself refuses
        assert app.is_running


async def test_normal_mode_quits_with_ctrl_q(example_library: Library) -> None:
    """Outside kiosk mode ctrl+q quits (so the kiosk test above is meaningful)."""
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code == 0


async def test_kiosk_has_no_export(example_library: Library) -> None:
    """In kiosk mode the outcome offers no save and s does nothing."""
    app = make_app(example_library, kiosk=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await drive(pilot, app, TO_OUTCOME)
        await pilot.press("s")
        await pilot.pause()
        assert on_outcome(app)
        assert "保存凭条" not in str(app.screen.query_one(KeyHints).render())


async def test_kiosk_restart_after_outcome_returns_home_and_forgets(example_library: Library) -> None:
    """F5 on a kiosk outcome returns to an empty Home and forgets the answers."""
    app = make_app(example_library, kiosk=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s", "l", "enter")
        await drive(pilot, app, TO_OUTCOME)
        assert on_outcome(app)
        assert "秒没有操作会自动回到首页" in screen_text(app)
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.state is None
        assert app.screen.is_clean
        assert len(app.screen_stack) == 2  # nothing of the last person is left underneath


async def test_kiosk_outcome_times_out_to_home(example_library: Library) -> None:
    """A kiosk outcome left alone for outcome_seconds goes back to Home."""
    app = make_app(example_library, kiosk=True, outcome_seconds=0.4, idle_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await drive(pilot, app, TO_OUTCOME)
        assert on_outcome(app)
        await wait_until(lambda: isinstance(app.screen, HomeScreen))
        assert app.state is None


async def test_kiosk_idle_anywhere_returns_home(example_library: Library) -> None:
    """A kiosk left idle mid-flow (even with a dialog open) returns to a clean Home."""
    app = make_app(example_library, kiosk=True, idle_seconds=0.5, outcome_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await drive(pilot, app, {"insured": True})
        await pilot.press("f1")
        await wait_until(lambda: isinstance(app.screen, HomeScreen))
        assert app.state is None and len(app.screen_stack) == 2


async def test_kiosk_keys_keep_it_awake(example_library: Library) -> None:
    """Pressing keys resets the idle timer, so an active person is not sent home."""
    app = make_app(example_library, kiosk=True, idle_seconds=2.0, outcome_seconds=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        started = asyncio.get_running_loop().time()
        while asyncio.get_running_loop().time() - started < 3.0:  # longer than the idle limit
            await asyncio.sleep(0.25)
            await pilot.press("down")
        assert on_question(app)


async def test_kiosk_pinned_flow_restarts_that_flow(example_library: Library) -> None:
    """A kiosk started with a flow goes back to that flow's first question, not the list."""
    app = make_app(example_library, kiosk=True, flow_id="example")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert on_question(app)
        await drive(pilot, app, TO_OUTCOME)
        await pilot.press("f5")
        await pilot.pause()
        assert on_question(app) and app.state is not None and app.state.answers == ()
        await pilot.press("escape")
        assert on_question(app)


async def test_outcome_is_reported_on_the_events_fd(example_library: Library,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """With WIZARD_KIOSK_EVENTS_FD set the app writes "OUTCOME <flow> <outcome>" when an outcome shows."""
    read_end, write_end = os.pipe()
    monkeypatch.setenv("WIZARD_KIOSK_EVENTS_FD", str(write_end))
    try:
        app = make_app(example_library, kiosk=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("enter")
            await drive(pilot, app, TO_OUTCOME)
        os.close(write_end)
        assert os.read(read_end, 1000) == b"OUTCOME example can_claim\n"
    finally:
        os.close(read_end)


async def test_a_closed_events_fd_does_not_break_the_app(example_library: Library,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe whose reader has gone (EPIPE) is ignored: the outcome still shows."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    monkeypatch.setenv("WIZARD_KIOSK_EVENTS_FD", str(write_end))
    try:
        app = make_app(example_library, kiosk=True)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("enter")
            await drive(pilot, app, TO_OUTCOME)
            assert on_outcome(app)
    finally:
        os.close(write_end)


def test_kiosk_app_has_no_palette_or_suspend_binding(example_library: Library) -> None:
    """A kiosk app registers no command-palette key and nothing binds ctrl+z."""
    app = WizardApp(example_library, kiosk=True)
    actions = {b.action for _, b in app._bindings}
    assert "command_palette" not in actions
    assert all(key != "ctrl+z" for key, _ in app._bindings)
