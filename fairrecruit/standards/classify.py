"""Classify a payment's free-text purpose ("ticket", "टिकट", "tiket pesawat") into a cost item.

The phrases live in ``rules/lexicon.yaml``. Matching is on normalised text (Unicode NFKC, case-folded,
punctuation removed; Arabic letters folded, see :func:`fold`). Phrases are matched longest first and a shorter
phrase only counts where it does not overlap a longer one already found ("medical insurance" is insurance, not
medical and insurance). Nothing is guessed: when no phrase matches, or the text names two different items
("visa and ticket": the shares are unknown), the payment is ``unclassified`` and goes to a person for review.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
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


_AR_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None})


def fold(normalised: str) -> str:
    """Fold the spellings a worker types for the same Arabic word: hamza forms of alif to alif, ta marbuta to
    ha, alif maqsura to ya, no tatweel, and the article ("ال", "لل"; "وال" and the..., "بال" with the...) off
    the front of a word of 3+ letters after it ("التذكرة", "تذكره" and "تذكرة" are one word). Other scripts are left as they are."""
    if not any("\u0600" <= ch <= "\u06ff" for ch in normalised):
        return normalised
    words = []
    for w in normalised.translate(_AR_LETTERS).split():
        for article in ("وال", "بال", "ال", "لل"):
            if w.startswith(article) and len(w) - len(article) >= 3:
                w = w[len(article):]
                break
        words.append(w)
    return " ".join(words)


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
                    n = fold(normalise(w))
                    if n:
                        phrases.append((n, item, lang))
        # longest first: a shorter phrase counts only outside the longer ones already found
        phrases.sort(key=lambda p: -len(p[0]))
        self._phrases = phrases

    def classify(self, purpose: str | None, category: str | None = None) -> Classification:
        rs = self.rules
        if category:
            if category in rs.item_category:
                return Classification(category, rs.item_category[category], "given")
            if category in rs.categories:
                # A whole category of several items ("recruitment_fee": the agency's fee, a placement fee or a
                # broker's commission) does not say which law binds it: a person picks the item.
                items = rs.categories[category].items
                if len(items) == 1:
                    return Classification(items[0], category, "given")
                return Classification(UNCLASSIFIED, UNCLASSIFIED, "ambiguous", candidates=tuple(items))
            return Classification(UNCLASSIFIED, UNCLASSIFIED, "none", candidates=())
        return self._classify_text(purpose or "")

    @lru_cache(maxsize=65536)  # noqa: B019 - one classifier per rule set, lives as long as it
    def _classify_text(self, purpose: str) -> Classification:
        text = f" {fold(normalise(purpose))} "
        if not text.strip():
            return Classification(UNCLASSIFIED, UNCLASSIFIED, "none")
        taken: list[tuple[int, int]] = []
        hits: dict[str, tuple[str, str]] = {}
        for phrase, item, lang in self._phrases:
            if (phrase[:-1] if phrase.isascii() else phrase) not in text:
                continue  # cheap test first: most phrases are nowhere in the text
            for start, end in _spans(text, phrase):
                if any(start < e and s < end for s, e in taken):
                    continue
                taken.append((start, end))
                hits.setdefault(item, (phrase, lang))
        if not hits:
            return Classification(UNCLASSIFIED, UNCLASSIFIED, "none")
        if len(hits) > 1:
            return Classification(UNCLASSIFIED, UNCLASSIFIED, "ambiguous", candidates=tuple(sorted(hits)))
        item, (phrase, lang) = next(iter(hits.items()))
        return Classification(item, self.rules.item_category[item], "lexicon", phrase, lang)


def _spans(text: str, phrase: str) -> Iterator[tuple[int, int]]:
    """Where ``phrase`` occurs in `` text `` as whole words, as (start, end) of the phrase. Also an English
    plural ("tickets", "agencies"); and for phrases of 3+ letters in scripts other than Latin, the start of a
    longer word: Thai/Burmese/CJK phrases, or agglutinated forms ("टिकटको", of the ticket, holds "टिकट")."""
    if phrase.isascii():
        forms = [phrase, phrase + "s"] + ([phrase[:-1] + "ies"] if phrase.endswith("y") else [])
        needles = [(f" {form} ", len(form)) for form in forms]
    else:
        needles = [(f" {phrase} " if len(phrase) < 3 else f" {phrase}", len(phrase))]
    for needle, length in needles:
        i = text.find(needle)
        while i >= 0:
            yield i + 1, i + 1 + length
            i = text.find(needle, i + 1)
