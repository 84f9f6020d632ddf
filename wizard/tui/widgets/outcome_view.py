"""Pieces of an outcome: the verdict banner, the next-steps checklist and a cited article."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from ...model import Outcome, Status, Step
from ...receipt import verdict_text

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


class StepItem(Static):
    """``☐ what`` with where to go, what to bring and by when, each on its own line."""

    DEFAULT_CSS = """
    StepItem { height: auto; margin: 0 0 1 0; }
    """

    def __init__(self, step: Step) -> None:
        text = Text()
        text.append("☐ ", style="bold")
        text.append(step.what, style="bold")
        for label, value in (("去哪里办", step.where), ("带什么材料", "、".join(step.materials)),
                             ("期限", step.deadline)):
            if value:
                text.append(f"\n   {label}：", style="dim")
                text.append(value)
        super().__init__(text)


class CitationCard(Widget):
    """One cited article: where it is, its exact words in full, and how far we trust the copy."""

    DEFAULT_CSS = """
    CitationCard { height: auto; margin: 0 0 1 0; }
    CitationCard > .citation-where { text-style: bold; }
    CitationCard > .citation-text {
        padding: 0 1; border-left: outer $secondary; background: $boost;
    }
    CitationCard > .citation-status { color: $text-warning; }
    CitationCard > .citation-note { color: $text-muted; }
    """

    def __init__(self, record: dict[str, Any]) -> None:
        super().__init__()
        self.record = record

    def compose(self) -> ComposeResult:
        r = self.record
        where = Text()
        where.append("§ ")
        where.append(r["document_title"])
        place = " ".join(x for x in (r["article"], f"第{r['paragraph']}款" if r["paragraph"] else "",
                                     r["item"]) if x)
        if place:
            where.append(" " + place)
        if r["region"]:
            where.append(f" · {r['region']}", style="dim")
        yield Static(where, classes="citation-where")
        if r["text"]:
            # The full text, never truncated: the point of the app is the exact words.
            yield Static(Text(r["text"]), classes="citation-text")
        if r["status"] != Status.TWO_COPIES.value:
            yield Static(Text("⚠ " + r["status_label"]), classes="citation-status")
        if r["note"]:
            yield Static(Text("注：" + r["note"]), classes="citation-note")
