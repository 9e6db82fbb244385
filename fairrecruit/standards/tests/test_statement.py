"""The fee check's answer as a PDF statement, over real HTTP: the answer page's own form sends the same answers
again, the statement is in the reader's language, says what is owed with the rules' sources, and is stored
nowhere."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from fairrecruit.core.models import AuditEvent
from fairrecruit.standards.models import Assessment
from fairrecruit.standards.tests.test_api import journey
from fairrecruit.standards.tests.test_pages import FORM
from tests.pdfs import as_post, render, statement_form_fields, text_and_fonts

pytestmark = pytest.mark.django_db


def test_the_answer_page_sends_the_same_answers_for_a_statement(client: Client, tmp_path: Path) -> None:
    form = dict(FORM, **{"p-0-purpose": "सेवा शुल्क"})
    page = client.post("/check/", form).content.decode()
    fields = statement_form_fields(page)
    assert ("p-0-purpose", "सेवा शुल्क") in fields and ("origin", "NP") in fields
    assert [k for k, _v in fields].count("csrfmiddlewaretoken") == 1  # the form's own token, not the old one

    r = client.post("/check/statement.pdf", as_post(fields))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf", r.content[:500]
    assert 'filename="fairrecruit-fee-statement.pdf"' in r["Content-Disposition"]
    assert r["Cache-Control"] == "no-store"
    text, fonts = text_and_fonts(r.content)
    assert "What you should get back" in text and "Law of Nepal" in text
    assert "140,000 NPR" in text  # Nepal: 110,000 over the NPR 10,000 cap + the 30,000 ticket
    assert "Owed to you: 150,000 NPR" in text  # the zero-fee standard: all of it
    assert "सेवा शुल्क" in text and "Service charge" in text or "service" in text.lower()
    assert "english.nepalnews.com" in text and "wording recalled" in text  # the rule's source, marked
    assert "Nepal" in text and "Qatar" in text and "2019-03-01" in text  # what the worker typed
    assert "NotoSansDevanagari" in fonts  # the purpose as typed, in its own script
    assert "Make a complaint" in text and "http://testserver/complain/?category=fees" in text  # and a QR code
    assert Assessment.objects.count() == 0 and AuditEvent.objects.count() == 0  # nothing stored

    pages, errors = render(r.content, tmp_path)
    assert pages and "Error" not in errors, errors


def test_the_statement_is_in_the_readers_language(client: Client) -> None:
    for lang in ("es", "ru"):  # scripts whose text comes back out of a PDF letter for letter
        client.cookies["django_language"] = lang
        r = client.post("/check/statement.pdf", FORM)
        assert r.status_code == 200, lang
        text, _fonts = text_and_fonts(r.content)
        with translation.override(lang):
            made = gettext("Made by FairRecruit on %(day)s from what you typed.").split("%(day)s")[0].strip()
            owed = gettext("Owed to you")
            nepal = gettext("Law of %(country)s").split("%(country)s")[0].strip()
        assert made != "Made by FairRecruit on" and made in text, (lang, made)
        assert owed != "Owed to you" and owed in text, lang
        assert nepal in text and "Law of Nepal" not in text, lang
        assert "What you should get back" not in text and "Owed to you" not in text, lang
    for lang, font in (("ne", "NotoSansDevanagari"), ("ar", "NotoSansArabic"), ("my", "NotoSansMyanmar")):
        client.cookies["django_language"] = lang
        text, fonts = text_and_fonts(client.post("/check/statement.pdf", FORM).content)
        assert font in fonts and "What you should get back" not in text and "Owed to you" not in text, lang


def test_nothing_owed_no_complaint_link(client: Client) -> None:
    nothing_paid = {k: v for k, v in FORM.items() if not k.startswith("p-") or k.endswith("_FORMS")}
    text, _fonts = text_and_fonts(client.post("/check/statement.pdf", nothing_paid).content)
    assert "Nothing charged against this rule." in text and "Make a complaint" not in text


def test_a_statement_of_bad_answers_gets_the_form_with_the_field_named(client: Client) -> None:
    r = client.post("/check/statement.pdf", dict(FORM, **{"p-0-amount": "-5"}))
    assert r.status_code == 400 and r["Content-Type"].startswith("text/html")
    assert "must be more than 0" in r.content.decode()
    assert client.get("/check/statement.pdf").status_code == 405


def test_an_example_has_its_statement(client: Client) -> None:
    page = client.get("/check/examples/np-qa-2019-labourer/").content.decode()
    assert 'href="/check/examples/np-qa-2019-labourer/statement.pdf"' in page
    r = client.get("/check/examples/np-qa-2019-labourer/statement.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text, _fonts = text_and_fonts(r.content)
    assert "Village agent" in text and "Demo Manpower" in text  # the recruiters named in the journey
    assert client.get("/check/examples/no-such-example/statement.pdf").status_code == 404


def test_statements_are_limited_per_connection(client: Client, settings: Any) -> None:
    settings.FAIRRECRUIT_STATEMENT_RATE = "2/h"
    assert [client.post("/check/statement.pdf", FORM).status_code for _i in range(3)] == [200, 200, 429]
    assert "Please wait an hour" in client.post("/check/statement.pdf", FORM).content.decode()
    assert client.post("/check/", FORM).status_code == 200  # the check itself is not limited by it


def test_the_command_line_writes_a_statement(tmp_path: Path, settings: Any) -> None:
    from django.core.management import CommandError, call_command

    import fairrecruit.standards

    examples = Path(fairrecruit.standards.__file__).parent / "examples"
    out = tmp_path / "statement.pdf"
    call_command("assess", str(examples / "np-qa-labourer.json"), "--statement", str(out), "--language", "es",
                 stdout=io.StringIO(), stderr=io.StringIO())
    text, _fonts = text_and_fonts(out.read_bytes())
    with translation.override("es"):
        assert gettext("Owed to you") in text and gettext("Law of %(country)s") % {"country": "Nepal"} in text
    assert "Make a complaint" not in text  # no public address configured: no link to a host nobody knows
    settings.FAIRRECRUIT_PUBLIC_URL = "https://fairrecruit.example.org"
    call_command("assess", str(examples / "np-qa-labourer.json"), "--statement", str(out),
                 stdout=io.StringIO(), stderr=io.StringIO())
    assert "https://fairrecruit.example.org/complain/?category=fees" in text_and_fonts(out.read_bytes())[0]
    with pytest.raises(CommandError, match="one journey"):
        call_command("assess", str(tmp_path / "x.jsonl"), "--batch", "--statement", str(out))


def test_the_api_answers_a_journey_with_its_statement(client: Client, settings: Any) -> None:
    url = "/api/v1/assessments/statement"
    r = client.post(f"{url}?language=es", data=json.dumps(journey()), content_type="application/json")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r["Cache-Control"] == "no-store"
    text, _fonts = text_and_fonts(r.content)
    with translation.override("es"):
        assert gettext("Owed to you") in text
    assert Assessment.objects.count() == 0
    bad = client.post(f"{url}?language=xx", data=json.dumps(journey()), content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "language"
    wrong = dict(journey(), destination="ZZ")
    bad = client.post(url, data=json.dumps(wrong), content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "destination"


def test_the_api_limits_anonymous_statements_not_partners(client: Client, settings: Any) -> None:
    from fairrecruit.core.models import Organisation, User
    from fairrecruit.core.services import api_token_create

    org = Organisation.objects.create(name="Hotline", kind="union_cso", country="NP")
    _, key = api_token_create(actor=None, user=User.objects.create_user("hotline"), name="app", organisation=org)
    settings.FAIRRECRUIT_STATEMENT_RATE = "1/h"
    body = json.dumps(journey())
    url = "/api/v1/assessments/statement"
    assert client.post(url, data=body, content_type="application/json").status_code == 200
    assert client.post(url, data=body, content_type="application/json").status_code == 429
    partner = client.post(url, data=body, content_type="application/json", headers={"Authorization": f"Bearer {key}"})
    assert partner.status_code == 200


def test_every_example_has_its_page_and_statement_in_each_language(client: Client, tmp_path: Path,
                                                                   settings: Any) -> None:
    """Each shipped example journey (31 corridors, rules and currencies), its page and its statement, each in one
    of the site's languages in turn, so that every example and every language is drawn once: a whole page in the
    language, and a statement poppler draws without complaint that names the journey's recruiters. (The site crawl
    opens one example only: a statement takes about a second to lay out.)"""
    from fairrecruit.standards import selectors

    languages = [code for code, _name in settings.LANGUAGES]
    examples = selectors.example_journeys()
    assert len(examples) >= len(languages)
    for i, example in enumerate(examples):
        lang = languages[i % len(languages)]
        page = client.get(f"/check/examples/{example['id']}/", HTTP_ACCEPT_LANGUAGE=lang)
        assert page.status_code == 200 and f'<html lang="{lang}"' in page.content.decode(), (example["id"], lang)
        r = client.get(f"/check/examples/{example['id']}/statement.pdf", HTTP_ACCEPT_LANGUAGE=lang)
        assert r.status_code == 200 and r.content.startswith(b"%PDF"), (example["id"], lang)
        pages, errors = render(r.content, tmp_path / example["id"])
        assert pages and not errors, (example["id"], lang, errors)
        text, _fonts = text_and_fonts(r.content)
        flat = " ".join(text.split())
        for recruiter in example.get("recruiters", []):  # a name's last full stop moves in right-to-left text
            assert recruiter["name"].rstrip(".") in flat, (example["id"], lang, recruiter["name"])
