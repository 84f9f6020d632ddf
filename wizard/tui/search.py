"""Matching what a person types on Home against flows: 汉字, full pinyin or pinyin initials."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache



def warm_up() -> None:
    """Import pypinyin (≈0.7 s, its dictionaries) ahead of the first keystroke; safe in a thread."""
    _spellings("生育")


def _fold(text: str) -> str:
    """NFKC (full-width letters typed on a Chinese IME become ASCII), lower case, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


@lru_cache(maxsize=512)
def _spellings(text: str) -> tuple[str, ...]:
    """``text`` itself, its pinyin without tones, and its pinyin initials (生育 → shengyu, sy)."""
    # Imported here: it costs ~0.7 s and Home must paint at once (the kiosk starts an app per visitor).
    from pypinyin import Style, lazy_pinyin

    folded = _fold(text)
    full = "".join(lazy_pinyin(folded))
    initials = "".join(lazy_pinyin(folded, style=Style.FIRST_LETTER))
    return (folded, full, initials)


@dataclass(frozen=True)
class SearchKey:
    """Everything one list entry can be found by."""

    texts: tuple[str, ...]
    """Title, summary, keywords, tags, id: each matched as typed and as pinyin."""

    @classmethod
    def of(cls, *parts: str | Iterable[str]) -> SearchKey:
        texts: list[str] = []
        for part in parts:
            texts.extend([part] if isinstance(part, str) else part)
        return cls(tuple(t for t in texts if t))

    def matches(self, query: str) -> bool:
        """Every space-separated word of ``query`` is found in some spelling of some text."""
        words = [_fold(w) for w in unicodedata.normalize("NFKC", query).split()]
        if not words:
            return True
        spellings = [s for t in self.texts for s in _spellings(t)]
        return all(any(w in s for s in spellings) for w in words)
