"""Amounts are grouped as their readers write them (``core/formats``): lakhs in Nepali, Bengali and Hindi,
thousands elsewhere, on the worker's page and in the worker's statement."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation
from django.utils.formats import number_format

from fairrecruit.core.formats import cldr_numbers
from fairrecruit.standards.tests.test_pages import FORM
from tests.pdfs import text_and_fonts


def test_cldr_gives_lakh_grouping_for_south_asian_languages_and_thousands_elsewhere() -> None:
    assert cldr_numbers("ne") == (".", ",", (3, 2, 0))
    assert cldr_numbers("fil") == (".", ",", (3, 3, 0))
    assert cldr_numbers("vi") == (",", ".", (3, 3, 0))
    expected = {"ne": "12,34,567.50", "bn": "12,34,567.50", "hi": "12,34,567.50", "fil": "1,234,567.50",
                "vi": "1.234.567,50", "my": "1,234,567.50", "ar": "1,234,567.50", "en": "1,234,567.50"}
    for lang, shown in expected.items():
        with translation.override(lang):
            assert number_format(1234567.5, decimal_pos=2, force_grouping=True) == shown, lang


@pytest.mark.django_db
def test_the_amount_owed_is_grouped_in_the_workers_language(client: Client) -> None:
    """Nepal's law: 140,000 rupees owed (110,000 over the cap and the 30,000 ticket)."""
    for lang, owed in (("ne", "1,40,000 NPR"), ("bn", "1,40,000 NPR"), ("hi", "1,40,000 NPR"),
                       ("fil", "140,000 NPR"), ("vi", "140.000 NPR"), ("ar", "140,000 NPR")):
        client.cookies["django_language"] = lang
        html = client.post("/check/", FORM).content.decode()
        assert f'<span class="owed">{owed}</span>' in html, lang
    client.cookies["django_language"] = "ne"
    text, _fonts = text_and_fonts(client.post("/check/statement.pdf", FORM).content)
    assert "1,40,000" in text and "140000" not in text


def test_months_of_earnings_use_the_readers_decimal_mark() -> None:
    from fairrecruit.evidence.templatetags.evidence import months

    for lang, shown in (("en", "2.5"), ("es", "2,5"), ("vi", "2,5"), ("ru", "2,5"), ("ne", "2.5")):
        with translation.override(lang):
            assert months(2.46) == shown, lang
    with translation.override("hi"):
        assert months(123456.0) == "1,23,456.0"


def test_money_is_written_the_same_way_on_pages_pdfs_and_sms() -> None:
    from decimal import Decimal

    from django.template import Context, Template

    from fairrecruit.core.money import money

    with translation.override("ne"):
        assert money(Decimal("150000.00"), "NPR") == "1,50,000 NPR"  # no ".00" when there are no cents
        assert money(1234.5, "QAR") == "1,234.50 QAR"
        assert money(None, "NPR") == "—"
        page = Template("{% load currencies %}{{ plan.amount|money:plan.currency }} / {{ paid|money }}")
        assert page.render(Context({"plan": {"amount": Decimal("250000"), "currency": "NPR"},
                                    "paid": "5000"})) == "2,50,000 NPR / 5,000"
    with translation.override("vi"):
        assert money(Decimal("1234567.25"), "VND") == "1.234.567,25 VND"


def test_money_in_an_sms_keeps_to_the_gsm_alphabet() -> None:
    """Spanish groups digits with a no-break space, which the GSM alphabet lacks: in an SMS it is a plain space,
    or the whole reply goes as UCS-2, 70 characters a part instead of 160."""
    from fairrecruit.core.money import money
    from fairrecruit.grievances.conversation import sms_segments

    with translation.override("es"):
        assert money(500000, "NPR") == "500\u00a0000 NPR"  # on pages
        texted = money(500000, "NPR", sms=True)
    assert texted == "500 000 NPR"
    reply = f"Multa {texted}: Departamento de Empleo en el Exterior, vigente desde 2026-01-10"
    assert 70 < len(reply) <= 160
    assert sms_segments(reply) == 1 and sms_segments(reply.replace(texted, "500\u00a0000 NPR")) == 2

