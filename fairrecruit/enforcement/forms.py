"""Forms of the regulator's pages (also used by the API, so both answer bad input the same way). The forms
check types and sizes; the services check the rules (a suspension needs its last day, a fine its amount...) and
their errors are put back on the same fields (``add_service_errors``)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from fairrecruit.core.idempotency import IdempotencyMismatch
from fairrecruit.core.models import User
from fairrecruit.enforcement import selectors, services
from fairrecruit.enforcement.mappings import list_sanction_mappings, load_sanction_mapping
from fairrecruit.enforcement.models import (
    Breach,
    Inspection,
    InspectionKind,
    InspectionOutcome,
    Sanction,
    SanctionKind,
)
from fairrecruit.registry.models import Actor
from fairrecruit.registry.names import standardise_licence
from fairrecruit.registry.selectors import actor_by_identifier

DATE_ERRORS = {"invalid": "use the form YYYY-MM-DD, e.g. 2026-03-01", "required": "give a date (YYYY-MM-DD)"}


class SubjectField(forms.CharField):
    """A registry identifier (``NP-DOFE-1234``), resolved to the actor (following record-linkage merges)."""

    def clean(self, value: Any) -> Actor | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        actor, _merged = actor_by_identifier(text.strip())
        if actor is None:
            raise forms.ValidationError(f"no organisation with the identifier {text.strip()!r} in the registry; "
                                        "find it on the verification page and copy its identifier")
        return actor


class _ServiceErrors:
    """Put a service's ``EnforcementError`` back on the fields it names (form-wide when the form has no such
    field)."""

    fields: Any

    def add_service_errors(self, errors: list[dict[str, str]]) -> None:
        for e in errors:
            self.add_error(e["field"] if e["field"] in self.fields else None, e["message"])  # type: ignore[attr-defined]


class _TokenForm(_ServiceErrors, forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4().hex)

    def _call(self, call: Any) -> tuple[Any, bool] | None:
        """Run the service; its errors go back on the fields (None is returned then)."""
        try:
            return call()  # type: ignore[no-any-return]
        except services.EnforcementError as exc:
            self.add_service_errors(exc.errors)
        except IdempotencyMismatch:
            self.add_error("token", "this form was already sent with other values: reload the page to record "
                           "another")
        return None


class _RecordForm(_TokenForm):
    """A record in the name of one of the regulators the user acts for (``regulators``)."""

    regulator = forms.ModelChoiceField(queryset=Actor.objects.none(), label="Regulator",
                                       error_messages={"required": "choose the regulator",
                                                       "invalid_choice": "choose one of the regulators you act for"})

    def __init__(self, *args: Any, regulators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regulator"].queryset = regulators  # type: ignore[attr-defined]


class InspectionForm(_RecordForm):
    subject = SubjectField(label="Recruiter inspected (registry identifier)", max_length=80,
                           error_messages={"required": "give the registry identifier, e.g. NP-DOFE-1234"})
    kind = forms.ChoiceField(label="Kind of inspection", choices=InspectionKind.choices)
    inspected_on = forms.DateField(label="Day of the inspection", error_messages=DATE_ERRORS,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    outcome = forms.ChoiceField(label="Outcome", choices=InspectionOutcome.choices, widget=forms.RadioSelect)
    breaches = forms.MultipleChoiceField(label="Breaches found", choices=Breach.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    findings = forms.CharField(label="Findings (kept with the regulator, never published)", required=False,
                               max_length=10_000, widget=forms.Textarea(attrs={"rows": 5}))

    def submit(self, user: User) -> tuple[Inspection, bool] | None:
        """Record the inspection of a valid form: (inspection, created), or None with the errors on the form."""
        d = self.cleaned_data
        return self._call(lambda: services.inspection_record(
            user=user, organisation=selectors.organisation_for(user, d["regulator"]), regulator=d["regulator"],
            subject=d["subject"], kind=d["kind"], inspected_on=d["inspected_on"], outcome=d["outcome"],
            breaches=d["breaches"], findings=d["findings"], token=d["token"]))


class SanctionForm(_RecordForm):
    subject = SubjectField(label="Recruiter sanctioned (registry identifier)", max_length=80,
                           error_messages={"required": "give the registry identifier, e.g. NP-DOFE-1234"})
    kind = forms.ChoiceField(label="Sanction", choices=SanctionKind.choices)
    breaches = forms.MultipleChoiceField(label="Breaches", choices=Breach.choices, widget=forms.CheckboxSelectMultiple,
                                         error_messages={"required": "choose at least one breach"})
    legal_basis = forms.CharField(label="Legal basis (law and section)", max_length=300,
                                  error_messages={"required": "name the law and section the sanction applies"})
    decided_on = forms.DateField(label="Day of the decision", error_messages=DATE_ERRORS,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    effective_from = forms.DateField(label="First day in effect", error_messages=DATE_ERRORS,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    effective_until = forms.DateField(label="Last day (suspensions only)", required=False, error_messages=DATE_ERRORS,
                                      widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(label="Amount (fines and orders to repay)", required=False, max_digits=14,
                                decimal_places=2, error_messages={"invalid": "give a number, e.g. 500000"})
    currency = forms.CharField(label="Currency (ISO 4217)", required=False, max_length=3,
                               error_messages={"max_length": "use the 3-letter code, e.g. NPR"})
    licence = forms.CharField(label="Licence number (when it holds several from this regulator)", required=False,
                              max_length=80)
    inspection = forms.CharField(label="Inspection it follows (INS-…)", required=False, max_length=20)
    summary = forms.CharField(label="Public summary (shown to workers as written)", required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 3}))
    source_note = forms.CharField(label="Published in (notice, decision number or address)", required=False,
                                  max_length=300)

    def clean_inspection(self) -> Any:
        text = self.cleaned_data.get("inspection", "").strip().upper()
        if not text:
            return None
        number = text.removeprefix("INS-")
        if not number.isdigit():
            raise forms.ValidationError("give the inspection's code, e.g. INS-12")
        found = Inspection.objects.filter(pk=int(number)).first()
        if found is None:
            raise forms.ValidationError(f"no inspection {text}")
        return found

    def submit(self, user: User) -> tuple[Sanction, bool] | None:
        """Impose the sanction of a valid form: (sanction, created), or None with the errors on the form."""
        d = self.cleaned_data
        if d["inspection"] is not None and not selectors.inspections_for(user).filter(pk=d["inspection"].pk).exists():
            self.add_error("inspection", "you may not use another regulator's inspection")
            return None
        licence = None
        if d["licence"] and d["subject"] is not None:
            wanted = standardise_licence(d["licence"])
            licence = next((lic for lic in services.licences_from(d["subject"], d["regulator"])
                            if lic.number_std == wanted), None)
            if licence is None:
                self.add_error("licence", f"{d['subject'].name} holds no licence {d['licence']} from "
                               f"{d['regulator'].name}")
                return None
        data = services.SanctionInput(
            regulator=d["regulator"], subject=d["subject"], kind=d["kind"], breaches=d["breaches"],
            legal_basis=d["legal_basis"], decided_on=d["decided_on"], effective_from=d["effective_from"],
            effective_until=d["effective_until"], amount=d["amount"], currency=d["currency"], licence=licence,
            inspection=d["inspection"], summary=d["summary"], source_note=d["source_note"])
        return self._call(lambda: services.sanction_impose(
            user=user, organisation=selectors.organisation_for(user, d["regulator"]), data=data, token=d["token"]))


class LiftForm(_ServiceErrors, forms.Form):
    lifted_on = forms.DateField(label="Lifted on", error_messages=DATE_ERRORS,
                                widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Why (e.g. appeal upheld)", max_length=500,
                             error_messages={"required": "say why it is lifted"})


class PublicationForm(_ServiceErrors, forms.Form):
    """Withdraw a sanction from publication, or publish it again (``published``: "yes" or "no")."""

    published = forms.TypedChoiceField(label="Published", choices=[("no", "withdraw"), ("yes", "publish again")],
                                       coerce=lambda v: v == "yes", widget=forms.HiddenInput,
                                       error_messages={"required": "say yes (publish) or no (withdraw)",
                                                       "invalid_choice": "must be yes (publish) or no (withdraw)"})
    reason = forms.CharField(label="Why (e.g. court order of 3 May 2026, the person's request granted)",
                             max_length=500, required=False)


class ImportForm(forms.Form):
    """A regulator's list of sanctions to import (small files: read while the page waits)."""

    MAX_BYTES = 5 * 1024 * 1024

    regulator = forms.ModelChoiceField(queryset=Actor.objects.none(), label="Regulator",
                                       error_messages={"required": "choose the regulator whose list it is",
                                                       "invalid_choice": "choose one of the regulators you act for"})
    file = forms.FileField(label="List of sanctions (CSV UTF-8 or XLSX)",
                           error_messages={"required": "choose the file", "empty": "the file is empty"})
    layout = forms.ChoiceField(label="Layout of the list", required=False,
                               error_messages={"invalid_choice": "choose one of the layouts listed"})
    dry_run = forms.BooleanField(label="Check only: store nothing", required=False)

    def __init__(self, *args: Any, regulators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regulator"].queryset = regulators  # type: ignore[attr-defined]
        self.fields["layout"].choices = [("", "FairRecruit's columns (below)")] + [  # type: ignore[attr-defined]
            (m.name, f"{m.title} ({m.regulator})") for m in list_sanction_mappings()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, regulator = data.get("layout"), data.get("regulator")
        data["mapping"] = load_sanction_mapping(name) if name else None
        if data["mapping"] is not None and regulator is not None and data["mapping"].regulator != regulator.identifier:
            self.add_error("layout", f"this is the layout of {data['mapping'].regulator}'s lists, not "
                                     f"{regulator.identifier}'s")
        return data

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > self.MAX_BYTES:
            raise forms.ValidationError("the file is larger than 5 MB: split it, or use `fairrecruit "
                                        "import_sanctions` on the server")
        return f
