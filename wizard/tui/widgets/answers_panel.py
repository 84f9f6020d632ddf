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
        yield Static(id="answers-title")
        yield Static(id="answers-hint")
        yield OptionList(id="answers-list")

    def on_mount(self) -> None:
        self.show(self.state)

    def show(self, state: State) -> None:
        """List the answers of ``state`` (updated in place: cheaper than a new panel per question)."""
        self.state = state
        self.query_one("#answers-title", Static).update(Text(f"已回答 {len(state.answers)} 题"))
        hint = "选中一题按 Enter 可修改" if state.answers else "还没有回答。"
        self.query_one("#answers-hint", Static).update(Text(hint))
        options = []
        for n, (qid, value) in enumerate(state.answers, 1):
            question = state.flow.questions[qid]
            prompt = Text()
            prompt.append(f"{n}. {question.label}\n", style="bold")
            prompt.append(f"   {question.describe(value)}")
            options.append(Option(prompt, id=qid))
        listing = self.query_one("#answers-list", OptionList)
        listing.set_options(options)
        listing.display = bool(options)
        if options:
            listing.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.ChangeRequested(event.option.id))
