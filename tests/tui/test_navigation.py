"""Moving through a flow: back, change an earlier answer, restart, help, home, the answers panel, resizing."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from wizard import engine
from wizard.loader import Library
from wizard.tui.app import WizardApp
from wizard.tui.screens.change import ChangeAnswerScreen
from wizard.tui.screens.help import HelpScreen
from wizard.tui.screens.home import HomeScreen
from wizard.tui.screens.why import WhyScreen
from wizard.tui.widgets.choice_list import ChoiceList

from .conftest import TODAY, drive, make_app, on_outcome, on_question, screen_text

TO_OUTCOME = {"insured": True, "birth_date": "2026-03-01", "months_paid": 13, "extras": []}
"""Example answers reaching `can_claim` (with TODAY fixed)."""


async def start_example(pilot: Pilot[Any]) -> None:
    await pilot.press("enter")
    await pilot.pause()


def node(app: WizardApp) -> str:
    assert app.state is not None
    return app.state.node


async def test_escape_goes_back_and_keeps_the_previous_answer_chosen(example_library: Library) -> None:
    """Esc returns to the previous question with the earlier answer highlighted, and forgets it."""
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_example(pilot)
        await pilot.press("2")  # 否 → outcome no_insurance
        await pilot.pause()
        assert on_outcome(app)
        await pilot.press("escape")
        await pilot.pause()
        assert on_question(app) and node(app) == "insured"
        assert app.state is not None and app.state.answers == ()
        assert app.screen.query_one(ChoiceList).highlighted == 1
        await pilot.press("escape")  # at the first question: back to Home
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.state is None


async def test_changing_an_earlier_answer_replays_the_rest(example_library: Library) -> None:
    """Choosing an answer in the answers panel and changing it replays later answers via the engine."""
    app = make_app(example_library)
    async with app.run_test(size=(120, 30)) as pilot:  # wide: the panel is beside the page
        await start_example(pilot)
        await drive(pilot, app, TO_OUTCOME)
        assert node(app) == "can_claim"
        await pilot.press("f2")  # focus the answers panel
        await pilot.press("down", "down", "enter")  # the third answer: months_paid
        await pilot.pause()
        assert isinstance(app.screen, ChangeAnswerScreen)
        await pilot.press("ctrl+a", "ctrl+k", "5", "enter")  # clear the old 13, type 5
        await pilot.pause()
        expected = engine.replay(app.state.flow, {**TO_OUTCOME, "months_paid": 5}, TODAY)  # type: ignore[union-attr]
        assert node(app) == expected.node == "too_short"
        assert on_outcome(app)


async def test_cancelling_a_change_keeps_everything(example_library: Library) -> None:
    """Esc in the change dialog leaves the answers and the screen as they were."""
    app = make_app(example_library)
    async with app.run_test(size=(120, 30)) as pilot:
        await start_example(pilot)
        await drive(pilot, app, {"insured": True})
        before = app.state
        await pilot.press("f2", "enter", "escape")
        await pilot.pause()
        assert app.state is before and on_question(app)


async def test_restart_forgets_answers_and_starts_the_same_flow(example_library: Library) -> None:
    """F5 on an outcome starts the same flow again with no answers."""
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_example(pilot)
        await drive(pilot, app, TO_OUTCOME)
        await pilot.press("f5")
        await pilot.pause()
        assert on_question(app)
        assert app.state is not None and app.state.answers == () and node(app) == "insured"


async def test_f9_goes_home_from_a_question(example_library: Library) -> None:
    """F9 returns to Home and forgets the answers."""
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_example(pilot)
        await drive(pilot, app, {"insured": True})
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.state is None


async def test_help_opens_with_f1_and_question_mark_and_closes(example_library: Library) -> None:
    """F1 and ? show the question's help text over the question; Esc closes it."""
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_example(pilot)
        for key in ("f1", "question_mark"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            assert "生育保险一般由单位交" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert on_question(app)


async def test_number_keys_space_and_confirm_in_multiple_choice(example_library: Library) -> None:
    """In a multiple-choice question 1–9 and Space tick options and Enter confirms the ticked set."""
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_example(pilot)
        await drive(pilot, app, {k: v for k, v in TO_OUTCOME.items() if k != "extras"})
        assert node(app) == "extras"
        await pilot.press("1", "down", "space", "1")  # tick 难产, tick 多胞胎, untick 难产
        assert "已勾选：多胞胎" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.state is not None and app.state.values["extras"] == ("twins",)
        assert node(app) == "region"


async def test_clicking_an_option_answers(example_library: Library) -> None:
    """A mouse click on an option answers the question."""
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_example(pilot)
        await pilot.click(ChoiceList, offset=(4, 2))  # the second line inside the border: 否
        await pilot.pause()
        assert node(app) == "no_insurance"


async def test_unsure_is_offered_as_an_option_and_as_f6(example_library: Library) -> None:
    """"不确定" is an option of choice questions and F6 on typed questions."""
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_example(pilot)
        await drive(pilot, app, {"insured": True, "birth_date": "2026-03-01"})
        assert node(app) == "months_paid"
        assert "不知道（F6）" in str(app.screen.query_one("#unsure").render())
        await pilot.press("f6")
        await pilot.pause()
        assert node(app) == "check_records"


async def test_progress_is_always_shown(example_library: Library) -> None:
    """The question screen shows "第 n 步，最多 m 步" from the engine."""
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_example(pilot)
        await drive(pilot, app, {"insured": True})
        assert "第 2 步，最多 5 步" in screen_text(app)


async def test_why_shows_trace_and_engine_alternatives(example_library: Library) -> None:
    """"为什么" lists each answer, the condition it met, and what other answers would have led to."""
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_example(pilot)
        await drive(pilot, app, TO_OUTCOME)
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WhyScreen)
        text = screen_text(app)
        assert "单位交了生育保险：是" in text
        assert "如果当时选“否” → 结论：✘ 不可以 领不到生育津贴" in text
        assert "结论依据：示例条例 第一条" in text
        await pilot.press("escape")
        await pilot.pause()
        assert on_outcome(app)


async def test_narrow_terminal_hides_answers_behind_f2_and_resizing_keeps_state(example_library: Library) -> None:
    """At 60x20 the answers are behind F2; resizing to wide and back loses neither answers nor typed text."""
    app = make_app(example_library)
    async with app.run_test(size=(60, 20)) as pilot:
        await start_example(pilot)
        await drive(pilot, app, {"insured": True})
        panel = app.screen.query_one("#answers")
        assert not panel.display
        await pilot.press("f2")
        assert panel.display and not app.screen.query_one("#main").display
        await pilot.press("escape")  # closes the list, does not go back
        assert node(app) == "birth_date" and not panel.display
        await pilot.press("2", "0", "2", "6")
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        assert panel.display
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert node(app) == "birth_date"
        assert app.screen.query_one("#answer").value == "2026"  # type: ignore[attr-defined]


async def test_f4_toggles_light_and_dark(example_library: Library) -> None:
    """F4 switches between the light and the dark theme."""
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        before = app.theme
        await pilot.press("f4")
        assert app.theme != before
        await pilot.press("f4")
        assert app.theme == before


async def test_no_color_keeps_the_verdict_in_words(example_library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """With NO_COLOR set the app runs without colour and the verdict is still said in words."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(example_library)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.no_color
        await start_example(pilot)
        await drive(pilot, app, TO_OUTCOME)
        assert "✔ 可以" in str(app.screen.query_one("#verdict", Static).content)
