"""The "为什么" view: each answer → the condition it met → where it led, and what other answers would have done."""

from __future__ import annotations

from rich.console import Group
from rich.padding import Padding
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


def item_text(item: WhyItem) -> Group:
    """The answer as a heading; the condition, where it led and the alternatives indented under it."""
    head = Text()
    head.append(f"{item.number}. {item.question}：", style="bold")
    head.append(item.answer, style="bold")
    lines = [Text.assemble(("因为 ", "dim"), item.condition), Text.assemble(("→ ", "dim"), item.leads_to)]
    for alt in item.alternatives or ():
        lines.append(Text.assemble((f"如果当时选“{alt.label}” → ", "dim"), alt.result))
    # Padding keeps wrapped lines under their start, which a "   " prefix would not.
    return Group(head, Padding(Group(*lines), (0, 0, 0, 3)))


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
