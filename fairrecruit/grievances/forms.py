"""Forms for the grievance pages. They only collect and type-check input; the services decide the rest."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from fairrecruit.core import forms as core_forms
from fairrecruit.core.models import Organisation
from fairrecruit.grievances import programmes, taxonomy
from fairrecruit.grievances.models import Outcome, PayerKind, ReferralKind, Status, TargetKind
from fairrecruit.grievances.services import PAYEES, ComplaintInput, Upload
from fairrecruit.standards.engine import FieldError
from fairrecruit.standards.forms import CURRENCY_INPUT, country_choices

CATEGORY_LABELS = {
    "fees": _("I paid fees or costs to get the job"),
    "deception": _("I was lied to about the job"),
    "contract_substitution": _("My contract was changed or replaced"),
    "documents_retained": _("Someone keeps my passport or documents"),
    "wages": _("I am not paid, or paid less than my contract"),
    "restricted_movement": _("I am not free to leave, change job or go home"),
    "forced_labour": _("I am forced to work"),
    "harassment_violence": _("Harassment or violence"),
    "other": _("Something else"),
}
INDICATOR_LABELS = {
    "abuse_of_vulnerability": _("They take advantage of my situation"),
    "deception": _("Deception about the work or pay"),
    "restriction_of_movement": _("I cannot leave the workplace or housing freely"),
    "isolation": _("I am cut off from other people"),
    "physical_sexual_violence": _("Physical or sexual violence"),
    "intimidation_threats": _("Threats, for me or my family"),
    "retention_of_documents": _("My documents are kept"),
    "withholding_of_wages": _("My wages are held back"),
    "debt_bondage": _("I must work to pay a debt"),
    "abusive_conditions": _("Abusive working or living conditions"),
    "excessive_overtime": _("Too much overtime"),
}
PAYEE_CHOICES = [
    ("", "—"),
    ("sub_agent", _("Sub-agent or village broker")),
    ("licensed_agency", _("Recruitment agency")),
    ("destination_agency", _("Agency in the destination country")),
    ("employer", _("Employer")),
    ("government", _("Government office")),
    ("other", _("Someone else")),
]
MAX_UPLOADS = 5


def new_token() -> str:
    """The client token a form carries: a retried submission with it is stored once."""
    return secrets.token_urlsafe(24)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files][:MAX_UPLOADS]


def uploads(files: list[UploadedFile]) -> list[Upload]:
    """Read at most the size limit + 1 byte of each file (the service refuses what is too large)."""
    from fairrecruit.grievances import conf

    limit = int(conf.get("FAIRRECRUIT_GRIEVANCE_EVIDENCE_MAX_BYTES"))
    out = []
    for f in files:
        f.seek(0)
        out.append(Upload(f.read(limit + 1), (f.name or "")[:200]))
    return out


class ComplaintForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    language = forms.CharField(widget=forms.HiddenInput, required=False)
    in_danger = forms.TypedChoiceField(
        label=_("Are you in danger now?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        widget=forms.RadioSelect(attrs={"style": "inline-size:auto"}),
        coerce=lambda v: v == "yes",
        initial="no",
    )
    categories = forms.MultipleChoiceField(
        label=_("What happened?"),
        choices=[(c, CATEGORY_LABELS[c]) for c in taxonomy.CATEGORY_CODES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one.")},
    )
    indicators = forms.MultipleChoiceField(
        label=_("Is any of this happening to you? (optional)"),
        choices=[(i, INDICATOR_LABELS[i]) for i in taxonomy.INDICATOR_CODES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    description = forms.CharField(
        label=_("Tell us what happened"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=5000,
    )
    respondent = forms.CharField(widget=forms.HiddenInput, required=False)
    respondent_name = forms.CharField(
        label=_("Name of the agency, agent or employer"), required=False, max_length=300
    )
    respondent_role = forms.ChoiceField(
        label=_("They are"), choices=PAYEE_CHOICES[:-2] + [("other", _("Someone else"))], required=False
    )
    respondent_phone = forms.CharField(label=_("Their phone (optional)"), required=False, max_length=40)
    respondent_place = forms.CharField(
        label=_("Their town or city (optional)"), required=False, max_length=120
    )
    brand_name = forms.CharField(
        label=_("Brand or company you make goods for (optional)"), required=False, max_length=200
    )
    origin = forms.ChoiceField(label=_("Country you come from"), required=False, choices=country_choices)
    destination = forms.ChoiceField(label=_("Country of the job"), required=False, choices=country_choices)
    recruitment_date = forms.DateField(
        label=_("Date you signed up with the recruiter (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    contract_months = forms.IntegerField(
        label=_("Contract length in months"), required=False, min_value=1, max_value=120
    )
    domestic_work = forms.BooleanField(label=_("Domestic work (in a household)"), required=False)
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
    evidence = MultipleFileField(label=_("Photos or PDF of receipts, contract, messages (optional, up to 5)"))
    anonymous = forms.BooleanField(label=_("I want to stay anonymous (no name)"), required=False)
    worker_name = forms.CharField(label=_("Your name"), required=False, max_length=200)
    worker_phone = forms.CharField(label=_("Phone or WhatsApp"), required=False, max_length=40)
    worker_email = forms.EmailField(label=_("Email"), required=False)
    consent_share = forms.BooleanField(
        label=_("Send my complaint to the authority or organisation that can act on it"),
        required=False,
    )
    consent_identity = forms.BooleanField(
        label=_("They may see my name and contact (never the recruiter)"), required=False
    )
    retaliation_fear = forms.BooleanField(
        label=_("I fear they will punish me if they learn it was me"), required=False
    )


def cost_items() -> list[tuple[str, str]]:
    """The cost items of the fee standards, in the reader's language (a choice overrides the words typed)."""
    from fairrecruit.standards.templatetags.fees import ITEMS

    return [(k, str(v)) for k, v in ITEMS.items() if k != "unclassified"]


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3, widget=CURRENCY_INPUT)
    date = forms.DateField(
        label=_("Date paid (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    purpose = forms.CharField(label=_("What was it for? (any language)"), required=False, max_length=300)
    category = forms.ChoiceField(label=_("Or choose what it was for"), required=False,
                                 choices=lambda: [("", "—"), *cost_items()])
    paid_to = forms.ChoiceField(label=_("Paid to"), required=False, choices=PAYEE_CHOICES)


PaymentFormSet = forms.formset_factory(PaymentForm, extra=3, max_num=20)


class PaymentNameForm(forms.Form):
    """The worker names a payment the fee laws could not judge (the follow page)."""

    index = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("What was it for?"), choices=lambda: [("", "—"), *cost_items()])


class CasePaymentForm(PaymentForm):
    """A payment as the handler records it: what the worker said, and the cost item it was for when the purpose
    does not tell the fee laws (overrides the purpose)."""

    category = forms.ChoiceField(label=_("Cost item"), required=False,
                                 choices=lambda: [("", str(_("From what it was for"))), *cost_items()])


# The case's payments, and two blank rows to split one of them into parts
CasePaymentFormSet = forms.formset_factory(CasePaymentForm, extra=2, max_num=50)


def payments_of(forms_: Any) -> list[dict[str, Any]]:
    """The payments of a formset's forms (the worker's or the handler's), blank rows left out; the service checks
    the values (``services.payment_errors``)."""
    out = []
    for f in forms_:
        d = getattr(f, "cleaned_data", None) or {}
        if d.get("amount") in (None, "") and not d.get("currency"):
            continue
        row: dict[str, Any] = {
            "amount": float(d["amount"]) if d.get("amount") is not None else None,
            "currency": (d.get("currency") or "").upper(),
            "purpose": d.get("purpose") or "",
        }
        if d.get("date"):
            row["date"] = d["date"].isoformat()
        if d.get("paid_to") in PAYEES:
            row["paid_to"] = d["paid_to"]
        if d.get("category"):
            row["category"] = d["category"]
        out.append(row)
    return out


def case_payments_initial(facts: dict[str, Any]) -> list[dict[str, Any]]:
    """The formset's rows from the case's payments; ``includes`` (what the worker said a total included) is shown
    beside its row."""
    return [{k: p.get(k) or "" for k in ("amount", "currency", "date", "purpose", "category", "paid_to",
                                          "includes")}
            for p in facts.get("payments") or []]


def to_input(form: ComplaintForm, payments: list[PaymentForm]) -> ComplaintInput:
    d = form.cleaned_data
    pays = payments_of(payments)

    def num(v: Any) -> float | None:
        return None if v in (None, "") else float(v)

    return ComplaintInput(
        categories=list(d.get("categories") or []),
        description=d.get("description") or "",
        in_danger=bool(d.get("in_danger")),
        indicators=list(d.get("indicators") or []),
        respondent_identifier=d.get("respondent") or "",
        respondent_name=d.get("respondent_name") or "",
        respondent_phone=d.get("respondent_phone") or "",
        respondent_place=d.get("respondent_place") or "",
        respondent_role=d.get("respondent_role") or "",
        brand_name=d.get("brand_name") or "",
        origin=d.get("origin") or "",
        destination=d.get("destination") or "",
        recruitment_date=d["recruitment_date"].isoformat() if d.get("recruitment_date") else "",
        contract_months=d.get("contract_months"),
        domestic_work=bool(d.get("domestic_work")),
        wage_promised_amount=num(d.get("wage_promised_amount")),
        wage_promised_currency=(d.get("wage_promised_currency") or "").upper(),
        wage_received_amount=num(d.get("wage_received_amount")),
        wage_received_currency=(d.get("wage_received_currency") or "").upper(),
        payments=pays,
        anonymous=bool(d.get("anonymous")),
        worker_name=d.get("worker_name") or "",
        worker_phone=d.get("worker_phone") or "",
        worker_email=d.get("worker_email") or "",
        consent_share=bool(d.get("consent_share")),
        consent_identity=bool(d.get("consent_identity")) and bool(d.get("consent_share")),
        retaliation_fear=bool(d.get("retaliation_fear")),
        language=d.get("language") or "",
    )


def attach_errors(form: forms.Form, payments: list[PaymentForm], errors: list[FieldError]) -> None:
    for e in errors:
        if e.field.startswith("payments[") and payments:
            idx = int(e.field.split("[")[1].split("]")[0])
            pname = e.field.split(".")[-1] if "." in e.field else "amount"
            if idx < len(payments) and pname in payments[idx].fields:
                payments[idx].add_error(pname, e.message)
                continue
        name: str | None = e.field if e.field in form.fields else None
        if e.field == "respondent":
            name = "respondent_name" if "respondent_name" in form.fields else None
        form.add_error(name, e.message)


def error_summary(form: forms.Form, payments: list[PaymentForm] | None = None) -> list[dict[str, Any]]:
    out = []
    for name, errs in form.errors.items():
        label = str(form.fields[name].label) if name in form.fields else ""
        for m in errs:
            out.append(
                {"id": form[name].auto_id if name in form.fields else "", "label": label, "message": m}
            )
    for i, p in enumerate(payments or []):
        for name, errs in p.errors.items():
            for m in errs:
                out.append(
                    {
                        "id": p[name].auto_id if name in p.fields else "",
                        "label": f"{_('Payment')} {i + 1}: {p.fields[name].label if name in p.fields else ''}",
                        "message": m,
                    }
                )
    return out


class FollowForm(forms.Form):
    code = forms.CharField(
        label=_("Case code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    pin = forms.CharField(
        label=_("PIN"),
        max_length=6,
        min_length=6,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class AddInformationForm(forms.Form):
    text = forms.CharField(
        label=_("More information"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )
    evidence = MultipleFileField(label=_("Photos or PDF (optional, up to 5)"))


class ConsentForm(forms.Form):
    share = forms.BooleanField(
        label=_("Send my complaint to the authority or organisation that can act on it"), required=True
    )
    identity = forms.BooleanField(
        label=_("They may see my name and contact (never the recruiter)"), required=False
    )


# --- handlers ----------------------------------------------------------------------------------------------------


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Move to"), choices=[c for c in Status.choices if c[0] != Status.CLOSED]
    )
    note = forms.CharField(
        label=_("Note for the worker (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    note = forms.CharField(
        label=_("Note for the worker"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )


class AssignForm(forms.Form):
    username = forms.CharField(
        label=_("Assign to (user name; empty to unassign)"), required=False, max_length=150
    )


class RevealForm(forms.Form):
    field = forms.ChoiceField(
        label=_("Show"), choices=[("worker_name", _("Name")), ("worker_contact", _("Contact"))]
    )
    purpose = forms.CharField(label=_("Why do you need it?"), min_length=3, max_length=300)


class ReferralForm(forms.Form):
    organisation = core_forms.ModelChoiceField(
        label=_("Send to"), queryset=Organisation.objects.exclude(kind="platform")
    )
    kind = forms.ChoiceField(label=_("How"), choices=ReferralKind.choices)
    target_kind = forms.ChoiceField(label=_("As"), choices=TargetKind.choices)
    consent = forms.ChoiceField(
        label=_("Consent"),
        choices=[("worker", _("The worker agreed")), ("override", _("Override (say why)"))],
    )
    override_reason = forms.CharField(label=_("Reason for the override"), required=False, max_length=2000)
    share_identity = forms.BooleanField(label=_("Share the worker's identity"), required=False)
    share_evidence = forms.BooleanField(label=_("Share the evidence files"), required=False)


class SendProposedForm(forms.Form):
    referral = forms.IntegerField(widget=forms.HiddenInput)
    consent = forms.ChoiceField(
        label=_("Consent"),
        choices=[("worker", _("The worker agreed")), ("override", _("Override (say why)"))],
    )
    override_reason = forms.CharField(label=_("Reason for the override"), required=False, max_length=2000)


class RespondForm(forms.Form):
    referral = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.TypedChoiceField(
        label=_("Answer"), choices=[("yes", _("Accept")), ("no", _("Decline"))], coerce=lambda v: v == "yes"
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class PartiesForm(forms.Form):
    respondent_organisation = core_forms.ModelChoiceField(
        label=_("Organisation complained about"), required=False, queryset=Organisation.objects.all()
    )
    brand = core_forms.ModelChoiceField(
        label=_("Brand"), required=False, queryset=Organisation.objects.filter(kind="employer")
    )
    retaliation_risk = forms.BooleanField(
        label=_("Retaliation risk: hide identity from them"), required=False
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class FactsForm(forms.Form):
    recruitment_date = forms.DateField(
        label=_("Recruitment date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    contract_months = forms.IntegerField(
        label=_("Contract months"), required=False, min_value=1, max_value=120
    )
    domestic_work = forms.ChoiceField(  # "—" leaves the fact as it is; "No" corrects a "Yes"
        label=_("Domestic work (in a household)"), required=False,
        choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
    )
    wage_promised_amount = forms.DecimalField(label=_("Monthly wage promised"), required=False, min_value=0)
    wage_promised_currency = forms.CharField(
        label=_("Currency"), required=False, max_length=3, widget=CURRENCY_INPUT
    )
    wage_received_amount = forms.DecimalField(label=_("First month received"), required=False, min_value=0)
    wage_received_currency = forms.CharField(
        label=_("Currency"), required=False, max_length=3, widget=CURRENCY_INPUT
    )

    def facts(self) -> dict[str, Any]:
        d = self.cleaned_data
        out: dict[str, Any] = {}
        if d.get("recruitment_date"):
            out["recruitment_date"] = d["recruitment_date"].isoformat()
        if d.get("contract_months"):
            out["contract_months"] = d["contract_months"]
        if d.get("domestic_work"):
            out["domestic_work"] = d["domestic_work"] == "yes"
        for p in ("wage_promised", "wage_received"):
            if d.get(f"{p}_amount"):
                out[p] = {
                    "amount": float(d[f"{p}_amount"]),
                    "currency": (d.get(f"{p}_currency") or "").upper(),
                }
        return out


class PlanForm(forms.Form):
    payer_kind = forms.ChoiceField(label=_("Who pays"), choices=PayerKind.choices)
    payer_organisation = core_forms.ModelChoiceField(
        label=_("Paying organisation (if it has an account)"),
        required=False,
        queryset=Organisation.objects.all(),
    )
    payer_name = forms.CharField(label=_("Payer name"), required=False, max_length=200)
    standard = forms.CharField(label=_("Standard the amount follows"), required=False, max_length=40)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=14, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, widget=CURRENCY_INPUT)
    due_date = forms.DateField(label=_("Pay by"), widget=forms.DateInput(attrs={"type": "date"}))


class PaymentRecordForm(forms.Form):
    plan = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.DecimalField(label=_("Amount paid"), min_value=0, max_digits=14, decimal_places=2)
    paid_on = forms.DateField(
        label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}), initial=dt.date.today
    )
    reference = forms.CharField(
        label=_("Reference (bank transfer, receipt no.)"), required=False, max_length=200
    )
    proof = forms.FileField(label=_("Proof (photo or PDF)"), required=False)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Add a file (photo or PDF)"))


class RoutingRuleForm(forms.Form):
    origin = forms.CharField(label=_("Origin (blank: any)"), required=False, max_length=2)
    destination = forms.CharField(label=_("Destination (blank: any)"), required=False, max_length=2)
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("Any"))] + [(c, CATEGORY_LABELS[c]) for c in taxonomy.CATEGORY_CODES],
    )
    target_kind = forms.ChoiceField(label=_("Competent body"), choices=TargetKind.choices)
    organisation = core_forms.ModelChoiceField(
        label=_("Organisation"), required=False, queryset=Organisation.objects.exclude(kind="platform")
    )
    priority = forms.IntegerField(label=_("Priority (lower first)"), min_value=0, max_value=1000, initial=100)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ProgrammeForm(forms.Form):
    organisation = core_forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    name = forms.CharField(label=_("Programme name"), max_length=200)
    file = forms.FileField(label=_("Fee survey (CSV or XLSX)"))
    standard = forms.ChoiceField(
        label=_("Standard"), choices=[(k, v) for k, v in programmes.STANDARDS.items()]
    )
    instalments = forms.IntegerField(label=_("Instalments"), min_value=1, max_value=60, initial=1)
    first_due = forms.DateField(
        label=_("First instalment due"), widget=forms.DateInput(attrs={"type": "date"})
    )
    interval_months = forms.IntegerField(
        label=_("Months between instalments"), min_value=1, max_value=12, initial=1
    )


class ProgrammePaymentForm(forms.Form):
    worker_ref = forms.CharField(label=_("Worker reference"), max_length=100)
    amount = forms.DecimalField(label=_("Amount paid"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference"), required=False, max_length=200)
    # A retried submission (a double tap, a resent page) records the payment once.
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", new_token())


class ProgrammePaymentsFileForm(forms.Form):
    file = forms.FileField(
        label=_("Payments file (CSV or XLSX)"),
        help_text=_("Columns: worker_ref, amount, paid_on (YYYY-MM-DD); optional: currency, reference."),
    )
