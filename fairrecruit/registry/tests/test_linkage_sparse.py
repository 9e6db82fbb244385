"""Record linkage (model-v5): a different phone or city from a sparse record (a worker's report that gives no city,
or no phone) is a level of its own, weaker evidence than the same difference between two full records; and
abbreviated generic words ('Intl.') agree with the word they stand for."""

from __future__ import annotations

from typing import Any

from fairrecruit.registry.linkage import distinct_sample, name_generic, standardise_record
from fairrecruit.registry.tests.linkage_levels import level_of


def _rec(uid: int, name: str, city: str = "", phones: list[str] | None = None) -> dict[str, Any]:
    return standardise_record(
        {"unique_id": uid, "name": name, "country": "NP", "city": city, "phones": phones or []}
    )


_level = level_of


NAME = "Ocean Karnali Documents Centre"


def test_a_different_phone_from_a_record_without_a_city_is_its_own_level() -> None:
    full = _rec(1, NAME, "Nepalgunj", ["+977-981-7450428"])
    report = _rec(2, NAME.upper(), "", ["9817132770"])
    assert _level("phone", full, report) == "different (one record gives no city)"
    other = _rec(3, NAME, "Nepalgunj", ["9817132770"])
    assert _level("phone", full, other) == "All other comparisons"
    assert _level("phone", full, _rec(4, NAME, "Nepalgunj", ["9817450428"])).startswith("Array intersection")


def test_a_different_city_from_a_record_without_a_phone_is_its_own_level() -> None:
    full = _rec(1, NAME, "Bharatpur", ["+977-985-6049464"])
    assert _level("city", full, _rec(2, NAME, "Itahari")) == "different (one record gives no phone)"
    assert _level("city", full, _rec(3, NAME, "Itahari", ["9851111111"])) == "All other comparisons"
    assert _level("city", full, _rec(4, NAME, "Bharatpur")).startswith("Exact match")


def test_abbreviated_generic_words_agree_with_the_word() -> None:
    assert name_generic("Anondo Wings Intl.") == name_generic("Anondo Wings International Limited")
    assert name_generic("Anondo Wings Intl.") == ("international",)


def test_u_is_sampled_from_one_record_per_actor_chosen_at_random() -> None:
    records = [{"unique_id": i, "cluster_id": i // 4} for i in range(400)]
    sample = distinct_sample(records, seed=1)
    assert sorted(r["cluster_id"] for r in sample) == list(range(100))  # one per actor
    assert sample == distinct_sample(records, seed=1)  # seeded
    assert any(r["unique_id"] % 4 for r in sample)  # not always the first record of an actor
