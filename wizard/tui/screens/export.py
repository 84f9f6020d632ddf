"""Saving a receipt: the person types a file name; errors are shown here so they can try another."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ...errors import WizardError


class ExportScreen(ModalScreen[list[Path] | None]):
    """Dismisses with the files written, or None on Esc; ``write`` is the app's receipt writer."""

    BINDINGS = [Binding("escape", "cancel", "取消")]

    def __init__(self, suggested: str, write: Callable[[Path], list[Path]]) -> None:
        super().__init__(classes="dialog-screen")
        self.suggested = suggested
        self.write = write

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text("保存凭条"), classes="dialog-title")
            yield Static(Text("输入文件名（会同时保存 .md 和 .json 两个文件），按 Enter 保存："),
                         classes="dialog-hint")
            yield Input(self.suggested, id="file-name", select_on_focus=False)
            yield Static("", id="export-error")
            yield Static(Text(f"相对路径从这个文件夹算起：{Path.cwd()}\n按 Esc 取消。"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            written = self.write(Path(event.value.strip()))
        except WizardError as exc:
            self.query_one("#export-error", Static).update(Text("✘ " + exc.message))
            self.app.bell()
            return
        self.dismiss(written)

    def action_cancel(self) -> None:
        self.dismiss(None)
