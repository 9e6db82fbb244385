"""The assessment engine's field errors worded in the reader's language, for pages.

The engine is plain Python and speaks English (the API and the CLI answer in it); each of its field errors also
carries a ``code`` and the values it quotes (``engine.FieldError``). Pages show ``field_error_text(e)``: the
translated wording of the code, or the English message for the rare codes without one (unknown fields, which a
page never sends)."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from fairrecruit.standards.engine import FieldError

_WORDING: dict[str, Any] = {
    "required": _("is required"),
    "more_than": _("must be more than %(limit)s"),
    "at_least": _("must be at least %(limit)s"),
    "at_most": _("must be at most %(limit)s"),
    "less_than": _("must be less than %(limit)s"),  # the limit is written in the reader's way (1.000.000 ...)
    "not_number": _("must be a number, not %(value)s"),
    "not_whole": _("must be a whole number, not %(value)s"),
    "country_form": _("must be a two-letter country code such as NP, not %(value)s"),
    "currency_form": _("must be a three-letter currency code such as NPR, not %(value)s"),
    "purpose": _("is required: say what the payment was for"),
    "too_long": _("is too long"),
    "unknown_country": _("unknown country code '%(value)s': use ISO 3166 alpha-2, e.g. NP, QA"),
    "unknown_currency": _("unknown currency '%(value)s': use an ISO 4217 code such as NPR, QAR, USD"),
    "date_form": _("must be a date written %(form)s, not %(value)s"),
    "impossible_date": _("impossible date '%(value)s': write %(form)s"),
    "future": _("%(day)s is in the future"),
    "too_old": _("%(day)s is too long ago (before 1980)"),
    "before_recruitment": _("%(day)s is before the recruitment date %(recruited)s"),
}


def field_error_text(e: FieldError) -> str:
    wording = _WORDING.get(e.code)
    if wording is None:
        return e.message
    params = dict(e.params)
    if e.code == "less_than":
        params["limit"] = number_format(params["limit"], force_grouping=True)
    return str(wording) % {"form": _("YYYY-MM-DD, e.g. 2024-03-15"), **params}
