"""Typed number and date answers are checked as you type, with the core's Chinese message."""

from __future__ import annotations

from textual.widgets import Static

from wizard.loader import Library

from .conftest import drive, make_app


def message(app: object) -> str:
    return str(app.screen.query_one("#message", Static).render())  # type: ignore[attr-defined]


async def test_invalid_number_shows_message_and_does_not_advance(example_library: Library) -> None:
    """Letters or an out-of-range number show the core's message and Enter stays on the question."""
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await drive(pilot, app, {"insured": True, "birth_date": "2026-03-01"})
        assert "0 到 600" in message(app)  # the range is said before anything is typed
        await pilot.press("a", "b")
        assert "请输入数字（单位：个月）" in message(app)
        await pilot.press("backspace", "backspace", "7", "0", "0")
        assert "请输入 0 到 600 之间的数字（个月）" in message(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.state is not None and app.state.node == "months_paid"
        await pilot.press("backspace", "backspace")
        assert "✔ 7 个月" in message(app)


async def test_invalid_date_shows_message_and_full_width_digits_are_accepted(example_library: Library) -> None:
    """An impossible or out-of-range date is explained; full-width digits from an IME are understood."""
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")
        await drive(pilot, app, {"insured": True})
        await pilot.press(*"2026-02-30")
        assert "2026年2月没有30日" in message(app)
        await pilot.press("ctrl+a", "ctrl+k", *"2030-01-01")
        assert "日期应在" in message(app)
        await pilot.press("ctrl+a", "ctrl+k", *"２０２６年３月１日")
        assert "✔ 2026年3月1日" in message(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.state is not None and app.state.node == "months_paid"
