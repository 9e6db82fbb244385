"""``{{ code|country }}``: a country's name in the reader's language (``core.countries``)."""

from __future__ import annotations

from django import template

from fairrecruit.core.countries import country_name

register = template.Library()


@register.filter
def country(code: str | None) -> str:
    return country_name(code)
