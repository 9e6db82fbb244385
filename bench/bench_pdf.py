"""Benchmark: workers' PDF statements with the fonts they draw with, against every font registered and embedded.

fpdf2 reads every font registered on a document and embeds every one of them. ``core.pdf_fonts.Document``
registers Noto Sans, adds a script font (Devanagari, Bengali, Arabic, Myanmar) the first time a letter needs it
(``get_fallback_font``), and embeds only the fonts some page uses (``_UsedFontsOnly``). The baseline is the way it
was made before: all eleven fonts registered at once and all embedded. This prints, for the fee statement of each
example journey in a few languages, the bytes a worker downloads and the time to make it, both ways, in the same
run (best of ``--repeat``), and their ratios.

    .venv/bin/python bench/bench_pdf.py
    .venv/bin/python bench/bench_pdf.py --languages en,ne,ar,my --repeat 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fairrecruit.settings")

import django  # noqa: E402

django.setup()

from fpdf.output import OutputProducer  # noqa: E402

from fairrecruit.core import pdf_fonts  # noqa: E402
from fairrecruit.standards.engine import default_assessor  # noqa: E402
from fairrecruit.standards.statement import statement_pdf  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "fairrecruit" / "standards" / "examples"


def make(journey: dict[str, Any], result: dict[str, Any], language: str, every_font: bool,
         shape_all: bool = False) -> bytes:
    """The statement; with ``every_font``, the baseline: every script font registered when the document is made
    and fpdf2's own writer (every registered font embedded); with ``shape_all``, every line shaped by HarfBuzz
    (as before 27 November 2026), not only those that need it."""
    init, output, shaped = pdf_fonts.Document.__init__, pdf_fonts.Document.output, pdf_fonts.Document._shaped_if_needed

    @contextmanager
    def always(self: pdf_fonts.Document, value: object) -> Iterator[None]:
        yield

    def register_all(self: pdf_fonts.Document, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        for weight, suffix in (("", "Regular"), ("B", "Bold")):
            for name in pdf_fonts._SCRIPT_FONTS:
                self.add_font(name.lower(), weight, str(pdf_fonts.FONT_DIR / f"{name}-{suffix}.ttf"))
        self._scripts = [name.lower() for name in pdf_fonts._SCRIPT_FONTS]
        self.set_fallback_fonts(self._scripts, exact_match=False)

    def embed_all(self: pdf_fonts.Document, *args: Any, **kwargs: Any) -> Any:
        return output(self, *args, output_producer_class=OutputProducer, **kwargs)

    if every_font:
        pdf_fonts.Document.__init__ = register_all  # type: ignore[method-assign]
        pdf_fonts.Document.output = embed_all  # type: ignore[method-assign]
    if every_font or shape_all:
        pdf_fonts.Document._shaped_if_needed = always  # type: ignore[assignment,method-assign]
    try:
        return statement_pdf(journey, result, language, today=dt.date(2026, 11, 27),
                             complain="https://fairrecruit.example/complain/")
    finally:
        pdf_fonts.Document.__init__, pdf_fonts.Document.output = init, output  # type: ignore[method-assign]
        pdf_fonts.Document._shaped_if_needed = shaped  # type: ignore[method-assign]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--languages", default="en,ne,bn,ar")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    assessor = default_assessor()
    print(f"{'statement':<22} {'lang':<4} {'baseline':>10} {'now':>9} {'bytes':>6}"
          f" {'baseline':>9} {'all shaped':>10} {'now':>8} {'time':>5} {'shaping':>7}")
    sizes: list[float] = []
    times: list[float] = []
    shaping: list[float] = []
    for path in sorted(EXAMPLES.glob("*.json")):
        journey = json.loads(path.read_text(encoding="utf-8"))
        result = assessor.assess(journey)
        for language in args.languages.split(","):
            figures = {}
            for way in ("baseline", "all shaped", "now"):
                best = float("inf")
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    data = make(journey, result, language, way == "baseline", way == "all shaped")
                    best = min(best, time.perf_counter() - start)
                figures[way] = (len(data), best)
            (big, slow), (_b, shaped), (small, fast) = figures["baseline"], figures["all shaped"], figures["now"]
            sizes.append(big / small)
            times.append(slow / fast)
            shaping.append(shaped / fast)
            print(f"{path.stem:<22} {language:<4} {big:>8,} B {small:>7,} B {big / small:>5.1f}x"
                  f" {slow:>7.3f} s {shaped:>8.3f} s {fast:>6.3f} s {slow / fast:>4.1f}x {shaped / fast:>6.1f}x")
    print(f"baseline / now: bytes {min(sizes):.1f}x to {max(sizes):.1f}x, time {min(times):.1f}x to"
          f" {max(times):.1f}x; every line shaped / now: {min(shaping):.1f}x to {max(shaping):.1f}x"
          f" (best of {args.repeat}; load average {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
