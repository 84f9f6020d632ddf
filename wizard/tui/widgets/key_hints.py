"""A one-line key-hint footer (``Esc 上一步  F1 帮助 …``) from the screen's active, visible bindings.

Textual's Footer builds a widget per key and rebuilds them on every focus change, which
made each question cost several tenths of a second; one Static line is enough here.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widgets import Static

KEY_NAMES = {"escape": "Esc", "enter": "Enter", "space": "空格", "question_mark": "?"}


def key_label(key: str) -> str:
    """``f1`` → ``F1``, ``escape`` → ``Esc``, ``w`` → ``W``."""
    if key in KEY_NAMES:
        return KEY_NAMES[key]
    return key.upper() if len(key) <= 3 else key.title()


class KeyHints(Static):
    """Shows the enabled bindings marked ``show=True`` of the focused chain, one per description.

    When they do not fit, the last ones are dropped, but the help key (which lists them all) stays.
    """

    DEFAULT_CSS = """
    KeyHints {
        dock: bottom; height: 1; width: 1fr;
        background: $panel; color: $text; text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._refresh_hints)
        self.call_after_refresh(self._refresh_hints)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self, event: events.Resize) -> None:
        self._refresh_hints()

    def _refresh_hints(self, *_: object) -> None:
        items: list[tuple[str, str]] = []
        help_item: tuple[str, str] | None = None
        seen: set[str] = set()
        candidates = [(key, a.binding) for key, a in self.screen.active_bindings.items() if a.enabled]
        # A screen key shadowed by the focused widget doing the same (Enter in Home's filter box
        # submits, which starts the flow) is still worth showing.
        candidates += [(b.key, b) for b in type(self.screen).BINDINGS
                       if isinstance(b, Binding) and self._enabled(b.action)]
        for key, binding in candidates:
            if not binding.show or binding.description in seen:
                continue
            seen.add(binding.description)
            if binding.action.endswith("help"):
                help_item = (key_label(key), binding.description)
            else:
                items.append((key_label(key), binding.description))
        room = max(self.size.width, 20) - 1 - (_width(help_item) if help_item else 0)
        shown: list[tuple[str, str]] = []
        for item in items:
            if _width(item) > room:
                break
            shown.append(item)
            room -= _width(item)
        if help_item:
            shown.append(help_item)
        text = Text(" ")
        for key, description in shown:
            text.append(f" {key} ", style="bold reverse")
            text.append(f" {description} ")
        self.update(text)


    def _enabled(self, action: str) -> bool:
        target, _, name = action.rpartition(".")
        node = self.app if target == "app" else self.screen
        return node.check_action(name, ()) is not False


def _width(item: tuple[str, str]) -> int:
    return cell_len(item[0]) + cell_len(item[1]) + 4
