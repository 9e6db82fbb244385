"""Forms of the supply-chain pages (staff-style pages for brands and employers, in English)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fairrecruit.grievances.forms import ProgrammeForm
from fairrecruit.supplychain.models import Relation


class AddForm(forms.Form):
    identifier = forms.CharField(label="FairRecruit identifier", max_length=80,
                                 help_text="e.g. NP-DOFE-1234: find the recruiter at /verify/ and copy it",
                                 error_messages={"required": "is required"})
    relation = forms.ChoiceField(label="Role in your supply chain", choices=Relation.choices,
                                 error_messages={"required": "is required"})
    since = forms.DateField(label="Working with it since (optional)", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "must be a date written YYYY-MM-DD"})
    note = forms.CharField(label="Note (optional)", required=False, max_length=500)


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV or XLSX file", error_messages={"required": "choose a file"})


class SurveyForm(forms.Form):
    title = forms.CharField(label="Title (workers see it)", max_length=200,
                            error_messages={"required": "is required"})
    closes = forms.DateField(label="Last day for answers (optional)", required=False,
                             widget=forms.DateInput(attrs={"type": "date"}),
                             error_messages={"invalid": "must be a date written YYYY-MM-DD"})


class WorkerRefForm(forms.Form):
    """The worker's side of a fee survey: the employee number (with the fee check's journey form)."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=100)
    worker_ref = forms.CharField(
        label=_("Your employee number (as on your work ID or payslip)"), max_length=40,
        error_messages={"required": _("is required: your employer needs it to pay you back"),
                        "max_length": _("type at most %(limit_value)d characters")},
    )


class ReceiptForm(forms.Form):
    """The worker's receipt code, to see their own answer and repayment."""

    receipt = forms.CharField(
        label=_("Your receipt code (FS-…)"), max_length=30,
        error_messages={"required": _("is required: the code you got when you answered")},
    )


class CorrectForm(forms.Form):
    """The organisation corrects one answer of its fee survey. What is required, and how the fields go together, is
    checked by ``surveys.answer_correct`` (all problems named at once, as the API names them)."""

    worker_ref = forms.CharField(label="Employee number, as the worker typed it", max_length=40, required=False,
                                 error_messages={"max_length": "at most %(limit_value)d characters"})
    new_worker_ref = forms.CharField(
        label="Right employee number (leave empty to withdraw the answer)", max_length=40, required=False,
        help_text="A withdrawn answer is kept but counts nowhere, and the number may answer again.",
        error_messages={"max_length": "at most %(limit_value)d characters"})
    reason = forms.CharField(label="Reason (recorded)", max_length=500, required=False,
                             error_messages={"max_length": "at most %(limit_value)d characters"})


class SurveyProgrammeForm(ProgrammeForm):
    """A repayment programme from a fee survey's answers: the programme import's form without the file and the
    organisation (the survey's)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["organisation"], self.fields["file"]
