"""Record linkage: the generic words of a name as their own, weaker evidence ('Sky Overseas' and 'Sky Manpower'
have the same core name but are often different agencies), and the comparison levels that use them."""

from __future__ import annotations

from fairrecruit.registry.linkage import name_generic, name_tokens, settings_creator, standardise_record


def test_generic_words_are_kept_apart_from_the_core_name() -> None:
    assert name_tokens("Sky Overseas Pvt. Ltd.") == name_tokens("Sky Manpower") == ["sky"]
    assert name_generic("Sky Overseas Pvt. Ltd.") == ("oversea",)
    assert name_generic("Sky Manpower") == ("manpower",)
    assert not set(name_generic("Sky Overseas")) & set(name_generic("Sky Manpower"))


def test_generic_words_lose_legal_forms_and_plurals() -> None:
    assert name_generic("Akshar Smart Travels & Manpower") == ("manpower", "travel")
    assert set(name_generic("Akshar Smart Travel Agency")) & set(
        name_generic("Akshar Smart Travels & Manpower")
    )
    assert name_generic("Laguna Apex Safe") == ()
    assert name_generic("NILGIRI DURGA PVT. LTD.") == ()


def test_standardised_record_carries_the_generic_words() -> None:
    rec = standardise_record({"unique_id": 1, "name": "Sky Overseas Pvt. Ltd.", "country": "np"})
    assert rec["name_std"] == "sky" and rec["name_generic"] == ["oversea"]
    assert standardise_record({"unique_id": 2, "name": "Ram Thapa"})["name_generic"] is None


def test_same_core_name_is_split_by_the_generic_words_with_term_frequencies() -> None:
    settings = settings_creator().get_settings("duckdb").as_dict()
    name = next(c for c in settings["comparisons"] if c["output_column_name"] == "name")
    core_levels = [lv for lv in name["comparison_levels"] if "name_std_l = name_std_r" in lv["sql_condition"]]
    assert len(core_levels) == 3
    assert "list_has_any(name_generic_l, name_generic_r)" in core_levels[1]["sql_condition"]
    assert all(lv.get("tf_adjustment_column") == "name_std" for lv in core_levels)
    assert {c["output_column_name"] for c in settings["comparisons"]} >= {
        "name",
        "licence",
        "phone",
        "country",
    }
