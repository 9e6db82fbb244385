"""The regulator's pages and the public ones over HTTP (Django's test client, real database): who may record,
for which regulator, bad input answered field by field with nothing stored, a retried form stored once, and what
the public sees (sanctions, never inspections' findings)."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.test import Client

from fairrecruit.core.models import AuditEvent
from fairrecruit.enforcement.models import Inspection, Sanction
from fairrecruit.enforcement.services import inspection_record, sanction_impose
from fairrecruit.enforcement.tests.helpers import build, sanction_input
from fairrecruit.registry.models import Licence

pytestmark = pytest.mark.django_db


@pytest.fixture
def r() -> dict[str, Any]:
    return build()


def text_of(resp: Any) -> str:
    return html.unescape(resp.content.decode())


def sanction_form(r: dict[str, Any], **over: str) -> dict[str, Any]:
    day = (r["today"] - dt.timedelta(days=3)).isoformat()
    data: dict[str, Any] = {"regulator": r["dofe"].pk, "subject": "NP-DOFE-4242", "kind": "suspension",
                            "breaches": ["overcharging", "document_retention"],
                            "legal_basis": "Foreign Employment Act 2007, s. 11", "decided_on": day,
                            "effective_from": day, "effective_until": (r["today"] + dt.timedelta(days=90)).isoformat(),
                            "summary": "Suspended for 3 months.", "token": "form-token-0000000001"}
    data.update(over)
    return data


def test_only_regulators_and_staff_open_the_pages(client: Client, r: dict[str, Any]) -> None:
    resp = client.get("/enforcement/")
    assert resp.status_code == 302 and "/accounts/login/" in resp["Location"]
    client.force_login(r["brand"])
    assert client.get("/enforcement/").status_code == 403
    assert client.get("/enforcement/sanctions/new/").status_code == 403
    client.force_login(r["np_reg"])
    page = text_of(client.get("/enforcement/"))
    assert "Department of Foreign Employment (Nepal)" in page and "Department of Migrant Workers" not in page
    work = text_of(client.get("/work/"))
    assert 'href="/enforcement/"' in work


def test_a_regulator_acts_only_for_its_own_country_regulators(client: Client, r: dict[str, Any]) -> None:
    client.force_login(r["np_reg"])
    form = text_of(client.get("/enforcement/sanctions/new/"))
    assert f'value="{r["dofe"].pk}"' in form and f'value="{r["dmw"].pk}"' not in form
    resp = client.post("/enforcement/sanctions/new/", sanction_form(r, regulator=str(r["dmw"].pk)))
    assert resp.status_code == 400
    assert "Regulator: choose one of the regulators you act for" in text_of(resp)
    assert Sanction.objects.count() == 0


def test_bad_input_is_answered_field_by_field_and_nothing_is_stored(client: Client, r: dict[str, Any]) -> None:
    client.force_login(r["np_reg"])
    resp = client.post("/enforcement/sanctions/new/", sanction_form(
        r, kind="fine", effective_until="", subject="NP-DOFE-0000", decided_on="26/11/2026"))
    page = text_of(resp)
    assert resp.status_code == 400
    assert "Recruiter sanctioned (registry identifier): no organisation with the identifier 'NP-DOFE-0000'" in page
    assert "Day of the decision: use the form YYYY-MM-DD" in page
    resp = client.post("/enforcement/sanctions/new/", sanction_form(r, kind="fine", effective_until=""))
    page = text_of(resp)
    assert resp.status_code == 400
    assert "Amount (fines and orders to repay): give the amount, more than 0" in page
    assert "Currency (ISO 4217): give an ISO 4217 currency code" in page
    assert Sanction.objects.count() == 0 and Licence.objects.get(pk=r["himal_lic"].pk).status == "active"


def test_a_suspension_recorded_on_the_page_shows_to_workers_and_a_retry_is_stored_once(
    client: Client, r: dict[str, Any],
) -> None:
    client.force_login(r["np_reg"])
    resp = client.post("/enforcement/sanctions/new/", sanction_form(r))
    assert resp.status_code == 302
    s = Sanction.objects.get()
    assert resp["Location"] == f"/enforcement/sanctions/{s.pk}/"
    assert client.post("/enforcement/sanctions/new/", sanction_form(r))["Location"] == resp["Location"]
    assert Sanction.objects.count() == 1
    assert s.recorded_by == r["np_reg"] and s.organisation is not None and s.organisation.country == "NP"
    assert Licence.objects.get(pk=r["himal_lic"].pk).status == "suspended"

    public = Client()
    profile = text_of(public.get("/verify/NP-DOFE-4242/"))
    section = profile[profile.index('id="sanctions"'):]
    assert "Licence suspended" in section and "in force" in section
    assert "Kept workers' passports or documents" in section and "Foreign Employment Act 2007, s. 11" in section
    results = text_of(public.get("/verify/", {"q": "Himal Sathi"}))
    assert re.search(r'data-sanction="suspension">⚠ Licence suspended — Department of Foreign Employment', results)
    register = text_of(public.get("/sanctions/", {"country": "NP", "current": "1"}))
    assert "1 sanction" in register and "Himal Sathi Manpower" in register
    assert "0 sanctions" in text_of(public.get("/sanctions/", {"country": "PH"}))
    assert "0 sanctions" in text_of(public.get("/sanctions/", {"kind": "ban"}))


def test_lifting_on_the_page_reinstates_the_licence(client: Client, r: dict[str, Any]) -> None:
    client.force_login(r["np_reg"])
    client.post("/enforcement/sanctions/new/", sanction_form(r))
    s = Sanction.objects.get()
    resp = client.post(f"/enforcement/sanctions/{s.pk}/", {"lifted_on": "", "reason": ""})
    assert resp.status_code == 400 and "Why (e.g. appeal upheld): say why it is lifted" in text_of(resp)
    resp = client.post(f"/enforcement/sanctions/{s.pk}/", {"lifted_on": r["today"].isoformat(),
                                                          "reason": "appeal upheld by the tribunal"})
    assert resp.status_code == 302
    assert Licence.objects.get(pk=r["himal_lic"].pk).status == "active"
    profile = text_of(Client().get("/verify/NP-DOFE-4242/"))
    assert f"lifted on {r['today'].isoformat()}" in profile and "appeal upheld by the tribunal" in profile
    client.force_login(r["ph_reg"])  # another country's regulator does not see it
    assert client.get(f"/enforcement/sanctions/{s.pk}/").status_code == 404


def test_findings_stay_with_the_regulator(client: Client, r: dict[str, Any]) -> None:
    client.force_login(r["np_reg"])
    resp = client.post("/enforcement/inspections/new/", {
        "regulator": r["dofe"].pk, "subject": "NP-DOFE-4242", "kind": "complaint",
        "inspected_on": r["today"].isoformat(), "outcome": "breaches", "breaches": ["overcharging"],
        "findings": "Receipt book shows NPR 180,000 from worker K.", "token": "form-token-0000000002"})
    assert resp.status_code == 302
    ins = Inspection.objects.get()
    page = text_of(client.get(resp["Location"]))
    assert "Receipt book shows NPR 180,000" in page and f"?inspection={ins.pk}" in page
    prefilled = text_of(client.get(f"/enforcement/sanctions/new/?inspection={ins.pk}"))
    assert f'value="{ins.code}"' in prefilled and 'value="NP-DOFE-4242"' in prefilled
    client.force_login(r["ph_reg"])
    assert client.get(resp["Location"]).status_code == 404
    for url in ("/verify/NP-DOFE-4242/", "/sanctions/", "/api/v1/sanctions", "/api/v1/organisations/NP-DOFE-4242"):
        assert "Receipt book" not in Client().get(url).content.decode()


def test_staff_act_for_every_regulator(client: Client, r: dict[str, Any]) -> None:
    client.force_login(r["staff"])
    resp = client.post("/enforcement/inspections/new/", {
        "regulator": r["dmw"].pk, "subject": "FR-R-901", "kind": "routine", "inspected_on": r["today"].isoformat(),
        "outcome": "no_breach", "token": "form-token-0000000003"})
    assert resp.status_code == 302 and Inspection.objects.get().regulator == r["dmw"]


def test_the_register_pages_and_filters(client: Client, r: dict[str, Any]) -> None:
    for n in range(55):
        sanction_impose(user=None, organisation=None, data=sanction_input(r, summary=f"fine {n}"))
    inspection_record(user=None, organisation=None, regulator=r["dofe"], subject=r["himal"], kind="routine",
                      inspected_on=r["today"], outcome="no_breach", breaches=[])
    first = text_of(client.get("/sanctions/"))
    assert "55 sanctions" in first and first.count('class="box sanction"') == 50 and "Page 1 of 2" in first
    second = text_of(client.get("/sanctions/", {"page": "2"}))
    assert second.count('class="box sanction"') == 5
    assert "55 sanctions" in text_of(client.get("/sanctions/", {"kind": "fine", "country": "np"}))
    assert "0 sanctions" in text_of(client.get("/sanctions/", {"current": "1"}))  # fines have no period


def test_a_job_offer_from_a_banned_employer_is_a_warning(client: Client, r: dict[str, Any]) -> None:
    from decimal import Decimal

    from fairrecruit.registry.models import JobOrder
    from fairrecruit.registry.services import actor_create

    employer = actor_create(actor_user=None, name="Gulf Star Contracting W.L.L.", kind="employer",
                            identifier="QA-MOL-88", country="QA")
    JobOrder.objects.create(number="JO-2026-088", employer=employer, agency=r["himal"], approved_by=r["dofe"],
                            destination="QA", occupation="Mason", positions=20, wage_amount=Decimal("1200"),
                            wage_currency="QAR", valid_from=r["today"] - dt.timedelta(days=30),
                            valid_until=r["today"] + dt.timedelta(days=300))
    query = {"job_order_number": "JO-2026-088", "check": "1"}
    before = text_of(client.get("/verify/job-offer/", query))
    assert "under a sanction" not in before
    sanction_impose(user=None, organisation=None, data=sanction_input(
        r, subject=employer, kind="ban", amount=None, currency="", breaches=["contract_substitution"]))
    after = text_of(client.get("/verify/job-offer/", query))
    assert ("Gulf Star Contracting W.L.L. is under a sanction by Department of Foreign Employment: Banned from "
            "recruiting (blacklisted), from") in after
    ne = text_of(client.get("/verify/job-offer/", query, HTTP_ACCEPT_LANGUAGE="ne"))
    assert "Gulf Star Contracting W.L.L." in ne and "under a sanction" not in ne


def test_a_sanction_withdrawn_from_publication_leaves_every_public_page_and_comes_back(
    client: Client, r: dict[str, Any],
) -> None:
    client.force_login(r["np_reg"])
    client.post("/enforcement/sanctions/new/", sanction_form(r))
    s = Sanction.objects.get()
    public = Client()
    assert "Himal Sathi Manpower" in text_of(public.get("/sanctions/", {"country": "NP"}))
    resp = client.post(f"/enforcement/sanctions/{s.pk}/", {"published": "no", "reason": ""})
    assert resp.status_code == 400 and "say why it is withdrawn" in text_of(resp)
    resp = client.post(f"/enforcement/sanctions/{s.pk}/", {"published": "no", "reason": "court order of 3 May 2026"})
    assert resp.status_code == 302
    assert "0 sanctions" in text_of(public.get("/sanctions/", {"country": "NP"}))
    assert "court order" not in text_of(public.get("/verify/NP-DOFE-4242/"))
    assert 'data-sanction="suspension"' not in text_of(public.get("/verify/", {"q": "Himal Sathi"}))
    assert public.get("/api/v1/sanctions", {"country": "NP"}).json()["count"] == 0
    assert "Himal Sathi" not in public.get("/api/v1/sanctions", {"format": "csv"}).content.decode()
    # still in force: the licence stays suspended, and the regulator still sees it with the reason
    assert Licence.objects.get(pk=r["himal_lic"].pk).status == "suspended"
    page = text_of(client.get(f"/enforcement/sanctions/{s.pk}/"))
    assert "Withdrawn from publication on" in page and "court order of 3 May 2026" in page
    assert client.post(f"/enforcement/sanctions/{s.pk}/", {"published": "no", "reason": "again"}).status_code == 400
    assert client.post(f"/enforcement/sanctions/{s.pk}/", {"published": "yes"}).status_code == 302
    assert "Himal Sathi Manpower" in text_of(public.get("/sanctions/", {"country": "NP"}))
    actions = list(AuditEvent.objects.filter(target_id=str(s.pk), action__in=["sanction.withdraw", "sanction.publish"])
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["sanction.withdraw", "sanction.publish"]
