"""Changing an earlier answer: the question again, with the old answer chosen; returns the new one."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ...model import Answer, Question
from ..widgets.question_form import QuestionForm


class ChangeAnswerScreen(ModalScreen[Answer | None]):
    """Dismisses with the new answer, or None when the person presses Esc."""

    BINDINGS = [Binding("escape", "cancel", "不改了"), Binding("f1", "app.help", "帮助", show=False)]

    def __init__(self, question: Question, today: dt.date, current: Answer) -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.today = today
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(f"修改：{self.question.label}"), classes="dialog-title")
            yield Static(Text(f"原来的回答：{self.question.describe(self.current)}"), classes="dialog-hint")
            yield QuestionForm(self.question, self.today, self.current, id="change-form")
            yield Static(Text("选好后按 Enter；按 Esc 不改了。后面的回答会尽量保留。"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(QuestionForm).focus_control()

    def on_question_form_answered(self, event: QuestionForm.Answered) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
