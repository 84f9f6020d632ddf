"""Matching what a person types on Home against flows: 汉字, full pinyin or pinyin initials, ranked."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

TITLE, KEYWORD, SUMMARY = 3, 2, 1
"""How much a match in each kind of text counts: a title match ranks first."""


def _fold(text: str) -> str:
    """NFKC (full-width letters typed on a Chinese IME become ASCII), lower case, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


def warm_up() -> None:
    """Import pypinyin (≈0.7 s, its dictionaries) ahead of the first keystroke; safe in a thread."""
    _spellings("生育", True)


@lru_cache(maxsize=1024)
def _spellings(text: str, initials: bool) -> tuple[str, ...]:
    """``text`` itself, its pinyin without tones and, if asked, its pinyin initials (生育 → shengyu, sy)."""
    # Imported here: it costs ~0.7 s and Home must paint at once (the kiosk starts an app per visitor).
    from pypinyin import Style, lazy_pinyin

    folded = _fold(text)
    out = [folded, "".join(lazy_pinyin(folded))]
    if initials:
        out.append("".join(lazy_pinyin(folded, style=Style.FIRST_LETTER)))
    return tuple(out)


@dataclass(frozen=True)
class SearchKey:
    """Everything one list entry can be found by, with the weight of each text."""

    fields: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, title: str, summary: str = "", keywords: Iterable[str] = ()) -> SearchKey:
        fields = [(title, TITLE)] + [(k, KEYWORD) for k in keywords if k]
        if summary:
            fields.append((summary, SUMMARY))
        return cls(tuple(fields))

    def score(self, query: str) -> int:
        """0 when some word of ``query`` is found nowhere; else the weakest word's best weight.

        Initials are matched in titles and keywords only: two letters are found by chance in
        the initials of any long summary.
        """
        words = [_fold(w) for w in unicodedata.normalize("NFKC", query).split()]
        if not words:
            return TITLE
        weakest = TITLE
        for word in words:
            best = max((weight for text, weight in self.fields
                        if any(word in s for s in _spellings(text, weight > SUMMARY))), default=0)
            weakest = min(weakest, best)
            if not weakest:
                return 0
        return weakest

    def matches(self, query: str) -> bool:
        return self.score(query) > 0
