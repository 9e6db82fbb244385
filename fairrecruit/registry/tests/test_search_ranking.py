"""Name search ranking: the distinctive word of a name decides, not the common one.

The bug these tests pin down (docs/screenshots/verify-search.png, before the fix): the typo query
"frist shakti manpower" ranked "First Manpower Services" (a record spelt "Frist Manpower") above
"First Shakti Travels & Manpower", because a name whose core words are all in the query ('frist') scored 90 on
the set ratio whatever the query's other words ('shakti')."""

from __future__ import annotations

import pytest

from fairrecruit.registry import search
from fairrecruit.registry.models import ActorKind
from fairrecruit.registry.services import actor_create


def _ranked(query: str, texts: list[str]) -> list[str]:
    scored = search.score_texts(search.Query.parse(query), texts, min_score=0)
    return [t for (s, _), t in sorted(zip(scored, texts, strict=True), key=lambda x: -x[0][0])]


SCREENSHOT = [
    "first manpower services pvt ltd | frist manpower services pvt ltd",
    "first shakti travels manpower",
    "pt tirta sakti manpower",
    "pearl forst manpower",
    "pt sakti putri manpower",
    "shakti overseas",
]


@pytest.mark.parametrize("query", ["frist shakti manpower", "Frist Shakti", "First Shaktii", "frist shakti"])
def test_typo_query_ranks_the_name_with_the_distinctive_word_first(query: str) -> None:
    assert _ranked(query, SCREENSHOT)[0] == "first shakti travels manpower", _ranked(query, SCREENSHOT)


def test_a_name_holding_only_the_common_word_of_the_query_scores_well_below_the_right_one() -> None:
    q = search.Query.parse("frist shakti")
    wrong, right = search.score_texts(
        q, ["frist manpower services pvt ltd", "first shakti travels"], min_score=0
    )
    assert right[0] - wrong[0] >= 10, (right, wrong)


def test_part_of_a_name_still_finds_it() -> None:
    assert _ranked("shakti", SCREENSHOT)[0] == "shakti overseas"
    q = search.Query.parse("shakti")
    ((score, _),) = search.score_texts(q, ["first shakti travels manpower"], min_score=0)
    assert score >= 90


def test_generic_word_of_the_query_breaks_the_tie_between_siblings() -> None:
    texts = ["sky manpower", "sky overseas pvt ltd"]
    assert _ranked("sky overseas", texts)[0] == "sky overseas pvt ltd"
    assert _ranked("sky manpower", texts)[0] == "sky manpower"


def test_uncovered_share_weighs_words_by_length_and_allows_typos() -> None:
    assert search.uncovered_share(["frist", "shakti"], "frist") == pytest.approx(6 / 11)
    assert search.uncovered_share(["frist", "shakti"], "first shakti") == 0.0
    assert search.uncovered_share([], "anything") == 0.0


@pytest.mark.django_db
def test_search_ranks_first_shakti_above_first_manpower_in_the_database() -> None:
    mk = actor_create
    first = mk(
        actor_user=None,
        name="First Manpower Services Pvt. Ltd.",
        kind=ActorKind.LICENSED_AGENCY,
        identifier="NP-DOFE-233",
        country="NP",
        aliases=["Frist Manpower Services Pvt Ltd"],
    )
    shakti = mk(
        actor_user=None,
        name="First Shakti Travels & Manpower",
        kind=ActorKind.LICENSED_AGENCY,
        identifier="IN-MEA-301",
        country="IN",
    )
    found = search.search("frist shakti manpower")
    assert found and found[0].actor_id == shakti.pk, found[:3]
    ranks = [m.actor_id for m in found]
    assert first.pk not in ranks or ranks.index(first.pk) > ranks.index(shakti.pk)
