"""Pages: the phone form (anonymous or identified, evidence, retry stored once), following a case with code
and PIN, and the handler's case page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from fairrecruit.core.money import money
from fairrecruit.grievances.forms import new_token
from fairrecruit.grievances.models import Case, Note
from fairrecruit.grievances.selectors import assessment_view, recruitment_day, wages_below_minimum
from fairrecruit.grievances.tests.conftest import JPEG, World, complaint, submit

pytestmark = pytest.mark.django_db


def form_data(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "token": new_token(),
        "language": "en",
        "in_danger": "no",
        "categories": ["fees", "documents_retained"],
        "description": "They kept my passport.",
        "respondent_name": "Everest Overseas",
        "respondent_role": "licensed_agency",
        "origin": "NP",
        "destination": "QA",
        "recruitment_date": "2024-01-10",
        "wage_promised_amount": "1200",
        "wage_promised_currency": "QAR",
        "p-TOTAL_FORMS": "3",
        "p-INITIAL_FORMS": "0",
        "p-0-amount": "120000",
        "p-0-currency": "NPR",
        "p-0-purpose": "सेवा शुल्क",
        "worker_name": "Maya",
        "worker_phone": "+9779800000099",
        "consent_share": "on",
    }
    data.update(kw)
    return data


def test_the_form_stores_once_and_shows_code_and_pin(world: World, client: Client) -> None:
    assert client.get("/complain/").status_code == 200
    data = form_data(evidence=SimpleUploadedFile("receipt.jpg", JPEG, content_type="image/jpeg"))
    r = client.post("/complain/", data)
    assert r.status_code == 200
    html = r.content.decode()
    code = re.search(r'id="case-code"[^>]*>([^<]+)<', html)
    pin = re.search(r'id="case-pin"[^>]*>([^<]+)<', html)
    assert code and pin
    case = Case.objects.get()
    assert case.code == code.group(1) and case.attachments.count() == 1
    assert case.respondent is not None and case.respondent.kind == "reported"
    data.pop("evidence")
    retry = client.post("/complain/", data)
    assert "already received" in retry.content.decode() and Case.objects.count() == 1
    # Follow: wrong PIN, then the right one; add information; the worker never sees internal notes.
    bad = client.post(
        "/complain/follow/", {"code": code.group(1), "pin": "000000" if pin.group(1) != "000000" else "1"}
    )
    assert bad.status_code == 400
    Note.objects.create(case=case, text="INTERNAL: call the agency", created_at=case.received_at)
    ok = client.post("/complain/follow/", {"code": code.group(1), "pin": pin.group(1)})
    assert ok.status_code == 200 and "INTERNAL" not in ok.content.decode()
    add = client.post(
        "/complain/follow/",
        {"code": code.group(1), "pin": pin.group(1), "step": "add", "text": "I have the receipt now"},
    )
    assert add.status_code == 200 and "Added to your case" in add.content.decode()
    assert Note.objects.filter(case=case, from_worker=True).count() == 1


def test_form_errors_and_anonymous(world: World, client: Client) -> None:
    r = client.post("/complain/", form_data(categories=[], origin="", **{"p-0-currency": "ZZZ"}))
    assert r.status_code == 400
    r = client.post("/complain/", form_data(anonymous="on", worker_name="Hidden", consent_identity="on"))
    assert r.status_code == 200
    case = Case.objects.get()
    assert case.anonymous and not case.worker_name and not case.consent_identity
    bad_file = form_data(token=new_token(), evidence=SimpleUploadedFile("x.jpg", b"GIF89a not allowed"))
    r = client.post("/complain/", bad_file)
    assert r.status_code == 400 and "only photos" in r.content.decode()


def test_consent_later_from_the_follow_page(world: World, client: Client) -> None:
    s = submit(complaint(consent_share=False, consent_identity=False))
    assert s.case.referrals.get().status == "proposed"
    r = client.post("/complain/follow/", {"code": s.code, "pin": s.pin, "step": "consent", "share": "on"})
    assert r.status_code == 200
    assert s.case.referrals.get().status == "sent"


def test_the_handler_page_actions(world: World, client: Client) -> None:
    case = submit().case
    client.force_login(world.regulator)
    assert client.get("/grievances/cases/").status_code == 200
    url = f"/grievances/cases/{case.code}/"
    page = client.get(url)
    assert page.status_code == 200 and "Ram Bahadur" not in page.content.decode()
    shown = client.post(url, {"step": "reveal", "field": "worker_name", "purpose": "call him"})
    assert "Ram Bahadur Thapa" in shown.content.decode()
    assert client.post(url, {"step": "note", "text": "Called the agency"}).status_code == 302
    assert (
        client.post(url, {"step": "status", "status": "investigating", "note": "Inspection"}).status_code
        == 302
    )
    assert (
        client.post(
            url,
            {
                "step": "plan",
                "payer_kind": "recruiter",
                "amount": "140000",
                "currency": "NPR",
                "due_date": "2099-01-01",
                "standard": "law-np",
            },
        ).status_code
        == 302
    )
    plan = case.plans.get()
    r = client.post(
        url,
        {
            "step": "payment",
            "plan": plan.pk,
            "amount": "140000",
            "paid_on": "2026-01-02",
            "reference": "tx-1",
            "proof": SimpleUploadedFile("p.jpg", JPEG),
        },
    )
    assert r.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "settled"
    assert client.post(url, {"step": "close", "outcome": "remedied", "note": "Paid back"}).status_code == 302
    case.refresh_from_db()
    assert case.status == "closed" and case.outcome == "remedied"
    assert client.post(url, {"step": "nonsense"}).status_code == 400
    # Another regulator: not even found.
    client.force_login(world.bd_regulator)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_statistics_page_is_public(world: World, client: Client) -> None:
    submit()
    r = client.get("/grievances/statistics/")
    assert r.status_code == 200 and "fewer than 5" in r.content.decode()


def test_complain_about_a_registry_actor(world: World, client: Client) -> None:
    page = client.get("/complain/?actor=NP-DOFE-1234")
    assert "Himalaya Manpower Pvt. Ltd." in page.content.decode()
    r = client.post("/complain/", form_data(respondent="NP-DOFE-1234", respondent_name=""))
    assert r.status_code == 200
    assert Case.objects.get().respondent == world.agency


def test_the_receipt_and_the_follow_page_say_what_is_owed_in_the_workers_language(world: World, client: Client) -> None:
    """The page that gives the code and PIN shows the fee assessment too; laws are named in the reader's language
    there and on the follow page (the case's stored assessment keeps each law's country)."""
    r = client.post("/complain/", form_data(language="ne"), headers={"Accept-Language": "ne"})
    html = r.content.decode()
    assert r.status_code == 200 and "नेपालको कानून" in html and "कतारको कानून" in html
    assert "रोजगारदाताले तिर्छ" in html  # the zero-fee standard, named in Nepali
    assert re.search(r"<strong>1,20,000(\.00)? NPR</strong>", html), html[html.find("<table"):][:1500]  # lakhs
    assert "Law of Nepal" not in html
    code = re.search(r'id="case-code"[^>]*>([^<]+)<', html)
    pin = re.search(r'id="case-pin"[^>]*>([^<]+)<', html)
    assert code and pin
    follow = client.post("/complain/follow/", {"code": code.group(1), "pin": pin.group(1)},
                         headers={"Accept-Language": "bn"}).content.decode()
    assert "নেপাল-এর আইন" in follow and "Law of Nepal" not in follow


def test_wages_below_the_legal_minimum_are_shown_to_the_worker_and_the_handler_with_the_rule(
    world: World, client: Client
) -> None:
    """A complaint about a job in Qatar in 2024 whose promised wage (900 QAR) and first-month pay (20,000 NPR,
    about 550 QAR at that day's reference rates) are below Qatar's minimum wage of 1,000 QAR: the receipt, the
    follow page, the handler's case page and the API all say so, with the rule's source; a wage above it says
    nothing."""
    from fairrecruit.core.services import api_token_create

    data = form_data(wage_promised_amount="900", wage_received_amount="20000", wage_received_currency="NPR")
    html = client.post("/complain/", data).content.decode()
    promised = "The wage you were promised (900 QAR) is below the legal minimum wage in Qatar, 1,000 QAR a month"
    paid = "The wage you were paid (20,000 NPR) is below the legal minimum wage in Qatar, 1,000 QAR a month"
    assert promised in html and paid in html
    assert 'id="qa.minimum-wage-promised"' in html and "The minimum in force on 2024-01-10" in html
    code = re.search(r'id="case-code"[^>]*>([^<]+)<', html)
    pin = re.search(r'id="case-pin"[^>]*>([^<]+)<', html)
    assert code and pin
    follow = client.post("/complain/follow/", {"code": code.group(1), "pin": pin.group(1)}).content.decode()
    assert promised in follow and paid in follow
    worker_json = client.post("/api/v1/complaints/status", {"code": code.group(1), "pin": pin.group(1)},
                              content_type="application/json").json()
    assert [(w["which"], w["verdict"], w["minimum"]["rule_id"]) for w in worker_json["wages_below_minimum"]] == [
        ("promised", "below", "qa.minimum-wage"), ("received", "below", "qa.minimum-wage")]
    assert worker_json["wages_below_minimum"][0]["shortfall"] == 100
    client.force_login(world.regulator)
    page = client.get(f"/grievances/cases/{code.group(1)}/").content.decode()
    assert promised in page and worker_json["wages_below_minimum"][0]["minimum"]["source"]["url"] in page
    _t, key = api_token_create(actor=None, user=world.regulator, name="dofe", organisation=world.dofe)
    detail = client.get(f"/api/v1/cases/{code.group(1)}", headers={"Authorization": f"Bearer {key}"}).json()
    assert detail["wages_below_minimum"] == worker_json["wages_below_minimum"]
    client.logout()
    fair = client.post("/complain/", form_data()).content.decode()  # 1,200 QAR promised
    assert "We received your complaint." in fair and "Legal minimum wage" not in fair
    nepali = client.post("/complain/", form_data(language="ne", wage_promised_amount="900"),
                         headers={"Accept-Language": "ne"}).content.decode()
    assert "तपाईंलाई भनिएको तलब (900 QAR) कतार को कानुनी न्यूनतम तलब, महिनाको 1,000 QAR भन्दा कम छ" in nepali


def test_a_wage_is_compared_only_with_the_minimum_in_force_and_only_when_it_can_be(world: World) -> None:
    """No finding for a wage before Qatar's minimum took effect (20 March 2021: the day before and the day),
    for a wage of 0 ("I do not know"), for a currency with no reference rate, or for a case with no usable date;
    the page of such a case still opens."""
    def below(**kw: Any) -> list[tuple[str, Any]]:
        case = submit(complaint(**kw)).case
        return [(w.which, w.check.shortfall) for w in wages_below_minimum(case)]

    low = {"wage_promised_amount": 900.0, "wage_received_amount": 900.0}
    assert below(recruitment_date="2021-03-19", **low) == []
    assert below(recruitment_date="2021-03-20", **low) == [("promised", 100), ("received", 100)]
    assert below(recruitment_date="2024-03-15", wage_promised_amount=900.0, wage_promised_currency="XAU") == []
    case = submit(complaint(recruitment_date="2024-03-15", **low)).case
    case.facts = {**case.facts, "wage_promised": {"amount": 0, "currency": "QAR"}}  # facts as stored by hand
    assert [w.which for w in wages_below_minimum(case)] == ["received"]
    case.facts = {**case.facts, "recruitment_date": "15 March 2024"}
    case.save(update_fields=["facts"])
    assert recruitment_day(case.facts) is None and wages_below_minimum(case) == []
    client = Client()
    client.force_login(world.staff)
    assert client.get(f"/grievances/cases/{case.code}/").status_code == 200


def test_a_domestic_workers_complaint_is_held_to_the_rules_for_domestic_work(world: World, client: Client) -> None:
    """A Filipina household worker in Saudi Arabia, promised 1,000 SAR (about US$267) in 2019, who paid a
    placement fee: ticking "Domestic work" on the form makes the Philippines' ban on placement fees from household
    workers and its US$400 minimum for them apply (both rules cited, marked recalled); the same complaint without
    the tick is held to the general rules, and no minimum wage is found, until a handler records that it is
    domestic work (and can take it back)."""
    kw = {"origin": "PH", "destination": "SA", "recruitment_date": "2019-05-02", "wage_promised_amount": "1000",
          "wage_promised_currency": "SAR", "wage_received_amount": "1000", "wage_received_currency": "SAR",
          "p-0-amount": "20000", "p-0-currency": "PHP", "p-0-purpose": "placement fee", "categories": ["fees"]}
    domestic = client.post("/complain/", form_data(domestic_work="on", **kw)).content.decode()
    general = client.post("/complain/", form_data(**kw)).content.decode()
    cases = {c.facts.get("domestic_work", False): c for c in Case.objects.all()}
    assert set(cases) == {True, False}
    def owed_ph(case: Case) -> float:
        view = assessment_view(case)
        assert view is not None
        return next(s["owed"]["amount"] for s in view["standards"] if s.get("country") == "PH")

    assert owed_ph(cases[True]) == 20000 > owed_ph(cases[False])  # the whole fee, against what the cap allows
    found = wages_below_minimum(cases[True])
    assert [(w.which, w.check.minimum.rule_id, w.check.minimum.country) for w in found] == [
        ("promised", "ph.household-service-workers-minimum-wage", "PH"),
        ("received", "ph.household-service-workers-minimum-wage", "PH")]
    assert "below the minimum wage your country sets for its workers abroad in this work, 400 USD a month" in domestic
    assert wages_below_minimum(cases[False]) == [] and "Legal minimum wage" not in general
    # A handler who learns it is domestic work says so, and the case is assessed again; "No" corrects it back.
    client.force_login(world.staff)
    url = f"/grievances/cases/{cases[False].code}/"
    for answer, owed in (("yes", 20000), ("no", owed_ph(cases[False]))):
        assert client.post(url, {"step": "facts", "domestic_work": answer, "token": new_token()}).status_code == 302
        cases[False].refresh_from_db()
        assert cases[False].facts["domestic_work"] is (answer == "yes") and owed_ph(cases[False]) == owed
    client.logout()
    # The API takes the same answer.
    body = {"categories": ["fees"], "origin": "PH", "destination": "SA", "recruitment_date": "2019-05-02",
            "domestic_work": True, "wage_promised": {"amount": 1000, "currency": "SAR"},
            "payments": [{"amount": 20000, "currency": "PHP", "purpose": "placement fee"}]}
    r = client.post("/api/v1/complaints", body, content_type="application/json",
                    headers={"Idempotency-Key": "domestic-work-complaint-1"})
    assert r.status_code in (200, 201), r.content
    assert Case.objects.get(code=r.json()["code"]).facts["domestic_work"] is True


def test_a_handler_says_what_a_total_was_for_and_the_case_is_assessed_again(world: World, client: Client) -> None:
    """A worker paid 150,000 NPR in all, for the agency's fee and the ticket, shares not known (as the SMS
    conversation records it): Nepal's law cannot judge "total paid". The handler splits it as the worker tells
    them — 120,000 the agency's fee, 30,000 the ticket — and Nepal's law (at most NPR 10,000 service charge to
    Qatar, the ticket the employer's) now owes 140,000 back. The worker's account is kept, the change audited
    once however often it is sent, and bad rows are named and change nothing."""
    from fairrecruit.core.models import AuditEvent

    total = {"amount": 150000.0, "currency": "NPR", "purpose": "total paid", "includes": ["service_fee", "air_ticket"]}
    done = submit(complaint(payments=[total]))
    case = done.case

    def law_np() -> dict[str, Any]:
        view = assessment_view(case)
        assert view is not None
        return next(s for s in view["standards"] if s.get("country") == "NP")

    assert law_np()["status"] == "incomplete"
    client.force_login(world.regulator)
    url = f"/grievances/cases/{case.code}/"
    page = client.get(url).content.decode()
    assert "The worker said it included: service fee, air ticket" in page and 'name="pay-0-category"' in page
    split = {"step": "payments", "pay-TOTAL_FORMS": "3", "pay-INITIAL_FORMS": "1",
             "pay-0-amount": "120000", "pay-0-currency": "NPR", "pay-0-purpose": "total paid",
             "pay-0-category": "service_fee", "pay-0-paid_to": "licensed_agency",
             "pay-1-amount": "30000", "pay-1-currency": "npr", "pay-1-category": "air_ticket"}

    bad = client.post(url, {**split, "pay-1-currency": "", "token": new_token()})
    assert bad.status_code == 400 and "payments[1].currency: unknown currency" in bad.content.decode()
    bad = client.post(url, {**split, "pay-1-category": "tea", "token": new_token()})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()
    case.refresh_from_db()
    assert case.facts["payments"] == [total] and "payments_reported" not in case.facts

    for _ in range(2):  # sent twice: changed and audited once
        assert client.post(url, {**split, "token": new_token()}).status_code == 302
    case.refresh_from_db()
    assert case.facts["payments"] == [
        {"amount": 120000.0, "currency": "NPR", "purpose": "total paid", "category": "service_fee",
         "paid_to": "licensed_agency"},
        {"amount": 30000.0, "currency": "NPR", "category": "air_ticket"}]
    assert case.facts["payments_reported"] == [total]
    assert law_np()["status"] == "assessed" and law_np()["owed"]["amount"] == 140000
    [event] = AuditEvent.objects.filter(action="grievance.case.payments", target_id=str(case.pk))
    assert event.old == {"payments": [total]} and event.actor == world.regulator
    page = client.get(url).content.decode()  # the facts: the payments now, and as the worker reported them
    now, reported = page.split("As the worker first reported them")
    assert "120,000 NPR" in now and "air ticket" in now and "The worker said it included" not in now
    assert "150,000 NPR" in reported and "The worker said it included: service fee, air ticket" in reported
    # The worker, following the case, sees the payments as they are now counted, in their language.
    client.logout()
    follow = client.post("/complain/follow/", {"code": done.code, "pin": done.pin},
                         headers={"Accept-Language": "ne"}).content.decode()
    with translation.override("ne"):
        parts = [f"{money(a, 'NPR')}, {case.facts['recruitment_date']}: {translation.gettext(item)}"
                 for a, item in ((120000, "service fee"), (30000, "air ticket"))]
    assert all(part in follow for part in parts), parts


def test_the_api_replaces_a_cases_payments_for_those_who_manage_it(world: World, client: Client) -> None:
    from fairrecruit.core.services import api_token_create
    from fairrecruit.grievances.services import referral_create

    case = submit(complaint(payments=[{"amount": 150000.0, "currency": "NPR", "purpose": "total paid"}])).case
    _t, key = api_token_create(actor=None, user=world.regulator, name="dofe", organisation=world.dofe)
    auth = {"Authorization": f"Bearer {key}"}
    url = f"/api/v1/cases/{case.code}/payments"

    def put(body: Any, headers: dict[str, str] = auth) -> Any:
        return client.put(url, body, content_type="application/json", headers=headers)

    assert put({"payments": [{"amount": 150000, "currency": "NPR"}]}, {}).status_code == 401
    assert put({"payments": []}).json()["errors"] == [{"field": "payments", "message": "give at least one payment"}]
    assert put({}).json()["errors"][0]["field"] == "payments"
    wrong = put({"payments": [{"amount": "lots", "currency": "NPR"}, {"amount": 5, "currency": "NPR",
                                                                      "category": "tea"}]})
    assert wrong.status_code == 400 and [e["field"] for e in wrong.json()["errors"]] == ["payments[0].amount"]
    wrong = put({"payments": [{"amount": 5, "currency": "NPR", "category": "tea"}]})
    assert [e["field"] for e in wrong.json()["errors"]] == ["payments[0].category"]
    ok = put({"payments": [{"amount": 150000, "currency": "NPR", "purpose": "total paid", "category": "service_fee"}]})
    assert ok.status_code == 200, ok.content
    owed = {s["id"]: s["owed"]["amount"] for s in ok.json()["assessment"]["standards"]}
    assert owed["law-np"] == 140000 and owed["law-qa"] == 150000
    # A recruiter the case was referred to for a response sees it, and may not change what the worker paid.
    referral_create(actor=world.staff, case=case, organisation=world.agency_org, consent="worker")
    _t, rkey = api_token_create(actor=None, user=world.recruiter, name="agency", organisation=world.agency_org)
    refused = put({"payments": [{"amount": 1, "currency": "NPR", "category": "service_fee"}]},
                  {"Authorization": f"Bearer {rkey}"})
    assert refused.status_code == 403
    case.refresh_from_db()
    assert case.facts["payments"][0]["amount"] == 150000


def test_a_worker_may_choose_what_a_payment_was_for_instead_of_writing_it(world: World, client: Client) -> None:
    """Words the lexicon does not know ("to Ram") cannot be judged by the fee laws; the worker may pick the cost
    item from a list in their language instead, and the laws then judge the payment."""
    assert 'name="p-0-category"' in client.get("/complain/").content.decode()
    kw = {"p-0-purpose": "to Ram", "recruitment_date": "2023-04-01"}
    receipt = client.post("/complain/", form_data(language="ne", **kw), headers={"Accept-Language": "ne"})
    # The receipt says, in Nepali, which payment a person must check, not the engine's English message.
    with translation.override("ne"):
        gap = str(translation.gettext("payment %(n)s: we could not tell what it was for; a person must check it")
                  % {"n": 1})
    assert gap != "payment 1: we could not tell what it was for; a person must check it"
    assert gap in receipt.content.decode() and "could not be classified" not in receipt.content.decode()
    client.post("/complain/", form_data(**kw, **{"p-0-category": "service_fee"}))
    unjudged, judged = Case.objects.order_by("received_at", "pk")
    assert "category" not in unjudged.facts["payments"][0] and judged.facts["payments"][0]["category"] == "service_fee"

    def law_np(case: Case) -> dict[str, Any]:
        view = assessment_view(case)
        assert view is not None
        return next(s for s in view["standards"] if s.get("country") == "NP")

    assert law_np(unjudged)["status"] == "incomplete"
    assert law_np(judged)["status"] == "assessed" and law_np(judged)["owed"]["amount"] == 110000  # 120,000 - 10,000
    bad = client.post("/complain/", form_data(**kw, **{"p-0-category": "tea"}))
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode() and Case.objects.count() == 2


def test_the_worker_names_a_payment_the_laws_could_not_judge_on_the_follow_page(world: World, client: Client) -> None:
    """With code and PIN, the worker says what a payment whose words the fee laws could not judge was for; the
    case is assessed again and their words are kept. A payment already judged, or a total the worker said was
    for several things, is not theirs to change there."""
    from fairrecruit.core.models import AuditEvent

    done = submit(complaint(recruitment_date="2023-04-01", payments=[
        {"amount": 120000.0, "currency": "NPR", "purpose": "to Ram"},
        {"amount": 30000.0, "currency": "NPR", "purpose": "ticket"}]))
    login = {"code": done.code, "pin": done.pin}
    page = client.post("/complain/follow/", login).content.decode()
    assert "Payment 1 (120,000 NPR): what was it for?" in page and "Payment 2 (" not in page

    def name(index: int, category: str) -> Any:
        return client.post("/complain/follow/", {**login, "step": "name_payment", "index": index,
                                                 "category": category})

    assert name(1, "service_fee").status_code == 400  # "ticket" was judged: a person changes it, not this form
    assert name(0, "").status_code == 400 and name(0, "tea").status_code == 400
    ok = name(0, "service_fee")
    assert ok.status_code == 200 and "Thank you. Your case was checked again." in ok.content.decode()
    assert "what was it for?" not in ok.content.decode()  # nothing left to name
    assert name(0, "service_fee").status_code == 200  # sent again on a bad connection: no error, no change
    assert name(0, "air_ticket").status_code == 400  # but not another answer
    done.case.refresh_from_db()
    assert done.case.facts["payments"][0]["category"] == "service_fee"
    assert done.case.facts["payments_reported"][0] == {"amount": 120000.0, "currency": "NPR", "purpose": "to Ram"}
    view = assessment_view(done.case)
    assert view is not None
    law_np = next(s for s in view["standards"] if s.get("country") == "NP")
    assert law_np["status"] == "assessed" and law_np["owed"]["amount"] == 140000  # 110,000 + the ticket
    [event] = AuditEvent.objects.filter(action="grievance.case.worker_payment")
    assert event.actor is None and (event.new or {})["category"] == "service_fee"

    several = submit(complaint(payments=[{"amount": 150000.0, "currency": "NPR", "purpose": "total paid",
                                          "includes": ["service_fee", "air_ticket"]}]))
    page = client.post("/complain/follow/", {"code": several.code, "pin": several.pin}).content.decode()
    assert "what was it for?" not in page
