"""The PDF fonts draw every letter the site's catalogues and country names use, in every language."""

from __future__ import annotations

import unicodedata
from functools import cache

import polib  # type: ignore[import-untyped]
import pytest
from django.conf import settings
from django.utils import translation
from fontTools.ttLib import TTFont
from fpdf import FPDF

from fairrecruit.core import pdf_fonts
from fairrecruit.core.countries import country_name

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


def test_fonts_register_on_a_document_and_shape_text() -> None:
    pdf = FPDF()
    family = pdf_fonts.use_fonts(pdf)
    pdf.add_page()
    pdf.set_font(family, "B", 12)
    pdf.cell(0, 8, "क्षेत्र ক্ষেত্র عمال မြန်မာ")
    out = bytes(pdf.output())
    for name in (b"NotoSansBold", b"NotoSansDevanagariBold", b"NotoSansBengaliBold", b"NotoSansArabicBold"):
        assert name in out
