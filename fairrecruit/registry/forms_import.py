"""The form of the registry import page (staff and regulators: see ``views_import.py``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

IMPORT_MAX_BYTES = 20 * 1024 * 1024


class ImportUploadForm(forms.Form):
    """A regulator's licence list uploaded from the browser: the same import as ``fairrecruit import_register``."""

    file = forms.FileField(label=_("Licence list (CSV or XLSX)"))
    mapping = forms.ChoiceField(label=_("Layout of the list (column mapping)"))
    as_of = forms.DateField(
        label=_("Date of the list"), required=False, input_formats=["%Y-%m-%d"],
        help_text=_("YYYY-MM-DD; statuses take effect on this date unless the list has a status date (default: today)"),
        error_messages={"invalid": _("write the date as YYYY-MM-DD, e.g. 2025-12-31")},
    )
    allow_partial = forms.BooleanField(
        label=_("Import the good rows even when some rows are rejected"), required=False
    )
    dry_run = forms.BooleanField(label=_("Check only: write nothing"), required=False)

    def __init__(self, *args: Any, mappings: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["mapping"].choices = mappings  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        name = (f.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("upload a .csv or .xlsx file (export other formats to one of these)"))
        if f.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("the file is larger than %(mb)s MB: split it, or import it with `fairrecruit import_register`")
                % {"mb": IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return f
