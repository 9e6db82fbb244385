"""Charts as inline SVG, drawn on the server: readable at a glance, no JavaScript, scale to a phone's width.

Each chart is a horizontal bar chart (labels on the left, the value written at the end of every bar), with a
``<title>`` and ``<desc>`` for screen readers. Plain Python; the caller marks the string safe. Titles and labels
come from the caller in the reader's language; the series names and "not shown" are translated here.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _

SERIES_COLOURS = {"F": "#8e3b8e", "M": "#0b4f6c", "X": "#6b4e00", "(unknown)": "#777777"}
DEFAULT_COLOUR = "#0b4f6c"
SERIES_NAMES = {
    "F": gettext_lazy("Women"),
    "M": gettext_lazy("Men"),
    "X": gettext_lazy("Other"),
    "(unknown)": gettext_lazy("Not known"),
}


def series_name(code: str) -> str:
    return str(SERIES_NAMES.get(code, code))

_W = 420  # user units, about a phone's width in CSS pixels: text stays legible when the SVG scales
_LABEL_W = 104  # the least room for the labels; longer labels get more (_label_width)
_LABEL_W_MAX = 200
# A little more than the average advance of a 14-unit glyph in the page's sans-serif font: labels of amounts
# ("$1,000–$2,000") are digits, wider than the average letter, and fonts differ between phones (7.6 left
# "$1,000–$2,000" 0.9 units short with Debian's fonts).
_CHAR_W = 8.2
_VALUE_W = 58
_BAR_H = 18
_GAP = 6


def _label_width(labels: Sequence[str]) -> int:
    """Room on the left for the longest label, so that none is cut off ("lebih dari $8,000")."""
    longest = max((len(str(label)) for label in labels), default=0)
    return int(min(_LABEL_W_MAX, max(_LABEL_W, 14 + _CHAR_W * longest)))


def _fmt(v: float, unit: str) -> str:
    if unit == "%":
        return f"{v * 100:.0f}%"
    if abs(v) >= 100:
        return f"{v:,.0f}{unit}"
    return f"{v:.1f}{unit}"


def bar_chart(
    bars: Sequence[tuple[str, float | None]],
    *,
    title: str,
    unit: str = "",
    max_value: float | None = None,
    colour: str = DEFAULT_COLOUR,
    note: str = "",
    bar_colours: Sequence[str] | None = None,
) -> str:
    """One bar per (label, value); ``None`` values are written as 'not shown' (e.g. suppressed cells)."""
    return grouped_bar_chart(
        [label for label, _ in bars],
        {"": [v for _, v in bars]},
        title=title,
        unit=unit,
        max_value=max_value,
        colours={"": colour},
        note=note,
        bar_colours=bar_colours,
    )


def grouped_bar_chart(
    categories: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    title: str,
    unit: str = "",
    max_value: float | None = None,
    colours: dict[str, str] | None = None,
    note: str = "",
    bar_colours: Sequence[str] | None = None,
) -> str:
    """For every category, one bar per series (e.g. women and men), with a legend when there are several.

    The layout stays left to right in every language (labels, then bars growing to the right: the SVG says
    ``direction="ltr"``, else a right-to-left page would mirror its anchors and draw labels over the bars); in a
    right-to-left language the labels and the legend are set right to left, right-aligned, so that "أكثر من $8,000"
    reads in its own order."""
    colours = colours or SERIES_COLOURS
    names = list(series)
    values = [v for vs in series.values() for v in vs if v is not None]
    top = max_value if max_value is not None else (max(values) if values else 1.0)
    top = top or 1.0
    legend_h = 24 if len(names) > 1 else 0
    group_h = len(names) * _BAR_H + (len(names) - 1) * 2 + _GAP * 2
    height = legend_h + len(categories) * group_h + 4
    label_w = _label_width(categories)
    span = _W - label_w - _VALUE_W
    rtl = get_language_bidi()
    # a label right-aligned at its x: "end" of a left-to-right text is its right edge, "start" of a right-to-left one
    label_dir = ' direction="rtl" text-anchor="start"' if rtl else ' text-anchor="end"'
    legend_dir = ' direction="rtl" text-anchor="end"' if rtl else ""
    desc = []
    parts = [
        f'<svg class="chart" viewBox="0 0 {_W} {height}" width="100%" role="img" direction="ltr" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    if legend_h:
        x = label_w
        for n in names:
            parts.append(
                f'<rect x="{x}" y="6" width="12" height="12" fill="{colours.get(n, DEFAULT_COLOUR)}"/>'
            )
            label = series_name(n)
            parts.append(f'<text x="{x + 16}" y="16" font-size="14"{legend_dir}>{escape(label)}</text>')
            x += 34 + 9 * len(label)
    y = legend_h
    not_shown = _("not shown")
    for i, cat in enumerate(categories):
        mid = y + group_h / 2
        parts.append(
            f'<text x="{label_w - 8}" y="{mid + 4:.1f}" font-size="14"{label_dir}>{escape(cat)}</text>'
        )
        by = y + _GAP
        for n in names:
            v = series[n][i]
            colour = bar_colours[i] if bar_colours else colours.get(n, DEFAULT_COLOUR)
            if v is None:
                parts.append(
                    f'<text x="{label_w + 4}" y="{by + 13}" font-size="13" fill="#555">{escape(not_shown)}</text>'
                )
                desc.append(f"{cat}{' ' + series_name(n) if n else ''}: {not_shown}")
            else:
                w = max(0.0, min(1.0, v / top)) * span
                text = _fmt(v, unit)
                parts.append(
                    f'<rect x="{label_w}" y="{by}" width="{w:.1f}" height="{_BAR_H}" fill="{colour}">'
                    f"<title>{escape(cat)}{' — ' + escape(series_name(n)) if n else ''}: {text}</title></rect>"
                )
                parts.append(f'<text x="{label_w + w + 4:.1f}" y="{by + 13}" font-size="13">{text}</text>')
                desc.append(f"{cat}{' ' + series_name(n) if n else ''}: {text}")
            by += _BAR_H + 2
        y += group_h
        if i < len(categories) - 1:
            parts.append(f'<line x1="0" x2="{_W}" y1="{y}" y2="{y}" stroke="#eee"/>')
    parts.insert(2, f"<desc>{escape('; '.join(desc) + ('. ' + note if note else ''))}</desc>")
    parts.append("</svg>")
    return "".join(parts)
