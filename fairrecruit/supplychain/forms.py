"""Forms of the supply-chain pages (staff-style pages for brands and employers, in English)."""

from __future__ import annotations

from django import forms

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
