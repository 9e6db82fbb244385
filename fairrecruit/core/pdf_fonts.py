"""Fonts for PDFs written in the reader's language.

fpdf2's built-in fonts are Latin-1 only. The fonts shipped in ``core/fonts/`` (Noto Sans (regular, bold, italic) and its Devanagari,
Bengali, Arabic and Myanmar companions, SIL Open Font License 1.1, see ``fonts/LICENSE.txt``) cover every
language the worker pages speak: Latin with Vietnamese, Cyrillic, Nepali and Hindi, Bengali, Arabic and Burmese.
Text is shaped with HarfBuzz (uharfbuzz), so that Devanagari and Bengali conjuncts, Arabic joined letters read
right to left and Burmese stacked letters come out as they should; a name in another script than the report's
(a Bengali agency in a Nepali report) is drawn from the font that has its letters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import get_language_bidi
from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "noto"
# The script fonts, tried in this order for a letter the main font lacks.
_SCRIPT_FONTS = ("NotoSansDevanagari", "NotoSansBengali", "NotoSansArabic", "NotoSansMyanmar")
# Characters the fonts lack, written another way (Noto Sans has no arrows).
_REPLACE = str.maketrans({"→": "–", "←": "–"})


class Document(FPDF):
    """An fpdf2 document whose every line of text sets its font again.

    fpdf2 2.8.9 sets the page's font inside a line's q/Q group when the line starts with letters of a fallback
    font (a Nepali word before a Latin one), then believes it is still set after the Q: the next line is drawn
    with no font, and PDF readers show nothing or complain ("No font in show"). Forgetting after each line that
    the font was set makes fpdf2 set it again, outside any group. ``evidence/tests/test_pages.py`` renders the
    corridor report in every language with poppler and fails on such errors.
    """

    def _render_styled_text_line(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super()._render_styled_text_line(*args, **kwargs)
        finally:
            self.current_font_is_set_on_page = False


def use_fonts(pdf: FPDF) -> str:
    """Register the fonts on ``pdf``, turn on text shaping and return the family name to ``set_font`` with."""
    for style, suffix in (("", "Regular"), ("B", "Bold")):
        pdf.add_font(FAMILY, style, str(FONT_DIR / f"NotoSans-{suffix}.ttf"))
        for name in _SCRIPT_FONTS:
            pdf.add_font(name.lower(), style, str(FONT_DIR / f"{name}-{suffix}.ttf"))
    pdf.add_font(FAMILY, "I", str(FONT_DIR / "NotoSans-Italic.ttf"))  # the script fonts have no italic: upright
    pdf.set_fallback_fonts([name.lower() for name in _SCRIPT_FONTS], exact_match=False)
    pdf.set_text_shaping(True)
    return FAMILY


def text(value: object) -> str:
    """``value`` as text the fonts can draw."""
    return str(value).translate(_REPLACE)


def align() -> str:
    """Paragraph alignment for the active language: right for Arabic, left otherwise."""
    return "R" if get_language_bidi() else "L"
