"""Reading the PDFs the site makes, for tests: their text, the fonts embedded in them, and poppler's complaints."""

from __future__ import annotations

import html
import io
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from pypdf import PdfReader


def text_and_fonts(data: bytes) -> tuple[str, set[str]]:
    """The text of every page (as pypdf extracts it) and the base names of the embedded fonts
    ("NotoSansDevanagariBold", without the subset prefix)."""
    reader = PdfReader(io.BytesIO(data))
    resources: list[Any] = [page["/Resources"] for page in reader.pages]
    fonts = {str(f["/BaseFont"]).split("+")[-1] for r in resources for f in r["/Font"].values()}
    return "\n".join(page.extract_text() for page in reader.pages), fonts


def render(data: bytes, out: Path | None = None, dpi: int = 20) -> tuple[list[Path], str]:
    """Every page drawn by poppler's pdftoppm (Debian's poppler-utils, from `sh scripts/system-deps.sh`) into
    ``out`` (a temporary folder when None): the PNGs and what poppler wrote on stderr ("Syntax Error ..." when a
    line has no font)."""
    folder = out or Path(tempfile.mkdtemp(prefix="fairrecruit-pdf-"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "doc.pdf").write_bytes(data)
    done = subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(folder / "doc.pdf"), str(folder / "page")],
                          capture_output=True, text=True, check=True, timeout=120)
    return sorted(folder.glob("page*.png")), done.stderr


def statement_form_fields(page: str) -> list[tuple[str, str]]:
    """The fields of an answer page's "Download this as a PDF" form (`core/_statement_form.html`), as a browser
    would send them."""
    form = page[page.index('class="statement"'):]
    form = form[: form.index("</form>")]
    return [
        (html.unescape(name), html.unescape(value))
        for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form)
    ]


def as_post(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Form fields (a name may come more than once) as the test client's POST data."""
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data
