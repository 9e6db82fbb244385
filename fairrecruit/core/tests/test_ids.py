"""Ids that come from outside (a form's list field, a URL, an API path) and cannot be an integer key answer "not
one of the choices" or a missing page, never a server error: SQLite's driver cannot bind a number of 2**63 or more,
and ``str.isdigit`` accepts digits that ``int()`` refuses."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from fairrecruit.core import forms as core_forms
from fairrecruit.core.models import Organisation
from fairrecruit.core.services import organisation_create

HUGE = "9" * 40


@pytest.mark.parametrize(
    ("sent", "expected"),
    [("7", 7), (" 42 ", 42), (7, 7), (str(2**63 - 1), 2**63 - 1), (str(2**63), None), (HUGE, None), ("0", None),
     ("-1", None), ("", None), (None, None), ("1.5", None), ("NaN", None), ("\u0663", None), ("\u00b2", None),
     ("1e3", None)],
)
def test_row_id_accepts_only_what_a_key_column_holds(sent: Any, expected: int | None) -> None:
    assert core_forms.row_id(sent) == expected


@pytest.mark.parametrize(
    ("sent", "expected"),
    [("", 5), (None, 5), ("0", 0), ("12", 12), ("-3", -1), ("\u00b2", -1), ("\u0663", -1), (HUGE, -1), ("1.5", -1)],
)
def test_whole_number_gives_the_default_when_empty_and_invalid_otherwise(sent: Any, expected: int) -> None:
    assert core_forms.whole_number(sent, 5, -1) == expected


class _Pick(forms.Form):
    one = core_forms.ModelChoiceField(queryset=Organisation.objects.all())
    many = core_forms.ModelMultipleChoiceField(queryset=Organisation.objects.all(), required=False)


@pytest.mark.django_db
@pytest.mark.parametrize("bad", [HUGE, str(2**63), "-1", "\u00b2", "\u0663", "NaN", "1e3"])
def test_choice_fields_refuse_a_value_that_cannot_be_a_key_with_the_field_named(bad: str) -> None:
    org = organisation_create(actor=None, name="Kathmandu Overseas", kind="recruiter")
    form = _Pick({"one": bad, "many": [str(org.pk)]})
    assert not form.is_valid()
    assert list(form.errors) == ["one"] and "valid choice" in form.errors["one"][0]
    form = _Pick({"one": str(org.pk), "many": [str(org.pk), bad]})
    assert not form.is_valid()
    assert list(form.errors) == ["many"] and bad in form.errors["many"][0]
    form = _Pick({"one": str(org.pk), "many": [str(org.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["one"] == org and list(form.cleaned_data["many"]) == [org]


def _patterns(resolvers: list[Any], prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for p in resolvers:
        if isinstance(p, URLResolver):
            out += _patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            out.append((prefix + str(p.pattern), p.pattern))
    return out


def test_no_url_of_ours_passes_an_unbounded_number_to_the_database() -> None:
    """Every id in a page's URL uses the ``id`` converter (at most 18 digits), not Django's ``int``."""
    unbounded = [
        route for route, pattern in _patterns(get_resolver().url_patterns)
        if any(isinstance(c, IntConverter) for c in getattr(pattern, "converters", {}).values())
        and not route.startswith("admin/")
    ]
    assert not unbounded, unbounded
    ids = [route for route, _ in _patterns(get_resolver().url_patterns) if "<id:" in route]
    assert len(ids) >= 15, ids


@pytest.mark.django_db
def test_a_page_asked_for_with_a_huge_id_is_a_missing_page(client: Client, admin_user: Any) -> None:
    client.force_login(admin_user)
    for url in (f"/certification/audits/{HUGE}/", f"/grievances/programmes/{HUGE}/", f"/evidence/surveys/{HUGE}/"):
        assert client.get(url).status_code == 404, url
