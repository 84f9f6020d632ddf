"""The answers given so far; choosing one asks (by message) to change it."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...engine import State


class AnswersPanel(Widget):
    """A titled list of "question: answer" lines; Enter or a click on one posts `ChangeRequested`."""

    DEFAULT_CSS = """
    AnswersPanel { height: 1fr; border-left: vkey $primary 50%; padding: 0 1; }
    AnswersPanel > #answers-title { text-style: bold; }
    AnswersPanel > #answers-hint { color: $text-muted; }
    AnswersPanel > OptionList { height: 1fr; border: none; padding: 0; background: transparent; }
    AnswersPanel > OptionList:focus { background-tint: $primary 10%; }
    """

    @dataclass
    class ChangeRequested(Message):
        """The person wants to change their answer to ``question_id``."""

        question_id: str

    def __init__(self, state: State, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state = state

    def compose(self) -> ComposeResult:
        yield Static(Text(f"已回答 {len(self.state.answers)} 题"), id="answers-title")
        if not self.state.answers:
            yield Static(Text("还没有回答。"), id="answers-hint")
            return
        yield Static(Text("选中一题按 Enter 可修改"), id="answers-hint")
        options = []
        for n, (qid, value) in enumerate(self.state.answers, 1):
            question = self.state.flow.questions[qid]
            prompt = Text()
            prompt.append(f"{n}. {question.label}\n", style="bold")
            prompt.append(f"   {question.describe(value)}")
            options.append(Option(prompt, id=qid))
        yield OptionList(*options, id="answers-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.ChangeRequested(event.option.id))
