"""Forms of the staff pages of the certification scheme. They check types only; the services decide (and
raise ``CertificationError`` with the field it is about, which ``apply`` puts next to that field)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fairrecruit.certification.models import (
    AlertAction,
    Application,
    Audit,
    CertificationBody,
    InvoiceKind,
    Scheme,
)
from fairrecruit.certification.monitoring import METRICS, ThresholdError, thresholds_of
from fairrecruit.certification.services import CertificationError
from fairrecruit.core import forms as core_forms
from fairrecruit.core.idempotency import FORM_RESENT, IdempotencyMismatch
from fairrecruit.core.models import Membership, Organisation, OrganisationKind, Role, User

T = TypeVar("T")


def apply(form: forms.Form, fn: Callable[[], T]) -> T | None:
    """Run a service; its error goes next to the field it names (or above the form)."""
    try:
        return fn()
    except CertificationError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, str(exc))
    except ThresholdError as exc:
        name = str(exc).split(" ", 1)[0].replace("actions.", "action_").rstrip(":")
        form.add_error(name if name in form.fields else None, str(exc))
    except IdempotencyMismatch:
        form.add_error(None, gettext(FORM_RESENT))
    return None


def _lines(v: str) -> list[str]:
    return [x.strip() for x in v.replace(";", ",").split(",") if x.strip()]


class BodyCreateForm(forms.Form):
    organisation = core_forms.ModelChoiceField(
        label=_("Organisation (kind: certification body)"), queryset=Organisation.objects.none()
    )
    accreditation = forms.CharField(label=_("Accreditation reference"), max_length=200, required=False)
    schemes = core_forms.ModelMultipleChoiceField(
        label=_("Schemes it certifies against"),
        queryset=Scheme.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=OrganisationKind.CERTIFICATION_BODY, certification_body__isnull=True
        ).order_by("name")


class BodyEditForm(forms.Form):
    accreditation = forms.CharField(label=_("Accreditation reference"), max_length=200, required=False)
    schemes = core_forms.ModelMultipleChoiceField(
        label=_("Schemes it certifies against"),
        queryset=Scheme.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class AccreditForm(forms.Form):
    auditor = core_forms.ModelChoiceField(label=_("Auditor"), queryset=User.objects.none())
    scheme = core_forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.none())
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label=_("Valid until (empty: no end date)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    scope = forms.CharField(
        label=_("Scope: corridors and sectors, comma-separated (empty: all)"),
        required=False,
        max_length=500,
        help_text=_("e.g. NP-QA, NP-AE, construction"),
    )

    def __init__(self, *args: Any, body: CertificationBody, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        auditors = Membership.objects.filter(organisation=body.organisation, role=Role.AUDITOR)
        self.fields["auditor"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=auditors.values("user_id")
        ).order_by("username")
        self.fields["scheme"].queryset = body.schemes.all()  # type: ignore[attr-defined]

    def scope_list(self) -> list[str]:
        return _lines(self.cleaned_data.get("scope") or "")


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the suspension"), max_length=500)


class FeesForm(forms.Form):
    fee_currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3)
    fee_application = forms.DecimalField(
        label=_("Application fee"), min_value=0, decimal_places=2, max_digits=12, required=False
    )
    fee_audit_day = forms.DecimalField(
        label=_("Audit fee per day"), min_value=0, decimal_places=2, max_digits=12, required=False
    )
    fee_certificate = forms.DecimalField(
        label=_("Certificate fee"), min_value=0, decimal_places=2, max_digits=12, required=False
    )

    @staticmethod
    def initial_for(scheme: Scheme) -> dict[str, Any]:
        f = scheme.fees or {}
        return {
            "fee_currency": f.get("currency") or "USD",
            "fee_application": f.get("application") or None,
            "fee_audit_day": f.get("audit_day") or None,
            "fee_certificate": f.get("certificate") or f.get("annual") or None,
        }

    def fees(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "currency": d["fee_currency"],
            "application": d.get("fee_application"),
            "audit_day": d.get("fee_audit_day"),
            "certificate": d.get("fee_certificate"),
        }


_METRIC_LABELS = {
    "fees_reported": _("Share of published reviews reporting fees paid (0 to 1)"),
    "documents_taken": _("Reviews reporting documents taken"),
    "substantiated_cases": _("Substantiated complaints"),
    "fees_owed_usd": _("Fees owed back (USD)"),
    "regulator_sanctions": _("Sanctions by regulators"),
}


class ThresholdsForm(forms.Form):
    window_days = forms.IntegerField(label=_("Evidence window (days)"), min_value=1, max_value=3650)
    min_reviews = forms.IntegerField(label=_("Reviews needed before the fee share counts"), min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for m in METRICS:
            self.fields[m] = forms.FloatField(
                label=_METRIC_LABELS.get(m, m),
                required=False,
                min_value=0,
                help_text=_("empty: off"),
            )
            self.fields[f"action_{m}"] = forms.ChoiceField(
                label=_("Action when crossed"), choices=AlertAction.choices
            )

    @staticmethod
    def initial_for(scheme: Scheme) -> dict[str, Any]:
        t = thresholds_of(scheme)
        out = {k: t.get(k) for k in ("window_days", "min_reviews", *METRICS)}
        out.update({f"action_{m}": t["actions"].get(m) for m in METRICS})
        return out

    def thresholds(self) -> dict[str, Any]:
        d = self.cleaned_data
        out: dict[str, Any] = {"window_days": d["window_days"], "min_reviews": d["min_reviews"]}
        for m in METRICS:
            v = d.get(m)
            out[m] = None if v is None else (int(v) if m != "fees_reported" and float(v).is_integer() else v)
        out["actions"] = {m: d[f"action_{m}"] for m in METRICS}
        return out


class EvidenceForm(forms.Form):
    """One text area per criterion: the evidence expected, one item per line."""

    def __init__(self, *args: Any, scheme: Scheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for c in scheme.criteria:
            self.fields[f"evidence_{c['id']}"] = forms.CharField(
                label=f"{c['number']} {c['label']}",
                widget=forms.Textarea(attrs={"rows": 2}),
                initial="\n".join(c.get("evidence_expected") or []),
                required=False,
            )
        self.criteria = scheme.criteria

    def evidence(self) -> dict[str, list[str]]:
        """Only the criteria whose field was sent (a missing field leaves the list as it is)."""
        return {
            c["id"]: (self.cleaned_data.get(f"evidence_{c['id']}") or "").splitlines()
            for c in self.criteria
            if f"evidence_{c['id']}" in self.data
        }


class InvoiceForm(forms.Form):
    application = core_forms.ModelChoiceField(label=_("Application"), queryset=Application.objects.none())
    kind = forms.ChoiceField(label=_("Fee"), choices=InvoiceKind.choices)
    audit = core_forms.ModelChoiceField(
        label=_("Audit (for an audit fee)"), queryset=Audit.objects.none(), required=False
    )

    def __init__(self, *args: Any, applications: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications  # type: ignore[attr-defined]
        self.fields["application"].label_from_instance = (  # type: ignore[attr-defined]
            lambda a: f"{a.pk}: {a.actor.name} ({a.scheme.code})"
        )
        self.fields["audit"].queryset = Audit.objects.filter(  # type: ignore[attr-defined]
            application__in=applications
        ).select_related("application__actor")
        self.fields["audit"].label_from_instance = (  # type: ignore[attr-defined]
            lambda a: f"{a.pk}: {a.get_kind_display()}, {a.application.actor.name}"
        )


class InvoiceStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Mark as"), choices=[("paid", _("Paid")), ("void", _("Void"))])
    paid_on = forms.DateField(
        label=_("Paid on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason (to void)"), required=False, max_length=500)
