"""The evidence API under /api/v1/."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fairrecruit.evidence import services
from fairrecruit.evidence.models import Survey

pytestmark = pytest.mark.django_db


def test_corridors_and_profile(client: Client, stored_survey: Survey, settings: Any) -> None:
    rows = client.get("/api/v1/corridors").json()
    np_qa = next(r for r in rows if r["code"] == "NP-QA")
    assert np_qa["survey_n"] > 0 and np_qa["median"] > 0 and np_qa["url"] == "http://testserver/corridors/NP-QA/"
    settings.FAIRRECRUIT_PUBLIC_URL = "https://fairrecruit.example"  # links on the public address, not the request's
    rows = client.get("/api/v1/corridors").json()
    assert next(r for r in rows if r["code"] == "NP-QA")["url"] == "https://fairrecruit.example/corridors/NP-QA/"
    p = client.get("/api/v1/corridors/NP-QA").json()
    assert p["synthetic_data"] is True and p["definition"]["indicator"] == "SDG 10.7.1"
    overall = [s for s in p["survey_statistics"] if s["by"] == "all"]
    assert {s["zero_costs"] for s in overall} == {"include", "exclude"}
    assert any(r["id"] == "law-np" and r["found"] for r in p["rules"])
    assert client.get("/api/v1/corridors/NEPAL").status_code == 404


def test_releases_and_knowledge(client: Client, people: dict[str, Any]) -> None:
    r = services.release_create(actor=people["staff"], title="API release", records=[])
    rel = client.get("/api/v1/releases").json()
    assert rel[0]["slug"] == r.slug and rel[0]["datapackage"].endswith("datapackage.json")
    p = services.product_submit(
        actor=people["author"],
        kind="dataset",
        title="Fees dataset",
        summary="s",
        release_obj=r,
        gcm_numbers=[6],
        corridors=["NP-QA"],
        partners=[services.PartnerRole("Stats Office", "data_provider", "government")],
    )
    assert client.get("/api/v1/knowledge").json() == []
    for who in ("res1", "res2", "staff"):
        services.product_review(actor=people[who], product=p, decision="approve")
    services.product_publish(actor=people["staff"], product=p)
    found = client.get("/api/v1/knowledge", {"gcm": "6"}).json()
    assert found[0]["title"] == "Fees dataset" and found[0]["data"]["release"] == r.slug
    assert found[0]["gcm_objectives"] == [6] and found[0]["partners"][0]["role"] == "data_provider"
