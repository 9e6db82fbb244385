"""Forms of the public verification pages (also used by the API, so both answer bad input the same way).

Every error message names its field: ``errors_named(form)`` gives ``[{field, label, message}]``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pycountry
from django import forms
from django.utils.translation import gettext_lazy as _

from fairrecruit.standards.forms import country_choices

QUERY_MAX = 200


def errors_named(form: forms.Form) -> list[dict[str, str]]:
    """Every error of a bound form as {field, label, message}; form-wide errors have field '(form)'."""
    out = []
    for name, errs in form.errors.items():
        label = str(form.fields[name].label) if name in form.fields else ""
        for e in errs:
            out.append(
                {"field": name if name in form.fields else "(form)", "label": label, "message": str(e)}
            )
    return out


class VerifySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, licence number, phone number or identifier"),
        max_length=QUERY_MAX,
        error_messages={
            "required": _("type a name, a licence number, a phone number or an identifier"),
            "max_length": _("type at most %(limit_value)d characters"),
        },
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
    )

    def clean_q(self) -> str:
        q = " ".join(self.cleaned_data["q"].split())
        if sum(ch.isalnum() for ch in q) < 2:
            raise forms.ValidationError(_("type at least 2 letters or digits"))
        return q


def currency_known(code: str) -> bool:
    return pycountry.currencies.get(alpha_3=code) is not None


class JobOfferForm(forms.Form):
    """A job offer as a worker has it: a job order number, or employer and destination (and job and wage)."""

    job_order_number = forms.CharField(
        label=_("Job order or demand letter number"), required=False, max_length=80
    )
    employer = forms.CharField(label=_("Employer's name"), required=False, max_length=QUERY_MAX)
    destination = forms.ChoiceField(
        label=_("Country of the job"),
        required=False,
        choices=country_choices,
        error_messages={"invalid_choice": _("unknown country code '%(value)s'")},
    )
    occupation = forms.CharField(label=_("Job"), required=False, max_length=200)
    origin = forms.ChoiceField(
        label=_("Country you come from"),
        required=False,
        choices=country_choices,
        error_messages={"invalid_choice": _("unknown country code '%(value)s'")},
    )
    domestic_work = forms.ChoiceField(
        label=_("Domestic work (in a household)"), required=False,
        choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
    )
    wage_amount = forms.DecimalField(
        label=_("Monthly wage offered"),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        error_messages={
            "invalid": _("enter a number, like 1200 or 1200.50"),
            "min_value": _("must be more than 0"),
            "max_digits": _("is too large"),
            "max_decimal_places": _("use at most 2 decimals"),
            "max_whole_digits": _("is too large"),
        },
        widget=forms.NumberInput(attrs={"step": "any", "min": 0, "inputmode": "decimal"}),
    )
    wage_currency = forms.CharField(
        label=_("Currency of the wage"),
        required=False,
        max_length=3,
        error_messages={"max_length": _("use the 3-letter code, like QAR or USD")},
        widget=forms.TextInput(attrs={"list": "currencies", "size": 4, "autocapitalize": "characters"}),
    )

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and (data.get("destination") or data.get("origin")):
            data = data.copy()
            for k in ("destination", "origin"):
                if data.get(k):
                    data[k] = str(data[k]).strip().upper()
        super().__init__(data, *args, **kwargs)

    def clean_destination(self) -> str:
        return (self.cleaned_data.get("destination") or "").upper()

    def clean_origin(self) -> str:
        return (self.cleaned_data.get("origin") or "").upper()

    def clean_wage_currency(self) -> str:
        c = (self.cleaned_data.get("wage_currency") or "").strip().upper()
        if c and not (len(c) == 3 and c.isalpha() and currency_known(c)):
            raise forms.ValidationError(
                _("unknown currency '%(code)s': use the 3-letter code, like QAR or USD"), params={"code": c}
            )
        return c

    def clean(self) -> dict[str, Any]:
        super().clean()
        d = self.cleaned_data
        for k in ("job_order_number", "employer", "occupation"):
            if isinstance(d.get(k), str):
                d[k] = " ".join(d[k].split())
        if not d.get("job_order_number") and not d.get("employer") and not self.has_error("employer"):
            if not self.has_error("job_order_number"):
                self.add_error("employer", _("give the employer's name, or a job order number"))
        if d.get("employer") and not d.get("job_order_number") and not d.get("destination"):
            if not self.has_error("destination"):
                self.add_error("destination", _("choose the country of the job"))
        if (
            d.get("wage_amount") is not None
            and not d.get("wage_currency")
            and not self.has_error("wage_currency")
        ):
            self.add_error("wage_currency", _("give the currency of the wage, like QAR or USD"))
        if d.get("wage_currency") and d.get("wage_amount") is None and not self.has_error("wage_amount"):
            self.add_error("wage_amount", _("give the amount, or leave the currency empty"))
        return d

