"""Terms and verdicts of a contract comparison in the reader's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from fairrecruit.contracts.compare import Money
from fairrecruit.core.money import money

register = template.Library()

VERDICTS = {
    "same": _("same"),
    "better": _("better"),
    "worse": _("worse"),
    "different": _("different"),
    "not_compared": _("not compared"),
}


@register.filter
def term_label(labels: dict[str, Any], term: str) -> str:
    return str(labels.get(term, term))


@register.filter
def term_verdict(verdict: str) -> str:
    return str(VERDICTS.get(verdict, verdict))


@register.filter
def term_value(value: Any) -> str:
    if isinstance(value, Money):
        return money(value.amount, value.currency, cents=True)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, Decimal):
        return number_format(value.quantize(Decimal(1)) if value == value.to_integral_value() else value)
    return "" if value is None else str(value)
