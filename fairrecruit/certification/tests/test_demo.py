"""`fairrecruit certification_demo`: a demo scheme, body, two auditors, one certified, one suspended and one
audited recruiter; uses the demo registry's agencies when present; idempotent; --dry-run writes nothing."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command

from fairrecruit.certification import signing
from fairrecruit.certification.models import Audit, AuditorAccreditation, Certificate, Invoice, Scheme
from fairrecruit.registry.models import Actor
from fairrecruit.registry.services import actor_create


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("certification_demo", *args, stdout=out)
    return out.getvalue()


def _counts() -> tuple[int, ...]:
    return (
        Scheme.objects.count(),
        Certificate.objects.count(),
        Audit.objects.count(),
        Invoice.objects.count(),
        Actor.objects.count(),
    )


def test_demo_loads_once(db: Any) -> None:
    assert "dry run" in _run("--dry-run")
    assert _counts() == (0, 0, 0, 0, 0)
    out = _run()
    scheme = Scheme.objects.get(code="iris-v1-2")
    assert scheme.standard_id == "iris" and scheme.bodies.count() == 1
    assert AuditorAccreditation.objects.filter(revoked_at__isnull=True).count() == 2
    statuses = sorted(Certificate.objects.values_list("status", flat=True))
    assert statuses == ["active", "suspended"]
    assert all(signing.verify_certificate(c) for c in Certificate.objects.all())
    in_audit = Audit.objects.get(status="planned")
    assert in_audit.application.actor.identifier == "NP-DEMO-CERT-3" and in_audit.lead_auditor is not None
    assert Invoice.objects.filter(kind="certificate").count() == 2
    assert "NP-DEMO-CERT" in Certificate.objects.first().actor.identifier  # type: ignore[union-attr]
    assert "certbody" in out
    before = _counts()
    assert "already loaded" in _run()
    assert _counts() == before


def test_demo_uses_the_registry_agencies(db: Any) -> None:
    agencies = [
        actor_create(
            actor_user=None,
            name=f"Registry Agency {i}",
            kind="licensed_agency",
            identifier=f"NP-DOFE-{i:04d}",
            country="NP",
        )
        for i in range(1, 5)
    ]
    _run()
    holders = set(Certificate.objects.values_list("actor__identifier", flat=True))
    assert holders == {agencies[0].identifier, agencies[1].identifier}
    assert Audit.objects.get(status="planned").application.actor == agencies[2]
    assert not Actor.objects.filter(identifier__startswith="NP-DEMO-CERT").exists()
