"""Record linkage (model-v4): a person's name is one name in any word order, names that differ in both order and
spelling meet on their sorted consonant skeletons, generic words written in another script are recognised by their
skeleton, and a typo in a long organisation name is a level of its own."""

from __future__ import annotations

from typing import Any

from fairrecruit.registry.linkage import (
    BLOCKING_RULES,
    MODEL_DIR,
    model_versions,
    name_tokens,
    predict,
    script_word,
    standardise_record,
)
from fairrecruit.registry.tests.test_linkage_typos import _block_on, _name_level


def _std(name: str, uid: int = 1, country: str = "NP") -> dict[str, Any]:
    return standardise_record({"unique_id": uid, "name": name, "country": country})


PERSON_ANY_ORDER = "same name of a person (words in any order)"


def test_a_persons_name_in_any_word_order_is_the_same_name() -> None:
    assert _name_level("Ram Bahadur Thapa", "Thapa Ram Bahadur") == PERSON_ANY_ORDER
    assert _name_level("Sampath Wickramasinghe", "WICKRAMASINGHE Sampath") == PERSON_ANY_ORDER
    # the same order is the same level: the order says nothing either way
    assert _name_level("Ram Bahadur Thapa", "Ram Bahadur Thapa") == PERSON_ANY_ORDER
    # organisations keep their own levels ('Al Tawfiq Falah' and 'Al Falah Tawfiq' are often siblings)
    assert (
        _name_level("Sky Overseas Pvt. Ltd.", "SKY OVERSEAS PRIVATE LIMITED")
        == "same name (of an organisation)"
    )
    assert _name_level("Tawfiq Falah Trading LLC", "Falah Tawfiq Trading LLC") != PERSON_ANY_ORDER


def test_order_and_spelling_both_differ_meet_on_sorted_skeletons() -> None:
    a, b = _std("Jamal Molla", country="BD"), _std("Molla Jamall", 2, country="BD")
    assert a["name_sorted"] != b["name_sorted"]
    assert a["name_sskel"] == b["name_sskel"] == "jml ml"
    assert _name_level("Jamal Molla", "Molla Jamall").startswith("same consonant skeletons, other order")
    # a family name first, written in Devanagari
    deva = _std("खट्रि कमाला", 3)
    assert deva["name_sskel"] == _std("Kamala Khatri", 4)["name_sskel"]
    rules = [r.get_blocking_rule("duckdb").blocking_rule_sql for r in BLOCKING_RULES(_block_on())]
    assert any("name_sskel" in sql for sql in rules)


def test_generic_words_in_another_script_are_recognised_by_their_skeleton() -> None:
    assert script_word("resours") == "resources"  # रेसोउर्स
    assert script_word("rikrutmant") == "recruitment"
    assert script_word("gulab") == "gulab"  # a name, not 'glove' (a skeleton of three letters is too short)
    bengali = _std("হোপ হিউম্যান রেসোউর্স", country="BD")
    assert bengali["name_std"] == "hop" and bengali["name_generic"] == ["resource"]
    # only in names written in another script: a Latin name keeps its words
    assert _std("Resours Gulab", 2)["name_std"] == "resours gulab"


def test_a_typo_in_a_long_organisation_name_has_its_own_level() -> None:
    assert _name_level("Rajawali Persada Perkasa Manpower", "Rajawali Pesada Perkasa Manpower").startswith(
        "one typo apart in a long name"
    )
    assert _name_level("Hoa Loi International Manpower JSC", "Hoa Loc International Manpower JSC").startswith(
        "one typo apart (organisations"
    )


def _broker(uid: int, name: str, city: str, phones: list[str] | None = None) -> dict[str, Any]:
    return {
        "unique_id": uid,
        "name": name,
        "aliases": [],
        "country": "NP",
        "city": city,
        "address": "",
        "phones": phones or [],
        "kind": "individual_broker",
        "licence_number": "",
    }


def test_persons_are_linked_in_any_order_but_namesakes_in_other_cities_are_not_merged() -> None:
    records = [
        _broker(1, "Ram Bahadur Thapa", "Pokhara", ["+977 981 234 5678"]),
        _broker(2, "Thapa Ram Bahadur", "Pokhara", ["9812345678"]),
        _broker(3, "Kamal Alam", "Biratnagar"),
        _broker(4, "Kamal Alam", "Dhangadhi"),
    ]
    pairs = {(p.left, p.right): p.probability for p in predict(records, threshold=0.01).pairs}
    assert pairs[(1, 2)] >= 0.99  # the same phone, the same person in another order
    assert pairs.get((3, 4), 0.0) < 0.99  # namesakes in other cities: at most a question for a person


def test_every_model_version_still_predicts() -> None:
    records = [_broker(1, "Ram Bahadur Thapa", "Pokhara"), _broker(2, "Thapa Ram Bahadur", "Pokhara")]
    versions = model_versions(MODEL_DIR)
    assert [v for v, _ in versions][:3] == [1, 2, 3]
    for _, path in versions:
        assert predict(records, path, threshold=0.0).compared >= 1


def test_typos_in_long_words_of_generic_phrases_are_repaired() -> None:
    assert name_tokens("Agensi Peekerjaan Kasih Rainbow Sdn Bhd") == ["kasih", "rainbow"]
    assert name_tokens("Truong Minh") == ["truong", "minh"]  # a name, not 'thuong' (of 'thuong mai')
