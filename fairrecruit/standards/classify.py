"""Classify a payment's free-text purpose ("ticket", "टिकट", "tiket pesawat") into a cost item.

The phrases live in ``rules/lexicon.yaml``. Matching is on normalised text (Unicode NFKC, case-folded,
punctuation removed). The longest matching phrase wins. Nothing is guessed: when no phrase matches, or two
different items match equally well, the payment is ``unclassified`` and goes to a person for review.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fairrecruit.standards.loader import RuleSet

UNCLASSIFIED = "unclassified"
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """NFKC, case-folded, punctuation and runs of spaces collapsed to one space."""
    t = unicodedata.normalize("NFKC", text).casefold()
    # Keep combining marks (Devanagari, Bengali vowel signs) — \W would split words at them.
    out = []
    for ch in t:
        cat = unicodedata.category(ch)
        out.append(ch if (cat[0] in "LNM") else " ")
    return " ".join("".join(out).split())


@dataclass(frozen=True)
class Classification:
    item: str  # a taxonomy item, or "unclassified"
    category: str  # its category, or "unclassified"
    method: str  # "given" (category supplied), "lexicon", "none", "ambiguous"
    matched: str = ""  # the phrase that matched
    language: str = ""
    candidates: tuple[str, ...] = ()


class Classifier:
    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        phrases: list[tuple[str, str, str]] = []
        for item, langs in rules.lexicon.items():
            for lang, words in langs.items():
                for w in words:
                    n = normalise(w)
                    if n:
                        phrases.append((n, item, lang))
        # longest first, so the first hit at a given length is the best
        phrases.sort(key=lambda p: -len(p[0]))
        self._phrases = phrases

    def classify(self, purpose: str | None, category: str | None = None) -> Classification:
        rs = self.rules
        if category:
            if category in rs.item_category:
                return Classification(category, rs.item_category[category], "given")
            if category in rs.categories:
                # A whole category given: use it; its first item stands for it.
                return Classification(rs.categories[category].items[0], category, "given")
            return Classification(UNCLASSIFIED, UNCLASSIFIED, "none", candidates=())
        return self._classify_text(purpose or "")

    @lru_cache(maxsize=65536)  # noqa: B019 - one classifier per rule set, lives as long as it
    def _classify_text(self, purpose: str) -> Classification:
        text = f" {normalise(purpose)} "
        if not text.strip():
            return Classification(UNCLASSIFIED, UNCLASSIFIED, "none")
        best_len = 0
        hits: dict[str, tuple[str, str]] = {}
        for phrase, item, lang in self._phrases:
            if len(phrase) < best_len:
                break
            if _contains(text, phrase):
                best_len = len(phrase)
                hits.setdefault(item, (phrase, lang))
        if not hits:
            return Classification(UNCLASSIFIED, UNCLASSIFIED, "none")
        if len(hits) > 1:
            return Classification(UNCLASSIFIED, UNCLASSIFIED, "ambiguous", candidates=tuple(sorted(hits)))
        item, (phrase, lang) = next(iter(hits.items()))
        return Classification(item, self.rules.item_category[item], "lexicon", phrase, lang)


def _contains(text: str, phrase: str) -> bool:
    """Whole-word match for scripts with spaces; substring match for phrases in scripts without them."""
    if f" {phrase} " in text:
        return True
    # Thai/Burmese/CJK phrases, or agglutinated forms (Bengali/Hindi case endings): allow a prefix match
    # at a word start, e.g. "टिकटको" (of the ticket) contains "टिकट".
    return len(phrase) >= 3 and f" {phrase}" in text and not phrase.isascii()
