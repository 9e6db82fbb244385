"""Registry search: typo-tolerant names in any script, exact licence, phone and identifier look-ups, merged records
resolving to their survivor, and the trigram index staying in sync with the actors table.

``build_registry`` is also used by the page and API tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from fairrecruit.registry import search
from fairrecruit.registry.models import (
    Actor,
    ActorKind,
    ImportFile,
    JobOrder,
    Licence,
    LicenceStatus,
    RelationshipKind,
)
from fairrecruit.registry.names import licence_keys, standardise_licence
from fairrecruit.registry.services import (
    actor_create,
    actor_refresh_search,
    licence_status_record,
    relationship_create,
)

pytestmark = pytest.mark.django_db


def _licence(
    actor: Actor,
    regulator: Actor,
    number: str,
    history: list[tuple[str, dt.date, dt.date | None, str]],
    source: ImportFile | None = None,
    row: int | None = None,
) -> Licence:
    first_status, first_day, first_until, _reason = history[0]
    lic = Licence.objects.create(
        actor=actor,
        regulator=regulator,
        number=number,
        number_std=standardise_licence(number),
        status=first_status,
        valid_from=first_day,
        valid_until=first_until,
        source_file=source,
        source_row=row,
    )
    for i, (status, day, until, reason) in enumerate(history):
        licence_status_record(
            actor_user=None,
            licence=lic,
            status=status,
            effective_date=day,
            valid_until=until,
            reason=reason,
            source_file=source,
            source_row=(row + i) if row else None,
            source_note="" if source else "regulator's notice",
        )
    actor_refresh_search(actor)
    return lic


def build_registry() -> dict[str, Any]:
    """A small registry with every status a worker can meet. Dates are relative to today."""
    today = timezone.localdate()
    y = dt.timedelta(days=365)
    src = ImportFile.objects.create(
        filename="dofe-licences-2025-06.csv",
        sha256="0" * 64,
        mapping="np_dofe",
        regulator_code="NP-DOFE",
        status=ImportFile.Status.IMPORTED,
    )
    mk = actor_create
    dofe = mk(
        actor_user=None,
        name="Department of Foreign Employment",
        kind=ActorKind.REGULATOR,
        identifier="NP-DOFE",
        country="NP",
    )
    dmw = mk(
        actor_user=None,
        name="Department of Migrant Workers",
        kind=ActorKind.REGULATOR,
        identifier="PH-DMW",
        country="PH",
    )
    r: dict[str, Any] = {"today": today, "dofe": dofe, "dmw": dmw, "src": src}
    r["himalayan"] = mk(
        actor_user=None,
        name="Himalayan Overseas Pvt. Ltd.",
        kind=ActorKind.LICENSED_AGENCY,
        identifier="NP-DOFE-1001",
        country="NP",
        city="Kathmandu",
        phones=["+977 1 4412345"],
        source_file=src,
        source_row=2,
    )
    r["himalayan_lic"] = _licence(
        r["himalayan"],
        dofe,
        "1001/2019",
        [("active", today - 3 * y, today + y // 2, "licence issued")],
        src,
        2,
    )
    r["alnoor"] = mk(
        actor_user=None,
        name="Al-Noor Manpower Services",
        kind=ActorKind.LICENSED_AGENCY,
        identifier="NP-DOFE-1002",
        country="NP",
        aliases=["अल नूर म्यानपावर"],
    )
    r["alnoor_lic"] = _licence(
        r["alnoor"],
        dofe,
        "1002/2018",
        [
            ("active", today - 4 * y, today + y, "licence issued"),
            ("suspended", today - dt.timedelta(days=40), today + y, "charged workers above the fee cap"),
        ],
        src,
        10,
    )
    r["everest"] = mk(
        actor_user=None,
        name="Everest Job Placement",
        kind=ActorKind.LICENSED_AGENCY,
        identifier="NP-DOFE-1003",
        country="NP",
    )
    r["everest_lic"] = _licence(
        r["everest"],
        dofe,
        "1003/2020",
        [("active", today - 2 * y, today - dt.timedelta(days=10), "licence issued")],
        src,
        20,
    )
    for key, name, ident, status in [
        ("sagarmatha", "Sagarmatha Human Resource Pvt Ltd", "NP-DOFE-1004", LicenceStatus.BANNED),
        ("lumbini", "Lumbini Overseas Employment", "NP-DOFE-1005", LicenceStatus.REVOKED),
        ("gorkha", "Gorkha Manpower Company", "NP-DOFE-1006", LicenceStatus.CANCELLED),
        ("janaki", "Janaki Employment Service", "NP-DOFE-1007", LicenceStatus.EXPIRED),
    ]:
        r[key] = mk(
            actor_user=None, name=name, kind=ActorKind.LICENSED_AGENCY, identifier=ident, country="NP"
        )
        r[f"{key}_lic"] = _licence(
            r[key],
            dofe,
            f"{ident[-4:]}/2017",
            [
                ("active", today - 5 * y, today + y, "licence issued"),
                (status, today - dt.timedelta(days=100), today + y, f"{status} by the regulator"),
            ],
        )
    r["bayanihan"] = mk(
        actor_user=None,
        name="Bayanihan Placement Agency Inc.",
        kind=ActorKind.LICENSED_AGENCY,
        identifier="PH-DMW-0042",
        country="PH",
        phones=["(02) 8123 4567"],
    )
    r["bayanihan_lic"] = _licence(
        r["bayanihan"], dmw, "POEA-042-LB", [("active", today - y, today + 2 * y, "licence issued")]
    )
    r["branch"] = mk(
        actor_user=None,
        name="Himalayan Overseas Pokhara Branch",
        kind=ActorKind.BRANCH,
        identifier="NP-DOFE-1001-B1",
        country="NP",
        city="Pokhara",
    )
    relationship_create(
        actor_user=None, source=r["branch"], target=r["himalayan"], kind=RelationshipKind.BRANCH_OF
    )
    r["ram"] = mk(
        actor_user=None,
        name="राम बहादुर थापा",
        kind=ActorKind.SUB_AGENT,
        identifier="FR-R-1",
        country="NP",
        phones=["9841234567"],
    )
    relationship_create(
        actor_user=None,
        source=r["ram"],
        target=r["himalayan"],
        kind=RelationshipKind.WORKS_FOR,
        start=today - y,
        source_note="worker report",
    )
    r["fb"] = mk(
        actor_user=None,
        name="Dubai Jobs Fast Visa Agent",
        kind=ActorKind.REPORTED,
        identifier="FR-R-2",
        social_handles=["facebook.com/dubaijobsfast"],
    )
    r["duplicate"] = mk(
        actor_user=None,
        name="Himalayan Overseas Private Limited",
        kind=ActorKind.LICENSED_AGENCY,
        identifier="NP-OLD-77",
        country="NP",
        phones=["01-4412345"],
    )
    Actor.objects.filter(pk=r["duplicate"].pk).update(merged_into=r["himalayan"])
    r["qbc"] = mk(
        actor_user=None,
        name="Qatar Building Company W.L.L.",
        kind=ActorKind.EMPLOYER,
        identifier="QA-MOL-E-501",
        country="QA",
    )
    r["rayyan"] = mk(
        actor_user=None,
        name="Al Rayyan Cleaning Services",
        kind=ActorKind.EMPLOYER,
        identifier="QA-MOL-E-502",
        country="QA",
    )
    relationship_create(
        actor_user=None, source=r["qbc"], target=r["himalayan"], kind=RelationshipKind.RECRUITS_THROUGH
    )
    r["jo"] = JobOrder.objects.create(
        number="JO-2025-001",
        employer=r["qbc"],
        agency=r["himalayan"],
        approved_by=dofe,
        destination="QA",
        occupation="Construction labourer",
        isco08="9313",
        positions=40,
        wage_amount=Decimal("1200"),
        wage_currency="QAR",
        valid_from=today - dt.timedelta(days=30),
        valid_until=today + dt.timedelta(days=100),
        source_note="DoFE approved demand letters",
    )
    r["jo_expired"] = JobOrder.objects.create(
        number="JO-2023-077",
        employer=r["rayyan"],
        agency=r["alnoor"],
        approved_by=dofe,
        destination="QA",
        occupation="Cleaner",
        positions=10,
        wage_amount=Decimal("1000"),
        wage_currency="QAR",
        valid_from=today - 2 * y,
        valid_until=today - dt.timedelta(days=5),
    )
    search.clear_caches()
    return r


def ids(matches: list[search.Match]) -> list[int]:
    return [m.actor_id for m in matches]


# ---------------------------------------------------------------------------------------------- names
def test_typos_find_the_agency() -> None:
    r = build_registry()
    for typed in [
        "Himalyan Oversees",
        "himalayan overseas",
        "HIMALAYAN OVERSEAS PVT LTD",
        "Himalayn Overseas",
    ]:
        found = search.search(typed)
        assert found, typed
        assert found[0].actor_id == r["himalayan"].pk, (typed, found[:3])
        assert found[0].how == "name"


def test_name_search_ranks_the_closest_name_first_and_drops_unrelated() -> None:
    r = build_registry()
    found = search.search("Himalayan Overseas")
    assert ids(found)[:2] == [r["himalayan"].pk, r["branch"].pk]
    assert r["bayanihan"].pk not in ids(found)
    assert search.search("Xqzvw Plorkt") == []


def test_latin_query_finds_devanagari_name_and_alias() -> None:
    r = build_registry()
    assert search.search("Ram Bahadur Thapa")[0].actor_id == r["ram"].pk  # only written as राम बहादुर थापा
    top = search.search("Al Nur Manpower")[0]
    assert top.actor_id == r["alnoor"].pk


def test_devanagari_query_finds_latin_name() -> None:
    r = build_registry()
    assert search.search("हिमालयन ओभरसिज")[0].actor_id == r["himalayan"].pk
    assert search.search("अल नूर म्यानपावर")[0].actor_id == r["alnoor"].pk


def test_country_and_kind_filters() -> None:
    r = build_registry()
    assert ids(search.search("Himalayan Overseas", kind=ActorKind.BRANCH)) == [r["branch"].pk]
    assert search.search("Himalayan Overseas", country="PH") == []
    assert ids(search.search("Bayanihan", country="ph")) == [r["bayanihan"].pk]


# ---------------------------------------------------------------------------------------------- exact look-ups
@pytest.mark.parametrize("typed", ["1001/2019", "Lic. No. 1001-2019", "10012019"])
def test_licence_number_lookup_is_standardised(typed: str) -> None:
    r = build_registry()
    found = search.search(typed)
    assert [(m.actor_id, m.how, m.matched) for m in found] == [(r["himalayan"].pk, "licence", "1001/2019")]


@pytest.mark.parametrize(
    "typed, keys",
    [
        ("Lic. No. 123/2019", ["licno1232019", "1232019"]),  # standardise_licence keeps the words; the look-up not
        ("License number: 777/070/71", ["licensenumber77707071", "77707071"]),
        ("POEA-123-LB", ["poea123lb"]),
        ("123/2019", ["1232019"]),
        ("", []),
    ],
)
def test_licence_keys_are_the_number_with_and_without_words_in_front(typed: str, keys: list[str]) -> None:
    assert licence_keys(typed) == keys and (not keys or keys[0] == standardise_licence(typed))


def test_licence_number_with_letters() -> None:
    r = build_registry()
    assert ids(search.search("poea 042 lb")) == [r["bayanihan"].pk]


@pytest.mark.parametrize("typed", ["+977 1 4412345", "01-4412345", "4412345", "00977 14412345"])
def test_phone_lookup_matches_on_the_last_digits(typed: str) -> None:
    r = build_registry()
    found = search.search(typed)
    # the merged duplicate has the same number: it resolves to the survivor, shown once
    assert [(m.actor_id, m.how) for m in found] == [(r["himalayan"].pk, "phone")]


def test_phone_lookup_needs_seven_digits_and_the_same_ending() -> None:
    r = build_registry()
    assert search.search("+977 98 4123 4567")[0].actor_id == r["ram"].pk
    assert search.search("9779999412345") == []  # same last 6 digits only
    assert search.search("12345") == []  # too short to be a phone (and no such licence)
    assert search.phones_match("9841234567", "9779841234567")
    assert not search.phones_match("123456", "977123456")


@pytest.mark.parametrize(
    "typed",
    ["facebook.com/dubaijobsfast", "https://www.facebook.com/dubaijobsfast/", "www.facebook.com/DubaiJobsFast",
     "m.facebook.com/dubaijobsfast?mibextid=ZbWKwL", "fb.com/dubaijobsfast", "@dubaijobsfast"],
)
def test_a_social_media_account_is_found_however_it_is_typed(typed: str) -> None:
    r = build_registry()
    found = search.search(typed)
    assert [(m.actor_id, m.how, m.matched) for m in found] == [(r["fb"].pk, "handle", "facebook.com/dubaijobsfast")]


def test_websites_whatsapp_and_accounts_of_a_broker_are_found_but_not_another_networks_account() -> None:
    build_registry()
    broker = actor_create(
        actor_user=None, name="Aakash Sharma", kind=ActorKind.INDIVIDUAL_BROKER, country="NP",
        websites=["https://www.gulfjobsnepal.com.np/", "mailto:aakash.jobs@gmail.com"],  # as imports keep e-mails
        social_handles=["tiktok.com/@aakash374", "https://wa.me/9779812300001"],
    )

    def found(typed: str) -> list[tuple[int, str, str]]:
        return [(m.actor_id, m.how, m.matched) for m in search.search(typed)]

    site = (broker.pk, "handle", "https://www.gulfjobsnepal.com.np/")
    assert found("gulfjobsnepal.com.np") == found("http://gulfjobsnepal.com.np/contact-us") == [site]
    assert found("Aakash.Jobs@gmail.com") == [(broker.pk, "handle", "mailto:aakash.jobs@gmail.com")]
    assert found("@aakash374") == found("https://www.tiktok.com/@aakash374") == [
        (broker.pk, "handle", "tiktok.com/@aakash374")]
    whatsapp = [(broker.pk, "phone", "https://wa.me/9779812300001")]
    assert found("098123 00001") == found("api.whatsapp.com/send?phone=9779812300001") == whatsapp
    assert found("facebook.com/aakash374") == []  # the same name on another network is someone else
    assert found("gmail.com") == found("tiktok.com") == []
    # the name search scores names only: a website or account is not an alias
    assert all(m.how == "name" and "." not in m.matched for m in search.search("Aakash Sharma"))


def test_search_text_of_actors_saved_before_handles_were_searchable_is_refreshed_by_the_migration() -> None:
    from importlib import import_module

    from django.apps import apps

    r = build_registry()
    Actor.objects.filter(pk=r["fb"].pk).update(search_text="dubai jobs fast visa agent")  # as it was stored
    assert search.search("facebook.com/dubaijobsfast") == []
    import_module("fairrecruit.registry.migrations.0004_search_text_handles").refresh_search_text(apps, None)
    assert [(m.actor_id, m.how) for m in search.search("facebook.com/dubaijobsfast")] == [(r["fb"].pk, "handle")]


def test_identifier_lookup_ignores_case() -> None:
    r = build_registry()
    found = search.search("np-dofe-1003")
    assert [(m.actor_id, m.how, m.score) for m in found] == [(r["everest"].pk, "identifier", 100.0)]


# ---------------------------------------------------------------------------------------------- merged records
def test_merged_record_resolves_to_survivor() -> None:
    r = build_registry()
    by_id = search.search("NP-OLD-77")
    assert [(m.actor_id, m.via_id) for m in by_id] == [(r["himalayan"].pk, r["duplicate"].pk)]
    by_name = search.search("Himalayan Overseas Private Limited")
    assert ids(by_name).count(r["himalayan"].pk) == 1
    assert r["duplicate"].pk not in ids(by_name)
    assert by_name[0].actor_id == r["himalayan"].pk


def test_merge_chains_resolve_to_the_last_survivor() -> None:
    r = build_registry()
    newer = actor_create(
        actor_user=None,
        name="Himalayan Overseas (new record)",
        kind=ActorKind.LICENSED_AGENCY,
        identifier="NP-NEW-1",
    )
    Actor.objects.filter(pk=r["himalayan"].pk).update(merged_into=newer)
    assert search.resolve_survivors([r["duplicate"].pk]) == {r["duplicate"].pk: newer.pk}
    assert ids(search.search("NP-OLD-77")) == [newer.pk]


# ---------------------------------------------------------------------------------------------- index upkeep
def test_index_follows_inserts_renames_and_deletes() -> None:
    r = build_registry()
    a = actor_create(
        actor_user=None,
        name="Kantipur Skills Recruiting",
        kind=ActorKind.LICENSED_AGENCY,
        identifier="NP-DOFE-2001",
    )
    assert ids(search.search("Kantipur Skils"))[:1] == [a.pk]
    a.name = "Swastik Talent Bridge"
    a.save()
    actor_refresh_search(a)
    assert a.pk not in ids(search.search("Kantipur Skills"))
    assert ids(search.search("Swastik Talent"))[:1] == [a.pk]
    a.delete()
    assert search.search("Swastik Talent") == []
    assert search.search("Himalyan Oversees")[0].actor_id == r["himalayan"].pk


def test_an_actor_added_after_a_search_that_found_nothing_is_found_at_once() -> None:
    """A worker checks a broker no register knows; another names him in a complaint (a reported actor is made);
    a third checks again a minute later and must find him. (SQLite caches trigram counts for ten minutes: a count
    of 0 cached by the first search used to leave the name's trigrams out of the second.)"""
    build_registry()
    assert search.search("Zhangmu Kodari Placement") == []
    late = actor_create(actor_user=None, name="Zhangmu Kodari Placement", kind=ActorKind.REPORTED,
                        identifier="FR-R-7001", city="Butwal")
    assert ids(search.search("Zhangmu Kodari Placement"))[:1] == [late.pk]
    assert ids(search.search("Zangmu Kodari"))[:1] == [late.pk]  # typo-tolerant too


@pytest.mark.sqlite_only
def test_sqlite_index_is_rebuilt_when_a_migration_dropped_its_triggers() -> None:
    build_registry()
    with connection.cursor() as cur:
        for t in search.SQLITE_TRIGGERS:
            cur.execute(f"DROP TRIGGER {t}")
    late = actor_create(
        actor_user=None,
        name="Machhapuchhre Careers",
        kind=ActorKind.LICENSED_AGENCY,
        identifier="NP-DOFE-3001",
    )
    assert search.ensure_search_index(force=True)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND name LIKE 'registry_actor_fts_%'"
        )
        assert cur.fetchone()[0] == 3
    assert ids(search.search("Machapuchre Careers"))[:1] == [late.pk]


@pytest.mark.sqlite_only
def test_post_migrate_hook_puts_the_triggers_back() -> None:
    build_registry()
    assert search.search("Himalayan Overseas")  # the index was checked a moment ago: no check for a minute
    with connection.cursor() as cur:
        cur.execute("DROP TRIGGER registry_actor_fts_ai")
    search.on_post_migrate(using="default")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM sqlite_master WHERE name = 'registry_actor_fts_ai'")
        assert cur.fetchone()[0] == 1
    late = actor_create(
        actor_user=None,
        name="Annapurna Talent Link",
        kind=ActorKind.LICENSED_AGENCY,
        identifier="NP-DOFE-3002",
    )
    assert ids(search.search("Anapurna Talent Link"))[:1] == [late.pk]


@pytest.mark.sqlite_only
def test_sqlite_index_holds_exactly_the_actors() -> None:
    build_registry()
    with connection.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {search.FTS_TABLE}")
        assert cur.fetchone()[0] == Actor.objects.count()
        cur.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('integrity-check')")


def test_word_trigrams_pad_each_word() -> None:
    assert search.word_trigrams(["noor"]) == [" no", "noo", "oor", "or "]
    assert search.core_words("himalyan oversees pvt ltd") == ["himalyan"]
    assert search.core_words("overseas pvt ltd") == ["overseas", "pvt", "ltd"]  # nothing but generic words
    assert search.skeleton("himalyn") == search.skeleton("himalayan") == "hmln"
