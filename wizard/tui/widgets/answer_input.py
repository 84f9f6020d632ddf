"""A typed answer (number or date) checked as you type, with the engine's message in Chinese."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Input, Static

from ...answers import parse_text
from ...errors import AnswerError
from ...model import Answer, Kind, Question, resolve_date


class AnswerValidator(Validator):
    """Asks the core (`wizard.answers.parse_text`) whether the text is a valid answer."""

    def __init__(self, question: Question, today: dt.date) -> None:
        super().__init__()
        self.question = question
        self.today = today

    def validate(self, value: str) -> ValidationResult:
        try:
            parse_text(self.question, value, self.today)
        except AnswerError as exc:
            return self.failure(exc.message, value)
        return self.success()


def _day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def range_hint(question: Question, today: dt.date) -> str:
    """What the person may type, e.g. ``请输入 0 到 600 之间的数字（个月）``."""
    if question.kind is Kind.DATE:
        lo, hi = resolve_date(question.earliest, today), resolve_date(question.latest, today)
        example = min(hi, today).isoformat()
        return f"按 年-月-日 输入，例如 {example}（{_day(lo)} 到 {_day(hi)} 之间）"
    unit = f"，单位：{question.unit}" if question.unit else ""
    whole = "整数" if question.integer else "数字"
    if question.min is not None and question.max is not None:
        return f"请输入 {question.min:g} 到 {question.max:g} 之间的{whole}{unit}"
    return f"请输入{whole}{unit}"


class AnswerInput(Widget):
    """An Input plus one line that says what is wrong, or what was understood."""

    DEFAULT_CSS = """
    AnswerInput { height: auto; }
    AnswerInput > Input { width: 1fr; max-width: 40; }
    AnswerInput > #message { height: auto; padding: 0 1; color: $text-muted; }
    AnswerInput > #message.-error { color: $text-error; text-style: bold; }
    AnswerInput > #message.-ok { color: $text-success; }
    """

    @dataclass
    class Submitted(Message):
        """The person pressed Enter on a valid answer."""

        answer_input: AnswerInput
        value: Answer

    def __init__(self, question: Question, today: dt.date, initial: str = "",
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.question = question
        self.today = today
        self.initial = initial

    def compose(self) -> ComposeResult:
        placeholder = "例如 2025-03-01" if self.question.kind is Kind.DATE else (
            f"输入数字{('（' + self.question.unit + '）') if self.question.unit else ''}")
        yield Input(self.initial, placeholder=placeholder, id="answer",
                    validators=[AnswerValidator(self.question, self.today)],
                    validate_on=["changed"], select_on_focus=False)
        yield Static(Text(range_hint(self.question, self.today)), id="message")

    @property
    def input(self) -> Input:
        return self.query_one("#answer", Input)

    def _say(self, text: str, kind: str = "") -> None:
        message = self.query_one("#message", Static)
        message.update(Text(text))
        message.set_class(kind == "error", "-error")
        message.set_class(kind == "ok", "-ok")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if not event.value.strip():
            self._say(range_hint(self.question, self.today))
            return
        try:
            value = parse_text(self.question, event.value, self.today)
        except AnswerError as exc:
            self._say("✘ " + exc.message, "error")
        else:
            self._say("✔ " + self.question.describe(value) + "（按 Enter 确定）", "ok")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            value = parse_text(self.question, event.value, self.today)
        except AnswerError as exc:
            self._say("✘ " + exc.message, "error")
            self.app.bell()
            return
        self.post_message(self.Submitted(self, value))
