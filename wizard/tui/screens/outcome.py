"""The outcome: verdict in words and colour, explanation, the cited articles in full, next steps, disclaimer."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Static

from ...engine import State
from ...model import Corpus
from ...receipt import citation_record
from ..text import DISCLAIMER
from ..widgets.answers_panel import AnswersPanel
from ..widgets.flow_bar import FlowBar
from ..widgets.outcome_parts import CitationCard, StepItem, VerdictBanner
from .flow import FlowScreen


class OutcomeScreen(FlowScreen[None]):
    """Shows ``state.outcome``; every way on (back, why, save, restart) is an app action."""

    BINDINGS = [
        Binding("escape", "escape", "上一步"),
        Binding("w", "app.why", "为什么"),
        Binding("s", "app.export", "保存凭条"),
        Binding("f2", "toggle_answers", "已答"),
        Binding("f5", "app.restart", "重新开始"),
        Binding("f1", "app.help", "帮助", show=False),
        Binding("question_mark", "app.help", "帮助", show=False),
    ]

    def __init__(self, state: State, corpus: Corpus, note: str = "") -> None:
        super().__init__(state)
        assert state.outcome is not None
        self.outcome = state.outcome
        self.corpus = corpus
        self.note = note

    def compose(self) -> ComposeResult:
        outcome = self.outcome
        yield FlowBar(self.state.flow.title, f"结论 · 共回答 {len(self.state.answers)} 题")
        with Horizontal(id="body"):
            with VerticalScroll(id="main"):
                yield VerdictBanner(outcome, id="verdict")
                yield Static(Text(outcome.explanation), id="explanation")
                if outcome.local:
                    yield Static(Text("各地差异：" + outcome.local), id="local")
                if outcome.citations:
                    yield Static(Text("法规依据（原文）"), classes="section-title")
                    for citation in outcome.citations:
                        yield CitationCard(citation_record(citation, self.corpus))
                if outcome.steps:
                    yield Static(Text("下一步怎么办"), classes="section-title")
                    for step in outcome.steps:
                        yield StepItem(step)
                yield Static(Text(DISCLAIMER), id="disclaimer")
                if self.note:
                    yield Static(Text(self.note), id="outcome-note")
            yield AnswersPanel(self.state, id="answers")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        # The scroll area takes the focus so ↑ ↓ PgUp PgDn read long articles.
        self.focus_main()

    def focus_main(self) -> None:
        self.query_one("#main").focus()
