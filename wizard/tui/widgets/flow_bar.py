"""The one-line bar above a flow screen: the flow's title and where the person is in it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static


class FlowBar(Horizontal):
    """Title on the left, progress (e.g. ``第 2 步，最多 5 步``) on the right; always visible."""

    DEFAULT_CSS = """
    FlowBar { height: 1; background: $panel; dock: top; }
    FlowBar > #flow-title { width: 1fr; text-style: bold; padding: 0 1; text-overflow: ellipsis; text-wrap: nowrap; }
    FlowBar > #progress { width: auto; padding: 0 1; color: $text-accent; text-style: bold; }
    """

    def __init__(self, title: str, progress: str) -> None:
        super().__init__()
        self.title_text = title
        self.progress_text = progress

    def compose(self) -> ComposeResult:
        yield Static(Text(self.title_text), id="flow-title")
        yield Static(Text(self.progress_text), id="progress")

    def set_progress(self, progress: str) -> None:
        self.progress_text = progress
        self.query_one("#progress", Static).update(Text(progress))
