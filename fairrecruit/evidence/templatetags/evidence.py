"""Filters for the evidence pages: numbers, and the labels of groups, recruiters' kinds, licence and certificate
statuses in the reader's language (the cached corridor profile holds codes, so that one cached profile serves
every language)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy

from fairrecruit.evidence import charts, survey

register = template.Library()

ISCO_MAJOR = {
    "0": gettext_lazy("Armed forces"),
    "1": gettext_lazy("Managers"),
    "2": gettext_lazy("Professionals"),
    "3": gettext_lazy("Technicians and associate professionals"),
    "4": gettext_lazy("Clerical support workers"),
    "5": gettext_lazy("Service and sales workers"),
    "6": gettext_lazy("Skilled agricultural workers"),
    "7": gettext_lazy("Craft and related trades workers"),
    "8": gettext_lazy("Plant and machine operators, and assemblers"),
    "9": gettext_lazy("Elementary occupations"),
}
# Education levels and migration process, as the survey stores them
GROUPS = {
    "none": gettext_lazy("No schooling"),
    "primary": gettext_lazy("Primary school"),
    "lower_secondary": gettext_lazy("Lower secondary school"),
    "upper_secondary": gettext_lazy("Upper secondary school"),
    "post_secondary": gettext_lazy("Post-secondary (not university)"),
    "tertiary": gettext_lazy("University or college"),
    "documented": gettext_lazy("Regular (documented) migration"),
    "undocumented": gettext_lazy("Irregular (undocumented) migration"),
}
# "By ..." headings of the corridor page's tables, one per dimension of selectors.PROFILE_DIMENSIONS
BY = {
    "sex": gettext_lazy("By sex"),
    "documented": gettext_lazy("By migration process"),
    "occupation": gettext_lazy("By occupation (ISCO-08 major group)"),
    "age_group": gettext_lazy("By age group"),
    "education": gettext_lazy("By education"),
    "destination": gettext_lazy("By destination"),
}


@register.filter
def months(v: Any) -> str:
    """Months of earnings, one decimal, written as the reader's language writes numbers ("2,5" in Spanish)."""
    return "—" if v is None else number_format(Decimal(f"{v:.1f}"), decimal_pos=1, force_grouping=True)


@register.filter
def pct(v: Any) -> str:
    return "—" if v is None else f"{100 * v:.0f}%"


@register.filter
def level(v: Any) -> str:
    """A group's label for people: 'F' -> 'Women', '7' -> 'Craft and related trades workers (7)'."""
    s = str(v)
    if s in charts.SERIES_NAMES:  # F, M, X and sdg.UNKNOWN
        return charts.series_name(s)
    if s in ISCO_MAJOR:
        return f"{ISCO_MAJOR[s]} ({s})"
    if s in GROUPS:
        return str(GROUPS[s])
    return s.replace("_", " ")


@register.filter
def by_label(dimension: str) -> str:
    """The heading of a table of groups: 'sex' -> 'By sex'."""
    return str(BY.get(dimension, dimension))


@register.filter
def actor_kind(code: str) -> str:
    from fairrecruit.registry.models import ActorKind

    return str(ActorKind(code).label)


@register.filter
def licence_status(code: str) -> str:
    from fairrecruit.registry.models import LicenceStatus

    return str(LicenceStatus(code).label)


@register.filter
def sanction_kind(code: str) -> str:
    from fairrecruit.enforcement.models import SanctionKind

    return str(SanctionKind(code).label)


@register.filter
def certificate_status(code: str) -> str:
    from fairrecruit.certification.models import CertificateStatus

    return str(CertificateStatus(code).label)


@register.filter
def conversions(v: Any) -> list[dict[str, Any]]:
    """A survey's exchange rates (``Survey.conversions``) as every output shows them (:func:`survey.conversion_rows`)."""
    return survey.conversion_rows(v)
