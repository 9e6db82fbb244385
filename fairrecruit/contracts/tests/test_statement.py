"""Compare my contract's answer as a PDF statement over real HTTP: the answer page's own form sends the same
terms again; the statement says what changed, the wage lost and the legal minimum, in the reader's language, and
is stored nowhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from fairrecruit.contracts.tests.test_pages_api import EXAMPLE
from fairrecruit.core.models import AuditEvent
from tests.pdfs import as_post, render, statement_form_fields, text_and_fonts

pytestmark = pytest.mark.django_db

TERMS = {
    "destination": "QA", "origin": "NP", "domestic_work": "no",
    "promised_wage_amount": "1400", "promised_wage_currency": "QAR", "actual_wage_amount": "950",
    "actual_wage_currency": "QAR", "promised_contract_months": "24", "months_worked": "4",
    "promised_hours_per_day": "8", "actual_hours_per_day": "11", "promised_food": "yes", "actual_food": "no",
    "promised_employer": "Doha Builders", "actual_employer": "दोहा ठेकेदार", "received": "after_arrival",
}


def test_the_answer_page_sends_the_same_terms_for_a_statement(client: Client, tmp_path: Path) -> None:
    events = AuditEvent.objects.count()
    page = client.post("/contract/", TERMS).content.decode()
    fields = statement_form_fields(page)
    assert ("actual_employer", "दोहा ठेकेदार") in fields and ("actual_wage_amount", "950") in fields
    r = client.post("/contract/statement.pdf", as_post(fields))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf", r.content[:300]
    assert 'filename="fairrecruit-contract-statement.pdf"' in r["Content-Disposition"]
    assert r["Cache-Control"] == "no-store"
    text, fonts = text_and_fonts(r.content)
    text = " ".join(text.split())  # sentences, wherever the lines break
    assert "this is contract substitution" in text
    assert "450.00 QAR a month less" in text  # 1,400 promised, 950 now
    assert "1,800.00 QAR" in text and "10,800.00 QAR" in text  # so far (4 months), over the 24-month contract
    assert "below the legal minimum of 1,000.00 QAR: 50.00 QAR a month" in text  # Qatar's minimum wage
    assert "300.00 QAR a month" in text  # the food allowance owed, food not given
    assert "wording recalled" in text  # the minimum's source, marked
    assert "NotoSansDevanagari" in fonts  # the employer as the worker typed it
    assert "/complain/?category=contract_substitution&category=wages" in text
    assert AuditEvent.objects.count() == events  # nothing stored
    pages, errors = render(r.content, tmp_path)
    assert pages and "Error" not in errors, errors


def test_the_contract_statement_is_in_the_readers_language(client: Client) -> None:
    client.cookies["django_language"] = "es"
    text, _fonts = text_and_fonts(client.post("/contract/statement.pdf", TERMS).content)
    with translation.override("es"):
        heading = gettext("Your contract was changed: this is contract substitution")
        minimum = gettext("Legal minimum wage")
    assert heading != "Your contract was changed: this is contract substitution"
    assert heading in text and minimum in text and "contract substitution" not in text


def test_a_contract_statement_of_bad_terms_names_the_field(client: Client, settings: Any) -> None:
    r = client.post("/contract/statement.pdf", dict(TERMS, actual_wage_currency="XYZ"))
    assert r.status_code == 400 and r["Content-Type"].startswith("text/html")
    assert "XYZ" in r.content.decode()
    settings.FAIRRECRUIT_STATEMENT_RATE = "1/h"
    assert client.post("/contract/statement.pdf", TERMS).status_code == 200
    assert client.post("/check/statement.pdf", {}).status_code == 429  # one count for both statements
    assert client.post("/contract/statement.pdf", TERMS).status_code == 429


def test_the_api_answers_the_terms_with_the_statement(client: Client) -> None:
    import json

    body = json.loads(EXAMPLE.read_text())
    r = client.post("/api/v1/contracts/statement?language=ru", data=json.dumps(body),
                    content_type="application/json")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf", r.content[:300]
    text, _fonts = text_and_fonts(r.content)
    with translation.override("ru"):
        heading = gettext("Your contract was changed: this is contract substitution")
    assert heading in text and "contract substitution" not in text
    body["actual"]["hours_per_day"] = 30
    bad = client.post("/api/v1/contracts/statement", data=json.dumps(body), content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "actual.hours_per_day"
