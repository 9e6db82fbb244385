"""Record linkage (model-v3): typos in generic words and organisation markers are repaired, words run together
are split, names written in another script meet on the skeleton of the whole name, and the name comparison has
levels for one typo or the same skeleton between organisations and for a dropped middle name."""

from __future__ import annotations

from typing import Any

from fairrecruit.registry.linkage import (
    BLOCKING_RULES,
    canonical_word,
    looks_like_organisation,
    name_full,
    name_tokens,
    split_run_together,
    standardise_record,
)
from fairrecruit.registry.tests.linkage_levels import level_of


def _std(name: str, uid: int = 1) -> dict[str, Any]:
    return standardise_record({"unique_id": uid, "name": name, "country": "NP"})


def test_typos_in_known_words_are_repaired_other_words_are_not() -> None:
    assert canonical_word("consultanncy") == "consultancy"  # a letter doubled
    assert canonical_word("ocnsultancy") == "consultancy"  # neighbours swapped (two edits for Levenshtein)
    assert canonical_word("contarcting") == "contracting"
    assert canonical_word("touurs") == "tours"  # a five-letter generic word
    assert canonical_word("tickting") == "ticketing"  # an organisation marker
    assert canonical_word("traves") == "travels"
    for word in ("himalayan", "sapphire", "kathmandu", "tour", "khan", "golden"):
        assert canonical_word(word) == word
    assert name_tokens("Shaheen Excel Traves & Touurs") == name_tokens("Shaheen Excel Travels & Tours")
    assert name_full("Joseph Khan Overseas Consultanncy") == name_full("Joseph Khan Overseas Consultancy")
    assert name_full("Al Hamad Bustan Contarcting & Trading") == "al hamad bustan contracting trading"


def test_generic_words_run_together_are_split() -> None:
    assert split_run_together("skyoverseas") == ("sky", "overseas")
    assert split_run_together("himalayanmanpower") == ("himalayan", "manpower")
    assert split_run_together("manpower") == ("manpower",)
    assert split_run_together("goldencrest") == ("goldencrest",)
    a, b = _std("SkyOverseas Pvt Ltd"), _std("Sky Overseas Pvt. Ltd.", 2)
    assert a["name_std"] == b["name_std"] == "sky" and a["name_full"] == b["name_full"] == "sky overseas"


def test_shop_words_mark_an_organisation_but_stay_in_the_core_name() -> None:
    assert looks_like_organisation("Bhaktapur Ticketing Centre")
    assert looks_like_organisation("Kumari Herath Documents Centre")
    assert not looks_like_organisation("Kumari Herath")
    # they tell sibling sub-agents apart, so they are not dropped
    assert name_tokens("Kalpana Reliable Ticketing Centre") != name_tokens(
        "Kalpana Reliable Documents Centre"
    )
    assert name_full("Menon Tickting Centre") == name_full("MENON TICKETING CENTRE")


def test_malaysian_sb_is_a_legal_form() -> None:
    assert name_full("Indah Mega Electronics (M) SB") == name_full("Indah Mega Electronics (M) Sdn. Bhd.")
    assert name_tokens("Saujana Mega Security Services SB") == ["saujana", "mega"]


def test_names_in_another_script_or_run_together_meet_on_the_whole_skeleton() -> None:
    latin = _std("Janata Everest Human Resources Private Limited")
    deva = _std("जनटएवेरेस्ट ह्र प्रा. लि.", 2)
    assert latin["name_skel"] != deva["name_skel"]  # word by word they differ ...
    assert latin["name_jskel"] == deva["name_jskel"] == "jntbrst"  # ... as one word they agree
    rules = [r.get_blocking_rule("duckdb").blocking_rule_sql for r in BLOCKING_RULES(_block_on())]
    assert any("name_jskel" in sql for sql in rules)


def _block_on() -> Any:
    from splink import block_on

    return block_on


def _name_level(left: str, right: str) -> str:
    """The label of the name comparison level a pair of names lands on (the first whose condition holds)."""
    return level_of("name", _std(left), _std(right, 2))


def test_name_levels_for_typos_skeletons_and_middle_names() -> None:
    assert _name_level(
        "Al Khaleej Silverline Catering L.L.C.", "Al Khaleeej Silverline Catering L.L.C."
    ).startswith("one typo apart")  # in a long name (model-v4): test_linkage_persons
    # one typo apart, but the generic words contradict each other: siblings, not the same agency
    assert not _name_level("JAFFFNA TRAVEL AGENCY", "Jaffna Overseas Consultancy").startswith(
        "one typo apart"
    )
    # a person's name one letter apart is not an organisation's typo
    assert not _name_level("Rajesh Abraham", "Ramesh Abraham").startswith("one typo apart")
    assert _name_level(
        "Sapphire Comfort Manpower Consultancy Pvt. Ltd.", "सप्फिर कोम्फोर्ट म्यानपावर कन्सल्टेन्सी प्रा. लि."
    ).startswith("same consonant skeleton (organisations")
    assert _name_level("Biju Kumar Das", "Biju Das").startswith("same first and last word")
    assert _name_level("Janata Everest Human Resources", "जनटएवेरेस्ट ह्र प्रा. लि.").startswith(
        "same consonant skeleton, spaces aside"
    )


def test_generic_words_in_another_script_are_dropped_but_not_compared() -> None:
    deva = _std("सप्फिर कोम्फोर्ट म्यानपावर कन्सल्टेन्सी प्रा. लि.")
    assert deva["name_std"] == "spphir komphort" and deva["name_org"]
    # 'myanpavr' would never agree with 'manpower': as if the name gave no generic word
    assert deva["name_generic"] is None
    assert _std("Sapphire Comfort Manpower Consultancy")["name_generic"] == ["consultancy", "manpower"]
