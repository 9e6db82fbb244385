"""Automatic checks: personal data in free text is redacted; abuse, spam, duplicates and bursts are reported."""

from __future__ import annotations

import pytest

from fairrecruit.reviews.checks import NAME, PASSPORT, PHONE, redact, run_checks


@pytest.mark.parametrize(
    "text, secret",
    [
        ("Call the agent on 9841234567 please", "9841234567"),
        ("his number +977 984-123-4567 is still on", "984-123-4567"),
        ("phone 00977 1 4123456", "4123456"),
        ("Philippines: 0917 123 4567", "123 4567"),
        ("Bangladesh +880 1712-345678", "345678"),
        ("उसको फोन ९८४१२३४५६७ हो", "९८४१२३४५६७"),  # Devanagari digits
        ("আমার নম্বর ০১৭১২৩৪৫৬৭৮", "০১৭১২৩৪৫৬৭৮"),  # Bengali digits
        ("Indonesia (0812) 3456-7890", "3456-7890"),
    ],
)
def test_phone_numbers_are_redacted(text: str, secret: str) -> None:
    r = redact(text)
    assert secret not in r.text
    assert PHONE in r.text
    assert "phone" in r.redacted


@pytest.mark.parametrize(
    "text, secret",
    [
        ("Nepal passport PA1234567 was kept by the agent", "PA1234567"),
        ("Nepal old passport no. 08123456", "08123456"),
        ("Philippine passport P1234567A held by employer", "P1234567A"),
        ("PH old passport EB1234567", "EB1234567"),
        ("Bangladesh passport BX0123456 and e-passport A01234567", "A01234567"),
        ("Indian passport J8369854", "J8369854"),
        ("Indonesia paspor B 1234567 ditahan", "1234567"),
        ("Sri Lanka N1234567", "N1234567"),
        ("Vietnam hộ chiếu C1234567", "C1234567"),
        ("मेरो पासपोर्ट नं. PA0123456 एजेन्टले राख्यो", "PA0123456"),
    ],
)
def test_passport_numbers_are_redacted(text: str, secret: str) -> None:
    r = redact(text)
    assert secret not in r.text, r.text
    assert PASSPORT in r.text or PHONE in r.text


@pytest.mark.parametrize(
    "text",
    [
        "I paid Rs 150000 and then 1,20,000 NPR more",
        "The fee was 15.000.000 rupiah",
        "Rs1500000 to the agent",
        "I worked there 2019-2021, from 12.03.2020",
        "Contract of 24 months, 1200 QAR a month",
    ],
)
def test_amounts_years_and_dates_are_kept(text: str) -> None:
    assert redact(text).text == text


@pytest.mark.parametrize(
    "text, name",
    [
        ("My name is Ram Bahadur and I paid too much", "Ram Bahadur"),
        ("Mr. Sharma took the money", "Sharma"),
        ("मेरो नाम सीता कुमारी हो", "सीता कुमारी"),
        ("nama saya Siti Aminah dari Jawa", "Siti Aminah"),
        ("ang pangalan ko ay Maria Santos", "Maria Santos"),
        ("tên tôi là Nguyễn Văn An", "Nguyễn Văn"),
        ("меня зовут Иван", "Иван"),
        ("اسمي أحمد", "أحمد"),
    ],
)
def test_names_after_phrases_are_redacted(text: str, name: str) -> None:
    r = redact(text)
    assert name not in r.text, r.text
    assert NAME in r.text


def test_the_contact_name_is_redacted_wherever_it_appears() -> None:
    r = redact("Gita and I both paid. gita cried.", contact_name="Gita Thapa")
    assert "Gita" not in r.text and "gita" not in r.text
    assert r.text.count(NAME) == 2


def test_ordinary_words_after_weak_honorifics_are_kept() -> None:
    assert redact("The sir told us to wait").text == "The sir told us to wait"


def test_abuse_spam_duplicate_and_burst_are_reported_not_changed() -> None:
    r = run_checks(
        "This fucking agency, see http://cheap-visa.example.com", duplicate=True, burst_count=5, burst_limit=3
    )
    codes = [f.code for f in r.findings]
    assert codes == ["abuse", "link", "duplicate", "burst"]
    assert "fucking" in r.text
    assert run_checks("a " * 40).findings[0].code == "repeated"
    assert run_checks("मुजी एजेन्ट").findings[0].code == "abuse"


def test_clean_text_has_no_findings() -> None:
    r = run_checks("They were fair and explained the contract before I left.")
    assert r.clean and r.text.startswith("They were fair")
