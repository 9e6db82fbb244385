"""Workforce fee surveys through real HTTP: a worker answers without an account (stored once however often the
form is re-sent; a second answer with the same employee number refused), the brand sees aggregates only from
five answers up, and downloads the answers as a repayment programme's file that the programme import accepts;
employee numbers are encrypted at rest and every read is logged."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from fairrecruit.core.models import AuditEvent, Membership
from fairrecruit.enforcement.tests.helpers import build, user
from fairrecruit.grievances.programmes import programme_import, workers_page
from fairrecruit.supplychain import surveys
from fairrecruit.supplychain.models import FeeSurvey, FeeSurveyAnswer

pytestmark = pytest.mark.django_db


@pytest.fixture
def r():
    r = build()
    r["org"] = Membership.objects.get(user=r["brand"]).organisation
    r["survey"] = surveys.survey_create(user=r["brand"], organisation=r["org"], title="Doha warehouse 2026")
    return r


def journey_post(ref: str, token: str, paid: str = "120000") -> dict[str, str]:
    data = {"token": token, "worker_ref": ref, "origin": "NP", "destination": "QA",
            "recruitment_date": "2019-03-01", "contract_months": "24", "promised_wage_amount": "1000",
            "promised_wage_currency": "QAR", "earnings_amount": "1000", "earnings_currency": "QAR",
            "p-TOTAL_FORMS": "4", "p-INITIAL_FORMS": "0", "p-MIN_NUM_FORMS": "0", "p-MAX_NUM_FORMS": "20"}
    if paid:
        data |= {"p-0-amount": paid, "p-0-currency": "NPR", "p-0-date": "2019-03-05",
                 "p-0-purpose": "service charge", "p-0-paid_to": "licensed_agency"}
    return data


def test_worker_answers_once_without_an_account(r):
    url = f"/fee-survey/{r['survey'].code}/"
    c = Client()
    page = c.get(url)
    assert page.status_code == 200 and b"brand org" in page.content
    found = re.search(rb'name="token" value="([^"]+)"', page.content)
    assert found is not None
    token = found.group(1).decode()
    done = c.post(url, journey_post("E-1001", token))
    assert done.status_code == 200, done.content[:2000]
    assert b"your answer was recorded" in done.content and b"Nothing you typed was stored" not in done.content
    assert b"140,000 NPR" in done.content or b"110,000 NPR" in done.content  # the assessment is shown
    again = c.post(url, journey_post("E-1001", token))  # a retry on a bad connection
    assert b"already recorded" in again.content
    assert FeeSurveyAnswer.objects.count() == 1
    edited = c.post(url, journey_post("E-1001", token, paid="5000"))  # went back, changed an answer, sent again
    assert edited.status_code == 400 and b"already sent with other answers" in edited.content
    other = c.post(url, journey_post(" e-1001 ", "another-token-of-sixteen"))  # the same number, another form
    assert other.status_code == 400 and b"already recorded. If it needs correcting, ask brand org" in other.content
    assert FeeSurveyAnswer.objects.count() == 1
    bad = c.post(url, journey_post("", "third-token-of-sixteen", paid="-5"))
    assert bad.status_code == 400 and b"your employer needs it to pay you back" in bad.content
    # the employee number is not stored in clear
    with connection.cursor() as cur:
        cur.execute("SELECT worker_ref FROM supplychain_feesurveyanswer")
        stored = cur.fetchone()[0]
    assert "E-1001" not in stored and len(stored) > 40


def test_closed_survey_takes_no_answer(r):
    FeeSurvey.objects.filter(pk=r["survey"].pk).update(closes=dt.date.today() - dt.timedelta(days=1))
    resp = Client().post(f"/fee-survey/{r['survey'].code}/", journey_post("E-1", "token-of-sixteen-chars"))
    assert resp.status_code == 410 and FeeSurveyAnswer.objects.count() == 0
    assert Client().get("/fee-survey/nope/").status_code == 404


def test_aggregates_from_five_answers_and_programme_file(r):
    c = Client()
    url = f"/fee-survey/{r['survey'].code}/"
    for i in range(4):
        c.post(url, journey_post(f"E-{i}", f"token-number-{i:08d}", paid="" if i == 0 else "120000"))
    s = surveys.summary(r["survey"])
    assert s["answers"] == 4 and not s["shown"] and "median_paid_usd" not in s
    assert s["by_origin"] == [("NP", None)]  # fewer than five: not counted out
    c.post(url, journey_post("E-4", "token-number-00000004"))
    s = surveys.summary(r["survey"])
    assert s["shown"] and s["paid_any_percent"] == 80 and s["by_origin"] == [("NP", 5)]
    assert s["owed_known"] == 5 and s["owed_usd"] > 0
    brand = Client()
    brand.force_login(r["brand"])
    page = brand.get(f"/supply-chain/surveys/{r['survey'].pk}/")
    assert page.status_code == 200 and b"80%" in page.content
    reads = AuditEvent.objects.filter(action="sensitive.read").count()
    csv_text = brand.get(f"/supply-chain/surveys/{r['survey'].pk}/?format=csv").content.decode()
    assert AuditEvent.objects.filter(action="sensitive.read").count() == reads + 5  # each number read is logged
    assert "E-0" in csv_text and "E-4" in csv_text
    # the file is a repayment programme's: the import takes it and owes the four who paid
    imported = programme_import(actor=r["brand"], organisation=r["org"], name="Doha repayment",
                                data=csv_text.encode(), filename="fee-survey.csv", first_due=dt.date.today())
    workers = {w.ref: w.worker for w in workers_page(imported.programme, user=r["brand"], purpose="test")[0]}
    assert set(workers) == {f"E-{i}" for i in range(5)}
    assert workers["E-0"].owed == 0 and workers["E-1"].owed and workers["E-1"].owed > 0
    # another brand sees none of it
    stranger = Client()
    stranger.force_login(user("brand2", "employer"))
    assert stranger.get(f"/supply-chain/surveys/{r['survey'].pk}/").status_code == 404
    assert stranger.get(f"/supply-chain/surveys/{r['survey'].pk}/?format=csv").status_code == 404


def test_brand_creates_a_survey_and_bad_input_is_named(r):
    brand = Client()
    brand.force_login(r["brand"])
    bad = brand.post("/supply-chain/surveys/", {"title": "", "closes": "2020-01-01"})
    assert bad.status_code == 400 and b"title: is required" in bad.content
    past = brand.post("/supply-chain/surveys/", {"title": "Old", "closes": "2020-01-01"})
    assert past.status_code == 400 and b"closes: must not be in the past" in past.content
    token = brand.get("/supply-chain/surveys/").content.decode().split('name="token" value="')[1].split('"')[0]
    ok = brand.post("/supply-chain/surveys/", {"title": "Dubai site", "token": token})
    assert ok.status_code == 302
    again = brand.post("/supply-chain/surveys/", {"title": "Dubai site", "token": token})  # resent: stored once
    assert again.status_code == 302 and again["Location"] == ok["Location"]
    reused = brand.post("/supply-chain/surveys/", {"title": "Doha site", "token": token})
    assert reused.status_code == 400 and b"already sent with other values" in reused.content
    s = FeeSurvey.objects.get(title="Dubai site")
    assert s.organisation == r["org"] and len(s.code) >= 10
    assert Client().get("/supply-chain/surveys/").status_code == 302


def test_answers_are_rate_limited_per_connection(r, settings):
    settings.FAIRRECRUIT_FEE_SURVEY_RATE = "2/h"
    url = f"/fee-survey/{r['survey'].code}/"
    c = Client()
    codes = [c.post(url, journey_post(f"E-{i}", f"rate-limit-token-{i:04d}")).status_code for i in range(3)]
    assert codes == [200, 200, 429]
    assert FeeSurveyAnswer.objects.count() == 2


def test_api_answer_and_figures(r, client):
    import json as _json
    from pathlib import Path

    from fairrecruit.core.services import api_token_create

    examples = Path(__file__).parents[2] / "standards" / "examples"
    journey = _json.loads((examples / "np-qa-labourer.json").read_text())
    url = f"/api/v1/fee-surveys/{r['survey'].code}/answers"
    headers = {"Idempotency-Key": "api-answer-key-000001"}
    made = client.post(url, {"worker_ref": "E-77", "journey": journey}, content_type="application/json",
                       headers=headers)
    assert made.status_code == 201, made.content
    assert made.json()["result"]["owed"]["ilo-zero-fee"]["amount"] > 0
    again = client.post(url, {"worker_ref": "E-77", "journey": journey}, content_type="application/json",
                        headers=headers)
    assert again.status_code == 200 and FeeSurveyAnswer.objects.count() == 1
    assert again.json()["receipt"] == made.json()["receipt"] == surveys.receipt_for("api-answer-key-000001")
    assert made.json()["repayment_url"] == f"http://testserver/fee-survey/{r['survey'].code}/repayment/"
    other = client.post(url, {"worker_ref": "E-78", "journey": journey}, content_type="application/json",
                        headers=headers)  # the same key with other content: not a retry
    assert other.status_code == 409 and other.json()["errors"][0]["field"] == "Idempotency-Key"
    twice = client.post(url, {"worker_ref": "e-77", "journey": journey}, content_type="application/json",
                        headers={"Idempotency-Key": "api-answer-key-000002"})
    assert twice.status_code == 409 and twice.json()["errors"][0]["field"] == "worker_ref"
    bad = client.post(url, {"worker_ref": "", "journey": {"origin": "XX"}, "name": "Ram"},
                      content_type="application/json")
    fields = {e["field"] for e in bad.json()["errors"]}
    assert bad.status_code == 400 and {"Idempotency-Key", "name", "worker_ref", "journey.origin"} <= fields
    token = api_token_create(actor=None, user=r["brand"], name="t")[1]
    auth = {"Authorization": f"Bearer {token}"}
    got = client.get(f"/api/v1/fee-surveys/{r['survey'].pk}", headers=auth).json()
    assert got["answers"] == 1 and got["shown"] is False and "E-77" not in _json.dumps(got)
    assert client.get("/api/v1/fee-surveys/" + "9" * 40, headers=auth).status_code == 404
    assert client.get(f"/api/v1/fee-surveys/{r['survey'].pk}").status_code == 401


def _answer(r, ref: str, token: str) -> None:
    assert Client().post(f"/fee-survey/{r['survey'].code}/", journey_post(ref, token)).status_code == 200


def test_brand_corrects_a_mistyped_number_and_withdraws_an_answer(r):
    _answer(r, "E-1", "correct-token-0000001")
    _answer(r, "E-2", "correct-token-0000002")
    brand = Client()
    brand.force_login(r["brand"])
    page = f"/supply-chain/surveys/{r['survey'].pk}/"
    url = f"{page}correct/"
    assert b'action="/supply-chain/surveys/' in brand.get(page).content  # the form is on the survey's page
    unknown = brand.post(url, {"worker_ref": "E-3", "new_worker_ref": "E-9", "reason": "mistyped"})
    assert unknown.status_code == 400 and b"worker_ref: no answer in this survey has this employee number" in unknown.content
    empty = brand.post(url, {"worker_ref": "E-1", "new_worker_ref": "e-1", "reason": ""})
    assert empty.status_code == 400 and b"reason: is required" in empty.content
    assert b"new_worker_ref: is the same number" in empty.content
    taken = brand.post(url, {"worker_ref": "E-1", "new_worker_ref": "E-2", "reason": "mistyped"})
    assert taken.status_code == 400 and b"new_worker_ref: another answer has this employee number" in taken.content
    # renumbered: the download has the right number, not the typo
    moved = brand.post(url, {"worker_ref": " e-1 ", "new_worker_ref": "E-10", "reason": "worker mistyped (ticket 4)"})
    assert moved.status_code == 302 and "corrected=renumbered" in moved["Location"]
    csv_text = brand.get(f"{page}?format=csv").content.decode()
    assert "E-10" in csv_text and "E-1," not in csv_text
    # withdrawn: out of the figures and the download, kept, and the number may answer again
    gone = brand.post(url, {"worker_ref": "E-2", "reason": "someone else used her number"})
    assert gone.status_code == 302 and "corrected=withdrawn" in gone["Location"]
    assert b"was withdrawn" in brand.get(gone["Location"]).content
    assert surveys.summary(r["survey"])["answers"] == 1 and FeeSurveyAnswer.objects.count() == 2
    assert "E-2" not in brand.get(f"{page}?format=csv").content.decode()
    assert b"1 answer withdrawn" in brand.get(page).content
    listed = brand.get("/supply-chain/surveys/").content.decode()
    assert re.search(r"Doha warehouse 2026</a></td><td>1</td>", listed), listed  # withdrawn not counted
    _answer(r, "E-2", "correct-token-0000003")
    assert surveys.summary(r["survey"])["answers"] == 2
    # every correction is audited with its reason, and no employee number in clear
    events = AuditEvent.objects.filter(action__startswith="feesurvey.answer.")
    assert {e.action for e in events} >= {"feesurvey.answer.renumbered", "feesurvey.answer.withdrawn"}
    assert "someone else used her number" in str([e.new for e in events])
    assert not re.search(r"E-(1|2|10)\b", str([(e.old, e.new) for e in events]))
    # another organisation cannot correct, nor someone signed out
    stranger = Client()
    stranger.force_login(user("brand3", "employer"))
    assert stranger.post(url, {"worker_ref": "E-10", "reason": "x"}).status_code == 404
    assert Client().post(url, {"worker_ref": "E-10", "reason": "x"}).status_code == 302
    assert surveys.summary(r["survey"])["answers"] == 2


def test_api_corrections_are_retry_safe_and_name_bad_fields(r, client):
    from fairrecruit.core.services import api_token_create

    _answer(r, "E-5", "api-correct-token-0001")
    _answer(r, "E-6", "api-correct-token-0002")
    auth = {"Authorization": f"Bearer {api_token_create(actor=None, user=r['brand'], name='t')[1]}"}
    url = f"/api/v1/fee-surveys/{r['survey'].pk}/corrections"
    body = {"worker_ref": "E-5", "new_worker_ref": "E-50", "reason": "typo"}
    first = client.post(url, body, content_type="application/json", headers=auth)
    assert first.status_code == 200 and first.json() == {"action": "renumbered", "again": False, "answers": 2}
    again = client.post(url, body, content_type="application/json", headers=auth)  # a retry: nothing changes
    assert again.status_code == 200 and again.json()["again"] is True
    assert AuditEvent.objects.filter(action="feesurvey.answer.renumbered").count() == 1
    # a number that was never renumbered to the new one is not taken for a retry
    stray = client.post(url, {"worker_ref": "E-4", "new_worker_ref": "E-6", "reason": "typo"},
                        content_type="application/json", headers=auth)
    assert stray.status_code == 400 and stray.json()["errors"][0]["field"] == "worker_ref"
    out = {"worker_ref": "E-6", "reason": "not our worker"}
    assert client.post(url, out, content_type="application/json", headers=auth).json()["answers"] == 1
    retry = client.post(url, out, content_type="application/json", headers=auth).json()
    assert retry == {"action": "withdrawn", "again": True, "answers": 1}
    figures = client.get(f"/api/v1/fee-surveys/{r['survey'].pk}", headers=auth).json()
    assert (figures["answers"], figures["withdrawn"], figures["programmes"]) == (1, 1, [])
    bad = client.post(url, {"worker_ref": 5.5, "colour": "red"}, content_type="application/json", headers=auth)
    assert bad.status_code == 400 and {e["field"] for e in bad.json()["errors"]} == {"worker_ref", "colour"}
    missing = client.post(url, {"worker_ref": "E-50"}, content_type="application/json", headers=auth)
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "reason"
    assert client.post(url, body, content_type="application/json").status_code == 401
    other = api_token_create(actor=None, user=user("brand4", "employer"), name="t")[1]
    assert client.post(url, body, content_type="application/json",
                       headers={"Authorization": f"Bearer {other}"}).status_code == 404
    garbled = client.post(url, "not json", content_type="text/plain", headers=auth)
    assert garbled.status_code == 400 and garbled.json()["errors"][0]["field"] == "(body)"


def test_poster_prints_the_survey_link_as_a_qr_code_in_the_workers_languages(r):
    import segno
    from django.utils import translation

    FeeSurvey.objects.filter(pk=r["survey"].pk).update(closes=dt.date(2099, 1, 31))
    brand = Client()
    brand.force_login(r["brand"])
    page = f"/supply-chain/surveys/{r['survey'].pk}/"
    assert f'href="{page}poster/?organisation=' in brand.get(page).content.decode()
    resp = brand.get(f"{page}poster/", {"lang": ["ne", "ar"]})
    html = resp.content.decode()
    assert resp.status_code == 200
    link = f"http://testserver/fee-survey/{r['survey'].code}/"
    # the code is the worker's link (not the organisation's page), and the address is printed under it
    assert segno.make(link, error="m").svg_inline(scale=6, title=link) in html and f"<strong>{link}</strong>" in html
    for lang, direction in (("ne", "ltr"), ("ar", "rtl")):
        with translation.override(lang):
            heading = translation.gettext("What did you pay for your job?")
            last = translation.gettext("Last day to answer: %(day)s") % {"day": "2099-01-31"}
        assert heading != "What did you pay for your job?"  # translated in the catalogue
        section = html.split(f'<section lang="{lang}" dir="{direction}">')[1].split("</section>")[0]
        assert heading in section and last in section and "brand org" in section
    assert html.count("<section lang=") == 2
    bad = brand.get(f"{page}poster/", {"lang": ["ne", "xx"]})
    assert bad.status_code == 400 and "lang: &#x27;xx&#x27; is not one of FairRecruit" in bad.content.decode()
    many = brand.get(f"{page}poster/", {"lang": ["en", "ne", "bn", "hi", "ar"]})
    assert many.status_code == 400 and b"at most 4 languages" in many.content
    stranger = Client()
    stranger.force_login(user("brand5", "employer"))
    assert stranger.get(f"{page}poster/").status_code == 404
    assert Client().get(f"{page}poster/").status_code == 302


def test_repayment_programme_starts_from_the_answers_without_a_file(r):
    from fairrecruit.grievances.models import Programme

    brand = Client()
    brand.force_login(r["brand"])
    page = f"/supply-chain/surveys/{r['survey'].pk}/"
    url = f"{page}programme/"
    form = {"name": "Doha repayment", "standard": "ilo-zero-fee", "instalments": "2", "first_due": "2099-01-15",
            "interval_months": "1"}
    empty = brand.post(url, form)  # no answer yet
    assert empty.status_code == 400 and b"has no answers yet" in empty.content
    _answer(r, "E-1", "programme-token-00001")
    _answer(r, "E-2", "programme-token-00002")
    _answer(r, "E-3", "programme-token-00003")
    surveys.answer_correct(survey=r["survey"], user=r["brand"], worker_ref="E-3", reason="not our worker")
    bad = brand.post(url, form | {"instalments": "0", "first_due": ""})
    assert bad.status_code == 400 and b"instalments:" in bad.content and b"first_due:" in bad.content
    assert Programme.objects.count() == 0
    reads = AuditEvent.objects.filter(action="sensitive.read").count()
    made = brand.post(url, form)
    assert made.status_code == 302
    prog = Programme.objects.get()
    assert made["Location"] == f"/grievances/programmes/{prog.pk}/"
    assert AuditEvent.objects.filter(action="sensitive.read").count() == reads + 2  # each number read, logged
    workers = {w.ref: w.worker for w in workers_page(prog, user=r["brand"], purpose="test")[0]}
    assert set(workers) == {"E-1", "E-2"}  # the withdrawn answer is not repaid
    assert all(w.owed and w.owed > 0 for w in workers.values()) and prog.instalments == 2
    assert brand.get(made["Location"]).status_code == 200
    again = brand.post(url, form)  # a retry: the same programme
    assert again["Location"] == made["Location"] and Programme.objects.count() == 1
    # the survey's page lists it
    listed = brand.get(page).content.decode().split('<p id="programmes">')[1].split("</p>")[0]
    assert f'href="/grievances/programmes/{prog.pk}/">Doha repayment</a>' in listed and "2 workers" in listed
    stranger = Client()
    stranger.force_login(user("brand6", "employer"))
    assert stranger.post(url, form).status_code == 404
    assert Programme.objects.count() == 1


def test_api_starts_a_programme_from_the_answers(r, client):
    from fairrecruit.core.services import api_token_create
    from fairrecruit.grievances.models import Programme

    auth = {"Authorization": f"Bearer {api_token_create(actor=None, user=r['brand'], name='t')[1]}"}
    url = f"/api/v1/fee-surveys/{r['survey'].pk}/programme"
    body = {"name": "Doha repayment", "first_due": "2099-02-01", "instalments": 3}
    none = client.post(url, body, content_type="application/json", headers=auth)
    assert none.status_code == 400 and none.json()["errors"][0]["field"] == "(survey)"
    _answer(r, "E-7", "api-programme-token-01")
    bad = client.post(url, {"name": "", "first_due": "15/02/2099", "instalments": 99, "colour": "red"},
                      content_type="application/json", headers=auth)
    assert bad.status_code == 400 and {e["field"] for e in bad.json()["errors"]} == {"colour"}
    bad = client.post(url, {"name": "", "first_due": "15/02/2099", "instalments": 99},
                      content_type="application/json", headers=auth)
    assert bad.status_code == 400 and {e["field"] for e in bad.json()["errors"]} == {"name", "first_due", "instalments"}
    made = client.post(url, body, content_type="application/json", headers=auth)
    assert made.status_code == 201, made.content
    prog = Programme.objects.get()
    assert made.json() == {"id": prog.pk, "name": "Doha repayment", "workers": 1, "url": f"/api/v1/programmes/{prog.pk}"}
    assert prog.instalments == 3 and prog.standard == "ilo-zero-fee"
    assert client.get(made.json()["url"], headers=auth).json()["workers"][0]["worker_ref"] == "E-7"
    again = client.post(url, body, content_type="application/json", headers=auth)
    assert again.status_code == 200 and again.json()["id"] == prog.pk and Programme.objects.count() == 1
    figures = client.get(f"/api/v1/fee-surveys/{r['survey'].pk}", headers=auth).json()
    assert figures["programmes"] == [{"id": prog.pk, "name": "Doha repayment", "workers": 1}]
    assert client.post(url, body, content_type="application/json").status_code == 401


def test_the_worker_follows_their_repayment_with_the_receipt_code(r):
    from fairrecruit.grievances.programmes import programme_payment_record

    url = f"/fee-survey/{r['survey'].code}/"
    worker = Client()
    found = re.search(rb'name="token" value="([^"]+)"', worker.get(url).content)
    assert found is not None
    token = found.group(1).decode()
    done = worker.post(url, journey_post("E-1", token)).content.decode()
    shown_code = re.search(r"<strong>(FS-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</strong>", done)
    assert shown_code is not None
    receipt = shown_code.group(1)
    assert receipt == surveys.receipt_for(token) and f'href="{url}repayment/"' in done
    again = worker.post(url, journey_post("E-1", token)).content.decode()  # a retry shows the same code
    assert receipt in again
    _answer(r, "E-2", "receipt-token-000002")
    status = f"{url}repayment/"
    # before any programme: recorded, and what the rules say is owed
    before = worker.post(status, {"receipt": receipt.lower().replace("-", " ")})  # typed any which way
    html = before.content.decode()
    assert before.status_code == 200 and "has not started paying back" in html and "E-1" not in html
    # the organisation repays: the worker sees owed, paid, the next instalment
    brand = Client()
    brand.force_login(r["brand"])
    assert brand.post(f"/supply-chain/surveys/{r['survey'].pk}/programme/", {
        "name": "Doha repayment", "standard": "ilo-zero-fee", "instalments": "2", "first_due": "2026-01-15",
        "interval_months": "1"}).status_code == 302
    answer = surveys.answer_by_receipt(r["survey"], receipt)
    assert answer is not None and answer.programme_worker is not None
    programme_payment_record(actor=r["brand"], worker=answer.programme_worker, amount=1000,
                             paid_on=dt.date(2026, 1, 20))
    answer = surveys.answer_by_receipt(r["survey"], receipt)
    assert answer is not None
    shown = surveys.repayment_status(answer)
    html = worker.post(status, {"receipt": receipt}).content.decode()
    p = shown["programme"]
    assert p["paid"] == Decimal("1000.00") and p["outstanding"] == p["owed"] - Decimal("1000.00")
    assert "Doha repayment" in html and f"{p['outstanding']:,.0f} NPR" in html and "It is late." in html
    assert "2026-01-20: 1,000 NPR" in html and "E-1" not in html
    # a wrong code is named; nobody else's answer opens with it
    wrong = worker.post(status, {"receipt": "FS-2222-2222-2222"})
    assert wrong.status_code == 400 and "No answer to this survey has this receipt code" in wrong.content.decode()
    empty = worker.post(status, {"receipt": ""})
    assert empty.status_code == 400 and "the code you got when you answered" in empty.content.decode()
    other = surveys.survey_create(user=r["brand"], organisation=r["org"], title="Another site")
    assert worker.post(f"/fee-survey/{other.code}/repayment/", {"receipt": receipt}).status_code == 400
    # the same for partner apps, in JSON
    api = f"/api/v1/fee-surveys/{r['survey'].code}/repayment"
    got = worker.post(api, {"receipt": receipt.lower()}, content_type="application/json")
    assert got.status_code == 200 and "E-1" not in got.content.decode()
    body = got.json()["programme"]
    assert body["paid"] == "1000.00" and body["outstanding"] == str(p["outstanding"]) and body["next"]["late"]
    assert body["payments"] == [{"paid_on": "2026-01-20", "amount": "1000.00"}]
    assert worker.post(api, {"receipt": "FS-2222-2222-2222"}, content_type="application/json").status_code == 404
    bad = worker.post(api, {"receipt": "", "pin": 1}, content_type="application/json")
    assert bad.status_code == 400 and {e["field"] for e in bad.json()["errors"]} == {"receipt", "pin"}
    assert worker.post(api, {"receipt": receipt}).status_code == 415  # a form post, not JSON


def test_the_worker_asks_for_their_repayment_by_sms_with_the_receipt_code(r):
    from fairrecruit.grievances.programmes import programme_payment_record
    from fairrecruit.grievances.services import conversation_handle

    _answer(r, "E-1", "sms-receipt-token-0001")
    receipt = surveys.receipt_for("sms-receipt-token-0001")
    before = conversation_handle(channel="sms", sender="+9779800000001", text=receipt.lower()).replies
    assert "has not started paying back" in before[0] and any("should get back" in m for m in before)
    surveys.programme_start(survey=r["survey"], user=r["brand"], name="Doha repayment",
                            first_due=dt.date(2026, 1, 1), instalments=2)
    answer = surveys.answer_by_receipt(r["survey"], receipt)
    assert answer is not None and answer.programme_worker is not None
    programme_payment_record(actor=r["brand"], worker=answer.programme_worker, amount=1000,
                             paid_on=dt.date(2026, 1, 5))
    [reply] = conversation_handle(channel="sms", sender="+9779800000001", text=f"REPAY {receipt}").replies
    assert reply.startswith("Doha repayment:") and "Paid to you so far: 1,000 NPR." in reply and "E-1" not in reply
    assert "It is late." in reply
    # a word in Nepali before the code: the answer in Nepali
    [nepali] = conversation_handle(channel="sms", sender="+9779800000002", text=f"फिर्ता {receipt}").replies
    assert "Doha repayment" in nepali and "Paid to you so far" not in nepali
    unknown = conversation_handle(channel="sms", sender="+9779800000001", text="FS-2222-2222-2222").replies
    assert "No fee-survey answer has the receipt code FS-2222-2222-2222" in unknown[0]
    # not a receipt code: the complaint conversation as before
    assert "FS-" not in " ".join(conversation_handle(channel="sms", sender="+9779800000003", text="hello").replies)


def test_a_programme_imported_from_the_downloaded_file_or_a_payroll_file_links_the_answers(r):
    """Receipt codes work whichever way the brand starts the repayment: the download imported on the programme
    page (renamed by the browser or not), or the brand's own file with the same employee numbers."""
    for i in range(3):
        _answer(r, f"E-{i}", f"link-token-{i:010d}")
    brand = Client()
    brand.force_login(r["brand"])
    csv_text = brand.get(f"/supply-chain/surveys/{r['survey'].pk}/?format=csv").content.decode()
    rows = csv_text.splitlines()
    # the brand's payroll file: two of the workers, numbers written another way (case, spaces)
    payroll = "\n".join([rows[0], *(row.replace("E-1", " e-1 ") for row in rows[1:] if row.startswith(("E-1", "E-2")))])
    first = programme_import(actor=r["brand"], organisation=r["org"], name="payroll", data=payroll.encode(),
                             filename="payroll-march.csv", first_due=dt.date(2026, 1, 1)).programme
    linked = {a.worker_ref_hash: a.programme_worker for a in surveys.current(r["survey"])}
    assert sum(1 for w in linked.values() if w is not None and w.programme_id == first.pk) == 2
    receipt = surveys.receipt_for("link-token-0000000001")
    a1 = surveys.answer_by_receipt(r["survey"], receipt)
    assert a1 is not None and a1.programme_worker is not None and a1.programme_worker.programme_id == first.pk
    assert surveys.repayment_status(a1)["programme"]["name"] == "payroll"
    # then the survey's own download, renamed by the browser: it takes over every answer
    second = programme_import(actor=r["brand"], organisation=r["org"], name="from the survey",
                              data=csv_text.encode(), filename=f"fee-survey-{r['survey'].pk} (1).csv",
                              first_due=dt.date(2026, 1, 1)).programme
    assert all(a.programme_worker is not None and a.programme_worker.programme_id == second.pk
               for a in surveys.current(r["survey"]))
    # another organisation's programme with the same employee numbers (and even the same file name) links nothing
    other = user("brand2", "employer")
    programme_import(actor=other, organisation=Membership.objects.get(user=other).organisation, name="theirs",
                     data=csv_text.encode() + b"\n", filename=f"fee-survey-{r['survey'].pk}.csv",
                     first_due=dt.date(2026, 1, 1))
    assert all(a.programme_worker is not None and a.programme_worker.programme_id == second.pk
               for a in surveys.current(r["survey"]))


def test_worker_takes_a_statement_of_the_answer_without_the_employee_number(r):
    """The answer page offers the fee statement: the answers are sent again to the fee check's statement, never
    the employee number, and no second answer is stored."""
    from tests.pdfs import as_post, statement_form_fields, text_and_fonts

    c = Client()
    done = c.post(f"/fee-survey/{r['survey'].code}/", journey_post("E-2002", "a-token-of-sixteen-chars"))
    assert done.status_code == 200
    fields = statement_form_fields(done.content.decode())
    names = {k for k, _v in fields}
    assert "worker_ref" not in names and "token" not in names and ("p-0-amount", "120000") in fields
    assert "E-2002" not in done.content.decode()[done.content.decode().index('class="statement"'):]
    pdf = c.post("/check/statement.pdf", as_post(fields))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text, _fonts = text_and_fonts(pdf.content)
    assert "110,000 NPR" in text and "E-2002" not in text
    # true of the statement, whose answer the survey did store: not "Nothing you typed was stored"
    assert "Making this statement stored nothing you typed." in " ".join(text.split())
    assert "Nothing you typed was stored" not in text
    assert FeeSurveyAnswer.objects.count() == 1


def test_a_worker_adds_a_payment_row_and_the_answer_keeps_its_token_and_number(r):
    """"Add another payment" on the survey (a page without scripts): the page comes back with what was typed, the
    employee number and the form's token, and one more row; nothing is stored until the answer is sent, and the
    payment typed in the fifth row counts."""
    url = f"/fee-survey/{r['survey'].code}/"
    c = Client()
    data = journey_post("E-2002", "token-of-the-first-page")
    more = c.post(url, dict(data, more_payments="1"))
    html = more.content.decode()
    assert more.status_code == 200 and 'role="alert"' not in html and "recorded" not in html
    assert 'name="p-TOTAL_FORMS" value="5"' in html and 'name="p-4-amount"' in html
    assert 'name="p-0-amount" value="120000"' in html
    assert 'value="E-2002"' in html and 'value="token-of-the-first-page"' in html
    assert FeeSurveyAnswer.objects.count() == 0
    five = dict(data, **{"p-TOTAL_FORMS": "5", "p-4-amount": "30000", "p-4-currency": "NPR",
                         "p-4-date": "2019-03-06", "p-4-purpose": "air ticket", "p-4-paid_to": "licensed_agency"})
    done = c.post(url, five)
    assert done.status_code == 200 and b"your answer was recorded" in done.content
    answer = FeeSurveyAnswer.objects.get()
    assert sorted(p["amount"] for p in answer.journey["payments"]) == [30000, 120000]
    full = dict(data, **{"p-TOTAL_FORMS": "20"}, more_payments="1")
    assert 'name="more_payments"' not in c.post(url, full).content.decode()
