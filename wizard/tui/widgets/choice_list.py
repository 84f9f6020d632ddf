"""A numbered list of answers: single choice (Enter or 1–9 picks) or several (Space/1–9 tick, Enter confirms)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class Choice:
    """One line of the list: what it means, what it says and optional small print."""

    value: object
    label: str
    help: str = ""


class ChoiceList(OptionList):
    """Options numbered 1–9 so a keypad is enough; in ``multiple`` mode options are ticked."""

    DEFAULT_CSS = """
    ChoiceList {
        height: auto;
        max-height: 100%;
        min-width: 8;  /* squeezed to its border and padding, Rich's wrapping fails on a zero width */
        border: round $primary 60%;
        padding: 0 1;
    }
    ChoiceList:focus { border: round $primary; }
    ChoiceList > .option-list--option { padding: 0 0; }
    """

    BINDINGS = [
        Binding("enter", "confirm", "确定", show=False),
        Binding("space", "select", "勾选", show=False),
    ]

    @dataclass
    class Chosen(Message):
        """Single choice: the person picked ``value``."""

        choice_list: ChoiceList
        value: object

        @property
        def control(self) -> ChoiceList:
            return self.choice_list

    @dataclass
    class Confirmed(Message):
        """Multiple choice: the person confirmed the ticked ``values`` (possibly none)."""

        choice_list: ChoiceList
        values: tuple[object, ...]

        @property
        def control(self) -> ChoiceList:
            return self.choice_list

    @dataclass
    class Toggled(Message):
        """Multiple choice: the ticked set changed."""

        choice_list: ChoiceList
        values: tuple[object, ...]

    def __init__(self, choices: Sequence[Choice], *, multiple: bool = False,
                 initial: Sequence[object] = (), id: str | None = None) -> None:
        self.choices = tuple(choices)
        self.multiple = multiple
        self.ticked: set[int] = {i for i, c in enumerate(self.choices) if c.value in initial}
        super().__init__(*[self._option(i) for i in range(len(self.choices))], id=id)

    def on_mount(self) -> None:
        first_ticked = min(self.ticked, default=0)
        if self.choices:
            self.highlighted = first_ticked

    def _option(self, index: int) -> Option:
        choice = self.choices[index]
        number = f"{index + 1}." if index < 9 else "  "
        prompt = Text()
        if self.multiple:
            # A tick mark and the words, so the state is never shown by colour alone.
            prompt.append("[✔] " if index in self.ticked else "[  ] ", style="bold")
        prompt.append(f"{number} ", style="bold")
        prompt.append(choice.label)
        if choice.help:
            prompt.append("\n     " + choice.help, style="dim")
        return Option(prompt, id=f"choice-{index}")

    @property
    def values(self) -> tuple[object, ...]:
        """The ticked values in option order."""
        return tuple(self.choices[i].value for i in sorted(self.ticked))

    def _toggle(self, index: int) -> None:
        self.ticked ^= {index}
        self.replace_option_prompt_at_index(index, self._option(index).prompt)
        self.post_message(self.Toggled(self, self.values))

    def action_select(self) -> None:
        """Space, a click or a number: tick/untick in multiple mode, choose in single mode."""
        if self.highlighted is None:
            return
        if self.multiple:
            self._toggle(self.highlighted)
        else:
            self.post_message(self.Chosen(self, self.choices[self.highlighted].value))

    def action_confirm(self) -> None:
        if self.multiple:
            self.post_message(self.Confirmed(self, self.values))
        else:
            self.action_select()

    def on_key(self, event: events.Key) -> None:
        # Digits pick directly: older users at a kiosk read "1. 是" and press 1.
        if event.character and event.character.isdigit() and event.character != "0":
            index = int(event.character) - 1
            if index < len(self.choices):
                event.stop()
                event.prevent_default()
                self.highlighted = index
                self.action_select()
