"""The frozen data model of flows, outcomes, citations and the article corpus."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from .conditions import Condition
    from .yamlload import JsonPath, Positions


class Unsure:
    """The "不确定/不知道" answer: a singleton distinct from every option value."""

    _instance: Unsure | None = None

    def __new__(cls) -> Self:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance  # type: ignore[return-value]

    def __repr__(self) -> str:
        return "UNSURE"

    def __reduce__(self) -> str:
        return "UNSURE"


UNSURE = Unsure()
"""Written ``unsure`` in flows, replay scripts and receipts."""

Answer = bool | str | int | float | dt.date | tuple[str, ...] | Unsure
"""yesno → bool, choice → str, multi → tuple of option values (in option order), number, date."""


class Kind(str, Enum):
    """Question kinds."""

    CHOICE = "choice"
    YESNO = "yesno"
    MULTI = "multi"
    NUMBER = "number"
    DATE = "date"


DISCLAIMER = "以上是政策指引，不是正式认定；请以当地医保经办机构的答复为准，也可拨打 12393 医保服务热线咨询。"
"""Shown under every outcome."""

VERDICTS = ("可以", "不可以", "要看情况", "说明")
"""Allowed outcome verdicts, in order of how they are explained on screen."""

_ITEM = re.compile(r"^(?:[（(][一二三四五六七八九十]+[)）]|\d+[.。．、])")
"""An item (项) marker at the start of a block: （一） (一) 1. 1。"""

_ITEM_HEAD = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")

_RELATIVE = re.compile(r"^today(?:([+-])(\d{1,4})([dmy]))?$")


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months, clamped to the month's last day."""
    month0 = day.month - 1 + months
    year = day.year + month0 // 12
    month = month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 always exists


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if months > 0 and add_months(start, months) > end:
        months -= 1
    elif months < 0 and add_months(start, months) < end:
        months += 1
    return months


def resolve_date(literal: str, today: dt.date) -> dt.date:
    """A date literal (``2025-01-31``, ``today``, ``today-10y``, ``today+6m``) as a date."""
    m = _RELATIVE.match(literal)
    if not m:
        return dt.date.fromisoformat(literal)
    if not m.group(1):
        return today
    n = int(m.group(2)) * (1 if m.group(1) == "+" else -1)
    unit = m.group(3)
    if unit == "d":
        return today + dt.timedelta(days=n)
    return add_months(today, n * (12 if unit == "y" else 1))


def resolve_date_clamped(literal: str, today: dt.date) -> dt.date:
    """Like :func:`resolve_date`, but a relative date past the calendar's ends (years 1–9999)
    is clamped to that end instead of raising: ``today-100y`` on 0001-01-02 is 0001-01-01."""
    try:
        return resolve_date(literal, today)
    except (ValueError, OverflowError):
        m = _RELATIVE.match(literal)
        if not m or not m.group(1):
            raise
        return dt.date.max if m.group(1) == "+" else dt.date.min


@dataclass(frozen=True)
class Option:
    """One offered answer of a choice or multi question."""

    value: str
    label: str
    help: str = ""


@dataclass(frozen=True)
class Rule:
    """One branch of a question's ``next``: go to ``goto`` when ``when`` holds (None: else)."""

    when: Condition | None
    goto: str
    path: JsonPath = ()

    @property
    def is_else(self) -> bool:
        return self.when is None


@dataclass(frozen=True)
class Question:
    """A question the person answers."""

    id: str
    kind: Kind
    text: str
    label: str
    help: str = ""
    unsure: str | None = None
    """Label of the "不确定" answer when offered, else None."""
    options: tuple[Option, ...] = ()
    yes_label: str = "是"
    no_label: str = "否"
    unit: str = ""
    min: float | None = None
    max: float | None = None
    integer: bool = True
    earliest: str = "today-100y"
    latest: str = "today+2y"
    rules: tuple[Rule, ...] = ()
    path: JsonPath = ()

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def choices(self) -> tuple[tuple[Answer, str], ...]:
        """Every finite answer with its label (yesno, choice; plus unsure when offered)."""
        out: list[tuple[Answer, str]] = []
        if self.kind is Kind.YESNO:
            out = [(True, self.yes_label), (False, self.no_label)]
        elif self.kind is Kind.CHOICE:
            out = [(o.value, o.label) for o in self.options]
        if self.unsure is not None:
            out.append((UNSURE, self.unsure))
        return tuple(out)

    def describe(self, value: Answer) -> str:
        """A person-readable rendering of an answer to this question."""
        if value is UNSURE:
            return self.unsure or "不确定"
        if self.kind is Kind.YESNO:
            return self.yes_label if value else self.no_label
        if self.kind is Kind.CHOICE and isinstance(value, str):
            opt = self.option(value)
            return opt.label if opt else value
        if self.kind is Kind.MULTI and isinstance(value, tuple):
            labels = [o.label for o in self.options if o.value in value]
            return "、".join(labels) if labels else "（都没有）"
        if self.kind is Kind.NUMBER and isinstance(value, (int, float)):
            num = f"{value:g}" if isinstance(value, float) else str(value)
            return f"{num} {self.unit}".strip()
        if isinstance(value, dt.date):
            return f"{value.year}年{value.month}月{value.day}日"
        return str(value)


@dataclass(frozen=True)
class Step:
    """One next step of an outcome."""

    what: str
    where: str = ""
    materials: tuple[str, ...] = ()
    deadline: str = ""


@dataclass(frozen=True)
class Citation:
    """A reference to an article of the corpus, optionally with a verbatim quote."""

    doc: str
    article: str | None = None
    paragraph: int | None = None
    item: str | None = None
    quote: str | None = None
    note: str = ""
    path: JsonPath = ()


@dataclass(frozen=True)
class Outcome:
    """A conclusion: verdict, plain explanation, next steps and citations."""

    id: str
    verdict: str
    title: str
    explanation: str
    steps: tuple[Step, ...]
    citations: tuple[Citation, ...]
    local: str = ""
    path: JsonPath = ()


@dataclass(frozen=True, eq=False)
class Flow:
    """One loaded flow: questions and outcomes by id, plus where they stand in the file."""

    id: str
    title: str
    summary: str
    version: str
    updated: str
    regions: tuple[str, ...]
    start: str
    questions: dict[str, Question]
    outcomes: dict[str, Outcome]
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    file: str = ""
    content_hash: str = ""
    """sha256 of the file's bytes: receipts record it to tell whether a flow changed."""
    positions: Positions | None = field(default=None, compare=False, repr=False)

    def node(self, node_id: str) -> Question | Outcome:
        if node_id in self.questions:
            return self.questions[node_id]
        return self.outcomes[node_id]

    def is_outcome(self, node_id: str) -> bool:
        return node_id in self.outcomes


class Status(str, Enum):
    """How far we trust a document's text."""

    TWO_COPIES = "two-copies"
    SINGLE = "single-transcription"
    NOT_HELD = "not-held"


STATUS_LABELS = {
    Status.TWO_COPIES: "原文（与官方文本核对）",
    Status.SINGLE: "单一来源转写，请以官方原文为准",
    Status.NOT_HELD: "原文未收录",
}


@dataclass(frozen=True)
class Article:
    """One article (条) or section of a document, with its exact text."""

    number: str
    text: str
    sha256: str = ""
    path: JsonPath = ()

    def paragraphs(self) -> tuple[str, ...]:
        """The article's 款: blank-line blocks, each numbered item （一）… kept with its 款."""
        out: list[str] = []
        for block in self.text.split("\n\n"):
            if out and _ITEM.match(block):
                out[-1] += "\n\n" + block
            else:
                out.append(block)
        return tuple(out)

    def item(self, paragraph: int | None, label: str) -> str | None:
        """The text of item ``label`` (e.g. ``（一）``) in a 款 (or anywhere in the article)."""
        scope = self.paragraphs()[paragraph - 1] if paragraph else self.text
        want = unicodedata.normalize("NFKC", label).strip()
        lines = scope.split("\n")
        for i, line in enumerate(lines):
            if want and unicodedata.normalize("NFKC", line).startswith(want):
                end = next((j for j in range(i + 1, len(lines)) if _ITEM_HEAD.match(lines[j])), len(lines))
                return "\n".join(lines[i:end]).strip("\n")
        return None


@dataclass(frozen=True)
class LawDocument:
    """A law, regulation or policy document of the article corpus."""

    id: str
    title: str
    short_title: str
    kind: str
    region: str
    status: Status
    articles: dict[str, Article]
    number: str = ""
    issuer: str = ""
    status_note: str = ""
    official: str = ""
    file: str = ""

    @property
    def status_label(self) -> str:
        return self.status_note if self.status is Status.NOT_HELD and self.status_note else STATUS_LABELS[self.status]


@dataclass(frozen=True)
class Corpus:
    """Every document of the article corpus, by id."""

    documents: dict[str, LawDocument] = field(default_factory=dict)
    key: str = ""
    """Content hash of the corpus folder: cached flows checked against it are keyed by it."""

    def article(self, doc: str, number: str | None) -> Article | None:
        document = self.documents.get(doc)
        if document is None or number is None:
            return None
        return document.articles.get(number)
