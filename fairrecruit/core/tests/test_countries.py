"""Country names in the reader's language, and country names typed in any language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from fairrecruit.core.countries import countries, country_code, country_name


def test_names_follow_the_language_asked_or_the_active_one() -> None:
    assert country_name("NP", "en") == "Nepal" and country_name("NP", "ne") == "नेपाल"
    assert country_name("QA", "ar") == "قطر" and country_name("QA", "ru") == "Катар"
    assert country_name("VN", "en") == "Vietnam"  # the everyday name, not ISO's "Viet Nam"
    assert country_name("KR", "ne") == "दक्षिण कोरिया"  # CLDR's everyday name, not ISO's "Republic of Korea"
    assert country_name("QA", "vi") == "Qatar" and country_name("KR", "vi") == "Hàn Quốc"  # not ISO's "Ca-tă"
    assert country_name("np", "en") == "Nepal" and country_name("NP", "xx") == "Nepal"  # unknown language: English
    with translation.override("bn"):
        assert country_name("BD") == "বাংলাদেশ"
    assert country_name("ZZ", "en") == "ZZ" and country_name("", "en") == "" and country_name(None, "en") == ""


def test_every_country_once_sorted_in_its_language_whatever_its_accents() -> None:
    english = countries("en")
    codes = [c for c, _n in english]
    assert len(codes) == len(set(codes)) >= 249
    names = [n for _c, n in english]
    assert names.index("Åland Islands") < names.index("Albania")  # Å sorts with the A's, not after Z
    assert names.index("Côte d’Ivoire") < names.index("Croatia") and names.index("Réunion") < names.index("Romania")
    spanish = [n for _c, n in countries("es")]
    assert spanish.index("Afganistán") < spanish.index("Alemania")


@pytest.mark.parametrize(
    ("typed", "code"),
    [("Nepal", "NP"), ("नेपाल", "NP"), ("  নেপাল ", "NP"), ("قطر", "QA"), ("Катар", "QA"), ("viet nam", "VN"),
     ("Việt Nam", "VN"), ("Hàn Quốc", "KR"), ("UAE", "AE"), ("dubai", "AE"), ("साउदी", "SA"), ("Saudi  Arabia", "SA"),
     ("நேபாளம்", "NP")],
)
def test_a_country_typed_in_any_language_is_found(typed: str, code: str) -> None:
    assert country_code(typed) == code


@pytest.mark.parametrize("typed", ["", "x", "Himalaya Manpower", "1", "x" * 2000])
def test_anything_else_is_no_country(typed: str) -> None:
    assert country_code(typed) is None


@pytest.mark.django_db
def test_a_recruiters_country_and_kind_are_named_in_the_readers_language(client: Client) -> None:
    from fairrecruit.registry.services import actor_create

    actor = actor_create(actor_user=None, name="Rara Lakeview Overseas", kind="licensed_agency", country="NP",
                         city="Kathmandu")
    url = f"/verify/{actor.identifier}/"
    nepali = client.get(url, headers={"Accept-Language": "ne"}).content.decode()
    assert "· नेपाल</p>" in nepali
    assert "इजाजतपत्रप्राप्त म्यानपावर कम्पनी ·" in nepali and "Licensed recruitment agency" not in nepali  # its kind
    english = client.get(url).content.decode()
    assert "· Nepal</p>" in english and "Licensed recruitment agency ·" in english
