"""Invoices of scheme fees from the fee schedule: numbers, amounts, currency, status (issued, paid, void); the
body issues and manages its own, a recruiter sees only its own organisation's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from fairrecruit.certification import selectors
from fairrecruit.certification import services as svc
from fairrecruit.certification.models import Invoice
from fairrecruit.certification.tests.factories import TODAY, World, member
from fairrecruit.core.models import AuditEvent, Role
from fairrecruit.core.services import organisation_create


def test_amounts_numbers_and_one_invoice_per_item(world: World) -> None:
    audit = world.planned_audit()  # planned over 3 days
    app = audit.application
    year = TODAY().year
    a = svc.invoice_issue(user=world.manager, application=app, kind="application")
    assert (a.number, a.amount, a.currency, a.status) == (
        f"INV-{year}-000001",
        Decimal("500"),
        "USD",
        "issued",
    )
    assert a.organisation == world.rec_org and a.due_on == TODAY() + dt.timedelta(days=30)
    with pytest.raises(svc.CertificationError) as e:
        svc.invoice_issue(user=world.manager, application=app, kind="application")
    assert e.value.field == "kind"
    with pytest.raises(svc.CertificationError) as e:
        svc.invoice_issue(user=world.manager, application=app, kind="audit")
    assert e.value.field == "audit"
    b = svc.invoice_issue(user=world.manager, application=app, kind="audit", audit=audit)
    assert b.number == f"INV-{year}-000002" and b.quantity == 3 and b.amount == Decimal("2400.00")
    with pytest.raises(svc.CertificationError):
        svc.invoice_issue(user=world.manager, application=app, kind="certificate")  # none issued yet
    svc.certification_decide(user=world.manager, audit=world.conduct(audit), granted=True, reason="ok")
    with pytest.raises(svc.CertificationError) as e:  # the schedule has no certificate fee
        svc.invoice_issue(user=world.manager, application=app, kind="certificate")
    assert "no fee" in str(e.value)
    svc.scheme_fees_set(
        user=world.staff,
        scheme=world.scheme,
        fees={"currency": "eur", "application": "500", "certificate": "300"},
    )
    app.scheme.refresh_from_db()
    c = svc.invoice_issue(user=world.manager, application=app, kind="certificate")
    assert (c.amount, c.currency, c.certificate) == (Decimal("300"), "EUR", app.certificates.get())
    assert AuditEvent.objects.filter(action="certification.invoice.issue").count() == 3
    # voiding lets it be issued again
    svc.invoice_status_set(user=world.manager, invoice=a, status="void", reason="wrong amount")
    again = svc.invoice_issue(user=world.manager, application=app, kind="application")
    assert again.number == f"INV-{year}-000004"


def test_paid_and_void(world: World) -> None:
    app = world.application()
    inv = svc.invoice_issue(user=world.manager, application=app, kind="application")
    with pytest.raises(svc.CertificationError) as e:
        svc.invoice_status_set(
            user=world.manager, invoice=inv, status="paid", paid_on=TODAY() + dt.timedelta(1)
        )
    assert e.value.field == "paid_on"
    with pytest.raises(svc.CertificationError) as e:
        svc.invoice_status_set(user=world.manager, invoice=inv, status="void", reason=" ")
    assert e.value.field == "reason"
    with pytest.raises(PermissionDenied):
        svc.invoice_status_set(user=world.recruiter, invoice=inv, status="paid", paid_on=TODAY())
    svc.invoice_status_set(user=world.manager, invoice=inv, status="paid", paid_on=TODAY())
    inv.refresh_from_db()
    assert inv.status == "paid" and inv.paid_on == TODAY()
    with pytest.raises(svc.CertificationError):
        svc.invoice_status_set(user=world.manager, invoice=inv, status="void", reason="too late")
    ev = AuditEvent.objects.get(action="certification.invoice.paid")
    assert ev.old == {"status": "issued"} and ev.actor == world.manager


def test_who_sees_and_issues_invoices(world: World, client: Client) -> None:
    audit = world.planned_audit()
    app = audit.application
    mine = svc.invoice_issue(user=world.manager, application=app, kind="application")
    with pytest.raises(PermissionDenied):
        svc.invoice_issue(user=world.recruiter, application=app, kind="audit", audit=audit)
    with pytest.raises(PermissionDenied):
        svc.invoice_issue(user=world.auditor, application=app, kind="audit", audit=audit)
    other_org = organisation_create(actor=None, name="Other CB", kind="certification_body")
    svc.body_create(user=world.staff, organisation=other_org, accreditation="", schemes=[world.scheme])
    other_manager = member("othermanager", other_org, Role.CERTIFICATION_BODY)
    assert list(selectors.invoices_for(world.recruiter)) == [mine]
    assert list(selectors.invoices_for(world.manager)) == [mine]
    assert list(selectors.invoices_for(world.staff)) == [mine]
    for nobody in (world.other_recruiter, other_manager):
        assert not selectors.invoices_for(nobody).exists()
        client.force_login(nobody)
        assert mine.number not in client.get("/certification/invoices/").content.decode()
        assert client.get(f"/certification/invoices/{mine.number}/").status_code == 404
    # the recruiter reads its invoice but cannot issue or change one
    client.force_login(world.recruiter)
    page = client.get("/certification/invoices/").content.decode()
    assert mine.number in page and "Issue an invoice" not in page
    r = client.get(f"/certification/invoices/{mine.number}/")
    assert r.status_code == 200 and "500" in r.content.decode() and "Record payment" not in r.content.decode()
    assert client.post(f"/certification/invoices/{mine.number}/", {"status": "paid"}).status_code == 403
    assert (
        client.post("/certification/invoices/", {"application": app.pk, "kind": "audit"}).status_code == 403
    )
    # the other body cannot invoice this application from its page
    client.force_login(other_manager)
    r = client.post("/certification/invoices/", {"application": app.pk, "kind": "application"})
    assert r.status_code == 400 and "application" in r.context["form"].errors
    # the body issues through the page; bad input names the field
    client.force_login(world.manager)
    r = client.post("/certification/invoices/", {"application": app.pk, "kind": "audit"})
    assert r.status_code == 400 and "audit" in r.context["form"].errors
    sent = {"application": app.pk, "kind": "audit", "audit": audit.pk, "token": "invoice-form-token-0001"}
    r = client.post("/certification/invoices/", sent)
    assert r.status_code == 302
    assert client.post("/certification/invoices/", sent)["Location"] == r["Location"]  # resent: one invoice
    reused = client.post("/certification/invoices/", sent | {"kind": "application"})
    assert reused.status_code == 400 and "already sent with other values" in reused.content.decode()
    assert 'name="token"' in client.get("/certification/invoices/").content.decode()
    inv = Invoice.objects.get(kind="audit")
    assert r["Location"].endswith(f"/certification/invoices/{inv.number}/")
    r = client.post(f"/certification/invoices/{inv.number}/", {"status": "paid", "paid_on": "2999-01-01"})
    assert r.status_code == 400 and "paid_on" in r.context["form"].errors
    r = client.post(
        f"/certification/invoices/{inv.number}/", {"status": "paid", "paid_on": TODAY().isoformat()}
    )
    assert r.status_code == 302
    inv.refresh_from_db()
    assert inv.status == "paid"
