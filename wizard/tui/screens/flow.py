"""The flow screen: one question (or the outcome), progress, the answers so far (side panel or F2), key hints.

One screen serves the whole flow and swaps its main view in place when the app shows a new
state: a new Screen per question cost ~5x the CPU (styles and a full repaint), which a
kiosk serving many people, and the test suite, both feel.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen

from ...engine import State, progress
from ...model import Answer, Corpus, Outcome, Question
from ..widgets.answers_panel import AnswersPanel
from ..widgets.flow_bar import FlowBar
from ..widgets.key_hints import KeyHints
from ..widgets.outcome_view import OutcomeView, VerdictBanner
from ..widgets.question_form import QuestionForm


def progress_text(state: State) -> str:
    """``第 2 步，最多 5 步`` from the engine's progress, or the count of answers at an outcome."""
    if state.done:
        return f"结论 · 共回答 {len(state.answers)} 题"
    p = progress(state)
    return f"第 {p.step} 步，最多 {p.most} 步"


class FlowScreen(Screen[None]):
    """Shows a state; the answer goes to the app in `Answered`, every other way on is an app action."""

    BINDINGS = [
        Binding("escape", "escape", "上一步"),
        Binding("f1", "app.help", "帮助"),
        Binding("question_mark", "app.help", "帮助", show=False, priority=True),
        Binding("w", "app.why", "为什么"),
        Binding("s", "app.export", "保存"),
        Binding("f2", "toggle_answers", "已答"),
        Binding("f6", "unsure", "不确定"),
        Binding("f5", "app.restart", "重新开始"),
    ]

    @dataclass
    class Answered(Message):
        """The person answered the question of ``state`` with ``value``; the app asks the engine what next."""

        state: State
        value: Answer

    def __init__(self, state: State, corpus: Corpus) -> None:
        super().__init__(classes="flow-screen")
        self.state = state
        self.corpus = corpus
        self._initial: Answer | None = None
        self._note = ""
        self.shown: State | None = None
        """The state whose view is mounted and focused (None while switching)."""

    @property
    def question(self) -> Question | None:
        return self.state.question

    @property
    def outcome(self) -> Outcome | None:
        return self.state.outcome

    @property
    def mode(self) -> str:
        """``question`` or ``outcome``."""
        return "outcome" if self.state.done else "question"

    def compose(self) -> ComposeResult:
        yield FlowBar(self.state.flow.title, progress_text(self.state))
        yield Vertical(id="pinned")  # the verdict, which stays in view while the law is read
        with Horizontal(id="body"):
            yield VerticalScroll(id="main")
            yield AnswersPanel(self.state, id="answers")
        yield KeyHints()

    async def on_mount(self) -> None:
        await self.show(self.state, self._initial, self._note)

    def prepare(self, initial: Answer | None, note: str) -> None:
        """What the first view shows besides the state (set before the screen is pushed)."""
        self._initial, self._note = initial, note

    async def show(self, state: State, initial: Answer | None = None, note: str = "") -> None:
        """Show ``state``: its question (``initial`` pre-chosen) or its outcome (with ``note``)."""
        self.state = state
        self.shown = None
        with self.app.batch_update():
            self.query_one(FlowBar).set_progress(progress_text(state))
            self.query_one(AnswersPanel).show(state)
            main = self.query_one("#main", VerticalScroll)
            pinned = self.query_one("#pinned", Vertical)
            await main.remove_children()
            await pinned.remove_children()
            if state.outcome is not None:
                await pinned.mount(VerdictBanner(state.outcome, id="verdict"))
                await main.mount(OutcomeView(state.outcome, self.corpus, note, id="outcome"))
            else:
                assert state.question is not None
                await main.mount(QuestionForm(state.question, state.today, initial, id="form"))
            main.scroll_home(animate=False)
            self.set_class(state.done, "-outcome")
            self.remove_class("-show-answers")
            self.focus_main()
        self.refresh_bindings()
        self.shown = state

    def focus_main(self) -> None:
        """The answer control for a question; the scroll area for an outcome (↑ ↓ PgUp PgDn read it)."""
        if self.state.done:
            self.query_one("#main").focus()
        else:
            self.query_one(QuestionForm).focus_control()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "unsure":
            # Choice questions list "不确定" among their options; the key is for typed answers.
            forms = self.query(QuestionForm)
            return bool(forms) and not self.state.done and forms.first().has_unsure_button
        return True

    def on_question_form_answered(self, event: QuestionForm.Answered) -> None:
        event.stop()
        # A fast second key can reach the previous question's form while it is being replaced.
        if self.shown is self.state and event.form.question is self.state.question:
            self.post_message(self.Answered(self.state, event.value))

    def action_unsure(self) -> None:
        for form in self.query(QuestionForm):
            form.answer_unsure()

    async def action_escape(self) -> None:
        """Esc closes the answers list if it is open, else goes one question back."""
        if self.has_class("-show-answers"):
            self.action_toggle_answers()
        else:
            await self.app.run_action("app.back")

    def action_toggle_answers(self) -> None:
        """F2 opens the answers list (over the page when narrow) and moves the focus there; again to return."""
        showing = self.toggle_class("-show-answers").has_class("-show-answers")
        listing = self.query_one("#answers-list")
        if showing and listing.display:
            listing.focus()
        else:
            self.focus_main()
