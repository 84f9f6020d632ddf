"""The "为什么" view: each answer → the condition it met → where it led, and what other answers would have done."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ..explain import WhyItem
from ..text import NO_WHAT_IF
from ..widgets.flow_bar import FlowBar
from ..widgets.key_hints import KeyHints


def item_text(item: WhyItem) -> Text:
    text = Text()
    text.append(f"{item.number}. {item.question}：", style="bold")
    text.append(item.answer, style="bold")
    text.append("\n   因为 ", style="dim")
    text.append(item.condition)
    text.append("\n   → ", style="dim")
    text.append(item.leads_to)
    for alt in item.alternatives or ():
        text.append(f"\n   如果当时选“{alt.label}” → ", style="dim")
        text.append(alt.result)
    return text


class WhyScreen(Screen[None]):
    """Read-only; Esc (or w) goes back to the outcome."""

    BINDINGS = [
        Binding("escape", "close", "返回结论"),
        Binding("w", "close", "返回结论", show=False),
    ]

    def __init__(self, title: str, items: list[WhyItem], basis: list[str]) -> None:
        super().__init__(classes="why-screen")
        self.flow_title = title
        self.items = items
        self.basis = basis

    def compose(self) -> ComposeResult:
        yield FlowBar(self.flow_title, "为什么是这个结论")
        with VerticalScroll(id="main"):
            for item in self.items:
                yield Static(item_text(item), classes="why-item")
            if any(item.alternatives is None for item in self.items):
                yield Static(Text(NO_WHAT_IF), classes="why-note")
            if self.basis:
                yield Static(Text("结论依据：" + "；".join(self.basis)), id="why-basis")
        yield KeyHints()

    def on_mount(self) -> None:
        self.query_one("#main").focus()

    def action_close(self) -> None:
        self.dismiss(None)
