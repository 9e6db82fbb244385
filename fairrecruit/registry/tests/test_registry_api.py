"""Registry API: organisation search and profile, licence and job-order look-ups, the job-offer check and the
public register downloads (CSV and JSON), all in OpenAPI."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from fairrecruit.core import fx
from fairrecruit.registry.models import Actor, ActorKind, Licence
from fairrecruit.registry.tests.test_search import build_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg() -> dict[str, Any]:
    return build_registry()


def get(client: Client, url: str, status: int = 200, **params: str) -> Any:
    r = client.get(url, params)
    assert r.status_code == status, (r.status_code, r.content[:2000])
    return r.json()


def post(client: Client, body: Any, status: int = 200) -> Any:
    r = client.post(
        "/api/v1/job-offers/check",
        json.dumps(body) if not isinstance(body, bytes) else body,
        content_type="application/json",
    )
    assert r.status_code == status, (r.status_code, r.content[:2000])
    return r.json()


# ---------------------------------------------------------------------------------------------- organisations
def test_search_by_name_with_typos_returns_status(client: Client, reg: dict[str, Any]) -> None:
    d = get(client, "/api/v1/organisations", q="Himalyan Oversees")
    top = d["results"][0]
    assert top["identifier"] == "NP-DOFE-1001" and top["url"] == "/verify/NP-DOFE-1001/"
    assert top["status"]["code"] == "active" and top["status"]["level"] == "ok"
    assert top["status"]["valid_until"] == reg["himalayan_lic"].valid_until.isoformat()
    assert top["status"]["licence_number"] == "1001/2019"
    assert top["match"]["by"] == "name" and top["match"]["score"] >= 80
    assert "NP-OLD-77" not in [x["identifier"] for x in d["results"]]  # merged: shown as its survivor


def test_search_by_merged_identifier_names_the_record_that_matched(
    client: Client, reg: dict[str, Any]
) -> None:
    d = get(client, "/api/v1/organisations", q="np-old-77")
    assert [(x["identifier"], x["match"]["by"], x["match"]["via"]) for x in d["results"]] == [
        ("NP-DOFE-1001", "identifier", "NP-OLD-77")
    ]


def test_search_statuses_licence_and_phone(client: Client, reg: dict[str, Any]) -> None:
    everest = get(client, "/api/v1/organisations", q="1003/2020")["results"]
    assert [(x["identifier"], x["status"]["code"], x["match"]["by"]) for x in everest] == [
        ("NP-DOFE-1003", "expired", "licence")
    ]
    ram = get(client, "/api/v1/organisations", q="+977 9841234567")["results"]
    assert [(x["identifier"], x["status"]["code"]) for x in ram] == [("FR-R-1", "sub_agent")]


def test_filters_and_paging(client: Client, reg: dict[str, Any]) -> None:
    d = get(client, "/api/v1/organisations", country="np", kind="licensed_agency", page_size="3")
    n_agencies = Actor.objects.filter(
        country="NP", kind=ActorKind.LICENSED_AGENCY, merged_into__isnull=True
    ).count()
    assert d["count"] == n_agencies == 7
    assert len(d["results"]) == 3 and all(x["kind"] == "licensed_agency" for x in d["results"])
    names = [x["name"] for x in d["results"]]
    assert names == sorted(names)
    last = get(client, "/api/v1/organisations", country="NP", kind="licensed_agency", page_size="3", page="3")
    assert len(last["results"]) == 1
    ph = get(client, "/api/v1/organisations", q="Bayanihan", country="PH")
    assert [x["identifier"] for x in ph["results"]] == ["PH-DMW-0042"]
    assert get(client, "/api/v1/organisations", q="Bayanihan", country="NP")["results"] == []


@pytest.mark.parametrize(
    "params, field",
    [
        ({"country": "XX"}, "country"),
        ({"kind": "wizard"}, "kind"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page_size": "1000"}, "page_size"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_search_parameters_are_400_with_the_field(
    client: Client, reg: dict[str, Any], params: dict[str, str], field: str
) -> None:
    d = get(client, "/api/v1/organisations", status=400, **params)
    assert [e["field"] for e in d["errors"]] == [field]
    assert d["errors"][0]["message"]


def test_profile_with_history_relationships_and_job_orders(client: Client, reg: dict[str, Any]) -> None:
    d = get(client, "/api/v1/organisations/NP-DOFE-1002")
    assert d["name"] == "Al-Noor Manpower Services" and d["status"]["code"] == "suspended"
    assert [a["name"] for a in d["aliases"]] == ["अल नूर म्यानपावर"]
    (lic,) = d["licences"]
    assert lic["number"] == "1002/2018" and lic["regulator"]["identifier"] == "NP-DOFE"
    assert lic["status_listed"] == lic["status"] == "suspended"
    assert [(h["status"], h["reason"], h["source"]["file"], h["source"]["row"]) for h in lic["history"]] == [
        ("active", "licence issued", "dofe-licences-2025-06.csv", 10),
        ("suspended", "charged workers above the fee cap", "dofe-licences-2025-06.csv", 11),
    ]
    assert [j["number"] for j in d["job_orders"]] == ["JO-2023-077"]  # as the agency that placed it
    assert d["job_orders"][0]["state"] == "expired"


def test_profile_relationships_and_merged_records(client: Client, reg: dict[str, Any]) -> None:
    d = get(client, "/api/v1/organisations/NP-DOFE-1001")
    rels = {(r["group"], r["organisation"]["identifier"], r["status"]["code"]) for r in d["relationships"]}
    assert rels == {
        ("sub_agents", "FR-R-1", "sub_agent"),
        ("branches", "NP-DOFE-1001-B1", "active"),
        ("employers", "QA-MOL-E-501", "employer"),
    }
    assert d["merged_records"] == ["NP-OLD-77"]
    assert d["requested_identifier"] is None
    assert d["job_orders"][0]["wage_amount"] in ("1200.00", 1200.0, 1200)
    merged = get(client, "/api/v1/organisations/NP-OLD-77")
    assert merged["identifier"] == "NP-DOFE-1001" and merged["requested_identifier"] == "NP-OLD-77"
    missing = get(client, "/api/v1/organisations/NP-DOFE-9999", status=404)
    assert missing["errors"][0]["field"] == "identifier"


def test_profile_gives_the_sanctions_certificates_reviews_and_complaints_the_page_shows(client: Client) -> None:
    """No longer "not available yet": the sections of the profile page further down, from the same selectors."""
    from fairrecruit.certification.tests.factories import World
    from fairrecruit.enforcement.services import sanction_impose
    from fairrecruit.enforcement.tests.helpers import build, sanction_input
    from fairrecruit.grievances.services import ComplaintInput, complaint_submit
    from fairrecruit.reviews.tests.conftest import published

    world = World()
    cert = world.certified()
    sanction_impose(user=None, organisation=None, data=sanction_input(build(), subject=world.actor))
    published(world.staff, n=5)  # FAIRRECRUIT_REVIEW_MIN_AGGREGATE: totals shown from 5
    for i in range(5):
        complaint_submit(data=ComplaintInput(categories=["fees"], respondent_identifier="NP-DOFE-1234"),
                         token=f"profile-api-complaint-{i:04d}", channel="api")

    d = get(client, "/api/v1/organisations/NP-DOFE-1234")
    assert "not_available_yet" not in d
    assert [(c["number"], c["status"], c["registry_identifier"]) for c in d["certification"]] == [
        (cert.number, "active", "NP-DOFE-1234")]
    assert [(x["kind"], x["regulator"], x["state"]) for x in d["sanctions"]] == [("fine", "NP-DOFE", "recorded")]
    agg = d["reviews"]["aggregate"]
    assert (agg["count"], agg["shown"], agg["rating"]["average"]) == (5, True, 2.0)
    assert get(client, d["reviews"]["url"])["aggregate"] == agg
    assert d["complaints"]["statistics"] == {"received": 5, "resolved": "fewer than 5",
                                             "median_days_to_resolution": "fewer than 5",
                                             "recovered_usd": "fewer than 5"}
    assert client.get(d["complaints"]["statistics_url"]).status_code == 200
    assert d["complaints"]["submit_url"] == "/api/v1/complaints"
    text = client.get("/verify/NP-DOFE-1234/").content.decode()
    assert cert.number in text and "2.0 / 5" in text  # the page shows the same

    none = get(client, "/api/v1/organisations/NP-DOFE-9999")
    assert (none["certification"], none["sanctions"], none["complaints"]["statistics"]) == ([], [], None)
    assert none["reviews"]["aggregate"] == {"count": 0, "threshold": 5, "shown": False}


# ---------------------------------------------------------------------------------------------- look-ups
def test_licence_lookup(client: Client, reg: dict[str, Any]) -> None:
    d = get(client, "/api/v1/licences", number="1003-2020")
    assert [
        (x["holder"]["identifier"], x["status_listed"], x["status"], x["expired_by_date"]) for x in d
    ] == [("NP-DOFE-1003", "active", "expired", True)]
    assert get(client, "/api/v1/licences", number="1003/2020", regulator="PH-DMW") == []
    assert len(get(client, "/api/v1/licences", number="1003/2020", regulator="foreign employment")) == 1
    assert get(client, "/api/v1/licences", status=400)["errors"][0]["field"] == "number"


@pytest.mark.parametrize("typed", ["Lic. No. 1003/2020", "License number: 1003-2020", "Reg. No 10032020"])
def test_licence_lookup_ignores_words_in_front_as_the_search_does(
    client: Client, reg: dict[str, Any], typed: str
) -> None:
    found = get(client, "/api/v1/licences", number=typed)
    assert [(x["number"], x["holder"]["identifier"]) for x in found] == [("1003/2020", "NP-DOFE-1003")]
    searched = get(client, "/api/v1/organisations", q=typed)["results"]
    assert [(x["identifier"], x["match"]["by"]) for x in searched] == [("NP-DOFE-1003", "licence")]


def test_job_order_lookup(client: Client, reg: dict[str, Any]) -> None:
    d = get(client, "/api/v1/job-orders", number="jo-2025-001")
    assert [(x["number"], x["state"], x["employer"]["identifier"], x["agency"]["identifier"]) for x in d] == [
        ("JO-2025-001", "valid", "QA-MOL-E-501", "NP-DOFE-1001")
    ]
    by_employer = get(client, "/api/v1/job-orders", employer="Al Rayan Cleaning", destination="qa")
    assert [(x["number"], x["state"]) for x in by_employer] == [("JO-2023-077", "expired")]
    assert get(client, "/api/v1/job-orders", employer="Al Rayyan Cleaning", destination="AE") == []
    errs = get(client, "/api/v1/job-orders", status=400, destination="ZZ")["errors"]
    assert {e["field"] for e in errs} == {"number", "destination"}


# ---------------------------------------------------------------------------------------------- job-offer check
def test_job_offer_check_match_and_lower_wage(client: Client, reg: dict[str, Any]) -> None:
    ok = post(client, {"job_order_number": "JO-2025-001", "wage_amount": 1200, "wage_currency": "QAR"})
    assert (ok["verdict"], ok["wage"], ok["warnings"]) == ("ok", "same", [])
    assert ok["job_order"]["number"] == "JO-2025-001" and ok["agency_status"]["code"] == "active"
    low = post(
        client,
        {
            "employer": "Qatar Building Co",
            "destination": "qa",
            "occupation": "labourer",
            "wage_amount": "900",
            "wage_currency": "qar",
        },
    )
    assert (low["verdict"], low["wage"]) == ("warning", "lower")
    assert any("LOWER than the approved wage (1,200 QAR)" in w for w in low["warnings"])


def test_job_offer_check_in_another_currency_gives_the_dollar_amounts_and_rates(
    client: Client, reg: dict[str, Any]
) -> None:
    day = timezone.localdate()
    qar = fx.usd_rate("QAR", day)
    assert qar is not None
    low = post(client, {"job_order_number": "JO-2025-001", "wage_amount": 50, "wage_currency": "USD"})
    assert (low["verdict"], low["wage"]) == ("warning", "lower")
    conv = low["wage_conversion"]
    assert conv["date"] == day.isoformat() and float(conv["offered_usd"]) == 50
    assert float(conv["approved_usd"]) == pytest.approx(1200 / qar.per_usd, abs=0.01)
    assert conv["rates"] == [qar.as_dict()] and conv["missing_rates"] == []
    unknown = post(client, {"job_order_number": "JO-2025-001", "wage_amount": 500000, "wage_currency": "KPW"})
    assert (unknown["verdict"], unknown["wage"]) == ("warning", "not_compared")
    assert unknown["wage_conversion"]["missing_rates"] == ["KPW"]
    assert unknown["wage_conversion"]["offered_usd"] is None
    assert any("could not compare the wage" in w for w in unknown["warnings"])
    same = post(client, {"job_order_number": "JO-2025-001", "wage_amount": 1200, "wage_currency": "QAR"})
    assert same["wage_conversion"] is None


def test_job_offer_check_expired_and_unknown_employer(client: Client, reg: dict[str, Any]) -> None:
    exp = post(client, {"job_order_number": "JO-2023-077"})
    assert exp["verdict"] == "warning" and exp["job_order"]["state"] == "expired"
    assert exp["agency_status"]["code"] == "suspended"
    unknown = post(client, {"employer": "Doha Sunshine Trading", "destination": "QA"})
    assert unknown["verdict"] == "not_found" and unknown["job_order"] is None
    assert "could not find the employer" in unknown["warnings"][0] and unknown["next_steps"]


@pytest.mark.parametrize(
    "body, fields",
    [
        ({}, ["employer"]),
        ({"employer": "X"}, ["destination"]),
        ({"job_order_number": "JO-2025-001", "wage_amount": "abc", "wage_currency": "QAR"}, ["wage_amount"]),
        ({"job_order_number": "JO-2025-001", "wage_amount": 1200, "wage_currency": "XYZ"}, ["wage_currency"]),
        ({"employer": "X", "destination": "ZZ"}, ["destination"]),
        ({"employer": "X", "destination": "QA", "salary": 5}, ["salary"]),
        ({"employer": ["X"], "destination": "QA"}, ["employer"]),
        ([1, 2], ["(body)"]),
    ],
)
def test_job_offer_check_bad_input_is_400_with_fields(
    client: Client, reg: dict[str, Any], body: Any, fields: list[str]
) -> None:
    d = post(client, body, status=400)
    assert [e["field"] for e in d["errors"]] == fields
    assert all(e["message"] for e in d["errors"])


def test_job_offer_check_rejects_broken_json(client: Client, reg: dict[str, Any]) -> None:
    d = post(client, b"{not json", status=400)
    assert d["errors"][0]["field"] == "(body)" and "not valid JSON" in d["errors"][0]["message"]


# ---------------------------------------------------------------------------------------------- register downloads
def _body(r: Any) -> str:
    return b"".join(r.streaming_content).decode("utf-8")


def test_register_csv(client: Client, reg: dict[str, Any]) -> None:
    r = client.get("/api/v1/register.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert r["Content-Disposition"].startswith('attachment; filename="fairrecruit-register-')
    rows = list(csv.DictReader(io.StringIO(_body(r))))
    assert len(rows) == Licence.objects.count() == 8
    by_id = {row["identifier"]: row for row in rows}
    assert set(by_id) == {
        "NP-DOFE-1001",
        "NP-DOFE-1002",
        "NP-DOFE-1003",
        "NP-DOFE-1004",
        "NP-DOFE-1005",
        "NP-DOFE-1006",
        "NP-DOFE-1007",
        "PH-DMW-0042",
    }
    h = by_id["NP-DOFE-1001"]
    assert (h["licence_number"], h["status"], h["regulator_identifier"]) == ("1001/2019", "active", "NP-DOFE")
    assert h["phones"] == "+977 1 4412345"
    e = by_id["NP-DOFE-1003"]
    assert (e["status_listed"], e["status"], e["status_since"]) == ("active", "expired", e["valid_until"])
    assert by_id["NP-DOFE-1002"]["aliases"] == "अल नूर म्यानपावर"
    assert "FR-R-1" not in by_id and "FR-R-2" not in by_id  # no licence, not in the register


def test_register_json_and_merged_licence_holders(client: Client, reg: dict[str, Any]) -> None:
    Licence.objects.create(
        actor=reg["duplicate"], regulator=reg["dofe"], number="77/2010", number_std="772010", status="expired"
    )
    r = client.get("/api/v1/register.json")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    d = json.loads(_body(r))
    assert d["fields"][0] == "identifier" and len(d["licences"]) == 9
    old = next(x for x in d["licences"] if x["licence_number"] == "77/2010")
    assert old["identifier"] == "NP-DOFE-1001"  # shown on the organisation it was merged into
    banned = next(x for x in d["licences"] if x["identifier"] == "NP-DOFE-1004")
    assert banned["status"] == "banned" and banned["status_since"]


def test_register_csv_neutralises_spreadsheet_formulas(client: Client, reg: dict[str, Any]) -> None:
    Actor.objects.filter(pk=reg["gorkha"].pk).update(name='=HYPERLINK("http://x")', phones=["+977 1 5550000"])
    rows = list(csv.DictReader(io.StringIO(_body(client.get("/api/v1/register.csv")))))
    g = next(row for row in rows if row["identifier"] == "NP-DOFE-1006")
    assert g["name"] == '\'=HYPERLINK("http://x")' and g["phones"] == "+977 1 5550000"


def test_endpoints_are_documented_in_openapi(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    for path, method in [
        ("/api/v1/organisations", "get"),
        ("/api/v1/organisations/{identifier}", "get"),
        ("/api/v1/licences", "get"),
        ("/api/v1/job-orders", "get"),
        ("/api/v1/job-offers/check", "post"),
        ("/api/v1/register.csv", "get"),
        ("/api/v1/register.json", "get"),
    ]:
        op = spec["paths"][path][method]
        assert op["summary"] and len(op.get("description", "")) > 80, path
    body = spec["paths"]["/api/v1/job-offers/check"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    assert {"job_order_number", "employer", "destination", "wage_amount", "wage_currency"} <= set(
        body["properties"]
    )


def test_job_offer_check_with_the_workers_country_and_domestic_work(client: Client, reg: dict[str, Any]) -> None:
    got = post(client, {"employer": "Riyadh Family Household", "destination": "SA", "origin": "ph",
                        "domestic_work": True, "wage_amount": 250, "wage_currency": "USD"})
    assert any("400 USD a month" in w for w in got["warnings"])
    plain = post(client, {"employer": "Riyadh Family Household", "destination": "SA", "origin": "PH",
                          "domestic_work": False, "wage_amount": 250, "wage_currency": "USD"})
    assert not any("400 USD" in w for w in plain["warnings"])
