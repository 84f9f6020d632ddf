"""A question: its words, the answer control, progress, and the answers so far (side panel or F2)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer

from ...engine import State
from ...model import Answer
from ..widgets.answers_panel import AnswersPanel
from ..widgets.flow_bar import FlowBar
from ..widgets.question_form import QuestionForm
from .flow import FlowScreen, progress_text


class QuestionScreen(FlowScreen[Answer]):
    """Shows ``state.question``; dismisses with the (core-validated) answer."""

    BINDINGS = [
        Binding("escape", "escape", "上一步"),
        Binding("f1", "app.help", "帮助"),
        Binding("question_mark", "app.help", "帮助", show=False, priority=True),
        Binding("f2", "toggle_answers", "已答"),
        Binding("f6", "unsure", "不确定"),
        Binding("f5", "app.restart", "重新开始"),
    ]

    def __init__(self, state: State, initial: Answer | None = None) -> None:
        super().__init__(state)
        assert state.question is not None
        self.question = state.question
        self.initial = initial

    def compose(self) -> ComposeResult:
        yield FlowBar(self.state.flow.title, progress_text(self.state))
        with Horizontal(id="body"):
            with VerticalScroll(id="main"):
                yield QuestionForm(self.question, self.state.today, self.initial, id="form")
            yield AnswersPanel(self.state, id="answers")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.focus_main()

    def focus_main(self) -> None:
        self.query_one(QuestionForm).focus_control()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "unsure":
            # Choice questions list "不确定" among their options; the key is for typed answers.
            return self.query_one(QuestionForm).has_unsure_button
        return True

    def on_question_form_answered(self, event: QuestionForm.Answered) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_unsure(self) -> None:
        self.query_one(QuestionForm).answer_unsure()
