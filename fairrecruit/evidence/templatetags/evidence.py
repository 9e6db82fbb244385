"""Filters for the evidence pages."""

from __future__ import annotations

from typing import Any

from django import template

from fairrecruit.evidence import sdg

register = template.Library()

SEX = {"F": "Women", "M": "Men", "X": "Other"}
ISCO_MAJOR = {
    "0": "Armed forces",
    "1": "Managers",
    "2": "Professionals",
    "3": "Technicians and associate professionals",
    "4": "Clerical support workers",
    "5": "Service and sales workers",
    "6": "Skilled agricultural workers",
    "7": "Craft and related trades workers",
    "8": "Plant and machine operators, and assemblers",
    "9": "Elementary occupations",
}


@register.filter
def months(v: Any) -> str:
    return "—" if v is None else f"{v:,.1f}"


@register.filter
def pct(v: Any) -> str:
    return "—" if v is None else f"{100 * v:.0f}%"


@register.filter
def level(v: Any) -> str:
    """A group's label for people: 'F' -> 'Women', '7' -> 'Craft and related trades workers (7)'."""
    s = str(v)
    if s in SEX:
        return SEX[s]
    if s in ISCO_MAJOR:
        return f"{ISCO_MAJOR[s]} ({s})"
    if s == sdg.UNKNOWN:
        return "Not known"
    return s.replace("_", " ")
