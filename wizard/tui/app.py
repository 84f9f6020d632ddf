"""The wizard's Textual app: holds the engine state and decides, through the engine, what to show next."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.timer import Timer

from .. import engine
from ..engine import State
from ..errors import WizardError
from ..loader import Library, load_library
from ..model import Answer
from ..receipt import write_receipt
from .explain import basis, explain
from .kiosk_events import report_crash, report_outcome
from .screens.change import ChangeAnswerScreen
from .screens.export import ExportScreen
from .screens.flow import FlowScreen
from .screens.help import HelpScreen
from .screens.home import HomeScreen
from .screens.why import WhyScreen
from .text import APP_TITLE, CRASH_MESSAGE, KIOSK_OUTCOME_NOTE
from .widgets.answers_panel import AnswersPanel

KIOSK_BLOCKED = frozenset({"quit", "help_quit", "command_palette", "suspend_process", "export"})
"""Actions a kiosk visitor must not reach: leaving the app, the palette (it can write files), saving files."""

INPUT_EVENTS = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp, events.Paste)
"""What counts as someone being there (for the kiosk's idle timeout)."""

_BIDI_CONTROLS = (0x61C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
PASTE_UNSAFE: dict[int, str | None] = {
    c: None for c in (*range(0x20), *range(0x7F, 0xA0), *_BIDI_CONTROLS) if chr(c) not in "\n\r"
} | {ord("\t"): " "}
"""Control and bidi-override characters, dropped from pastes: shown in an input, the terminal would obey them."""


class WizardApp(App[int]):
    """Home → questions → outcome. Screens return answers; the engine says what comes next."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses elsewhere still find it
    TITLE = APP_TITLE
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f4", "toggle_dark", "明暗", show=False),
        Binding("f9", "home", "首页"),
    ]

    def __init__(self, library: Library, *, flow_id: str | None = None, kiosk: bool = False,
                 today: dt.date | None = None, idle_seconds: float = 180.0,
                 outcome_seconds: float = 120.0) -> None:
        # Read by App.__init__ when it adds the palette key, so it must be set first.
        self.ENABLE_COMMAND_PALETTE = not kiosk  # type: ignore[misc]
        super().__init__()
        self.library = library
        self.flow_id = flow_id
        self.kiosk = kiosk
        self.today = today
        self.idle_seconds = idle_seconds
        self.outcome_seconds = outcome_seconds
        self.state: State | None = None
        self.home: HomeScreen | None = None
        self._last_input = time.monotonic()
        self._idle_timer: Timer | None = None

    # ------------------------------------------------------------------ lifecycle

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error: a plain apology, never a traceback with program internals.

        Textual's own handler prints a traceback with local variables to the terminal,
        which at the kiosk is a stranger's terminal. ``WIZARD_DEBUG=1`` restores it.
        """
        if os.environ.get("WIZARD_DEBUG"):
            super()._handle_exception(error)
            return
        report_crash(error)
        self._return_code = 1
        if self._exception is None:  # Pilot re-raises it in tests, as Textual's handler does
            self._exception = error
            self._exception_event.set()
        self.panic(CRASH_MESSAGE)

    async def on_mount(self) -> None:
        self.home = HomeScreen(self.library.flows)
        await self.push_screen(self.home)
        if self.flow_id:
            await self.begin(self.flow_id)
        if self.kiosk:
            tick = max(0.05, min(1.0, self.outcome_seconds / 4, self.idle_seconds / 4))
            self._idle_timer = self.set_interval(tick, self._check_idle)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, INPUT_EVENTS):
            self._last_input = time.monotonic()
        if isinstance(event, events.Paste):
            event.text = event.text.translate(PASTE_UNSAFE)
        await super().on_event(event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.kiosk and action in KIOSK_BLOCKED:
            return False
        if action in ("restart", "back", "home"):
            return self.state is not None
        if action in ("why", "export"):
            return self.state is not None and self.state.done
        return True

    async def action_quit(self) -> None:
        # Belt and braces: a kiosk never exits on a key, whatever binding reaches here.
        if not self.kiosk:
            self.exit(0)

    # ------------------------------------------------------------------ showing states

    @property
    def flow_screen(self) -> FlowScreen | None:
        return next((s for s in self.screen_stack if isinstance(s, FlowScreen)), None)

    async def begin(self, flow_id: str) -> None:
        """Start ``flow_id`` from its first question."""
        try:
            flow = self.library.get(flow_id)
        except WizardError as exc:
            self.notify(exc.message, title=exc.title, severity="error")
            return
        await self.show(engine.start(flow, self.today))

    async def show(self, state: State, initial: Answer | None = None) -> None:
        """Make ``state`` the current one and show its question or outcome on the flow screen."""
        self.state = state
        note = KIOSK_OUTCOME_NOTE.format(seconds=int(self.outcome_seconds)) if self.kiosk else ""
        screen = self.flow_screen
        while screen is not None and self.screen is not screen:
            self.pop_screen()  # dialogs and the Why view belong to the previous state
        if screen is None:
            screen = FlowScreen(state, self.library.corpus)
            screen.prepare(initial, note)
            await self.push_screen(screen)
        else:
            await screen.show(state, initial, note)
        if state.outcome is not None:
            report_outcome(state.flow.id, state.outcome.id)

    async def on_flow_screen_answered(self, message: FlowScreen.Answered) -> None:
        if message.state is not self.state:
            return  # a late answer for a state already left (e.g. a timeout went home meanwhile)
        try:
            state = engine.answer(message.state, message.value)
        except WizardError as exc:
            self.notify(exc.message, title=exc.title, severity="error")
            return
        await self.show(state)

    async def go_home(self) -> None:
        """Forget the person's answers and show Home (or, for a kiosk pinned to one flow, its start)."""
        self.state = None
        while self.home is not None and self.screen is not self.home and len(self.screen_stack) > 1:
            # Not awaited: this may run inside a handler of the very screen being removed.
            self.pop_screen()
        if self.home is not None:
            self.home.reset()
        if self.kiosk and self.flow_id:
            await self.begin(self.flow_id)

    async def _check_idle(self) -> None:
        limit = self.outcome_seconds if self.state is not None and self.state.done else self.idle_seconds
        if time.monotonic() - self._last_input < limit:
            return
        self._last_input = time.monotonic()
        at_clean_home = self.state is None and self.screen is self.home and self.home.is_clean
        if not at_clean_home:
            await self.go_home()

    # ------------------------------------------------------------------ messages from screens

    async def on_home_screen_flow_chosen(self, message: HomeScreen.FlowChosen) -> None:
        await self.begin(message.flow_id)

    def on_answers_panel_change_requested(self, message: AnswersPanel.ChangeRequested) -> None:
        state = self.state
        if state is None or message.question_id not in state.values:
            return
        question = state.flow.questions[message.question_id]

        async def changed(value: Answer | None) -> None:
            if value is None or state is not self.state:
                return
            try:
                new_state = engine.change(state, message.question_id, value)
            except WizardError as exc:
                self.notify(exc.message, title=exc.title, severity="error")
                return
            await self.show(new_state)

        self.push_screen(ChangeAnswerScreen(question, state.today, state.values[message.question_id]),
                         changed)

    # ------------------------------------------------------------------ actions

    async def action_back(self) -> None:
        state = self.state
        if state is None:
            return
        if not state.answers:
            if not (self.kiosk and self.flow_id):
                await self.go_home()
            return
        await self.show(engine.back(state), initial=state.answers[-1][1])

    async def action_restart(self) -> None:
        if self.state is None:
            return
        if self.kiosk and self.state.done:
            await self.go_home()  # the next person starts from Home with nothing remembered
        else:
            await self.show(engine.restart(self.state))

    async def action_home(self) -> None:
        await self.go_home()

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        question = None
        if isinstance(self.screen, (FlowScreen, ChangeAnswerScreen)):
            question = self.screen.question
        self.push_screen(HelpScreen(question))

    def action_why(self) -> None:
        if self.state is None or not self.state.done or isinstance(self.screen, WhyScreen):
            return
        self.push_screen(WhyScreen(self.state.flow.title, explain(self.state),
                                   basis(self.state, self.library.corpus)))

    def action_export(self) -> None:
        state = self.state
        if self.kiosk or state is None or not state.done or isinstance(self.screen, ExportScreen):
            return
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
        suggested = f"receipt-{state.flow.id}-{stamp}"

        def saved(paths: list[Path] | None) -> None:
            if paths:
                where = "\n".join(str(p) for p in paths)
                self.notify(f"凭条已保存到：\n{where}", title="已保存", timeout=15)

        self.push_screen(ExportScreen(suggested, partial(write_receipt, state, self.library.corpus)), saved)


def run_app(flow_id: str | None = None, flows_dir: Path | None = None, kiosk: bool = False) -> int:
    """Run the app in this terminal; 0 on a normal exit, 1 when ``flow_id`` is unknown."""
    library = load_library([flows_dir] if flows_dir else None)
    if flow_id is not None:
        try:
            library.get(flow_id)
        except WizardError as exc:
            print(exc.format(), file=sys.stderr)
            return 1
    app = WizardApp(library, flow_id=flow_id, kiosk=kiosk)
    app.run()
    return app.return_code or 0
