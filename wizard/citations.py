"""Proving quotes verbatim against the article corpus, and explaining where they differ."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from .model import Article, Citation, Corpus, LawDocument
from .yamlload import odd_character

CONTEXT = 12
"""Characters of context shown on each side of a difference."""


@dataclass(frozen=True)
class Mismatch:
    """Why a quote is not verbatim: the closest passage and the first place they differ."""

    closest: str
    quote_part: str
    text_part: str
    offset: int
    """Index in the quote of the first differing character."""
    width_only: bool
    """True when the two differ only in full-width/half-width forms (e.g. ， vs ,)."""
    elsewhere: str = ""
    """Another article of the same document where the quote is verbatim, if any."""
    invisible: str = ""
    """When the first differing character of the quote cannot be seen, what it is (e.g. U+200B)."""

    def explain(self) -> str:
        if self.elsewhere:
            return f"这段引文在 {self.elsewhere} 里能找到，而不是所引的条文。"
        kind = "全角/半角标点不同" if self.width_only else "文字不同"
        seen = f"（引文第 {self.offset + 1} 个字是{self.invisible}，原文里没有）" if self.invisible else ""
        return (f"从引文第 {self.offset + 1} 个字起{kind}{seen}：引文是 “{self.quote_part}”，"
                f"原文是 “{self.text_part}”。最接近的原文：“{self.closest}”")


def quote_holds(citation: Citation, article: Article) -> bool:
    """Whether the citation's quote is a verbatim piece of the article (or of its paragraph)."""
    if citation.quote is None:
        return True
    return citation.quote in scope_text(citation, article)


def scope_text(citation: Citation, article: Article) -> str:
    """The text a quote must come from: the 款 when one is named, else the whole article.

    ``item`` only labels the citation (its existence is checked): a quote may include
    the 款's lead-in sentence together with the item, as the law reads.
    """
    paragraphs = article.paragraphs()
    if citation.paragraph is not None and 1 <= citation.paragraph <= len(paragraphs):
        return paragraphs[citation.paragraph - 1]
    return article.text


_CJK_PUNCTUATION = str.maketrans({"。": ".", "、": ",", "「": '"', "」": '"', "『": '"', "』": '"', "“": '"',
                                  "”": '"', "‘": "'", "’": "'", "—": "-", "〔": "[", "〕": "]", "【": "[", "】": "]"})


def _fold(text: str) -> str:
    """Full-width and half-width forms made equal, including CJK punctuation NFKC leaves alone (。 and .)."""
    return unicodedata.normalize("NFKC", text).translate(_CJK_PUNCTUATION)


def closest(quote: str, text: str) -> Mismatch:
    """The passage of ``text`` most like ``quote`` and where the two first differ."""
    matcher = SequenceMatcher(None, quote, text, autojunk=False)
    block = matcher.find_longest_match(0, len(quote), 0, len(text))
    start = max(0, block.b - block.a)
    window = text[start:start + len(quote) + 4]
    # Refine: the best alignment among a few nearby starts.
    # On a tie the start nearest the longest common block wins: shifting by one character can
    # score the same and would put the "first difference" at the very first character.
    best_start = max(
        range(max(0, start - 4), min(len(text), start + 5)),
        key=lambda s: (SequenceMatcher(None, quote, text[s:s + len(quote)], autojunk=False).ratio(), -abs(s - start)),
        default=start,
    )
    best = text[best_start:best_start + len(quote)] or window
    offset = next((i for i, (a, b) in enumerate(zip(quote, best)) if a != b), min(len(quote), len(best)))
    lo = max(0, offset - CONTEXT)
    width_only = _fold(quote) == _fold(best)
    odd = odd_character(quote[offset]) if offset < len(quote) else None
    return Mismatch(
        closest=best,
        quote_part=quote[lo:offset + CONTEXT],
        text_part=best[lo:offset + CONTEXT],
        offset=offset,
        width_only=width_only,
        invisible=odd[1] if odd and odd[1].startswith("看不见") else "",
    )


def diagnose(citation: Citation, article: Article, document: LawDocument) -> Mismatch:
    """Explain a failed quote, noticing when it belongs to another article of the document."""
    assert citation.quote is not None
    for other in document.articles.values():
        if other.number != article.number and citation.quote in other.text:
            return Mismatch("", "", "", 0, False, elsewhere=other.number)
    return closest(citation.quote, scope_text(citation, article))


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (enough for 款 numbers)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def citation_label(citation: Citation, corpus: Corpus) -> str:
    """``社会保险法 第三十条第二款第（一）项`` as far as the citation says."""
    document = corpus.documents.get(citation.doc)
    title = document.short_title if document else citation.doc
    where = citation.article or ""
    if citation.article and citation.paragraph:
        where += f"第{chinese_number(citation.paragraph)}款"
    if citation.article and citation.item:
        where += f"第{citation.item}项"
    return f"{title} {where}".strip()
