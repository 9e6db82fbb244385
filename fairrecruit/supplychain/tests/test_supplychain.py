"""Brands' due diligence on their recruiters, on the real database through real HTTP: the list and its flags
(a suspension, a sanction), who may see which list, adding (once, however often retried), taking off (history
kept), importing a file (all or nothing), CSV and the API."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fairrecruit.core.models import ApiToken, AuditEvent, Membership
from fairrecruit.core.services import api_token_create as token_create
from fairrecruit.enforcement.services import sanction_impose
from fairrecruit.enforcement.tests.helpers import build, sanction_input, user
from fairrecruit.registry.services import licence_status_record
from fairrecruit.supplychain import selectors, services
from fairrecruit.supplychain.models import Supplier

pytestmark = pytest.mark.django_db


@pytest.fixture
def r():
    r = build()
    r["org"] = Membership.objects.get(user=r["brand"]).organisation
    return r


def signed_in(u) -> Client:
    c = Client()
    c.force_login(u)
    return c


def add(r, identifier, relation="recruitment_agency", **kw):
    return services.supplier_add(user=r["brand"], organisation=r["org"], identifier=identifier,
                                 relation=relation, **kw)


def test_flags_put_the_recruiters_to_look_at_first(r):
    add(r, "NP-DOFE-4242")
    add(r, "NP-DOFE-77")
    add(r, "FR-R-901", "sub_agent")
    rows = selectors.supply_chain(r["org"])
    assert [x.supplier.actor.identifier for x in rows] == ["FR-R-901", "NP-DOFE-4242", "NP-DOFE-77"]  # by name
    assert rows[0].flags == ["licence"]  # an unlicensed broker
    # Himal Sathi is suspended a week ago, and Twin Peaks fined: both show, with the recent change
    week_ago = r["today"] - dt.timedelta(days=7)
    licence_status_record(actor_user=None, licence=r["himal_lic"], status="suspended", effective_date=week_ago,
                          reason="over-charging")
    sanction_impose(user=None, organisation=None, data=sanction_input(r, subject=r["twin"], licence=r["twin_a"]))
    by_id = {x.supplier.actor.identifier: x for x in selectors.supply_chain(r["org"])}
    assert by_id["NP-DOFE-4242"].flags == ["licence"]
    assert any("suspended" in c.what and c.day == week_ago for c in by_id["NP-DOFE-4242"].changes)
    assert [v.sanction.kind for v in by_id["NP-DOFE-77"].sanctions] == ["fine"]
    assert any("fine decided by Department of Foreign Employment" in c.what for c in by_id["NP-DOFE-77"].changes)
    assert by_id["NP-DOFE-77"].flags == []  # a fine is not in force the way a suspension is


def test_adding_twice_stores_once_and_removing_keeps_the_row(r):
    events = AuditEvent.objects.count()
    s1, added1 = add(r, "NP-DOFE-4242")
    s2, added2 = add(r, "np-dofe-4242")  # the same identifier typed otherwise: a retry
    assert (added1, added2) == (True, False) and s1.pk == s2.pk
    assert AuditEvent.objects.count() == events + 1
    services.supplier_remove(user=r["brand"], supplier=s1)
    assert selectors.supply_chain(r["org"]) == []
    s3, added3 = add(r, "NP-DOFE-4242")  # back on the list: a new row, the old one kept
    assert added3 and s3.pk != s1.pk
    assert Supplier.objects.filter(organisation=r["org"]).count() == 2
    assert AuditEvent.objects.filter(action="supplier.remove", target_id=str(s1.pk)).count() == 1


def test_bad_input_names_every_field(r):
    with pytest.raises(services.SupplyChainError) as exc:
        add(r, "NP-DOFE-0000", relation="friend", since="2030-01-01", note="x" * 501)
    assert {e["field"] for e in exc.value.errors} == {"identifier", "relation", "since", "note"}
    assert Supplier.objects.count() == 0


def test_pages_show_only_your_own_list(r):
    add(r, "NP-DOFE-4242")
    other = user("brand2", "employer", "DE")
    assert signed_in(other).get("/supply-chain/").content.count(b"Himal Sathi") == 0
    page = signed_in(r["brand"]).get("/supply-chain/")
    assert page.status_code == 200 and b"Himal Sathi Manpower" in page.content
    # another organisation's list cannot be asked for, and a regulator has none
    assert signed_in(other).get(f"/supply-chain/?organisation={r['org'].pk}").status_code == 403
    assert signed_in(r["np_reg"]).get("/supply-chain/").status_code == 403
    assert Client().get("/supply-chain/").status_code == 302  # sign in first
    # staff may see any organisation's
    staff = signed_in(r["staff"]).get(f"/supply-chain/?organisation={r['org'].pk}")
    assert staff.status_code == 200 and b"Himal Sathi Manpower" in staff.content


def test_add_and_remove_through_the_page(r):
    c = signed_in(r["brand"])
    bad = c.post("/supply-chain/", {"identifier": "NOPE-1", "relation": "sub_agent"})
    assert bad.status_code == 400 and b"no registry record has the identifier" in bad.content
    ok = c.post("/supply-chain/", {"identifier": "FR-R-901", "relation": "sub_agent", "since": "2024-01-05"})
    assert ok.status_code == 302
    s = Supplier.objects.get(organisation=r["org"])
    assert (s.actor.identifier, s.since) == ("FR-R-901", dt.date(2024, 1, 5))
    # another brand cannot take it off
    assert signed_in(user("brand2", "employer")).post(f"/supply-chain/{s.pk}/remove/").status_code == 404
    assert c.post(f"/supply-chain/{s.pk}/remove/").status_code == 302
    s.refresh_from_db()
    assert s.removed_at is not None and s.removed_by == r["brand"]
    # the page keeps the record of when, and by whom, the recruiter was taken off; not among the current ones
    html = c.get("/supply-chain/").content.decode()
    removed = html.split('<details id="removed">')[1].split("</details>")[0]
    assert "FR-R-901" in removed and f"taken off {s.removed_at:%Y-%m-%d} by brand" in removed
    assert "listed since 2024-01-05" in removed and 'id="supplier-FR-R-901"' not in html
    assert "FR-R-901" not in signed_in(user("brand3", "employer")).get("/supply-chain/").content.decode()


def test_import_is_all_or_nothing_and_csv_export(r):
    c = signed_in(r["brand"])
    bad = "identifier,relation,since\nNP-DOFE-4242,recruitment_agency,2023-04-01\nNP-DOFE-9999,sub_agent,\n"
    page = c.post("/supply-chain/import/", {"file": SimpleUploadedFile("list.csv", bad.encode())})
    assert page.status_code == 400 and b"Nothing was imported" in page.content
    assert b"NP-DOFE-9999" in page.content and Supplier.objects.count() == 0
    good = "identifier,relation,since,note\nNP-DOFE-4242,recruitment_agency,2023-04-01,main agency\n" \
           "FR-R-901,sub_agent,,\nNP-DOFE-4242,recruitment_agency,,twice\n"
    page = c.post("/supply-chain/import/", {"file": SimpleUploadedFile("list.csv", good.encode())})
    assert page.status_code == 200 and b"3 rows: 2 added, 1 already on the list" in page.content
    again = c.post("/supply-chain/import/", {"file": SimpleUploadedFile("list.csv", good.encode())})
    assert b"0 added, 3 already on the list" in again.content
    header = c.post("/supply-chain/import/", {"file": SimpleUploadedFile("l.csv", b"name,relation\nX,other\n")})
    assert header.status_code == 400 and b"unknown column" in header.content and b"missing column" in header.content
    out = c.get("/supply-chain/?format=csv")
    rows = list(csv.DictReader(io.StringIO(out.content.decode())))
    assert {x["identifier"]: x["licence_status"] for x in rows} == {"NP-DOFE-4242": "active",
                                                                    "FR-R-901": "sub_agent"}
    assert next(x for x in rows if x["identifier"] == "FR-R-901")["flags"] == "licence"


def test_api_lists_and_adds_with_a_token(r, client):
    token = token_create(actor=None, user=r["brand"], name="due diligence")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/supply-chain").status_code == 401
    made = client.post("/api/v1/supply-chain", {"identifier": "NP-DOFE-4242", "relation": "recruitment_agency"},
                       content_type="application/json", **auth)
    assert made.status_code == 201
    again = client.post("/api/v1/supply-chain", {"identifier": "NP-DOFE-4242", "relation": "recruitment_agency"},
                        content_type="application/json", **auth)
    assert again.status_code == 200 and again.json()["id"] == made.json()["id"]
    bad = client.post("/api/v1/supply-chain", {"identifier": "", "relation": "x", "colour": 1},
                      content_type="application/json", **auth)
    assert bad.status_code == 400 and [e["field"] for e in bad.json()["errors"]] == ["colour"]
    bad = client.post("/api/v1/supply-chain", {"identifier": "", "relation": "x"},
                      content_type="application/json", **auth)
    assert {e["field"] for e in bad.json()["errors"]} == {"identifier", "relation"}
    listed = client.get("/api/v1/supply-chain", **auth).json()
    assert [s["identifier"] for s in listed["suppliers"]] == ["NP-DOFE-4242"]
    assert listed["suppliers"][0]["status"]["code"] == "active" and listed["removed"] == []
    services.supplier_remove(user=r["brand"], supplier=Supplier.objects.get(pk=made.json()["id"]))
    listed = client.get("/api/v1/supply-chain", **auth).json()
    assert listed["suppliers"] == [] and [(s["identifier"], s["removed_by"]) for s in listed["removed"]] == [
        ("NP-DOFE-4242", "brand")]
    reg_token = token_create(actor=None, user=r["np_reg"], name="reg")[1]
    assert client.get("/api/v1/supply-chain", HTTP_AUTHORIZATION=f"Bearer {reg_token}").status_code == 403
    assert ApiToken.objects.count() == 2


def test_complaints_are_counted_as_the_public_statistics_count_them(r):
    from fairrecruit.grievances.services import ComplaintInput, complaint_submit

    add(r, "NP-DOFE-4242")
    add(r, "NP-DOFE-77")
    for i in range(6):
        complaint_submit(data=ComplaintInput(categories=["fees"], respondent_identifier="NP-DOFE-4242"),
                         token=f"supplychain-complaint-{i:04d}", channel="api")
    complaint_submit(data=ComplaintInput(categories=["fees"], respondent_identifier="NP-DOFE-77"),
                     token="supplychain-complaint-twin", channel="api")
    by_id = {x.supplier.actor.identifier: x for x in selectors.supply_chain(r["org"])}
    assert by_id["NP-DOFE-4242"].complaints is not None
    assert by_id["NP-DOFE-4242"].complaints["received"] == 6
    assert by_id["NP-DOFE-4242"].complaints["resolved"] == "fewer than 5"
    assert by_id["NP-DOFE-77"].complaints is not None
    assert by_id["NP-DOFE-77"].complaints["received"] == "fewer than 5"  # one complaint: not told apart from none
    page = signed_in(r["brand"]).get("/supply-chain/").content.decode()
    assert "received 6, resolved fewer than 5" in page and "received fewer than 5" in page


def test_import_reads_xlsx_and_refuses_a_file_not_in_utf8(r):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["identifier", "relation", "since"])
    ws.append(["NP-DOFE-77", "destination_agency", dt.datetime(2023, 4, 1)])  # a date cell, as Excel keeps it
    buf = io.BytesIO()
    wb.save(buf)
    done = services.suppliers_import(buf.getvalue(), user=r["brand"], organisation=r["org"])
    assert (done.problems, done.added) == ([], 1)
    assert Supplier.objects.get(organisation=r["org"]).since == dt.date(2023, 4, 1)
    latin = "identifier,relation,note\nFR-R-901,sub_agent,Ram Bahadur à Butwal\n".encode("latin-1")
    bad = services.suppliers_import(latin, user=r["brand"], organisation=r["org"])
    assert bad.problems and bad.added == 0
    assert "UTF-8" in bad.problems[0].problem or "utf-8" in bad.problems[0].problem.lower()
