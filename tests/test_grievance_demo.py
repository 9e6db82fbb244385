"""`fairrecruit grievances_demo`: synthetic cases on several corridors and stages, a settled remediation plan,
an escalated case, statistics with cells shown; running it again adds nothing; it says what it needs."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from fairrecruit.core.management.commands.demo import Command as Demo
from fairrecruit.grievances import selectors
from fairrecruit.grievances.models import Case, Escalation, RemediationPayment, RemediationPlan, RoutingRule
from fairrecruit.registry.services import actor_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean(settings: Any, tmp_path: Path) -> None:
    cache.clear()
    settings.FAIRRECRUIT_GRIEVANCE_EVIDENCE_DIR = str(tmp_path / "evidence")


def _registry() -> None:
    for ident, name, country in (
        ("NP-T-1", "Annapurna Demo Manpower", "NP"),
        ("NP-T-2", "Kanchan Demo Overseas", "NP"),
        ("BD-T-1", "Padma Demo Recruiting", "BD"),
        ("PH-T-1", "Luzon Demo Placement", "PH"),
    ):
        actor_create(actor_user=None, name=name, kind="licensed_agency", identifier=ident, country=country)


def test_needs_the_demo_organisations_and_registry() -> None:
    with pytest.raises(CommandError, match="fairrecruit demo"):
        call_command("grievances_demo", stdout=StringIO())
    Demo().load()
    with pytest.raises(CommandError, match="registry_demo"):
        call_command("grievances_demo", stdout=StringIO())


def test_demo_cases_and_idempotent() -> None:
    Demo().load()
    _registry()
    out = StringIO()
    call_command("grievances_demo", "--dry-run", stdout=out)
    assert "would load 24" in out.getvalue() and not Case.objects.exists()
    call_command("grievances_demo", stdout=out)
    assert Case.objects.count() == 24
    assert {c for c in Case.objects.values_list("origin", "destination")} == {
        ("NP", "QA"),
        ("BD", "SA"),
        ("PH", "AE"),
    }
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"received", "referred", "investigating", "closed"} <= statuses
    assert len(set(Case.objects.values_list("primary_category", flat=True))) >= 5
    assert RemediationPlan.objects.filter(status="settled").exists() and RemediationPayment.objects.exists()
    assert Escalation.objects.filter(reason="danger").count() == 1
    assert not Case.objects.exclude(worker_name="").filter(anonymous=True).exists()
    stats = selectors.statistics_json(selectors.public_statistics())
    assert stats["total"]["received"] == 24
    assert any(isinstance(r["received"], int) for r in stats["corridors"])
    assert any(isinstance(r["received"], int) for r in stats["organisations"])
    counts = (Case.objects.count(), RemediationPayment.objects.count(), RoutingRule.objects.count())
    call_command("grievances_demo", stdout=out)
    assert "loaded 0 demo complaint(s), 0 routing rule(s)" in out.getvalue()
    assert (Case.objects.count(), RemediationPayment.objects.count(), RoutingRule.objects.count()) == counts


def test_recent_complaints_about_a_certified_recruiter_go_to_its_body() -> None:
    """The demo's "certification body" routing rule fires: two recent fee complaints name the first certified
    demo recruiter and are sent to its body (the older demo cases predate the demo certificates)."""
    from fairrecruit.certification.models import Certificate
    from fairrecruit.grievances.models import Referral

    Demo().load()
    _registry()
    call_command("certification_demo", stdout=StringIO())
    call_command("grievances_demo", stdout=StringIO())
    cert = Certificate.objects.filter(status="active").select_related("body").order_by("pk").first()
    assert cert is not None
    recent = timezone.now() - dt.timedelta(days=1)
    cases = Case.objects.filter(respondent=cert.actor, received_at__gte=recent)
    assert cases.count() == 2
    sent = Referral.objects.filter(case__in=cases, organisation=cert.body.organisation, target_kind="certification_body")
    assert sorted(sent.values_list("status", flat=True)) == ["sent", "sent"]
    assert Case.objects.count() == 26
