"""A stand-in for the wizard app in kiosk tests: a title, two choices, a CJK outcome, diagnostics."""

from __future__ import annotations

import os
import sys
import threading

from textual import events
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import OptionList, Static

from wizard.kiosk.events import report_outcome

OUTCOMES = {
    0: ("can-apply", "结论：可以\n“参保人员可以申请门诊慢特病待遇。”"),
    1: ("cannot-apply", "结论：不可以\n“未参保人员不能享受医保待遇。”"),
}


def _env_text() -> str:
    def show(name: str) -> str:
        return os.environ.get(name, "-")

    return "\n".join(
        [
            f"INSPECT {show('PYTHONINSPECT')}",
            f"PRELOAD {show('LD_PRELOAD')}",
            f"SECRET {show('KIOSK_TEST_SECRET')}",
            f"TERM {show('TERM')}",
            f"COLORTERM {show('COLORTERM')}",
            f"COLUMNS {show('COLUMNS')}",
            f"ARGV {' '.join(sys.argv[1:])}",
        ]
    )


class MainScreen(Screen[None]):
    """Everything on one screen; shows its own size so tests can see resizes arrive."""

    def compose(self) -> ComposeResult:
        yield Static("医保资格向导 TEST", id="title")
        yield Static("SIZE ?", id="size")
        yield Static(f"PID {os.getpid()}", id="pid")
        yield Static("KEYS 0 -", id="keys")
        yield Static(_env_text(), id="env")
        yield OptionList("是 yes", "否 no", id="choices")
        yield Static("", id="outcome")

    def on_mount(self) -> None:
        self.query_one("#choices", OptionList).focus()

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#size", Static).update(f"SIZE {event.size.width}x{event.size.height}")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        outcome_id, text = OUTCOMES[event.option_index]
        self.query_one("#outcome", Static).update(text)
        report_outcome("fake-flow", outcome_id)


class FakeKioskApp(App[None], inherit_bindings=False):
    """Shows what the kiosk tests need to read off the screen; has no quit or suspend keys."""

    ENABLE_COMMAND_PALETTE = False
    CSS = "Static { height: auto; } OptionList { height: 4; } #size { dock: top; }"

    def __init__(self) -> None:
        super().__init__()
        self._keys = 0

    def on_mount(self) -> None:
        self.push_screen(MainScreen())

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._keys += 1  # forwarded keys are ones bubbling back up: already counted
            self.screen.query_one("#keys", Static).update(f"KEYS {self._keys} {event.key}")
            if event.key == "x":
                self.exit(return_code=3)
            elif event.key == "exclamation_mark":
                self.exit(return_code=9)
            elif event.key == "f":
                threading.Thread(target=flood_terminal, daemon=True).start()
        await super().on_event(event)


FLOOD_BYTES = 6 * 1024 * 1024


def flood_terminal() -> None:
    """Write FLOOD_BYTES straight to the terminal, far more than SSH windows and buffers hold."""
    chunk = b"\x1b[H" + "满".encode() * 21000
    written = 0
    while written < FLOOD_BYTES:
        written += os.write(sys.__stdout__.fileno(), chunk[: FLOOD_BYTES - written])


def main() -> None:
    """Run the app; exit status 9 stands for a crash that escapes the app."""
    app = FakeKioskApp()
    app.run()
    if app.return_code == 9:
        raise RuntimeError("a secret answer that must never reach the log")
    sys.exit(app.return_code or 0)


if __name__ == "__main__":
    main()
