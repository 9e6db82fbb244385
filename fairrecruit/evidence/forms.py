"""Forms of the evidence pages. They collect and check input; services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fairrecruit.core import forms as core_forms
from fairrecruit.evidence import gcm, sdg
from fairrecruit.evidence.models import EarningsRule, KnowledgeProduct, ProductReview, Release
from fairrecruit.evidence.services import PartnerRole, parse_partner_lines


def gcm_choices() -> list[tuple[str, str]]:
    """The 23 GCM objectives in the reader's language (called for every form, not once at import)."""
    recalled = " (" + gettext("wording recalled") + ")"
    return [(str(o.number), o.label_translated() + ("" if o.verified else recalled)) for o in gcm.OBJECTIVES]


def _gcm_search_choices() -> list[tuple[str, str]]:
    return [("", gettext("Any")), *gcm_choices()]


def _kind_search_choices() -> list[tuple[str, str]]:
    return [("", gettext("Any")), *((value, str(label)) for value, label in KnowledgeProduct.Kind.choices)]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_kind_search_choices)
    gcm = forms.ChoiceField(label=_("GCM objective"), required=False, choices=_gcm_search_choices)
    corridor = forms.CharField(label=_("Corridor (e.g. NP-QA)"), required=False, max_length=5)
    theme = forms.CharField(label=_("Theme"), required=False, max_length=60)


class SubmitForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=KnowledgeProduct.Kind.choices)
    title = forms.CharField(label="Title", max_length=300)
    summary = forms.CharField(label="Summary", widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    year = forms.IntegerField(
        label="Year", required=False, min_value=1950, max_value=dt.date.today().year + 1
    )
    url = forms.URLField(label="Link to the product", required=False, assume_scheme="https")
    release = core_forms.ModelChoiceField(
        label="Data used: a FairRecruit open-data release",
        queryset=Release.objects.all(),
        required=False,
        to_field_name="slug",
    )
    data_url = forms.URLField(label="…or a link to the data used", required=False, assume_scheme="https")
    gcm = forms.MultipleChoiceField(
        label="GCM objectives", choices=gcm_choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    corridors = forms.CharField(label="Corridors (e.g. NP-QA, BD-SA)", required=False, max_length=300)
    themes = forms.CharField(label="Themes (comma-separated)", required=False, max_length=300)
    partners = forms.CharField(
        label="Partners, one per line: Organisation; role; kind; country",
        help_text="roles: international_co_producer, local_co_producer, funder, data_provider, implementer. "
        "kinds: international, government, cso, academic, private, other. Kind and country may be left out.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_partners(self) -> list[PartnerRole]:
        partners, errors = parse_partner_lines(self.cleaned_data["partners"])
        if errors:
            raise forms.ValidationError(errors)
        if not partners:
            raise forms.ValidationError("name at least one partner organisation and its role")
        return partners

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("release") and not data.get("data_url") and not self.has_error("data_url"):
            self.add_error("data_url", "say which data the product used: pick a release or give a link")
        return data

    def split(self, name: str) -> list[str]:
        return [x.strip() for x in (self.cleaned_data.get(name) or "").split(",") if x.strip()]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision", choices=ProductReview.Decision.choices, widget=forms.RadioSelect
    )
    comments = forms.CharField(
        label="Comments", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class ReleaseForm(forms.Form):
    title = forms.CharField(label="Title", max_length=300)
    k = forms.IntegerField(label="Minimum cell size k", min_value=2, max_value=100, initial=5)
    rounding = forms.IntegerField(
        label="Round amounts to (US dollars)", min_value=1, max_value=10000, initial=100
    )
    notes = forms.CharField(label="Release notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class SurveyUploadForm(forms.Form):
    file = forms.FileField(label="Survey file (CSV, XLSX or Parquet; columns in docs/evidence.md)")
    title = forms.CharField(label="Title", max_length=300)
    producer = forms.CharField(label="Who collected the data", max_length=300, required=False)
    earnings_rule = forms.ChoiceField(label="Earnings used", choices=EarningsRule.choices)
    synthetic = forms.BooleanField(label="Generated (synthetic) data, not real workers", required=False)
    partial = forms.BooleanField(
        label="Import the good rows and report the rest (default: a file with a bad row imports nothing)",
        required=False,
    )
    dry_run = forms.BooleanField(label="Only check the file: store nothing", required=False)


class SdgForm(forms.Form):
    """SDG 10.7.1 of one stored survey, computed as a background job (as `fairrecruit stats sdg-10-7-1`)."""

    by = forms.MultipleChoiceField(
        label="Disaggregate by",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(k, sdg.DIMENSION_LABELS[k]) for k in sdg.DIMENSIONS],
    )
    cross = forms.BooleanField(
        label="Cross-classify the ticked dimensions (one table of every combination) instead of one table each",
        required=False,
    )
    zero_costs = forms.ChoiceField(
        label="Workers who paid nothing",
        choices=[("both", "Both variants"), ("include", "Included"), ("exclude", "Excluded")],
        initial="both",
    )
    confidence = forms.TypedChoiceField(
        label="Confidence level",
        coerce=float,
        choices=[("0.9", "90 %"), ("0.95", "95 %"), ("0.99", "99 %")],
        initial="0.95",
    )
    bootstrap = forms.TypedChoiceField(
        label="Bootstrap intervals (replicates)",
        coerce=int,
        choices=[("0", "None (linearisation only)"), ("200", "200"), ("1000", "1,000")],
        initial="0",
    )

    def by_spec(self) -> str:
        """The disaggregations in `--by` syntax: 'sex,destination' or, crossed, 'sex*destination'."""
        dims = self.cleaned_data["by"]
        return ("*" if self.cleaned_data["cross"] else ",").join(dims)
