"""Shared pieces of the CSV downloads."""

from __future__ import annotations

from typing import Any


def csv_cell(v: Any) -> str:
    """A value as a CSV cell that a spreadsheet will not run as a formula (spreadsheet formula injection: a cell
    starting with ``=``, ``@``, a tab or a carriage return, or ``+``/``-`` followed by letters or ``=(!``, gets a
    leading apostrophe). A list becomes its items joined by " | "."""
    if isinstance(v, list):
        v = " | ".join(str(x) for x in v)
    s = "" if v is None else str(v)
    if s[:1] in ("=", "@", "\t", "\r") or (s[:1] in ("+", "-") and any(c.isalpha() or c in "=(!" for c in s)):
        s = "'" + s
    return s
