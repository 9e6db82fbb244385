"""Forms for the review pages. They only collect and type-check input; the services decide the rest."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from fairrecruit.core import fx
from fairrecruit.reviews.models import Answer, FlagReason, ModerationAction
from fairrecruit.reviews.services import ReviewInput
from fairrecruit.standards.engine import FieldError
from fairrecruit.standards.forms import CURRENCY_INPUT, country_choices

STARS = [(str(i), str(i)) for i in range(1, 6)]
YES_NO = [(Answer.YES, _("Yes")), (Answer.NO, _("No")), (Answer.UNSURE, _("Not sure"))]
YES_PARTLY_NO = [(Answer.YES, _("Yes")), (Answer.PARTLY, _("Partly")), (Answer.NO, _("No"))]
ROLE_CHOICES = [
    ("", "—"),
    ("sub_agent", _("Sub-agent or village broker")),
    ("licensed_agency", _("Recruitment agency")),
    ("destination_agency", _("Agency in the destination country")),
    ("employer", _("Employer")),
    ("other", _("Someone else")),
]
PAYEE_CHOICES = (
    [("", "—")]
    + [c for c in ROLE_CHOICES[1:-1]]
    + [("government", _("Government office")), ("other", _("Someone else"))]
)


def new_token() -> str:
    """The client token a form carries: a retried submission with it is stored once."""
    return secrets.token_urlsafe(24)


def year_choices() -> list[tuple[str, str]]:
    this = dt.date.today().year
    return [("", "—")] + [(str(y), str(y)) for y in range(this, 1989, -1)]


def language_choices() -> list[tuple[str, Any]]:
    return [*settings.LANGUAGES, ("other", _("Another language"))]


class RadioField(forms.ChoiceField):
    def __init__(self, *, choices: Any, **kw: Any) -> None:
        kw.setdefault("required", False)
        super().__init__(choices=choices, widget=forms.RadioSelect, **kw)


class AnswersForm(forms.Form):
    """The questionnaire (shared by writing and editing a review)."""

    rating = forms.ChoiceField(
        label=_("Overall rating"),
        choices=STARS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose 1 to 5 stars.")},
    )
    paid_fees = RadioField(label=_("Did you pay anything to get this job?"), choices=YES_NO)
    wage_promised_amount = forms.DecimalField(
        label=_("Monthly wage promised"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    wage_promised_currency = forms.CharField(
        label=_("Currency"), required=False, max_length=3, widget=CURRENCY_INPUT
    )
    wage_received_amount = forms.DecimalField(
        label=_("Wage you got for the first full month"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    wage_received_currency = forms.CharField(
        label=_("Currency"), required=False, max_length=3, widget=CURRENCY_INPUT
    )
    origin = forms.ChoiceField(label=_("Country you come from"), required=False, choices=country_choices)
    destination = forms.ChoiceField(label=_("Country of the job"), required=False, choices=country_choices)
    recruitment_year = forms.TypedChoiceField(
        label=_("Year you were recruited"), required=False, choices=year_choices, coerce=int, empty_value=None
    )
    contract_months = forms.IntegerField(
        label=_("Contract length in months"), required=False, min_value=1, max_value=120
    )
    contract_matched = RadioField(label=_("Did the contract match what you were promised?"), choices=YES_NO)
    documents_taken = RadioField(label=_("Did anyone keep your passport or documents?"), choices=YES_NO)
    info_before_departure = RadioField(
        label=_("Did you get clear information before you left?"), choices=YES_PARTLY_NO
    )
    wage_as_promised = RadioField(label=_("Were you paid the wage you were promised?"), choices=YES_NO)
    free_to_change = RadioField(label=_("Were you free to change employer or go home?"), choices=YES_NO)
    treatment = forms.TypedChoiceField(
        label=_("How were you treated? (1 bad, 5 good)"),
        required=False,
        choices=STARS,
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Your story (optional, any language)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    language = forms.ChoiceField(label=_("Language of your story"), required=False, choices=language_choices)
    contact_name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=200)
    contact_how = forms.CharField(
        label=_("Phone, WhatsApp or e-mail (optional)"), required=False, max_length=200
    )

    def _currency(self, name: str) -> str:
        code = (self.cleaned_data.get(name) or "").strip().upper()
        if code and not fx.is_currency(code):
            raise forms.ValidationError(_("Unknown currency: use a code such as NPR, QAR or USD."))
        return code

    def clean_wage_promised_currency(self) -> str:
        return self._currency("wage_promised_currency")

    def clean_wage_received_currency(self) -> str:
        return self._currency("wage_received_currency")

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        for f in ("wage_promised", "wage_received"):
            if (
                d.get(f"{f}_amount") is not None
                and not d.get(f"{f}_currency")
                and f"{f}_currency" not in self.errors
            ):
                self.add_error(f"{f}_currency", _("Say which currency."))
        return d


class ReviewForm(AnswersForm):
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    actor = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)
    reported_name = forms.CharField(
        label=_("Name of the agent, agency or employer"), required=False, max_length=300
    )
    reported_role = forms.ChoiceField(label=_("What did they do?"), required=False, choices=ROLE_CHOICES)
    reported_phone = forms.CharField(label=_("Their phone number (optional)"), required=False, max_length=40)
    reported_place = forms.CharField(
        label=_("Their town or village (optional)"), required=False, max_length=120
    )

    field_order = ["token", "actor", "reported_name", "reported_role", "reported_phone", "reported_place"]


class EditForm(AnswersForm):
    code = forms.CharField(widget=forms.HiddenInput)
    remove_contact = forms.BooleanField(label=_("Delete my contact details"), required=False)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"), required=False, min_value=0.01, max_digits=14, decimal_places=2
    )
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3, widget=CURRENCY_INPUT)
    purpose = forms.CharField(label=_("What for? (any language)"), required=False, max_length=300)
    paid_to = forms.ChoiceField(label=_("Paid to"), required=False, choices=PAYEE_CHOICES)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        cur = (d.get("currency") or "").strip().upper()
        d["currency"] = cur
        if self.is_blank():
            return d
        if d.get("amount") is None and "amount" not in self.errors:
            self.add_error("amount", _("Enter the amount."))
        if not cur:
            self.add_error("currency", _("Say which currency."))
        elif not fx.is_currency(cur):
            self.add_error("currency", _("Unknown currency: use a code such as NPR, QAR or USD."))
        return d

    def is_blank(self) -> bool:
        d = getattr(self, "cleaned_data", {})
        raw = [self.data.get(self.add_prefix(k)) for k in ("amount", "currency", "purpose")]
        return not any(d.get(k) for k in ("amount", "currency", "purpose")) and not any(raw)


PaymentFormSet = forms.formset_factory(PaymentForm, extra=3, max_num=10, absolute_max=10)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Your code"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=FlagReason.choices)
    note = forms.CharField(label=_("Tell us more (optional)"), required=False, max_length=1000)


class ModerationForm(forms.Form):
    action = forms.ChoiceField(choices=ModerationAction.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
    new_text = forms.CharField(
        label=_("Text to publish"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )


class SensitiveReadForm(forms.Form):
    field = forms.ChoiceField(
        choices=[("contact", "contact"), ("text_original", "text_original")], widget=forms.HiddenInput
    )
    purpose = forms.CharField(label=_("Why do you need to see it?"), min_length=3, max_length=300)


class ReplyForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Reply as"), coerce=int)
    text = forms.CharField(label=_("Your reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))


class TranslationForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    text = forms.CharField(label=_("Translation"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


# --- to the service's input, and its errors back onto the form ------------------------------------------------


def _num(v: Any) -> float | None:
    return None if v is None or v == "" else float(v)


def to_input(form: AnswersForm, payments: list[PaymentForm]) -> ReviewInput:
    d = form.cleaned_data
    rows = []
    for pf in payments:
        if pf.is_blank():
            continue
        p = pf.cleaned_data
        row: dict[str, Any] = {
            "amount": _num(p.get("amount")),
            "currency": p.get("currency") or "",
            "purpose": (p.get("purpose") or "").strip(),
        }
        if p.get("paid_to"):
            row["paid_to"] = p["paid_to"]
        rows.append(row)
    lang = d.get("language") or ""
    return ReviewInput(
        rating=int(d["rating"]),
        actor_identifier=(d.get("actor") or "").strip(),
        reported_name=(d.get("reported_name") or "").strip(),
        reported_phone=(d.get("reported_phone") or "").strip(),
        reported_place=(d.get("reported_place") or "").strip(),
        reported_role=d.get("reported_role") or "",
        paid_fees=d.get("paid_fees") or "",
        payments=rows,
        contract_matched=d.get("contract_matched") or "",
        documents_taken=d.get("documents_taken") or "",
        info_before_departure=d.get("info_before_departure") or "",
        wage_as_promised=d.get("wage_as_promised") or "",
        free_to_change=d.get("free_to_change") or "",
        treatment=d.get("treatment"),
        origin=d.get("origin") or "",
        destination=d.get("destination") or "",
        recruitment_year=d.get("recruitment_year"),
        contract_months=d.get("contract_months"),
        wage_promised_amount=_num(d.get("wage_promised_amount")),
        wage_promised_currency=d.get("wage_promised_currency") or "",
        wage_received_amount=_num(d.get("wage_received_amount")),
        wage_received_currency=d.get("wage_received_currency") or "",
        text=(d.get("text") or "").strip(),
        language="" if lang == "other" else lang,
        contact_name=(d.get("contact_name") or "").strip(),
        contact_how=(d.get("contact_how") or "").strip(),
    )


def attach_errors(form: forms.Form, payments: list[PaymentForm], errors: list[FieldError]) -> None:
    """Put each service error on the field it names; payments[k] is the k-th payment row that was filled."""
    filled = [pf for pf in payments if not pf.is_blank()]
    for e in errors:
        if e.field.startswith("payments["):
            k = int(e.field[len("payments[") : e.field.index("]")])
            sub = e.field.split(".", 1)[1] if "." in e.field else "amount"
            if k < len(filled):
                pf = filled[k]
                pf.add_error(sub if sub in pf.fields else None, e.message)
                continue
        name = e.field
        if name in form.fields and not isinstance(form.fields[name].widget, forms.HiddenInput):
            form.add_error(name, e.message)
        else:
            form.add_error(None, f"{e.field}: {e.message}")


def error_summary(form: forms.Form, payments: list[PaymentForm] | None = None) -> list[dict[str, str]]:
    """Every error with the label of its field, for the list at the top of the page."""
    out = []
    for name, errs in form.errors.items():
        if name == "__all__":
            out += [{"id": "", "label": "", "message": str(m)} for m in errs]
            continue
        bf = form[name]
        out += [{"id": bf.id_for_label, "label": str(bf.label), "message": str(m)} for m in errs]
    for i, pf in enumerate(payments or []):
        for name, errs in pf.errors.items():
            label = f"{_('Payment')} {i + 1}"
            if name != "__all__":
                label += f" — {pf[name].label}"
            out += [
                {"id": pf[name].id_for_label if name != "__all__" else "", "label": label, "message": str(m)}
                for m in errs
            ]
    return out


def api_input(data: Any) -> tuple[ReviewInput | None, list[FieldError]]:
    """The API's JSON body through the same forms as the page (field names as in the form)."""
    if not isinstance(data, dict):
        return None, [FieldError("(body)", "must be a JSON object")]
    flat = {k: v for k, v in data.items() if k not in ("payments", "reported_actor", "contact")}
    rep = data.get("reported_actor") or {}
    contact = data.get("contact") or {}
    if not isinstance(rep, dict) or not isinstance(contact, dict):
        return None, [
            FieldError("reported_actor" if not isinstance(rep, dict) else "contact", "must be an object")
        ]
    flat.update({f"reported_{k}": v for k, v in rep.items() if k in ("name", "phone", "place", "role")})
    flat.update({f"contact_{k}": v for k, v in contact.items() if k in ("name", "how")})
    flat = {k: ("" if v is None else str(v)) for k, v in flat.items() if not isinstance(v, dict | list)}
    form = ReviewForm(data=flat)
    raw_payments = data.get("payments") or []
    if not isinstance(raw_payments, list):
        return None, [FieldError("payments", "must be a list")]
    pforms = []
    errors: list[FieldError] = []
    for i, p in enumerate(raw_payments[:10]):
        if not isinstance(p, dict):
            errors.append(FieldError(f"payments[{i}]", "must be an object"))
            continue
        pforms.append(PaymentForm(data={k: "" if v is None else str(v) for k, v in p.items()}))
    if len(raw_payments) > 10:
        errors.append(FieldError("payments", "at most 10 payments"))
    ok = form.is_valid()
    for name, errs in form.errors.items():
        errors += [FieldError("(body)" if name == "__all__" else name, str(m)) for m in errs]
    for i, pf in enumerate(pforms):
        if not pf.is_valid():
            for name, errs in pf.errors.items():
                errors += [FieldError(f"payments[{i}].{name}", str(m)) for m in errs]
    if errors or not ok:
        return None, errors
    return to_input(form, pforms), []
