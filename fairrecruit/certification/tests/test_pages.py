"""Every page renders for the role it is for; the forms drive the services; the API is documented."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.test import Client

from fairrecruit.certification import selectors
from fairrecruit.certification.models import Application, Scheme
from fairrecruit.certification.tests.factories import PDF, World


def test_public_pages(world: World, client: Client) -> None:
    cert = world.certified()
    assert client.get(f"/certification/schemes/{world.scheme.code}/").status_code == 200
    assert cert.number in client.get("/certification/register/?q=Himalaya").content.decode()
    assert cert.number not in client.get("/certification/register/?status=withdrawn").content.decode()
    r = client.get("/certification/verify/", {"number": cert.number})
    assert r.status_code == 302 and r["Location"].endswith(f"/certification/verify/{cert.number}/")
    for typed in ("IRIS/2026/1", "x" * 5000):  # no URL can hold it: the verify page says "not found" itself
        r = client.get("/certification/verify/", {"number": typed})
        assert r.status_code == 404 and typed[:100] in r.content.decode(), typed[:20]
    assert client.get("/certification/").status_code == 302  # sign-in needed


def test_signed_in_pages_by_role(world: World, client: Client) -> None:
    cert = world.certified()
    audit = cert.application.audits.get()
    sa = cert.application.self_assessment
    pages = {
        world.staff: [
            "/certification/",
            "/certification/schemes/new/",
            f"/certification/schemes/{world.scheme.code}/monitoring/",
        ],
        world.manager: [
            "/certification/",
            f"/certification/applications/{cert.application.pk}/",
            f"/certification/audits/{audit.pk}/",
            f"/certification/certificates/{cert.number}/manage/",
            f"/certification/schemes/{world.scheme.code}/monitoring/",
        ],
        world.auditor: ["/certification/", f"/certification/audits/{audit.pk}/", "/certification/conflicts/"],
        world.recruiter: [
            "/certification/",
            f"/certification/self-assessments/{sa.pk}/",
            "/certification/self-assessments/new/",
        ],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 200, (user, url)
    client.force_login(world.recruiter)
    assert client.get(f"/certification/certificates/{cert.number}/manage/").status_code == 403
    assert client.get(f"/certification/schemes/{world.scheme.code}/monitoring/").status_code == 403


def test_forms_drive_the_journey(world: World, client: Client) -> None:
    client.force_login(world.staff)
    r = client.post(
        "/certification/schemes/new/",
        {
            "code": "iris-2",
            "name": "IRIS 2",
            "standard": "iris",
            "validity_months": "24",
            "surveillance_months": "12",
        },
    )
    assert r.status_code == 302 and Scheme.objects.filter(code="iris-2").exists()
    client.force_login(world.recruiter)
    from fairrecruit.reviews.models import RegistryClaim

    claim = RegistryClaim.objects.get(organisation=world.rec_org)
    r = client.post("/certification/self-assessments/new/", {"claim": claim.pk, "scheme": world.scheme.pk})
    assert r.status_code == 302
    sa_url = r["Location"]
    for c in world.scheme.criteria:
        f = {"op": "score", "criterion": c["id"], "score": "3", "comment": "ok"}
        client.post(sa_url, f)
    page = client.get(sa_url).content.decode()
    assert "Readiness 100%" in page
    client.post(
        sa_url, {"op": "score", "criterion": world.scheme.criteria[0]["id"], "score": "3", "files": _upload()}
    )
    r = client.post(
        sa_url,
        {"op": "apply", "body": world.body.pk, "corridors": "NP-QA", "sectors": "care", "placements": "9"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    app = Application.objects.get()
    r = client.post(
        sa_url,
        {"op": "apply", "body": world.body.pk, "corridors": "NP-QA", "sectors": "care", "placements": "9"},
    )
    assert "already" in r.content.decode()
    client.force_login(world.manager)
    client.post(
        f"/certification/applications/{app.pk}/", {"op": "eligibility", "outcome": "accept", "reason": "ok"}
    )
    audit = app.audits.get()
    today = dt.date.today().isoformat()
    r = client.post(
        f"/certification/audits/{audit.pk}/",
        {"op": "plan", "auditor": world.auditor2.pk, "start": today, "end": today},
    )
    assert "conflict of interest" in r.content.decode()
    client.post(
        f"/certification/audits/{audit.pk}/",
        {"op": "plan", "auditor": world.auditor.pk, "start": today, "end": today},
    )
    audit.refresh_from_db()
    assert audit.lead_auditor == world.auditor and audit.sample_size == 3
    client.force_login(world.auditor)
    for _i in range(3):
        client.post(
            f"/certification/audits/{audit.pk}/",
            {"op": "interview", "conducted_on": today, "paid_fees": "no"},
        )
    for c in world.scheme.criteria:
        client.post(
            f"/certification/audits/{audit.pk}/",
            {"op": "finding", "criterion": c["id"], "grade": "conformity"},
        )
    client.post(f"/certification/audits/{audit.pk}/", {"op": "report", "summary": "fine"})
    client.force_login(world.manager)
    client.post(
        f"/certification/audits/{audit.pk}/", {"op": "decide", "granted": "yes", "reason": "conforms"}
    )
    cert = app.certificates.get()
    r = client.post(
        f"/certification/certificates/{cert.number}/manage/", {"change": "suspend", "reason": "review"}
    )
    assert r.status_code == 302
    cert.refresh_from_db()
    assert cert.status == "suspended"


def _upload() -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("policy.pdf", PDF, content_type="application/pdf")


def test_profile_snippet_and_api(world: World, client: Client) -> None:
    cert = world.certified()
    html = render_to_string(
        "certification/_profile_section.html",
        {"certification_certificates": selectors.profile_section(world.actor)},
    )
    assert cert.number in html
    assert "Not certified" in render_to_string(
        "certification/_profile_section.html",
        {"certification_certificates": selectors.profile_section(world.other_actor)},
    )
    data = client.get("/api/v1/certification/register?status=active").json()
    assert data["count"] == 1 and data["results"][0]["number"] == cert.number
    v = client.get(f"/api/v1/certification/verify/{cert.number}").json()
    assert v["signature_valid"] and v["valid_now"] and v["signed_fields"]["number"] == cert.number
    key = client.get("/api/v1/certification/signing-key").json()
    assert key["key_id"] == cert.key_id
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/certification/register",
        "/api/v1/certification/verify/{number}",
        "/api/v1/certification/signing-key",
    } <= set(paths)


def test_public_scheme_page_names_the_fees_in_the_readers_language(world: World, client: Client) -> None:
    html = client.get(f"/certification/schemes/{world.scheme.code}/").content.decode()
    assert "Application fee: 500 USD" in html and "Audit fee per day: 800 USD" in html
    assert "audit_day" not in html
    client.cookies["django_language"] = "es"
    html = client.get(f"/certification/schemes/{world.scheme.code}/").content.decode()
    assert "Tasa de solicitud: 500 USD" in html


def test_forms_answer_a_missing_or_tampered_choice_with_a_message(world: World, client: Client) -> None:
    cert = world.certified()
    audit = cert.application.audits.get()
    client.force_login(world.manager)
    url = f"/certification/audits/{audit.pk}/"
    for sent, message in (
        ({"op": "plan", "auditor": "", "start": "2026-01-05", "end": "2026-01-06"}, "Choose the lead auditor."),
        ({"op": "action", "finding": "x", "deadline": "2026-02-01"}, "Choose the finding."),
        ({"op": "close", "action": "999999"}, "Choose the corrective action."),
    ):
        r = client.post(url, sent)
        assert r.status_code == 200 and message in r.content.decode(), sent
    client.force_login(world.staff)
    r = client.post("/certification/schemes/new/", {"code": "x", "name": "X", "validity_months": "three"})
    assert r.status_code == 200 and "give whole numbers of months" in r.content.decode()
    client.force_login(world.recruiter)
    r = client.post("/certification/self-assessments/new/", {"claim": "", "scheme": world.scheme.pk})
    assert r.status_code == 200 and "Choose the agency you speak for." in r.content.decode()
    # the home page offers "Manage" only on certificates the reader may manage
    home = client.get("/certification/").content.decode()
    assert cert.number in home and f"/certification/certificates/{cert.number}/manage/" not in home
    client.force_login(world.manager)
    assert f"/certification/certificates/{cert.number}/manage/" in client.get("/certification/").content.decode()


def test_forms_answer_an_id_no_database_column_holds_with_a_message(world: World, client: Client) -> None:
    """A tampered list field with a number of 2**63 or more, or digits int() refuses, is "not one of the choices"
    (SQLite's driver could not even bind it: a server error before)."""
    huge, superscript = "9" * 40, "\u00b2"
    client.force_login(world.staff)
    r = client.post("/certification/bodies/", {"organisation": huge, "accreditation": "A", "schemes": [huge]})
    assert r.status_code == 400 and "Select a valid choice" in r.content.decode()
    url = f"/certification/bodies/{world.body.pk}/"
    for sent, message in (
        ({"op": "accredit", "auditor": huge, "scheme": world.scheme.pk, "valid_from": "2026-01-01"}, "valid choice"),
        ({"op": "accredit", "auditor": world.auditor.pk, "scheme": superscript, "valid_from": "2026-01-01"},
         "valid choice"),
        ({"op": "edit", "accreditation": "A", "schemes": [str(world.scheme.pk), huge]}, f"{huge}” is not a valid"),
    ):
        r = client.post(url, sent)
        assert r.status_code == 400 and message in r.content.decode(), sent
    r = client.post(url, {"op": "suspend", "accreditation": huge, "reason": "x"})
    assert "Choose the accreditation to suspend." in r.content.decode()
    r = client.post("/certification/schemes/new/", {"code": "x", "name": "X", "validity_months": superscript})
    assert r.status_code == 200 and "give whole numbers of months" in r.content.decode()
    cert = world.certified()
    audit = cert.application.audits.get()
    client.force_login(world.manager)
    r = client.post(f"/certification/audits/{audit.pk}/", {"op": "plan", "auditor": huge, "team": [huge]})
    assert r.status_code == 200 and "Choose the lead auditor." in r.content.decode()
    assert client.get(f"/certification/audits/{huge}/").status_code == 404
