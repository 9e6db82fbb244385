"""The PDF fonts draw every letter the site's catalogues and country names use, in every language."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import polib  # type: ignore[import-untyped]
import pytest
from django.conf import settings
from django.utils import translation
from fontTools.ttLib import TTFont

from fairrecruit.core import pdf_fonts
from fairrecruit.core.countries import country_name
from tests.pdfs import render

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


@cache
def _covered() -> frozenset[int]:
    points: set[int] = set()
    for path in pdf_fonts.FONT_DIR.glob("*.ttf"):
        points |= set(TTFont(path).getBestCmap())
    return frozenset(points)


def _drawable(text: str) -> set[str]:
    """The characters of ``text`` that need a glyph (not spaces, controls or joiners)."""
    return {c for c in pdf_fonts.text(text) if unicodedata.category(c) not in {"Zs", "Cc", "Cf"}}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_fonts_cover_every_letter_of_the_catalogue_and_the_country_names(lang: str) -> None:
    po = polib.pofile(str(settings.BASE_DIR / "fairrecruit" / "locale" / lang / "LC_MESSAGES" / "django.po"))
    text = "".join(e.msgstr + "".join(e.msgstr_plural.values()) for e in po if not e.obsolete)
    with translation.override(lang):
        text += "".join(country_name(c) for c in ("NP", "QA", "BD", "IN", "PH", "ID", "VN", "MM", "SA", "AE", "MY"))
    assert len(text) > 1000
    missing = sorted(c for c in _drawable(text) if ord(c) not in _covered())
    assert not missing, [f"{c} U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in missing]


def test_characters_the_fonts_lack_are_written_another_way() -> None:
    assert 0x2192 not in _covered()  # Noto Sans has no arrow
    assert pdf_fonts.text("Nepal → Qatar") == "Nepal – Qatar"
    assert not [c for c in _drawable("→ ←") if ord(c) not in _covered()]


def test_fonts_cover_every_letter_written_in_the_code_that_makes_pdfs() -> None:
    """Words written into the PDF modules themselves ("≈ 1,356 USD", "–") are drawable too."""
    root = settings.BASE_DIR / "fairrecruit"
    modules = ["evidence/pdf.py", "standards/statement.py", "contracts/statement.py", "certification/pdf.py"]
    text = "".join((root / m).read_text(encoding="utf-8") for m in modules)
    assert "≈" in text
    missing = sorted(c for c in _drawable(text) if ord(c) not in _covered())
    assert not missing, [f"{c} U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in missing]


def test_a_report_in_arabic_is_aligned_right() -> None:
    with translation.override("ar"):
        assert pdf_fonts.align() == "R"
    with translation.override("ne"):
        assert pdf_fonts.align() == "L"


def test_a_document_draws_every_script_from_its_font() -> None:
    """The script fonts are registered when a letter first needs one; each letter comes from its own script's
    font (the danda from the Devanagari font, first in the order, as with every font registered at once)."""
    pdf = pdf_fonts.Document()
    pdf.add_page()
    pdf.para("Owed क्षेत्र ক্ষেত্র। عمال မြန်မာ", style="B", size=12)
    assert pdf._scripts == ["notosansdevanagari", "notosansbengali", "notosansarabic", "notosansmyanmar"]
    assert pdf._fallback_font_ids[:2] == ["notosansdevanagari", "notosansdevanagariB"]
    assert pdf.get_fallback_font("।", "B") == "notosansdevanagariB"
    out = bytes(pdf.output())
    assert _embedded(out) == {"NotoSansBold", "NotoSans", "NotoSansDevanagariBold", "NotoSansBengaliBold",
                              "NotoSansArabicBold", "NotoSansMyanmarBold"}
    _pages, errors = render(out)
    assert not errors.strip(), errors


def _embedded(data: bytes) -> set[str]:
    """The font programs a PDF carries (every /BaseFont of the file, not only those its pages name)."""
    return {m.split(b"+")[-1].decode() for m in re.findall(rb"/BaseFont /([A-Za-z0-9+\-]+)", data)}


def test_a_document_embeds_only_the_fonts_it_draws_with() -> None:
    """fpdf2 embeds every registered font; an English page carried four scripts' fonts it never draws."""
    with translation.override("en"):
        doc = pdf_fonts.Document()
        doc.add_page()
        doc.para("Owed to you: 140,000 NPR")
        english = bytes(doc.output())
        doc = pdf_fonts.Document()
        doc.add_page()
        doc.para("तपाईंलाई फिर्ता: 1,40,000 NPR", style="B")
        nepali = bytes(doc.output())
    assert _embedded(english) == {"NotoSans"}  # the paragraph and the footer
    assert _embedded(nepali) == {"NotoSans", "NotoSansBold", "NotoSansDevanagariBold"}
    assert doc._scripts == ["notosansdevanagari"]  # the other script fonts were never even read
    assert len(english) < 20_000, len(english)  # was about 50 kB with the unused fonts


def test_only_text_that_needs_it_is_shaped() -> None:
    """HarfBuzz shapes what Noto Sans cannot draw letter by letter (another script, a combining mark) and every
    line of a right-to-left document; Latin (Vietnamese included) and Cyrillic lines are laid out from the font's
    widths. After each line the document's shaping is as it was."""
    with translation.override("en"):
        pdf = pdf_fonts.Document()
    shaped = []
    for value in ("Kathmandu Overseas: 1,40,000 NPR", "Nguyễn Văn Tiến", "Дмитрий Иванов", "Owed to हिमालय",
                  "ক্ষেত্র", "Cafe\u0301", "عمال", "မြန်မာ"):
        with pdf._shaped_if_needed(value):
            shaped.append(pdf.text_shaping is not None)
    assert shaped == [False, False, False, True, True, True, True, True]
    assert pdf.text_shaping is not None and pdf.text_shaping["use_shaping_engine"]
    with translation.override("ar"):
        arabic = pdf_fonts.Document()
    with arabic._shaped_if_needed("FairRecruit 2026"):
        assert arabic.text_shaping is not None
    # Both kinds of line in one document, each drawn as it needs: poppler reads it without complaint.
    pdf.add_page()
    pdf.para("Owed to you: 1,40,000 NPR")
    pdf.para("हिमालय म्यानपावर क्षेत्र")
    pdf.grid(["Paid to", "Amount"], [["Village agent", "10,000 NPR"], ["हिमालय", "20,000 NPR"]], [60, 40])
    _pages, errors = render(bytes(pdf.output()))
    assert not errors.strip(), errors
