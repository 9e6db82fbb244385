"""Fonts for PDFs written in the reader's language.

fpdf2's built-in fonts are Latin-1 only. The fonts shipped in ``core/fonts/`` (Noto Sans (regular, bold, italic) and its Devanagari,
Bengali, Arabic and Myanmar companions, SIL Open Font License 1.1, see ``fonts/LICENSE.txt``) cover every
language the worker pages speak: Latin with Vietnamese, Cyrillic, Nepali and Hindi, Bengali, Arabic and Burmese.
Text is shaped with HarfBuzz (uharfbuzz), so that Devanagari and Bengali conjuncts, Arabic joined letters read
right to left and Burmese stacked letters come out as they should; a name in another script than the report's
(a Bengali agency in a Nepali report) is drawn from the font that has its letters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import segno
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import PDFResourceType
from fpdf.fonts import FontFace, TTFFont
from fpdf.output import OutputProducer

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "noto"
# The script fonts, tried in this order for a letter the main font lacks.
_SCRIPT_FONTS = ("NotoSansDevanagari", "NotoSansBengali", "NotoSansArabic", "NotoSansMyanmar")
_FILES = {name.lower(): name for name in _SCRIPT_FONTS}
# Characters the fonts lack, written another way (Noto Sans has no arrows, no "almost equal", no check marks).
_REPLACE = str.maketrans({"→": "–", "←": "–", "≈": "~", "✓": "+", "✔": "+", "⚠": "!"})


BLUE = (11, 79, 108)
RED = (164, 0, 15)
GREY = (90, 90, 90)


class Document(FPDF):
    """An A4 document in the active language with the shipped fonts, and the few pieces every FairRecruit report
    is made of: paragraphs, section headings, tables, a footer with the page number (``footer_text``).

    Every line of text sets its font again: fpdf2 2.8.9 sets the page's font inside a line's q/Q group when the
    line starts with letters of a fallback font (a Nepali word before a Latin one), then believes it is still set
    after the Q, so the next line is drawn with no font and PDF readers show nothing or complain ("No font in
    show"). Forgetting after each line that the font was set makes fpdf2 set it again, outside any group;
    ``evidence/tests/test_pages.py`` renders a report in every language with poppler and fails on such errors.
    """

    footer_text = "FairRecruit, page %(page)s"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", "A4")
        super().__init__(*args, **kwargs)
        self.family = FAMILY
        for style, suffix in (("", "Regular"), ("B", "Bold"), ("I", "Italic")):
            self.add_font(FAMILY, style, str(FONT_DIR / f"NotoSans-{suffix}.ttf"))
        self.set_text_shaping(True)
        self._shaping = self.text_shaping
        self._rtl = bool(get_language_bidi())
        main = self.fonts[FAMILY]
        assert isinstance(main, TTFFont)
        self._plain = frozenset(main.cmap)  # the letters Noto Sans draws without shaping
        self._scripts: list[str] = []  # the script fonts registered so far, in the order of _SCRIPT_FONTS
        self.set_lang(get_language() or "en")
        self.set_author("FairRecruit")
        self.set_auto_page_break(True, margin=16)

    def _render_styled_text_line(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super()._render_styled_text_line(*args, **kwargs)
        finally:
            self.current_font_is_set_on_page = False

    def cell(self, *args: Any, **kwargs: Any) -> Any:
        with self._shaped_if_needed(kwargs.get("text", args[2] if len(args) > 2 else "")):
            return super().cell(*args, **kwargs)

    def multi_cell(self, *args: Any, **kwargs: Any) -> Any:
        with self._shaped_if_needed(kwargs.get("text", args[2] if len(args) > 2 else "")):
            return super().multi_cell(*args, **kwargs)

    @contextmanager
    def _shaped_if_needed(self, value: object) -> Iterator[None]:
        """Text is shaped with HarfBuzz only where it needs it: in a right-to-left document, or when it has a
        letter of another script than Noto Sans's (Devanagari, Bengali, Arabic, Burmese: drawn from the script
        fonts) or a combining mark. Latin, Vietnamese and Cyrillic text is laid out from the font's widths, as
        fpdf2 does without shaping: about half the time of a worker's statement goes to fpdf2 shaping the line
        being broken again for every letter added to it (``bench/bench_pdf.py``)."""
        needs = self._rtl or any(ord(ch) not in self._plain or unicodedata.combining(ch) for ch in str(value or ""))
        self.text_shaping = self._shaping if needs else None
        try:
            yield
        finally:
            self.text_shaping = self._shaping

    def get_fallback_font(self, char: str, style: str = "") -> str | None:
        """The script font that has ``char``, registered the first time a letter needs it (fpdf2's documented
        extension point): parsing a font costs about 40 ms, and most documents use one script besides Latin. The
        font chosen is the one fpdf2 would choose with every script font registered: the first in
        ``_SCRIPT_FONTS`` that has the letter (the danda "।" is in both the Devanagari and the Bengali fonts)."""
        code = ord(char)
        for family, letters in _script_letters():
            if code in letters:
                if family not in self._scripts:
                    for weight, suffix in (("", "Regular"), ("B", "Bold")):  # the script fonts have no italic
                        self.add_font(family, weight, str(FONT_DIR / f"{_FILES[family]}-{suffix}.ttf"))
                    self._scripts.append(family)
                    order = [f for f, _letters in _script_letters() if f in self._scripts]
                    self.set_fallback_fonts(order, exact_match=False)
                break
        return super().get_fallback_font(char, style)

    def output(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("output_producer_class", _UsedFontsOnly)
        return super().output(*args, **kwargs)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.family, "", 8)
        self.cell(0, 6, text(self.footer_text % {"page": self.page_no()}), align="C")

    def para(self, value: str, size: float = 10, style: str = "", height: float = 5) -> None:
        """A paragraph, wrapped, aligned for the language."""
        self.set_font(self.family, style, size)
        self.multi_cell(0, height, text(value), new_x="LMARGIN", new_y="NEXT", align=align())

    def section(self, title: str) -> None:
        self.ln(3)
        self.set_text_color(*BLUE)
        self.para(title, size=12, style="B", height=6)
        self.set_text_color(0, 0, 0)

    def source(self, title: str, article: str, url: str, verified: bool) -> None:
        """A rule's source, small: grey when its wording was checked, red when only recalled."""
        mark = _("checked") if verified else _("wording recalled, not checked against the official text")
        self.set_text_color(*(GREY if verified else RED))
        self.para(f"{_('Source')} ({mark}): {title}, {article}: {url}", size=8, height=4)
        self.set_text_color(0, 0, 0)

    def grid(self, head: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
        """A table that wraps long cells, ``widths`` in mm; columns run right to left in Arabic."""
        rtl = align() == "R"

        def order(cells: Sequence[Any]) -> list[Any]:
            return list(reversed(cells)) if rtl else list(cells)

        self.set_font(self.family, "", 8)
        with self.table(
            col_widths=tuple(order(widths)),
            text_align="RIGHT" if rtl else "LEFT",
            headings_style=FontFace(emphasis="BOLD"),
            line_height=4.5,
            borders_layout="HORIZONTAL_LINES",
            first_row_as_headings=True,
        ) as table:
            for cells in (head, *rows):
                table.row([text(c) for c in order(cells)])


class _UsedFontsOnly(OutputProducer):
    """fpdf2's writer, embedding only the fonts some page uses. fpdf2 embeds (and subsets, about 0.1 s each) every
    registered font, so an English statement carried the Devanagari, Bengali, Arabic and Myanmar fonts it never
    draws: 68 kB instead of 30 kB for a worker on a slow connection. The fonts a page uses are those fpdf2 lists in
    the page's resources, which is also what the pages' font dictionaries are made from."""

    def _add_fonts(self, *args: Any, **kwargs: Any) -> Any:
        catalog = self.fpdf._resource_catalog
        used = {int(str(i)) for i in catalog.get_used_resources(PDFResourceType.FONT)}  # font numbers
        registered = catalog.font_registry
        catalog.font_registry = {key: font for key, font in registered.items() if font.i in used}
        try:
            return super()._add_fonts(*args, **kwargs)
        finally:
            catalog.font_registry = registered


@cache
def _script_letters() -> tuple[tuple[str, frozenset[int]], ...]:
    """Each script font's family name and the characters it has, in fallback order: read once per process from
    the fonts' character maps alone."""
    out = []
    for name in _SCRIPT_FONTS:
        font = TTFont(FONT_DIR / f"{name}-Regular.ttf", lazy=True)
        try:
            out.append((name.lower(), frozenset(font.getBestCmap())))
        finally:
            font.close()
    return tuple(out)


def text(value: object) -> str:
    """``value`` as text the fonts can draw."""
    return str(value).translate(_REPLACE)


def align() -> str:
    """Paragraph alignment for the active language: right for Arabic, left otherwise."""
    return "R" if get_language_bidi() else "L"


def draw_qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    """Draw a QR code of ``data`` (segno) as filled squares at (``x``, ``y``), ``size`` mm wide, quiet zone
    included: vector, sharp at any print size (certificates, workers' statements)."""
    qr = segno.make(data, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix_iter(scale=1, border=4)]
    cell = size / len(matrix)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + c * cell, y + r * cell, cell + 0.01, cell + 0.01, style="F")
