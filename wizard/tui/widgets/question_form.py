"""One question and the control that fits its kind; posts `QuestionForm.Answered` with a valid answer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static

from ...answers import validate
from ...errors import AnswerError
from ...model import UNSURE, Answer, Kind, Question
from .answer_input import AnswerInput
from .choice_list import Choice, ChoiceList


def initial_text(question: Question, value: Answer | None) -> str:
    """What to put back in a number/date input when the person returns to a question."""
    if value is None or value is UNSURE:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if question.kind in (Kind.NUMBER, Kind.DATE) else ""


class QuestionForm(Widget):
    """The question's words, a hint that help exists, and the answer control."""

    DEFAULT_CSS = """
    QuestionForm { height: auto; }
    QuestionForm > #text { text-style: bold; padding: 0 0 1 0; }
    QuestionForm > #help-hint { color: $text-muted; padding: 0 0 1 0; }
    QuestionForm > #multi-status { color: $text-muted; padding: 0 1; }
    QuestionForm > #buttons { height: auto; padding: 1 0 0 0; }
    QuestionForm > #buttons > Button { margin: 0 2 0 0; min-width: 12; }
    QuestionForm > #error { color: $text-error; text-style: bold; height: auto; }
    """

    @dataclass
    class Answered(Message):
        """The person gave ``value`` (already validated by the core)."""

        form: QuestionForm
        value: Answer

    def __init__(self, question: Question, today: dt.date, initial: Answer | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.question = question
        self.today = today
        self.initial = initial

    @property
    def has_unsure_button(self) -> bool:
        """Number, date and multi questions offer "不确定" as a button (choices list it)."""
        return self.question.unsure is not None and self.question.kind in (Kind.NUMBER, Kind.DATE, Kind.MULTI)

    def compose(self) -> ComposeResult:
        q = self.question
        yield Static(Text(q.text), id="text")
        if q.help:
            yield Static(Text("不太明白？按 F1 或 ? 看说明。"), id="help-hint")
        if q.kind in (Kind.CHOICE, Kind.YESNO):
            helps = {o.value: o.help for o in q.options}
            choices = [Choice(v, label, helps.get(v, "") if isinstance(v, str) else "")
                       for v, label in q.choices()]
            initial = (self.initial,) if self.initial is not None else ()
            yield ChoiceList(choices, initial=initial, id="choices")
        elif q.kind is Kind.MULTI:
            initial_multi = self.initial if isinstance(self.initial, tuple) else ()
            choices = [Choice(o.value, o.label, o.help) for o in q.options]
            yield ChoiceList(choices, multiple=True, initial=initial_multi, id="choices")
            yield Static(self._multi_status(initial_multi), id="multi-status")
        else:
            yield AnswerInput(q, self.today, initial_text(q, self.initial), id="typed")
        yield Static("", id="error")
        if q.kind is Kind.MULTI or self.has_unsure_button:
            with Horizontal(id="buttons"):
                if q.kind is Kind.MULTI:
                    yield Button("确认（Enter）", id="confirm", variant="primary")
                if self.has_unsure_button:
                    yield Button(f"{q.unsure}（F6）", id="unsure")

    def _multi_status(self, values: tuple[object, ...]) -> Text:
        if not values:
            return Text("还没有勾选：都没有就直接按 Enter 确认。空格键勾选。")
        labels = "、".join(o.label for o in self.question.options if o.value in values)
        return Text(f"已勾选：{labels}。按 Enter 确认。")

    def focus_control(self) -> None:
        """Put the cursor where the answer goes."""
        for selector in ("#choices", "#typed Input"):
            for widget in self.query(selector):
                widget.focus()
                return

    def submit(self, value: object) -> None:
        """Validate ``value`` with the core and post it; show the core's message if it is refused."""
        try:
            checked = validate(self.question, value, self.today)
        except AnswerError as exc:
            self.query_one("#error", Static).update(Text("✘ " + exc.message))
            return
        self.post_message(self.Answered(self, checked))

    def answer_unsure(self) -> None:
        if self.question.unsure is not None:
            self.submit(UNSURE)

    def on_choice_list_chosen(self, event: ChoiceList.Chosen) -> None:
        event.stop()
        self.submit(event.value)

    def on_choice_list_confirmed(self, event: ChoiceList.Confirmed) -> None:
        event.stop()
        self.submit(tuple(event.values))

    def on_choice_list_toggled(self, event: ChoiceList.Toggled) -> None:
        event.stop()
        self.query_one("#multi-status", Static).update(self._multi_status(event.values))

    def on_answer_input_submitted(self, event: AnswerInput.Submitted) -> None:
        event.stop()
        self.submit(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.submit(self.query_one("#choices", ChoiceList).values)
        elif event.button.id == "unsure":
            self.answer_unsure()
