# mypy: disable-error-code="union-attr,arg-type,operator,index"
"""The synthetic registry generator: deterministic for a seed, with everything the demo and the benchmarks need."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from fairrecruit.core.models import AuditEvent
from fairrecruit.registry.generate import (
    DESTINATIONS,
    ORIGINS,
    REFERENCE_DATE,
    REGULATORS,
    generate_registry,
    iter_linkage_records,
    load_into_db,
    to_script,
)
from fairrecruit.registry.models import Actor, Alias, JobOrder, Licence, LicenceStatusChange, Relationship


@pytest.fixture(scope="module")
def registry():
    return generate_registry(400, seed=5)


def test_same_seed_same_registry_other_seed_other_registry() -> None:
    a, b = generate_registry(60, seed=3), generate_registry(60, seed=3)
    assert list(a.records()) == list(b.records())
    assert a.relationships == b.relationships and a.job_orders == b.job_orders
    assert [x.licence for x in a.actors] == [x.licence for x in b.actors]
    assert list(generate_registry(60, seed=4).records()) != list(a.records())


def test_a_registry_as_of_another_day_has_the_same_shape_with_every_date_moved() -> None:
    base, later = generate_registry(60, seed=3), generate_registry(60, seed=3, as_of=dt.date(2026, 11, 27))
    days = dt.date(2026, 11, 27) - REFERENCE_DATE
    assert list(base.records()) == list(later.records())  # names, phones, licence numbers: the same actors

    def dates(reg):  # every date of the registry, in order
        for a in [*reg.regulators, *reg.actors]:
            if a.licence:
                yield a.licence.valid_from
                yield from (d for h in a.licence.history for d in (h.effective_date, h.valid_until) if d)
        yield from (r.start for r in reg.relationships)
        yield from (d for j in reg.job_orders for d in (j.valid_from, j.valid_until))

    assert [d + days for d in dates(base)] == list(dates(later))
    for jo in later.job_orders:
        assert f"-JO-{jo.valid_from.year}-" in jo.number
    assert len({jo.number for jo in later.job_orders}) == len(later.job_orders)
    assert generate_registry(60, seed=3, as_of=REFERENCE_DATE).job_orders == base.job_orders


@pytest.mark.django_db
def test_the_demo_registry_as_of_today_is_current_today(client) -> None:
    """Loaded as of today, the demo has licences running and job orders valid today: "Check a job offer" on one
    does not say "expired" (the reference day's job orders had all expired a year later)."""
    call_command("registry_demo", "--agencies", "40", "--seed", "6", "--no-link", "--as-of", "today",
                 stdout=StringIO())
    today = timezone.localdate()
    active = Licence.objects.filter(status="active")
    assert active.exists() and not active.filter(valid_until__lt=today).exists()
    valid = JobOrder.objects.filter(valid_from__lte=today, valid_until__gte=today)
    jo = valid.order_by("number").first()  # about one in five, as on the reference day
    assert jo is not None
    text = client.get("/verify/job-offer/", {"job_order_number": jo.number}).content.decode()
    assert jo.number in text and "This job order expired" not in text


def test_agencies_in_every_origin_country_with_register_identifiers(registry) -> None:
    agencies = [a for a in registry.actors if a.kind == "licensed_agency" and a.source == "register"]
    assert len(agencies) == 400
    assert set(a.country for a in agencies) == set(ORIGINS)
    for a in agencies:
        assert re.fullmatch(rf"{REGULATORS[a.country][0]}-\d+", a.identifier), a.identifier
        assert a.licence is not None and a.licence.regulator == REGULATORS[a.country][0]
        assert a.phones and a.city and a.address
    identifiers = [a.identifier for a in [*registry.regulators, *registry.actors]]
    assert len(identifiers) == len(set(identifiers))
    by_country = {a.country: a.licence.number for a in agencies if a.licence}
    assert re.fullmatch(r"\d+/\d{3}/\d{3}", by_country["NP"])
    assert by_country["PH"].startswith("DMW-") and by_country["BD"].startswith("RL-")
    assert "/PART/" in by_country["IN"] and by_country["LK"].startswith("SLBFE/RA/")
    assert by_country["VN"].endswith("/LĐTBXH-GP") and by_country["ID"].startswith("KEP.")


def test_names_look_like_agency_names(registry) -> None:
    names = [a.name for a in registry.actors if a.kind == "licensed_agency" and a.source == "register"]
    np_names = [
        a.name
        for a in registry.actors
        if a.source == "register" and a.country == "NP" and a.kind == "licensed_agency"
    ]
    assert any(n.endswith("Pvt. Ltd.") for n in np_names)
    assert any(n.startswith("PT ") for n in names) and any(n.startswith("Công ty ") for n in names)
    assert len(set(names)) == len(names)


def test_phones_in_national_formats(registry) -> None:
    phones = [p for a in registry.actors if a.country == "NP" for p in a.phones]
    assert any(p.startswith("+977") for p in phones)
    assert any(p.startswith("0") or re.fullmatch(r"9\d{9}", p) for p in phones)
    assert all(re.fullmatch(r"[+\d(][\d \-()]+", p) for a in registry.actors for p in a.phones)


def test_licence_histories_cover_every_status_and_are_ordered(registry) -> None:
    licences = [a.licence for a in registry.actors if a.licence]
    statuses = Counter(lic.status for lic in licences)
    assert {"active", "suspended", "expired", "revoked", "banned", "cancelled"} <= set(statuses)
    assert statuses["active"] > len(licences) / 2
    for lic in licences:
        dates = [h.effective_date for h in lic.history]
        assert dates == sorted(dates) and dates[-1] <= REFERENCE_DATE
        assert lic.history[0].reason
        if lic.status == "active":
            assert lic.valid_until and lic.valid_until > REFERENCE_DATE
    assert any(len(lic.history) > 3 for lic in licences)
    assert any(any(h.status == "suspended" for h in lic.history[:-1]) for lic in licences)


def test_sub_agents_brokers_destination_side_and_job_orders(registry) -> None:
    kinds = Counter(a.kind for a in registry.actors)
    assert kinds["sub_agent"] > 100 and kinds["individual_broker"] > 50
    assert kinds["destination_agency"] and kinds["employer"]
    assert {a.country for a in registry.actors if a.kind in ("destination_agency", "employer")} == set(
        DESTINATIONS
    )
    ident = {a.identifier: a for a in registry.actors}
    works_for = [r for r in registry.relationships if r.kind == "works_for"]
    assert works_for and all(ident[r.target].kind == "licensed_agency" for r in works_for)
    assert {r.kind for r in registry.relationships} == {"works_for", "partners_with", "recruits_through"}
    regulators = {r.identifier for r in registry.regulators}
    assert registry.job_orders
    for jo in registry.job_orders:
        assert jo.valid_until > jo.valid_from and jo.positions > 0 and jo.wage_amount > 0
        assert jo.approved_by in regulators and ident[jo.employer].country == jo.destination
        assert jo.wage_currency == {"QA": "QAR", "AE": "AED", "SA": "SAR", "MY": "MYR"}[jo.destination]
        assert re.fullmatch(r"\d{4}", jo.isco08)


def test_duplicates_share_the_truth_and_vary(registry) -> None:
    dups = [a for a in registry.actors if a.duplicate_of]
    originals = {a.key: a for a in registry.actors}
    assert 0.15 < len(dups) / len(registry.actors) < 0.5
    assert all(d.cluster_id == originals[d.duplicate_of].cluster_id for d in dups)
    assert all(d.identifier != originals[d.duplicate_of].identifier for d in dups)
    sources = Counter(d.source for d in dups)
    assert sources["worker_report"] and sources["directory"] and sources["legacy_register"]
    assert any(d.name != originals[d.duplicate_of].name for d in dups)
    assert any(re.search(r"[\u0900-\u097f]", d.name) for d in dups)  # Devanagari
    assert any(re.search(r"[\u0980-\u09ff]", d.name) for d in dups)  # Bengali
    assert any(not d.phones for d in dups) and any(not d.city for d in dups)
    reported = [d for d in dups if d.source == "worker_report"]
    assert all(d.identifier.startswith("FR-R-") for d in reported)
    legacy = [d for d in dups if d.source == "legacy_register"]
    assert all(d.licence and d.licence.regulator in ("PH-POEA", "ID-BP2MI") for d in legacy)
    assert not any(a.duplicate_of for a in generate_registry(50, seed=1, duplicate_rate=0).actors)


def test_transliteration_reads_back_close_to_latin() -> None:
    from fairrecruit.registry.linkage import skeleton
    from fairrecruit.registry.names import transliterate

    deva = to_script("Golden Crest Overseas Pvt. Ltd.", "deva")
    assert re.search(r"[\u0900-\u097f]", deva) and "ओभरसिज" in deva
    assert [skeleton(w) for w in transliterate(deva).lower().split()[:2]] == ["gldn", "krst"]
    assert re.search(r"[\u0980-\u09ff]", to_script("Padma Overseas Ltd.", "beng"))


def test_flat_records_for_benchmarks() -> None:
    records = list(iter_linkage_records(2000, seed=9))
    assert len(records) == 2000
    assert {"unique_id", "cluster_id", "name", "country", "phones", "licence_number"} <= set(records[0])
    assert len({r["unique_id"] for r in records}) == 2000
    assert len({r["cluster_id"] for r in records}) < 2000


@pytest.mark.django_db
def test_load_into_db_writes_everything_once() -> None:
    reg = generate_registry(40, seed=2)
    counts = load_into_db(reg)
    assert counts["actors"] == len(reg.actors) + len(reg.regulators) == Actor.objects.count()
    assert Licence.objects.count() == sum(a.licence is not None for a in reg.actors)
    assert LicenceStatusChange.objects.count() == sum(len(a.licence.history) for a in reg.actors if a.licence)
    assert Relationship.objects.count() == len(reg.relationships)
    assert JobOrder.objects.count() == len(reg.job_orders)
    assert Alias.objects.count() == counts["aliases"]
    lic = Licence.objects.filter(history__isnull=False).first()
    assert lic is not None and lic.status == lic.history.order_by("effective_date", "id").last().status
    agency = Actor.objects.get(identifier=reg.actors[0].identifier)
    assert agency.name_std and agency.search_text and agency.licences.exists()
    assert AuditEvent.objects.filter(action="registry.generated_load").count() == 1
    again = load_into_db(reg)
    assert not any(again.values())
    assert Actor.objects.count() == counts["actors"]
    assert AuditEvent.objects.filter(action="registry.generated_load").count() == 1
