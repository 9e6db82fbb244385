"""Forms for the worker pages. They only collect input; the engine validates and assesses."""

from __future__ import annotations

import copy
import datetime as dt
from functools import lru_cache
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from fairrecruit.core.countries import countries
from fairrecruit.standards.engine import validate_journey
from fairrecruit.standards.loader import ROLES, get_rules
from fairrecruit.standards.wording import field_error_text

# A currency code field offering fx.COMMON_CURRENCIES (the page renders the datalist "currencies").
CURRENCY_INPUT = forms.TextInput(attrs={"list": "currencies", "size": 4, "autocapitalize": "characters"})
PAYEE_LABELS = {
    "sub_agent": _("Sub-agent / village broker"),
    "licensed_agency": _("Recruitment agency"),
    "destination_agency": _("Agency in the destination country"),
    "employer": _("Employer"),
    "government": _("Government office"),
    "other": _("Someone else"),
}
EVENT_LABELS = {
    "documents_retained": _("Someone kept my passport or documents"),
    "contract_substituted": _("My contract was changed or replaced"),
    "wage_lower_than_promised": _("I am paid less than I was promised"),
    "debt": _("I borrowed money to pay"),
    "deception": _("The job is not what they promised"),
}


def country_choices() -> list[Any]:
    """Every country, named and sorted in the reader's language, those with known rules first (a callable:
    choice fields call it on every form, in the request's language)."""
    return _country_choices(get_language() or settings.LANGUAGE_CODE)


@lru_cache(maxsize=32)
def _country_choices(language: str) -> list[Any]:
    known = set(get_rules().laws)
    allc = countries(language)
    first = [c for c in allc if c[0] in known]
    return [("", "—"), (_("Countries with known rules"), first), (_("Other countries"), [c for c in allc if c[0] not in known])]


class CountryField(forms.ChoiceField):
    def __init__(self, **kw: Any) -> None:
        super().__init__(choices=country_choices, **kw)


class ChargesForm(forms.Form):
    origin = CountryField(label=_("I come from"))
    destination = CountryField(label=_("I am going to"))
    occupation = forms.CharField(label=_("Job (optional)"), required=False, max_length=200)
    domestic_work = forms.BooleanField(label=_("Domestic work (in a household)"), required=False)
    sex = forms.ChoiceField(
        label=_("Sex (optional; some rules differ)"),
        required=False,
        choices=[("", "—"), ("F", _("Woman")), ("M", _("Man"))],
    )
    date = forms.DateField(
        label=_("Date you were recruited"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_date(self) -> dt.date:
        return self.cleaned_data.get("date") or dt.date.today()


class JourneyForm(forms.Form):
    origin = CountryField(label=_("Country you come from"))
    destination = CountryField(label=_("Country where you work"))
    occupation = forms.CharField(label=_("Your job"), required=False, max_length=200)
    domestic_work = forms.BooleanField(label=_("Domestic work (in a household)"), required=False)
    sex = forms.ChoiceField(
        label=_("Sex (optional)"), required=False, choices=[("", "—"), ("F", _("Woman")), ("M", _("Man"))]
    )
    recruitment_date = forms.CharField(
        label=_("Date you signed up with the recruiter"), widget=forms.DateInput(attrs={"type": "date"})
    )
    departure_date = forms.CharField(
        label=_("Date you left (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    contract_months = forms.CharField(
        label=_("Contract length in months"), widget=forms.NumberInput(attrs={"min": 1, "max": 120})
    )
    promised_wage_amount = forms.CharField(
        label=_("Monthly wage you were promised"), widget=forms.NumberInput(attrs={"step": "any", "min": 0})
    )
    promised_wage_currency = forms.CharField(
        label=_("Currency"), max_length=3, widget=forms.TextInput(attrs={"list": "currencies", "size": 4})
    )
    earnings_amount = forms.CharField(
        label=_("What you received for your first full month"),
        widget=forms.NumberInput(attrs={"step": "any", "min": 0}),
    )
    earnings_currency = forms.CharField(
        label=_("Currency"), max_length=3, widget=forms.TextInput(attrs={"list": "currencies", "size": 4})
    )
    events = forms.MultipleChoiceField(
        label=_("Did any of this happen to you?"),
        required=False,
        choices=list(EVENT_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )


class PaymentForm(forms.Form):
    amount = forms.CharField(
        label=_("Amount"), required=False, widget=forms.NumberInput(attrs={"step": "any", "min": 0})
    )
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        widget=forms.TextInput(attrs={"list": "currencies", "size": 4}),
    )
    date = forms.CharField(
        label=_("Date paid"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    purpose = forms.CharField(label=_("What was it for? (any language)"), required=False, max_length=300)
    paid_to = forms.ChoiceField(
        label=_("Paid to"), required=False, choices=[("", "—")] + [(r, PAYEE_LABELS[r]) for r in ROLES]
    )

    def is_blank(self) -> bool:
        d = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(d.get(k) for k in ("amount", "currency", "date", "purpose"))


MAX_PAYMENTS_ON_PAGE = 20
PaymentFormSet = forms.formset_factory(PaymentForm, extra=4, max_num=MAX_PAYMENTS_ON_PAGE,
                                       absolute_max=MAX_PAYMENTS_ON_PAGE)
_OneMorePaymentFormSet = forms.formset_factory(PaymentForm, extra=1, max_num=MAX_PAYMENTS_ON_PAGE,
                                               absolute_max=MAX_PAYMENTS_ON_PAGE)


def with_one_more_payment(data: Any, prefix: str = "p") -> tuple[JourneyForm, Any]:
    """The journey form and payment rows as the worker filled them, and one empty row more (up to
    MAX_PAYMENTS_ON_PAGE): the "Add another payment" button of a page without scripts. Nothing is checked yet,
    so no error is shown for a form the worker has not finished."""
    journey = JourneyForm(initial={name: data.getlist(name) if name == "events" else data.get(name)
                                   for name in JourneyForm.base_fields})
    try:
        rows = max(0, min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_PAYMENTS_ON_PAGE))
    except ValueError:
        rows = 0
    initial = [{name: data.get(f"{prefix}-{i}-{name}", "") for name in PaymentForm.base_fields} for i in range(rows)]
    return journey, _OneMorePaymentFormSet(prefix=prefix, initial=initial)

# journey field -> (form field) for mapping the engine's field errors back onto the form
_FIELD_MAP = {
    "promised_wage": "promised_wage_amount",
    "promised_wage.amount": "promised_wage_amount",
    "promised_wage.currency": "promised_wage_currency",
    "first_month_earnings": "earnings_amount",
    "first_month_earnings.amount": "earnings_amount",
    "first_month_earnings.currency": "earnings_currency",
    "occupation.title": "occupation",
}


def _number(v: str) -> float | str:
    try:
        return float(v)
    except (TypeError, ValueError):
        return v  # the engine names the field and says it must be a number


def to_journey(form: JourneyForm, payments: Any) -> dict[str, Any]:
    d = form.cleaned_data
    j: dict[str, Any] = {
        "origin": d["origin"],
        "destination": d["destination"],
        "recruitment_date": d["recruitment_date"],
        "contract_months": int(d["contract_months"])
        if str(d["contract_months"]).isdecimal()
        else _number(d["contract_months"]),
        "promised_wage": {
            "amount": _number(d["promised_wage_amount"]),
            "currency": d["promised_wage_currency"].strip().upper(),
        },
        "first_month_earnings": {
            "amount": _number(d["earnings_amount"]),
            "currency": d["earnings_currency"].strip().upper(),
        },
        "domestic_work": bool(d.get("domestic_work")),
        "payments": [],
        "events": [{"type": e} for e in d.get("events") or []],
    }
    if d.get("occupation"):
        j["occupation"] = {"title": d["occupation"]}
    if d.get("sex"):
        j["sex"] = d["sex"]
    if d.get("departure_date"):
        j["departure_date"] = d["departure_date"]
    for i, pf in enumerate(payments.forms):
        if pf.is_blank():
            continue
        p = pf.cleaned_data
        row: dict[str, Any] = {
            "amount": _number(p.get("amount") or ""),
            "currency": (p.get("currency") or "").upper(),
            "date": p.get("date") or "",
            "purpose": p.get("purpose") or "",
        }
        if p.get("paid_to"):
            row["paid_to"] = p["paid_to"]
        row["_form_index"] = i
        j["payments"].append(row)
    return j


def attach_errors(form: JourneyForm, payments: Any, journey: dict[str, Any], errors: list[Any]) -> None:
    """Put each engine field error on the form field it concerns (payments[k] -> the k-th non-blank row)."""
    for e in errors:
        field = e.field
        if field.startswith("payments["):
            k = int(field[len("payments[") : field.index("]")])
            sub = field[field.index("]") + 2 :] if "." in field else "amount"
            idx = journey["payments"][k]["_form_index"] if k < len(journey["payments"]) else 0
            pf = payments.forms[idx]
            pf.add_error(sub if sub in pf.fields else None, field_error_text(e))
            continue
        name = _FIELD_MAP.get(field, field)
        form.add_error(
            name if name in form.fields else None,
            f"{field}: {field_error_text(e)}" if name not in form.fields else field_error_text(e),
        )


def valid_journey(form: JourneyForm, payments: Any) -> dict[str, Any] | None:
    """The journey of two valid forms, checked by the engine; ``None`` after putting the engine's field errors on
    the forms (the fee check and the workforce fee survey both take it this way)."""
    journey = to_journey(form, payments)
    clean = copy.deepcopy(journey)
    for p in clean["payments"]:
        p.pop("_form_index", None)
    errors = validate_journey(clean)
    if errors:
        attach_errors(form, payments, journey, errors)
        return None
    return clean
