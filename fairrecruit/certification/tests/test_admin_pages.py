"""Staff pages: certification bodies, auditor accreditation, the conflict-of-interest register and the scheme's
evidence lists, thresholds and fees. Permission checks, field-named form errors and an audit event per change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from fairrecruit.certification import services as svc
from fairrecruit.certification.models import AuditorAccreditation, CertificationBody, Scheme
from fairrecruit.certification.tests.factories import TODAY, World, member
from fairrecruit.core.models import AuditEvent, Role
from fairrecruit.core.services import organisation_create


def _events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_home_links_the_new_pages(world: World, client: Client) -> None:
    client.force_login(world.staff)
    page = client.get("/certification/").content.decode()
    for url in (
        "/certification/bodies/",
        "/certification/conflicts/register/",
        "/certification/invoices/",
        f"/certification/schemes/{world.scheme.code}/settings/",
    ):
        assert url in page, url
    client.force_login(world.recruiter)
    page = client.get("/certification/").content.decode()
    assert "/certification/bodies/" not in page and "/settings/" not in page


def test_staff_registers_a_body_and_bad_input_names_the_field(world: World, client: Client) -> None:
    org = organisation_create(actor=None, name="Second Audits", kind="certification_body")
    client.force_login(world.staff)
    assert client.get("/certification/bodies/").status_code == 200
    r = client.post("/certification/bodies/", {"accreditation": "X"})
    assert r.status_code == 400 and "organisation" in r.context["form"].errors
    r = client.post(
        "/certification/bodies/",
        {"organisation": org.pk, "accreditation": "ACC-2", "schemes": [world.scheme.pk]},
    )
    assert r.status_code == 302
    body = CertificationBody.objects.get(organisation=org)
    assert list(body.schemes.all()) == [world.scheme] and _events("certification.body.create") == 2
    # the scheme owner edits it; the change is audited
    r = client.post(f"/certification/bodies/{body.pk}/", {"op": "edit", "accreditation": "ACC-2b"})
    assert r.status_code == 302
    body.refresh_from_db()
    assert body.accreditation == "ACC-2b" and not body.schemes.exists()
    ev = AuditEvent.objects.get(action="certification.body.update")
    assert ev.old == {"accreditation": "ACC-2", "schemes": [world.scheme.code]}
    assert ev.new == {"accreditation": "ACC-2b", "schemes": []} and ev.actor == world.staff


def test_body_pages_are_scoped(world: World, client: Client) -> None:
    other_org = organisation_create(actor=None, name="Other CB", kind="certification_body")
    other = svc.body_create(
        user=world.staff, organisation=other_org, accreditation="", schemes=[world.scheme]
    )
    client.force_login(world.manager)
    page = client.get("/certification/bodies/").content.decode()
    assert (
        "Ethical Audits Ltd" in page
        and "Other CB" not in page
        and "Register a certification body" not in page
    )
    assert client.get(f"/certification/bodies/{world.body.pk}/").status_code == 200
    assert client.get(f"/certification/bodies/{other.pk}/").status_code == 404
    assert client.post("/certification/bodies/", {"organisation": other_org.pk}).status_code == 403
    r = client.post(f"/certification/bodies/{world.body.pk}/", {"op": "edit", "accreditation": "mine"})
    assert r.status_code == 403
    for user in (world.recruiter, world.auditor):
        client.force_login(user)
        assert client.get("/certification/bodies/").status_code == 403
        assert client.get("/certification/conflicts/register/").status_code == 403
        assert client.get(f"/certification/schemes/{world.scheme.code}/settings/").status_code == 403


def test_body_accredits_with_scope_and_dates_and_suspends(world: World, client: Client) -> None:
    auditor3 = member("auditor3", world.cb_org, Role.AUDITOR)
    url = f"/certification/bodies/{world.body.pk}/"
    client.force_login(world.manager)
    base = {"op": "accredit", "auditor": auditor3.pk, "scheme": world.scheme.pk}
    r = client.post(url, {**base, "valid_from": "2026-05-01", "valid_until": "2026-01-01"})
    assert r.status_code == 400 and "valid_until" in r.context["accredit_form"].errors
    r = client.post(url, {**base, "auditor": world.recruiter.pk, "valid_from": "2026-05-01"})
    assert r.status_code == 400 and "auditor" in r.context["accredit_form"].errors
    r = client.post(url, {**base, "valid_from": "not a date"})
    assert r.status_code == 400 and "valid_from" in r.context["accredit_form"].errors
    start = (TODAY() - dt.timedelta(days=1)).isoformat()
    r = client.post(url, {**base, "valid_from": start, "scope": "np-qa, Construction"})
    assert r.status_code == 302
    acc = AuditorAccreditation.objects.get(user=auditor3)
    assert acc.scope == ["NP-QA", "construction"] and acc.valid_until is None
    assert AuditEvent.objects.filter(action="certification.auditor.accredit", target_id=str(acc.pk)).exists()
    assert "auditor3" in client.get(url).content.decode()
    r = client.post(url, {"op": "suspend", "accreditation": acc.pk, "reason": ""})
    assert r.status_code == 400 and "reason" in r.context["suspend_form"].errors
    r = client.post(url, {"op": "suspend", "accreditation": acc.pk, "reason": "left the body"})
    assert r.status_code == 302
    acc.refresh_from_db()
    assert acc.revoked_at is not None and acc.revoked_reason == "left the body"
    assert _events("certification.auditor.suspend") == 1
    assert not svc.accredited(auditor3, world.body, world.scheme)
    # accrediting again lifts the suspension
    client.post(url, {**base, "valid_from": start})
    acc.refresh_from_db()
    assert acc.revoked_at is None and svc.accredited(auditor3, world.body, world.scheme)


def test_conflict_register_shows_the_body_its_auditors_declarations(world: World, client: Client) -> None:
    other_org = organisation_create(actor=None, name="Other CB", kind="certification_body")
    svc.body_create(user=world.staff, organisation=other_org, accreditation="", schemes=[world.scheme])
    other_manager = member("othermanager", other_org, Role.CERTIFICATION_BODY)
    client.force_login(world.manager)
    page = client.get("/certification/conflicts/register/").content.decode()
    assert "auditor2" in page and "was its consultant in 2025" in page and "NP-DOFE-1234" in page
    client.force_login(other_manager)
    assert "was its consultant" not in client.get("/certification/conflicts/register/").content.decode()
    client.force_login(world.staff)
    assert "was its consultant" in client.get("/certification/conflicts/register/").content.decode()


def test_scheme_owner_edits_thresholds_evidence_and_fees(world: World, client: Client) -> None:
    url = f"/certification/schemes/{world.scheme.code}/settings/"
    client.force_login(world.manager)
    assert client.get(url).status_code == 403
    client.force_login(world.staff)
    assert client.get(url).status_code == 200
    t = {
        "op": "thresholds",
        "window_days": "180",
        "min_reviews": "4",
        "fees_reported": "0.3",
        "documents_taken": "",
        "substantiated_cases": "2",
        "fees_owed_usd": "500",
        "action_fees_reported": "notify",
        "action_documents_taken": "special_audit",
        "action_substantiated_cases": "suspension_review",
        "action_fees_owed_usd": "suspension_review",
        "regulator_sanctions": "1",
        "action_regulator_sanctions": "special_audit",
    }
    r = client.post(url, {**t, "fees_reported": "1.5"})
    assert r.status_code == 400 and "fees_reported" in r.context["thresholds_form"].errors
    r = client.post(url, {**t, "window_days": "0"})
    assert r.status_code == 400 and "window_days" in r.context["thresholds_form"].errors
    r = client.post(url, {**t, "action_fees_reported": "shout"})
    assert r.status_code == 400 and "action_fees_reported" in r.context["thresholds_form"].errors
    assert _events("certification.scheme.thresholds") == 0
    assert client.post(url, t).status_code == 302
    s = Scheme.objects.get(pk=world.scheme.pk)
    assert s.thresholds["window_days"] == 180 and s.thresholds["documents_taken"] is None
    assert s.thresholds["actions"]["fees_reported"] == "notify" and s.thresholds["substantiated_cases"] == 2
    assert s.thresholds["actions"]["regulator_sanctions"] == "special_audit"
    assert _events("certification.scheme.thresholds") == 1

    first, second = s.criteria[0], s.criteria[1]
    ev = {
        "op": "evidence",
        f"evidence_{first['id']}": "Bank statements\nZero-fee policy",
        f"evidence_{second['id']}": "  ",
    }
    r = client.post(url, ev)
    assert r.status_code == 400 and f"evidence_{second['id']}" in r.context["evidence_form"].errors
    ev[f"evidence_{second['id']}"] = "Passport register"
    assert client.post(url, ev).status_code == 302
    s.refresh_from_db()
    assert s.criteria[0]["evidence_expected"] == ["Bank statements", "Zero-fee policy"]
    assert s.criteria[1]["evidence_expected"] == ["Passport register"]
    assert s.criteria[2]["evidence_expected"] == world.scheme.criteria[2]["evidence_expected"]
    e = AuditEvent.objects.get(action="certification.scheme.evidence")
    assert sorted(e.new or {}) == sorted([first["id"], second["id"]])
    assert "Zero-fee policy" in client.get(f"/certification/schemes/{s.code}/").content.decode()

    f = {
        "op": "fees",
        "fee_currency": "US",
        "fee_application": "500",
        "fee_audit_day": "800",
        "fee_certificate": "250.50",
    }
    r = client.post(url, f)
    assert r.status_code == 400 and "fee_currency" in r.context["fees_form"].errors
    r = client.post(url, {**f, "fee_currency": "usd", "fee_audit_day": "-1"})
    assert r.status_code == 400 and "fee_audit_day" in r.context["fees_form"].errors
    r = client.post(url, {**f, "fee_currency": "12x"})
    assert r.status_code == 400 and "fee_currency" in r.context["fees_form"].errors
    assert client.post(url, {**f, "fee_currency": "eur"}).status_code == 302
    s.refresh_from_db()
    assert s.fees == {"currency": "EUR", "application": "500", "audit_day": "800", "certificate": "250.50"}
    assert _events("certification.scheme.fees") == 1


def test_services_refuse_people_without_the_permission(world: World) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        svc.scheme_fees_set(user=world.manager, scheme=world.scheme, fees={"currency": "USD"})
    with pytest.raises(PermissionDenied):
        svc.scheme_evidence_set(user=world.manager, scheme=world.scheme, evidence={})
    with pytest.raises(PermissionDenied):
        svc.body_update(user=world.manager, body=world.body, accreditation="x", schemes=[])
    acc = AuditorAccreditation.objects.get(user=world.auditor)
    with pytest.raises(PermissionDenied):
        svc.auditor_suspend(user=world.auditor, accreditation=acc, reason="self")
