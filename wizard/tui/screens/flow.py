"""What question and outcome screens share: the answers panel (side or F2) and Esc handling."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import Screen

from ...engine import State, progress
from ..widgets.answers_panel import AnswersPanel

ResultType = TypeVar("ResultType")


def progress_text(state: State) -> str:
    """``第 2 步，最多 5 步`` from the engine's progress."""
    p = progress(state)
    return f"第 {p.step} 步，最多 {p.most} 步"


class FlowScreen(Screen[ResultType]):
    """A screen of one state of a flow, with the answers so far beside it (or behind F2 when narrow)."""

    def __init__(self, state: State) -> None:
        super().__init__(classes="flow-screen")
        self.state = state

    def focus_main(self) -> None:
        """Give the focus back to the screen's main control."""
        raise NotImplementedError

    async def action_escape(self) -> None:
        """Esc closes the answers list if it is open, else goes one question back."""
        if self.has_class("-show-answers"):
            self.action_toggle_answers()
        else:
            await self.app.run_action("app.back")

    def action_toggle_answers(self) -> None:
        """F2 opens the answers list (over the page when narrow) and moves the focus there; again to return."""
        showing = self.toggle_class("-show-answers").has_class("-show-answers")
        lists = self.query_one(AnswersPanel).query("OptionList")
        if showing and lists:
            lists.first().focus()
        else:
            self.focus_main()
