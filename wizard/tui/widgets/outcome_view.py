"""An outcome: verdict banner, explanation, the cited articles in full, next steps as a checklist, disclaimer."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from ...model import DISCLAIMER, Corpus, Outcome, Status, Step
from ...receipt import citation_record, verdict_text

VERDICT_CLASSES = {"可以": "-yes", "不可以": "-no", "要看情况": "-depends", "说明": "-info"}


class VerdictBanner(Static):
    """``✔ 可以 · title`` on a coloured band; the mark and the word carry the meaning, colour only helps."""

    DEFAULT_CSS = """
    VerdictBanner {
        height: auto; padding: 0 1; margin: 0 0 1 0;
        text-style: bold; border: tall $primary; background: $primary 15%;
    }
    VerdictBanner.-yes { border: tall $success; background: $success 20%; }
    VerdictBanner.-no { border: tall $error; background: $error 20%; }
    VerdictBanner.-depends { border: tall $warning; background: $warning 20%; }
    VerdictBanner.-info { border: tall $accent; background: $accent 15%; }
    """

    def __init__(self, outcome: Outcome, id: str | None = None) -> None:
        text = Text()
        text.append(verdict_text(outcome.verdict))
        text.append("  ")
        text.append(outcome.title)
        super().__init__(text, id=id, classes=VERDICT_CLASSES.get(outcome.verdict, ""))


def steps_text(steps: tuple[Step, ...]) -> Text:
    """``☐ what`` per step, with where to go, what to bring and by when on their own lines."""
    text = Text()
    for n, step in enumerate(steps):
        if n:
            text.append("\n\n")
        text.append("☐ ", style="bold")
        text.append(step.what, style="bold")
        for label, value in (("去哪里办", step.where), ("带什么材料", "、".join(step.materials)),
                             ("期限", step.deadline)):
            if value:
                text.append(f"\n   {label}：", style="dim")
                text.append(value)
    return text


class StepList(Static):
    """The next steps as a checklist (one widget: an outcome is drawn often, e.g. at a kiosk)."""

    DEFAULT_CSS = """
    StepList { height: auto; margin: 0 0 1 0; }
    """

    def __init__(self, steps: tuple[Step, ...]) -> None:
        super().__init__(steps_text(steps))


class CitationCard(Widget):
    """One cited article: where it is, how far we trust the copy, and its exact words in full."""

    DEFAULT_CSS = """
    CitationCard { height: auto; margin: 0 0 1 0; }
    CitationCard > .citation-text {
        padding: 0 1; border-left: outer $secondary; background: $boost;
    }
    """

    def __init__(self, record: dict[str, Any]) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        r = self.record
        head = Text()
        head.append("§ " + r["document_title"], style="bold")
        place = " ".join(x for x in (r["article"], f"第{r['paragraph']}款" if r["paragraph"] else "",
                                     r["item"]) if x)
        if place:
            head.append(" " + place, style="bold")
        if r["region"]:
            head.append(f" · {r['region']}", style="dim")
        if r["status"] != Status.TWO_COPIES.value:
            # Words, not only colour: a transcription or a missing text must be obvious.
            head.append("\n⚠ " + r["status_label"], style="italic")
        if r["note"]:
            head.append("\n注：" + r["note"], style="dim")
        yield Static(head, classes="citation-where")
        if r["text"]:
            # The full text, never truncated: the point of the app is the exact words.
            yield Static(Text(r["text"]), classes="citation-text")


class OutcomeView(Widget):
    """The outcome below its verdict, in reading order; the law's words come before the steps.

    The `VerdictBanner` is not part of it: the flow screen pins it above the scrolling text.
    """

    DEFAULT_CSS = """
    OutcomeView { height: auto; }
    OutcomeView > #explanation { margin: 0 0 1 0; }
    OutcomeView > #local { margin: 0 0 1 0; color: $text-warning; }
    OutcomeView > .section-title { margin: 0 0 1 0; text-style: bold underline; color: $text-primary; }
    OutcomeView > #disclaimer {
        margin: 0 0 1 0; padding: 0 1; border: round $secondary; color: $text-muted;
    }
    OutcomeView > #outcome-note { margin: 0 0 1 0; color: $text-accent; }
    """

    def __init__(self, outcome: Outcome, corpus: Corpus, note: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.outcome = outcome
        self.corpus = corpus
        self.note = note

    def compose(self) -> ComposeResult:
        outcome = self.outcome
        yield Static(Text(outcome.explanation), id="explanation")
        if outcome.local:
            yield Static(Text("各地差异：" + outcome.local), id="local")
        if outcome.citations:
            yield Static(Text("法规依据（原文）"), classes="section-title")
            for citation in outcome.citations:
                yield CitationCard(citation_record(citation, self.corpus))
        if outcome.steps:
            yield Static(Text("下一步怎么办"), classes="section-title")
            yield StepList(outcome.steps)
        yield Static(Text(DISCLAIMER), id="disclaimer")
        if self.note:
            yield Static(Text(self.note), id="outcome-note")
