"""``{{ code|currency_name }}``: a currency's name in the reader's language (the Unicode CLDR, through Babel)."""

from __future__ import annotations

from babel import UnknownLocaleError
from babel.numbers import get_currency_name
from django import template
from django.conf import settings
from django.utils.translation import get_language

register = template.Library()


@register.filter
def currency_name(code: str) -> str:
    language = (get_language() or settings.LANGUAGE_CODE).replace("-", "_")
    try:
        return str(get_currency_name(code, locale=language))
    except (UnknownLocaleError, ValueError):
        return str(get_currency_name(code, locale="en"))
