"""The "Compare my contract" form, also behind the API and the command line, so that all three answer bad input
with the same messages. Every error names its field (``registry.forms.errors_named``)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from fairrecruit.contracts.compare import (
    BENEFIT_TERMS,
    RECEIVED,
    TERMS,
    TEXT_TERMS,
    Circumstances,
    Money,
    Terms,
)
from fairrecruit.registry.forms import QUERY_MAX, currency_known
from fairrecruit.standards.forms import country_choices
from fairrecruit.standards.loader import get_rules

SIDES = ("promised", "actual")
SIDE_WORDS = {"promised": _("as promised"), "actual": _("now")}
TERM_LABELS: dict[str, Any] = {
    "employer": _("Employer"),
    "occupation": _("Job"),
    "workplace": _("Place of work (city or site)"),
    "wage": _("Monthly basic wage"),
    "wage_amount": _("Monthly basic wage"),
    "wage_currency": _("Currency of the wage"),
    "deductions": _("Taken from your wage each month (in the wage's currency)"),
    "deductions_amount": _("Taken from your wage each month (in the wage's currency)"),
    "hours_per_day": _("Working hours a day"),
    # xgettext:no-python-format ("% of" is not a placeholder; flagged, msgfmt rejects every translation)
    "overtime_percent": _("Overtime pay, in % of the pay for a normal hour (e.g. 125)"),
    "rest_days_per_week": _("Days off a week"),
    "annual_leave_days": _("Paid leave, days a year"),
    "contract_months": _("Contract length, months"),
    "food": _("Food or food allowance from the employer"),
    "accommodation": _("Housing from the employer"),
    "return_ticket": _("Ticket home paid by the employer"),
}
# (field, lowest, highest, decimals allowed: 0 or 2)
NUMBERS = {
    "wage_amount": (Decimal("0.01"), Decimal("9999999999"), 2),
    "deductions_amount": (Decimal("0"), Decimal("9999999999"), 2),
    "hours_per_day": (Decimal("1"), Decimal("24"), 2),
    "overtime_percent": (Decimal("0"), Decimal("500"), 2),
    "rest_days_per_week": (Decimal("0"), Decimal("7"), 0),
    "annual_leave_days": (Decimal("0"), Decimal("366"), 0),
    "contract_months": (Decimal("1"), Decimal("120"), 0),
}
YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]
RECEIVED_CHOICES = [
    ("", "—"),
    ("before_departure", _("Before I left my country")),
    ("after_arrival", _("Only after I arrived")),
    ("never", _("I never got a copy")),
]
assert {c for c, _l in RECEIVED_CHOICES if c} == set(RECEIVED)
DATE_FORM = _("YYYY-MM-DD, e.g. 2024-03-15")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _number_field(name: str, label: Any) -> forms.CharField:
    low, high, decimals = NUMBERS[name]
    mode = "decimal" if decimals else "numeric"
    return forms.CharField(label=label, required=False, max_length=20,
                           widget=forms.TextInput(attrs={"inputmode": mode, "size": 8}))


def parse_number(raw: str, name: str) -> Decimal | None:
    """``raw`` as a number within the field's bounds, or a ValidationError worded for the worker."""
    raw = (raw or "").strip().replace(",", "")
    if not raw:
        return None
    low, high, decimals = NUMBERS[name]
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        if decimals:
            raise forms.ValidationError(_("must be a number, not %(value)s"), params={"value": raw[:20]})
        raise forms.ValidationError(_("must be a whole number, not %(value)s"), params={"value": raw[:20]})
    if decimals == 0 and value != value.to_integral_value():
        raise forms.ValidationError(_("must be a whole number, not %(value)s"), params={"value": raw[:20]})
    if value.as_tuple().exponent < -decimals:  # type: ignore[operator]
        raise forms.ValidationError(_("use at most 2 decimals"))
    if value < low:
        if low == Decimal("0.01"):
            raise forms.ValidationError(_("must be more than 0"))
        raise forms.ValidationError(_("must be at least %(limit)s"), params={"limit": low})
    if value > high:
        raise forms.ValidationError(_("must be at most %(limit)s"), params={"limit": f"{high:,}"})
    return value


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class ContractForm(forms.Form):
    """What the worker was promised (or the approved job order's number) and what they have now."""

    job_order_number = forms.CharField(
        label=_("Job order or demand letter number"), required=False, max_length=80
    )
    destination = forms.ChoiceField(
        label=_("Country of the job"), required=False, choices=country_choices,
        error_messages={"invalid_choice": _("unknown country code '%(value)s'")},
    )
    origin = forms.ChoiceField(
        label=_("Country you come from"), required=False, choices=country_choices,
        error_messages={"invalid_choice": _("unknown country code '%(value)s'")},
    )
    domestic_work = forms.ChoiceField(label=_("Domestic work (in a household)"), required=False, choices=YES_NO)
    start = forms.CharField(
        label=_("Date your job started (optional)"), required=False, max_length=10,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    months_worked = forms.CharField(
        label=_("Months you have worked so far (optional)"), required=False, max_length=5,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    received = forms.ChoiceField(label=_("When did you get your contract?"), required=False,
                                 choices=RECEIVED_CHOICES)
    language_understood = forms.ChoiceField(label=_("Is your contract in a language you understand?"),
                                            required=False, choices=YES_NO)
    signed_again = forms.ChoiceField(label=_("Were you made to sign a new contract after you arrived?"),
                                     required=False, choices=YES_NO)

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        if data is not None and (data.get("destination") or data.get("origin")):
            data = data.copy()
            for k in ("destination", "origin"):
                if data.get(k):
                    data[k] = str(data[k]).strip().upper()
        super().__init__(data, *args, **kwargs)
        for side in SIDES:
            for term in TEXT_TERMS:
                self.fields[f"{side}_{term}"] = forms.CharField(
                    label=format_lazy("{} ({})", TERM_LABELS[term], SIDE_WORDS[side]), required=False,
                    max_length=QUERY_MAX)
            for term in NUMBERS:
                self.fields[f"{side}_{term}"] = _number_field(
                    term, format_lazy("{} ({})", TERM_LABELS[term], SIDE_WORDS[side]))
                if term == "wage_amount":
                    self.fields[f"{side}_wage_currency"] = forms.CharField(
                        label=format_lazy("{} ({})", TERM_LABELS["wage_currency"], SIDE_WORDS[side]),
                        required=False, max_length=3,
                        error_messages={"max_length": _("use the 3-letter code, like QAR or USD")},
                        widget=forms.TextInput(attrs={"list": "currencies", "size": 4,
                                                      "autocapitalize": "characters"}))
            for term in BENEFIT_TERMS:
                self.fields[f"{side}_{term}"] = forms.ChoiceField(
                    label=format_lazy("{} ({})", TERM_LABELS[term], SIDE_WORDS[side]), required=False,
                    choices=YES_NO)

    def clean_destination(self) -> str:
        return (self.cleaned_data.get("destination") or "").upper()

    def clean_origin(self) -> str:
        return (self.cleaned_data.get("origin") or "").upper()

    def clean_start(self) -> dt.date | None:
        raw = (self.cleaned_data.get("start") or "").strip()
        if not raw:
            return None
        try:
            day = dt.date.fromisoformat(raw) if _DAY.match(raw) else None
        except ValueError:
            day = None
        if day is None:
            raise forms.ValidationError(_("must be a date written %(form)s, not %(value)s"),
                                        params={"form": DATE_FORM, "value": raw})
        if day > dt.date.today():
            raise forms.ValidationError(_("must not be in the future"))
        if day.year < 1980:
            raise forms.ValidationError(_("must be between 1980 and today"))
        return day

    def clean_months_worked(self) -> int | None:
        raw = (self.cleaned_data.get("months_worked") or "").strip()
        if not raw:
            return None
        if not raw.isdigit():
            raise forms.ValidationError(_("must be a whole number, not %(value)s"), params={"value": raw})
        n = int(raw)
        if n > 120:
            raise forms.ValidationError(_("must be at most %(limit)s"), params={"limit": 120})
        return n

    def clean(self) -> dict[str, Any]:
        super().clean()
        d = self.cleaned_data
        for side in SIDES:
            for term in TEXT_TERMS:
                d[f"{side}_{term}"] = " ".join((d.get(f"{side}_{term}") or "").split())
            for term in NUMBERS:
                name = f"{side}_{term}"
                if self.has_error(name):  # too long already: one message is enough
                    d[name] = None
                    continue
                try:
                    d[name] = parse_number(str(self.data.get(name) or ""), term)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
            cur = f"{side}_wage_currency"
            code = (d.get(cur) or "").strip().upper()
            if code and not (len(code) == 3 and code.isalpha() and currency_known(code)):
                self.add_error(cur, forms.ValidationError(
                    _("unknown currency '%(code)s': use the 3-letter code, like QAR or USD"), params={"code": code}))
            d[cur] = code
            amounts = [d.get(f"{side}_{n}") for n in ("wage_amount", "deductions_amount")]
            if any(a is not None for a in amounts) and not code and not self.has_error(cur):
                self.add_error(cur, _("use the 3-letter code, like QAR or USD"))
            if code and all(a is None for a in amounts) and not self.has_error(f"{side}_wage_amount"):
                self.add_error(f"{side}_wage_amount", _("is required"))
        d["job_order_number"] = " ".join((d.get("job_order_number") or "").split())
        if not self.errors and not self._anything_to_compare():
            self.add_error(None, _("Fill in at least one term both as you were promised it and as it is now, or "
                                   "answer the questions about your contract."))
        return d

    def _anything_to_compare(self) -> bool:
        d = self.cleaned_data
        promised, actual = self.terms("promised"), self.terms("actual")
        from_job_order = ("employer", "occupation", "wage") if d.get("job_order_number") else ()
        return any(actual.given(t) and (promised.given(t) or t in from_job_order) for t in TERMS) or any(
            d.get(k) for k in ("received", "language_understood", "signed_again")) or (
            actual.given("wage") and bool(d.get("destination"))
            and bool(get_rules().minimum_wages_for(d.get("origin") or "", d["destination"],
                                                   d.get("start") or dt.date.today(), d.get("domestic_work") == "yes")))

    def term_rows(self) -> list[dict[str, Any]]:
        """For the page: each term with its bound fields, as promised and now."""
        rows = []
        for term in TERMS:
            names = {"wage": ["wage_amount", "wage_currency"], "deductions": ["deductions_amount"]}.get(term, [term])
            rows.append({"term": term, "label": TERM_LABELS[term],
                         "sides": [{"side": side, "word": SIDE_WORDS[side],
                                    "fields": [self[f"{side}_{n}"] for n in names]} for side in SIDES]})
        return rows

    def terms(self, side: str) -> Terms:
        d = self.cleaned_data
        amount, currency = d.get(f"{side}_wage_amount"), d.get(f"{side}_wage_currency")
        deducted = d.get(f"{side}_deductions_amount")

        def whole(term: str) -> int | None:
            v = d.get(f"{side}_{term}")
            return None if v is None else int(v)

        return Terms(
            employer=d.get(f"{side}_employer", ""),
            occupation=d.get(f"{side}_occupation", ""),
            workplace=d.get(f"{side}_workplace", ""),
            wage=Money(amount, currency) if amount is not None and currency else None,
            deductions=Money(deducted, currency) if deducted is not None and currency else None,
            hours_per_day=d.get(f"{side}_hours_per_day"),
            overtime_percent=d.get(f"{side}_overtime_percent"),
            rest_days_per_week=whole("rest_days_per_week"),
            annual_leave_days=whole("annual_leave_days"),
            contract_months=whole("contract_months"),
            food=_yes_no(d.get(f"{side}_food", "")),
            accommodation=_yes_no(d.get(f"{side}_accommodation", "")),
            return_ticket=_yes_no(d.get(f"{side}_return_ticket", "")),
        )

    def circumstances(self) -> Circumstances:
        d = self.cleaned_data
        return Circumstances(
            received=d.get("received", ""), language_understood=_yes_no(d.get("language_understood", "")),
            signed_again=_yes_no(d.get("signed_again", "")), months_worked=d.get("months_worked"),
            day=d.get("start"),
        )


# ------------------------------------------------------------------------------------- JSON (API and command line)
SIDE_KEYS = (*TEXT_TERMS, *NUMBERS, "wage_currency", *BENEFIT_TERMS)
TOP_KEYS = ("job_order_number", "destination", "origin", "domestic_work", "start", "months_worked", "received", "language_understood",
            "signed_again", *SIDES)
YES_NO_KEYS = ("language_understood", "signed_again", "domestic_work", *BENEFIT_TERMS)


def json_field(name: str) -> str:
    """A form field's name as the JSON input spells it: promised_wage_amount -> promised.wage_amount."""
    for side in SIDES:
        if name.startswith(side + "_"):
            return f"{side}.{name[len(side) + 1:]}"
    return name


def form_data_from_json(body: Any) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The form's data from the JSON input ``{"promised": {...}, "actual": {...}, "job_order_number": ...}``,
    or the errors that keep it from being one (unknown fields, objects where a value belongs)."""
    if not isinstance(body, dict):
        return {}, [{"field": "(body)", "message": "must be a JSON object"}]
    data: dict[str, str] = {}
    errors = [{"field": k, "message": f"unknown field: use one of {', '.join(TOP_KEYS)}"}
              for k in sorted(set(body) - set(TOP_KEYS))]

    def put(path: str, name: str, key: str, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool):
            if key in YES_NO_KEYS:
                data[name] = "yes" if value else "no"
            else:
                errors.append({"field": path, "message": "must be a string or a number, not true or false"})
        elif isinstance(value, str | int | float):
            data[name] = str(value)
        else:
            errors.append({"field": path, "message": "must be a string or a number"})

    for key, value in body.items():
        if key in SIDES:
            if value is None:
                continue
            if not isinstance(value, dict):
                errors.append({"field": key, "message": "must be an object of terms, e.g. {\"wage_amount\": 1200}"})
                continue
            for k, v in value.items():
                if k not in SIDE_KEYS:
                    errors.append({"field": f"{key}.{k}", "message": f"unknown term: use one of {', '.join(SIDE_KEYS)}"})
                else:
                    put(f"{key}.{k}", f"{key}_{k}", k, v)
        elif key in TOP_KEYS:
            put(key, key, key, value)
    return data, errors


def errors_for_json(form: ContractForm) -> list[dict[str, str]]:
    return [{"field": json_field(name) if name != NON_FIELD_ERRORS else "(body)", "message": str(e)}
            for name, errs in form.errors.items() for e in errs]
