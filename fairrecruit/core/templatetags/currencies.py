"""``{{ code|currency_name }}``: a currency's name in the reader's language (the Unicode CLDR, through Babel);
``{{ amount|money:currency }}``: an amount as the reader's language writes it (``core/money.py``)."""

from __future__ import annotations

from babel import UnknownLocaleError
from babel.numbers import get_currency_name
from django import template
from django.conf import settings
from django.utils.translation import get_language

from fairrecruit.core.money import money

register = template.Library()


@register.filter
def currency_name(code: str) -> str:
    language = (get_language() or settings.LANGUAGE_CODE).replace("-", "_")
    try:
        return str(get_currency_name(code, locale=language))
    except (UnknownLocaleError, ValueError):
        return str(get_currency_name(code, locale="en"))


@register.filter(name="money")
def money_filter(amount: object, currency: str | None = None) -> str:
    """``{{ plan.amount|money:plan.currency }}``: "1,50,000 NPR" in Nepali, "150,000 NPR" in English."""
    return money(amount, currency)
