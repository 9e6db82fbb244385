"""Open-data releases: cells below k are suppressed, every quasi-identifier combination is shared by k records,
and an intruder who knows a worker's corridor, year, sex, occupation and exact fee cannot single them out."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from fairrecruit.core.models import AuditEvent
from fairrecruit.evidence import disclosure, services
from fairrecruit.evidence.models import Release
from fairrecruit.jobs.services import run_pending


def records(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        paid = round(rng.lognormvariate(7, 0.8), 2)
        out.append(
            {
                "year": rng.choice([2019, 2020, 2021]),
                "origin": rng.choice(["NP", "BD"]),
                "destination": rng.choice(["QA", "SA", "MY"]),
                "sex": rng.choice(["F", "M", "M"]),
                "isco08": rng.choice(["9313", "7112", "5322", "8322"]),
                "paid_usd": paid,
                "owed_usd": paid,
                "months": paid / rng.uniform(300, 600),
            }
        )
    return out


def with_a_unique_worker(n: int = 300) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    recs = records(n, 1)
    unique = {
        "year": 2021,
        "origin": "LK",
        "destination": "QA",
        "sex": "F",
        "isco08": "9111",
        "paid_usd": 3456.78,
        "owed_usd": 3456.78,
        "months": 3456.78 / 410,
    }
    recs.append(unique)
    # a few workers of the same corridor, so the unique one could hide among them only by recoding
    for k in range(4):
        recs.append(
            {
                "year": 2020 - k,
                "origin": "LK",
                "destination": "QA",
                "sex": "M",
                "isco08": "7112",
                "paid_usd": 900.0 + 700 * k,
                "owed_usd": 0.0,
                "months": 2.0 + k,
            }
        )
    return recs, unique


@pytest.mark.parametrize("k", [3, 5, 10])
def test_every_combination_is_shared_by_k_records(k: int) -> None:
    recs, _ = with_a_unique_worker()
    res = disclosure.protect_records(recs, disclosure.Config(k=k))
    assert disclosure.k_anonymity(res.rows) >= k
    assert res.report["smallest_class"] >= k
    assert res.report["records_in"] == len(recs)
    assert all(r["paid_usd"] is None or r["paid_usd"] % 100 == 0 for r in res.rows)
    assert set(res.rows[0]) == set(disclosure.RECORD_FIELDS)  # no id, date, name or free text


@pytest.mark.parametrize("k", [3, 5])
def test_reidentification_attempt_fails(k: int) -> None:
    recs, target = with_a_unique_worker()
    cfg = disclosure.Config(k=k)
    # before protection the worker is unique on corridor, year, sex, occupation and fee
    raw = [disclosure.generalise(r, cfg) for r in recs]
    assert len(disclosure.candidates(raw, target, cfg)) == 1
    res = disclosure.protect_records(recs, cfg)
    found = disclosure.candidates(res.rows, target, cfg)
    assert len(found) == 0 or len(found) >= k
    for known in recs:  # the same attack on every worker of the data
        n = len(disclosure.candidates(res.rows, known, cfg))
        assert n == 0 or n >= k, known


def test_summary_cells_below_k_are_suppressed() -> None:
    recs, _ = with_a_unique_worker()
    res = disclosure.summary_cells(recs, disclosure.Config(k=5))
    cells = {(r["corridor"], r["year"]): r for r in res.rows}
    lk = cells[("LK-QA", "2021")]
    assert lk["suppressed"] is True and lk["records"] is None and lk["median_months"] is None
    big = [r for r in res.rows if not r["suppressed"]]
    assert big and all(r["records"] >= 5 for r in big)
    assert res.report["cells_suppressed"] == sum(1 for r in res.rows if r["suppressed"])


@pytest.mark.django_db
def test_release_files_datapackage_and_download(client: Client, releases_root: Path) -> None:
    from fairrecruit.core.models import Role
    from fairrecruit.evidence.tests.conftest import make_user

    recs, target = with_a_unique_worker()
    staff = make_user("st", Role.STAFF)
    r = services.release_create(
        actor=staff, title="Test release", k=5, rounding=100, records=recs, notes="First test release."
    )
    assert AuditEvent.objects.filter(action="release.create", target_id=str(r.pk)).exists()
    folder = releases_root / r.slug
    pkg = json.loads((folder / "datapackage.json").read_text())
    assert pkg["profile"] == "tabular-data-package" and pkg["licenses"][0]["name"] == "CC-BY-4.0"
    for res in pkg["resources"]:
        data = (folder / res["path"]).read_bytes()
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest() and res["bytes"] == len(data)
        header = data.decode().splitlines()[0].split(",")
        assert header == [f["name"] for f in res["schema"]["fields"]]
    assert pkg["fairrecruit:disclosure_control"]["k"] == 5
    assert pkg["fairrecruit:provenance"]["sources"][0]["records"] == len(recs)
    assert "First test release." in (folder / "README.md").read_text()
    # the public pages and downloads
    assert "Test release" in client.get("/open-data/").content.decode()
    page = client.get(f"/open-data/{r.slug}/").content.decode()
    assert "k = 5" in page and "First test release." in page
    from django.utils import translation

    client.cookies["django_language"] = "ar"
    with translation.override("ar"):
        heading = translation.gettext("Disclosure control")
    assert heading != "Disclosure control"
    page_ar = client.get(f"/open-data/{r.slug}/").content.decode()
    assert f"<h2>{heading}</h2>" in page_ar and "Disclosure control" not in page_ar and "k = 5" in page_ar
    client.cookies["django_language"] = "en"
    dl = client.get(f"/open-data/{r.slug}/assessments.csv")
    body = b"".join(getattr(dl, "streaming_content", [])).decode()
    assert dl.status_code == 200 and body.startswith("corridor,year,sex,occupation")
    assert "3456" not in body and "LK-QA,2021,F,9" not in body
    assert client.get(f"/open-data/{r.slug}/{r.slug}.zip")["Content-Type"] == "application/zip"
    assert client.get(f"/open-data/{r.slug}/settings.py").status_code == 404
    assert client.get(f"/open-data/{r.slug}/..%2F..%2Fsettings.py").status_code == 404


@pytest.mark.django_db
def test_only_staff_create_releases(client: Client) -> None:
    from fairrecruit.core.models import Role
    from fairrecruit.evidence.tests.conftest import make_user

    make_user("res", Role.RESEARCHER)
    client.login(username="res", password="pw-12345678")
    assert "New release" not in client.get("/open-data/").content.decode()
    assert client.post("/open-data/new/", {"title": "x", "k": 5, "rounding": 100}).status_code == 403
    make_user("st", Role.STAFF)
    client.login(username="st", password="pw-12345678")
    assert "New release" in client.get("/open-data/").content.decode()
    token = client.get("/open-data/").content.decode().split('name="token" value="')[1].split('"')[0]
    sent = {"title": "Staff release", "k": 5, "rounding": 100, "token": token}
    r = client.post("/open-data/new/", sent)
    assert r.status_code == 303 and r["Location"].startswith("/jobs/")  # built in the background
    assert client.post("/open-data/new/", sent)["Location"] == r["Location"]  # sent again: one job, one release
    assert not Release.objects.exists()
    [job] = run_pending()
    assert job.status == "done", job.error
    release = Release.objects.get()
    assert release.title == "Staff release" and job.result["slug"] == release.slug
    assert f'href="/open-data/{release.slug}/"' in client.get(r["Location"]).content.decode()
    assert client.post("/open-data/new/", {"title": "x", "k": 1, "rounding": 100}).status_code == 400
