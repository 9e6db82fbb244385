"""Worker pages over real HTTP: Check my fees, What may they charge, standards."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from fairrecruit.core.models import AuditEvent
from fairrecruit.standards.models import Assessment

pytestmark = pytest.mark.django_db

FORM = {
    "origin": "NP", "destination": "QA", "occupation": "labourer", "recruitment_date": "2019-03-01",
    "contract_months": "24", "promised_wage_amount": "1000", "promised_wage_currency": "qar",
    "earnings_amount": "1000", "earnings_currency": "QAR",
    "p-TOTAL_FORMS": "4", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "20",
    "p-0-amount": "120000", "p-0-currency": "NPR", "p-0-date": "2019-03-05", "p-0-purpose": "service charge",
    "p-0-paid_to": "licensed_agency",
    "p-1-amount": "30000", "p-1-currency": "NPR", "p-1-date": "2019-03-05", "p-1-purpose": "air ticket",
}


def test_check_my_fees_shows_what_is_owed_and_stores_nothing(client: Client) -> None:
    assert client.get("/check/").status_code == 200
    r = client.post("/check/", FORM)
    assert r.status_code == 200, r.content.decode()[:2000]
    html = r.content.decode()
    assert 'id="result"' in html
    assert "140,000" in html or "140000" in html  # Nepal: 110,000 over the cap + 30,000 ticket
    assert "Nothing you typed was stored." in html
    assert Assessment.objects.count() == 0 and AuditEvent.objects.count() == 0


def test_a_worker_with_more_payments_than_rows_adds_rows_without_losing_what_was_typed(client: Client) -> None:
    form: dict[str, Any] = dict(FORM, **{f"p-{i}-{k}": v for i in (2, 3) for k, v in
                         (("amount", "1000"), ("currency", "NPR"), ("date", "2019-03-06"), ("purpose", "medical"))})
    form["events"] = ["documents_retained", "debt"]
    r = client.post("/check/", dict(form, more_payments="1"))
    html = r.content.decode()
    assert r.status_code == 200 and 'id="result"' not in html and 'role="alert"' not in html
    assert 'name="p-TOTAL_FORMS" value="5"' in html and 'name="p-4-amount"' in html
    assert 'name="p-0-amount" value="120000"' in html and 'name="p-3-purpose" value="medical"' in html
    ticked = set(re.findall(r'name="events" value="(\w+)"[^>]*checked', html))
    assert ticked == {"documents_retained", "debt"}
    # the fifth row, filled, counts
    five = dict(form, **{"p-TOTAL_FORMS": "5", "p-4-amount": "7000", "p-4-currency": "NPR",
                         "p-4-date": "2019-03-07", "p-4-purpose": "bribe"})
    html = client.post("/check/", five).content.decode()
    zero_fee = html[html.index('id="std-ilo-zero-fee"'):html.index('id="std-law-np"')]
    assert "159,000 NPR" in zero_fee  # all five payments: 120,000 + 30,000 + 1,000 + 1,000 + 7,000
    # at the limit, no button
    full = dict(form, **{"p-TOTAL_FORMS": "20"}, more_payments="1")
    html = client.post("/check/", full).content.decode()
    assert 'name="p-TOTAL_FORMS" value="20"' in html and 'name="more_payments"' not in html


def test_a_law_that_could_only_be_judged_in_part_never_says_nothing_is_owed(client: Client) -> None:
    form = dict(FORM, **{"p-0-purpose": "xyzzy", "p-1-amount": "", "p-1-currency": "", "p-1-date": "",
                         "p-1-purpose": ""})
    html = client.post("/check/", form).content.decode()
    nepal = html[html.index('id="std-law-np"'):html.index('id="std-law-qa"')]
    assert "We cannot say yet what is owed under this rule." in nepal
    assert "Nothing charged against this rule." not in nepal
    form["p-1-amount"], form["p-1-currency"], form["p-1-date"] = "30000", "NPR", "2019-03-05"
    form["p-1-purpose"] = "air ticket"  # the ticket is judged: at least 30,000 owed under Nepal's law
    html = client.post("/check/", form).content.decode()
    nepal = html[html.index('id="std-law-np"'):html.index('id="std-law-qa"')]
    assert "Owed to you, at least" in nepal and "30,000" in nepal


def test_check_my_fees_names_the_bad_field(client: Client) -> None:
    bad = dict(FORM, **{"p-0-amount": "-5", "earnings_currency": "XYZ", "recruitment_date": "2019-02-30"})
    r = client.post("/check/", bad)
    assert r.status_code == 400
    html = r.content.decode()
    assert "must be more than 0" in html
    assert "unknown currency &#x27;XYZ&#x27;" in html
    assert "impossible date" in html
    assert 'id="result"' not in html


def test_check_my_fees_names_contract_months_that_are_not_a_number(client: Client) -> None:
    """'²' passes str.isdigit but not int(): it was a server error on the worker's page."""
    for typed in ("\u00b2", "two years"):
        r = client.post("/check/", dict(FORM, contract_months=typed))
        assert r.status_code == 400 and 'id="result"' not in r.content.decode(), typed
        assert f"must be a whole number, not &quot;{typed}&quot;" in r.content.decode(), typed  # as typed
    r = client.post("/check/", dict(FORM, contract_months="\u0968\u096a"))  # 24 in Devanagari digits
    assert r.status_code == 200 and 'id="result"' in r.content.decode()


def test_check_my_fees_refuses_absurd_amounts_and_not_a_number(client: Client) -> None:
    """1e300 was assessed (and overflowed later); NaN and Infinity must never be assessed either."""
    bad = dict(FORM, **{"p-0-amount": "1e300", "promised_wage_amount": "1000000000000", "earnings_amount": "nan"})
    r = client.post("/check/", bad)
    assert r.status_code == 400
    html = r.content.decode()
    assert html.count("must be less than 1,000,000,000,000") == 2
    assert "must be a number, not NaN" in html
    assert 'id="result"' not in html
    html = client.post("/check/", bad, headers={"Accept-Language": "es"}).content.decode()
    assert "must be less than" not in html and html.count("debe ser menor que 1\xa0000\xa0000\xa0000\xa0000") == 2
    r = client.post("/check/", dict(FORM, **{"p-0-amount": "inf"}))
    assert r.status_code == 400 and "must be a number, not Infinity" in r.content.decode()


def test_what_may_they_charge_shows_rules_with_citations(client: Client) -> None:
    r = client.get("/charges/", {"origin": "NP", "destination": "QA", "date": "2019-01-01"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "at most 10,000 NPR" in html
    assert "wording recalled, not checked against the official text" in html
    assert "https://english.nepalnews.com/?p=187243" in html


def test_unknown_country_rule_is_said_plainly(client: Client) -> None:
    html = client.get("/charges/", {"origin": "KE", "destination": "LB"}).content.decode()
    assert "FairRecruit does not know a rule for this country and date" in html


def test_law_page_lists_every_version(client: Client) -> None:
    html = client.get("/standards/law/NP/").content.decode()
    assert "2015-06-30" in html and "2015-07-01" in html


def test_arabic_pages_are_right_to_left(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    html = client.get("/check/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    html = client.get("/check/", headers={"Accept-Language": "ne"}).content.decode()
    assert 'dir="rtl"' in html  # the remembered choice wins over the browser's language


def test_demo_journeys_are_visible_without_an_account(client: Client) -> None:
    html = client.get("/check/examples/").content.decode()
    assert html.count("/check/examples/") >= 30
    page = client.get("/check/examples/bd-sa-2018-labourer/")
    assert page.status_code == 200
    assert 'id="std-law-bd"' in page.content.decode()
    assert client.get("/check/examples/nope/").status_code == 404


def test_check_my_fees_answers_in_the_readers_language_with_its_country_names(client: Client) -> None:
    """The engine's own words are English (API, CLI); the worker's page names the standards, countries, findings
    and what could not be checked in the reader's language."""
    form = dict(FORM, events=["documents_retained", "wage_lower_than_promised"], **{
        "p-2-amount": "500", "p-2-currency": "NPR", "p-2-date": "2019-03-05", "p-2-purpose": "xyzzy"})
    html = client.post("/check/", form, headers={"Accept-Language": "ne"}).content.decode()
    assert 'id="result"' in html
    assert "नेपालको कानून" in html and "कतारको कानून" in html and "Law of Nepal" not in html
    assert "रोजगारदाताले तिर्छ" in html and "Employer pays" not in html
    assert "तपाईंको राहदानी वा अन्य कागजात अरू कसैले राखे।" in html
    assert "भुक्तानी 3: यो केका लागि थियो हामीले बुझ्न सकेनौं" in html and "Assessed in part" not in html
    assert "मा १ अमेरिकी डलर बराबर" in html and "per US dollar" not in html  # the exchange rates used
    # The principles cited, in Nepali where FairRecruit wrote them (ILO GP 7 here), saying their language.
    assert '<span lang="ne">कामदारबाट कुनै शुल्क नलिने</span>' in html and "No fees to workers" not in html
    assert '<span lang="ne">राहदानी वा परिचयपत्र राख्न नपाइने</span>' in html  # Dhaka 4, for the passport kept
    english = client.post("/check/", form).content.decode()
    assert "Law of Nepal" in english and "Your passport or other documents were kept by someone else." in english
    assert "payment 3: we could not tell what it was for" in english
    # The country list is in the reader's language, sorted in it, with the countries that have rules first.
    page = client.get("/check/", headers={"Accept-Language": "ar"}).content.decode()
    assert '<option value="QA">قطر</option>' in page and '<option value="NP">نيبال</option>' in page
    assert page.index('value="NP"') < page.index('value="AF"')  # a country with rules, then the others
    # The currencies suggested as they are typed carry their names in the reader's language.
    assert '<option value="QAR" label="ريال قطري">' in page
    nepali = client.get("/check/", headers={"Accept-Language": "ne"}).content.decode()
    assert '<option value="NPR" label="नेपाली रूपैयाँ">' in nepali


def test_a_wage_multiple_cap_is_worded_in_the_readers_language(client: Client) -> None:
    """The Philippines caps placement fees at one month of the promised wage."""
    form = dict(FORM, origin="PH", destination="SA", promised_wage_amount="1500", promised_wage_currency="SAR",
                earnings_amount="1500", earnings_currency="SAR", **{
                    "p-0-currency": "PHP", "p-0-amount": "50000", "p-0-purpose": "placement fee",
                    "p-1-amount": "", "p-1-currency": "", "p-1-date": "", "p-1-purpose": ""})
    english = client.post("/check/", form).content.decode()
    assert 'id="result"' in english, english[:3000]
    assert "1 month(s) of the promised wage" in english
    spanish = client.post("/check/", form, headers={"Accept-Language": "es"}).content.decode()
    assert "1 mes(es) del salario prometido" in spanish and "Ley de Filipinas" in spanish


def test_what_may_they_charge_words_each_rule_in_the_readers_language(client: Client) -> None:
    """What a rule forbids, caps and allows comes from its data, so it is worded in every language; the rule's
    own title and summary are in the reader's language as FairRecruit wrote them, marked with their language."""
    nepali = client.get("/charges/", {"origin": "NP", "destination": "QA", "date": "2019-01-01"},
                        headers={"Accept-Language": "ne"}).content.decode()
    assert "बढीमा 10,000 NPR: भर्ती शुल्क" in nepali  # at most 10,000 NPR: recruitment fee
    assert "अवैध खर्च (घूस, धरौटी, जमानत), हवाई टिकट, भिसा" in nepali  # illegitimate costs, air ticket, visa
    assert "Illegitimate costs" not in nepali and "Recruitment fee" not in nepali
    # The rule's summary in Nepali where FairRecruit wrote one, saying that the law's own text is what counts.
    assert '<p lang="ne">तपाईं बहराइन, कुवेत, ओमान, कतार, साउदी अरब वा युएईमा काम गर्न' in nepali
    assert "FairRecruit ले अनुवाद गरेको" in nepali and "If you go to work in Bahrain" not in nepali
    assert '<span lang="ne">खाडीका लागि सेवा शुल्कको सीमा;' in nepali and "Service charge ceiling" not in nepali
    bengali = client.get("/charges/", {"origin": "NP", "destination": "QA", "date": "2019-01-01"},
                         headers={"Accept-Language": "bn"}).content.decode()
    assert '<p lang="bn">আপনি যদি বাহরাইন, কুয়েত, ওমান' in bengali  # a Nepal rule in Bengali
    assert "If you go to work in Bahrain" not in bengali
    assert '<p lang="bn">কাতারে লাইসেন্সপ্রাপ্ত রিক্রুটাররা' in bengali  # Qatar's rule, written in Bengali
    arabic = client.get("/charges/", {"origin": "VN", "destination": "JP", "date": "2024-01-01"},
                        headers={"Accept-Language": "ar"}).content.decode()
    assert "بحد أقصى أجر 1 شهر أساسي عن كل 12 شهراً من العقد" in arabic  # not "1,0" months
    english = client.get("/charges/", {"origin": "VN", "destination": "JP", "date": "2024-01-01"}).content.decode()
    assert "at most 1 month(s) of the basic wage for every 12 months of contract: Recruitment fee" in english


def test_law_pages_name_the_country_in_the_readers_language(client: Client) -> None:
    law = client.get("/standards/law/BD/", headers={"Accept-Language": "ne"}).content.decode()
    assert "<h1>बङ्गलादेश:" in law and "<h1>Bangladesh" not in law
    listing = client.get("/standards/", headers={"Accept-Language": "ru"}).content.decode()
    assert ">Непал</a>" in listing and ">Катар</a>" in listing


def test_example_journeys_name_countries_and_payees_in_the_readers_language(client: Client) -> None:
    listing = client.get("/check/examples/", headers={"Accept-Language": "bn"}).content.decode()
    assert "নেপাল → কাতার" in listing and "NP → QA" not in listing
    page = client.get("/check/examples/np-qa-2014-mason/", headers={"Accept-Language": "bn"}).content.decode()
    assert "“service charge” → রিক্রুটিং এজেন্সি" in page and "“commission to agent” → সাব-এজেন্ট / গ্রামের দালাল" in page
    assert "licensed_agency" not in page


def test_check_my_fees_names_the_bad_field_in_the_readers_language(client: Client) -> None:
    """The engine's own messages are English (API, CLI); the page words them from their codes."""
    bad = dict(FORM, **{"p-0-amount": "-5", "earnings_currency": "XYZ", "recruitment_date": "2019-02-30",
                        "contract_months": "\u00b2"})
    html = client.post("/check/", bad, headers={"Accept-Language": "ne"}).content.decode()
    assert "0 भन्दा बढी हुनुपर्छ" in html  # must be more than 0
    assert "मुद्रा &#x27;XYZ&#x27; थाहा भएन" in html  # unknown currency
    assert "&#x27;2019-02-30&#x27; हुन नसक्ने मिति हो: YYYY-MM-DD, जस्तै 2024-03-15 मा लेख्नुहोस्" in html
    assert "must be" not in html and "unknown currency" not in html and "impossible date" not in html
    future = dict(FORM, recruitment_date="2099-01-01")
    html = client.post("/check/", future, headers={"Accept-Language": "es"}).content.decode()
    assert "2099-01-01 está en el futuro" in html


def test_a_standards_page_shows_principles_in_the_readers_language_where_written(client: Client) -> None:
    html = client.get("/standards/ilo-fr/", headers={"Accept-Language": "bn"}).content.decode()
    assert '7. <span lang="bn">কর্মীদের কাছ থেকে কোনো ফি নয়</span>' in html
    assert '1. <span lang="bn">মানবাধিকার এবং কাজের ক্ষেত্রে মৌলিক নীতি ও অধিকার</span>' in html
    assert "Human rights and fundamental principles and rights at work" not in html
    iris = client.get("/standards/iris/", headers={"Accept-Language": "ne"}).content.decode()
    assert '<span lang="ne">एजेन्सीले तपाईंसँग धरौटी वा जमानत माग्न पाउँदैन।</span>' in iris  # IRIS 2.2's plain words


def test_a_principle_not_written_in_the_readers_language_is_shown_in_english_and_says_so() -> None:
    """Every shipped principle is written in every site language (test_standards_data), so the fallback is
    checked on a copy of one with its translations taken away."""
    import dataclasses

    from fairrecruit.standards.loader import get_rules

    gp01 = get_rules().principles["ILO-FR/GP01"]
    assert gp01.label_in("bn") == ("মানবাধিকার এবং কাজের ক্ষেত্রে মৌলিক নীতি ও অধিকার", "bn")
    bare = dataclasses.replace(gp01, labels=(), plains=())
    assert bare.label_in("bn") == ("Human rights and fundamental principles and rights at work", "en")
    assert bare.plain_in("ne") == (gp01.plain, "en")


def test_a_rule_not_written_in_the_readers_language_is_shown_in_english_and_says_so() -> None:
    """Every shipped rule is written in every site language (test_loader), so the fallback is checked on a copy
    of one with its translations taken away."""
    import dataclasses

    from fairrecruit.standards.loader import get_rules

    rule = next(r for r in get_rules().laws["NP"].rules if r.id == "np.gulf-service-charge")
    assert rule.summary_in("bn")[1] == "bn"
    bare = dataclasses.replace(rule, titles=(), summaries=())
    assert bare.title_in("bn") == (rule.title, "en") and bare.summary_in("ar") == (rule.summary, "en")


def test_example_journeys_name_their_occupation_in_the_readers_language(client: Client) -> None:
    """Every example's occupation is in the catalogues (or is an Indonesian worker's own words, shown as
    written), so the examples page has no English occupation in another language."""
    import json
    from pathlib import Path

    from django.utils import translation

    from fairrecruit.standards.templatetags.fees import EXAMPLE_OCCUPATIONS

    folder = Path(__file__).resolve().parent.parent / "examples"
    journeys = [json.loads(line) for line in (folder / "demo_journeys.jsonl").read_text().splitlines() if line]
    journeys += [json.loads(p.read_text()) for p in folder.glob("*.json")]
    titles = {j["occupation"]["title"] for j in journeys}
    assert titles - EXAMPLE_OCCUPATIONS == {"pekerja perkebunan", "pembantu rumah tangga"}
    with translation.override("ne"):
        mason = translation.gettext("mason")
    assert mason != "mason"
    page = client.get("/check/examples/", headers={"Accept-Language": "ne"}).content.decode()
    assert f": {mason}</a>" in page and ": mason</a>" not in page
    one = client.get("/check/examples/np-qa-2014-mason/", headers={"Accept-Language": "ne"}).content.decode()
    assert f": {mason}</h1>" in one
    assert ": mason</a>" in client.get("/check/examples/").content.decode()


def test_the_law_page_of_a_destination_shows_its_minimum_wage_cited(client: Client) -> None:
    html = client.get("/standards/law/QA/").content.decode()
    section = html.split('id="qa.minimum-wage"')[1].split("</section>")[0]
    assert "Basic wage of at least 1,000 QAR a month." in section and "2021-03-20" in section
    assert "Law No. 17 of 2020" in section and "wording recalled, not checked" in section  # unverified, shown so
    assert 'href="/contract/"' in section
    nepali = client.get("/standards/law/QA/", headers={"Accept-Language": "ne"}).content.decode()
    assert '<span lang="ne">न्यूनतम तलब</span>' in nepali.split('id="qa.minimum-wage"')[1]
    assert "minimum-wage" not in client.get("/standards/law/SA/").content.decode()  # none known: none shown


def test_what_may_a_recruiter_charge_me_also_gives_the_destinations_minimum_wage_on_the_day(client: Client) -> None:
    html = client.get("/charges/", {"origin": "NP", "destination": "QA", "date": "2024-01-10"}).content.decode()
    section = html.split('id="qa.minimum-wage"')[1].split("</section>")[0]
    assert "Basic wage of at least 1,000 QAR a month." in section and "wording recalled" in section
    assert "ph.household" not in html  # a Nepali worker: the Philippines' rule is not theirs
    before = client.get("/charges/", {"origin": "NP", "destination": "QA", "date": "2021-03-19"}).content.decode()
    assert "minimum-wage" not in before  # the day before the law applied
    assert "minimum-wage" not in client.get("/charges/", {"origin": "NP", "destination": "SA"}).content.decode()
    # a Filipino domestic worker in Saudi Arabia: the minimum the Philippines sets for its household workers abroad
    hsw = client.get("/charges/", {"origin": "PH", "destination": "SA", "date": "2024-01-10",
                                   "domestic_work": "on"}).content.decode()
    assert "Basic wage of at least 400 USD a month." in hsw.split('id="ph.household-service-workers-minimum-wage"')[1]
    other = client.get("/charges/", {"origin": "PH", "destination": "SA", "date": "2024-01-10"}).content.decode()
    assert "ph.household-service-workers-minimum-wage" not in other  # not a domestic worker


def test_a_debt_finding_names_each_loan_in_the_readers_language() -> None:
    from django.utils import translation

    from fairrecruit.standards.templatetags.fees import finding_text

    f = {"type": "debt", "loans": [{"amount": 100000, "currency": "NPR", "interest_rate_percent_per_month": 3},
                                   {"amount": 50000, "currency": "NPR"}], "interest_rate_percent_per_month": 3}
    with translation.override("en"):
        text = finding_text(f)
    assert "Borrowed 100,000 NPR." in text and "Borrowed 50,000 NPR." in text
    assert text.count("Interest: 3% a month.") == 1
    with translation.override("ne"):
        ne = finding_text(f)
    assert "Borrowed" not in ne and "NPR" in ne
