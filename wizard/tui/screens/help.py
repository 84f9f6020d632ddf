"""Help on demand: the question's own explanation, its options' small print, and how to use the keys."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...model import Question
from ..text import HELP_KEYS


class HelpScreen(ModalScreen[None]):
    """A box over the current screen; any of Esc, Enter, F1, ? closes it."""

    BINDINGS = [
        Binding("escape", "close", "关闭"),
        Binding("enter", "close", "关闭", show=False),
        Binding("f1", "close", "关闭", show=False),
        Binding("question_mark", "close", "关闭", show=False),
    ]

    def __init__(self, question: Question | None = None) -> None:
        super().__init__(classes="dialog-screen")
        self.question = question

    def compose(self) -> ComposeResult:
        q = self.question
        with Vertical(classes="dialog"):
            yield Static(Text("说明" if q else "帮助"), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                if q is not None:
                    yield Static(Text(q.text), classes="help-question")
                    yield Static(Text(q.help or "这一题没有额外的说明。"), id="help-text")
                    for option in q.options:
                        if option.help:
                            yield Static(Text(f"· {option.label}：{option.help}"), classes="help-option")
                yield Static(Text(HELP_KEYS), id="help-keys")
            yield Static(Text("按 Esc 或 Enter 关闭"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
