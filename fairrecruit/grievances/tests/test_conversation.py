"""The SMS/chat conversation: full simulated conversations through the one webhook, in Twilio's and RapidPro's
formats, in English, Nepali and Bengali, including a worker who stops halfway and comes back."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from xml.etree import ElementTree

import pytest
from django.test import Client

from fairrecruit.core import crypto
from fairrecruit.grievances import conversation
from fairrecruit.grievances.clock import FixedClock
from fairrecruit.grievances.models import Case, Conversation, Note
from fairrecruit.grievances.selectors import payments_to_name, wages_below_minimum
from fairrecruit.grievances.services import (
    case_by_code_pin,
    case_payments_update,
    conversation_handle,
    grievances_tick,
    remediation_payment_record,
    remediation_plan_create,
)
from fairrecruit.grievances.tests.conftest import World

pytestmark = pytest.mark.django_db
URL = "/grievances/webhook/messages/"


class Twilio:
    """A phone talking to the webhook the way Twilio delivers SMS (form-encoded in, TwiML out)."""

    def __init__(self, client: Client, number: str) -> None:
        self.client, self.number, self.n = client, number, 0

    def send(self, text: str, sid: str | None = None) -> list[str]:
        self.n += 1
        r = self.client.post(
            URL,
            {
                "From": self.number,
                "To": "+15005550006",
                "Body": text,
                "MessageSid": sid or f"SM{self.number[-4:]}{self.n:04d}",
            },
        )
        assert r.status_code == 200 and r["Content-Type"].startswith("application/xml")
        root = ElementTree.fromstring(r.content)
        assert root.tag == "Response"
        return [m.text or "" for m in root.findall("Message")]


class RapidPro:
    """A chat contact talking through a RapidPro / TextIt external channel (JSON in, JSON out)."""

    def __init__(self, client: Client, urn: str) -> None:
        self.client, self.urn, self.n = client, urn, 0

    def send(self, text: str) -> list[str]:
        self.n += 1
        r = self.client.post(
            URL,
            {"id": f"{self.urn}-{self.n}", "from": self.urn, "text": text, "channel": "a1b2"},
            content_type="application/json",
        )
        assert r.status_code == 200
        body = r.json()
        assert body["to"] == self.urn
        return [m["text"] for m in body["messages"]]


def _code_pin(replies: list[str]) -> tuple[str, str]:
    text = " ".join(replies)
    code = re.search(r"GR-[A-Z0-9]{4}-[A-Z0-9]{4}", text)
    pin = re.search(r"\b\d{6}\b", text)
    assert code and pin, text
    return code.group(0), pin.group(0)


def test_a_full_sms_conversation_in_english_makes_a_case(world: World, client: Client) -> None:
    phone = Twilio(client, "+9779841000001")
    assert "1 English" in phone.send("hello")[0]
    assert "danger" in phone.send("1")[0]
    assert "What happened" in phone.send("2")[0]
    assert "Who is the complaint about" in phone.send("1 4")[0]
    assert "Which country are you from" in phone.send("Himalaya Manpower")[0]
    assert "Which country is the job in" in phone.send("1")[0]
    assert "How much did you pay" in phone.send("1")[0]
    assert "What was the money for" in phone.send("150,000")[0]
    assert "monthly wage" in phone.send("1")[0]  # all of it the agency's fee
    assert "Which year" in phone.send("1200 QAR")[0]
    assert "Tell us briefly" in phone.send("2023")[0]
    assert "Your name" in phone.send("They kept my passport & my money <all of it>")[0]
    assert "May we send" in phone.send("Ram")[0]
    done = phone.send("1")
    code, pin = _code_pin(done)
    case = case_by_code_pin(code, pin)
    assert case is not None
    # The reply says what should come back: all 150,000 NPR under the zero-fee standard (the fee assessment).
    assert "What should come back to you: 150,000 NPR under the rule that the employer pays." in done
    # It was the agency's fee: Nepal's law (a service charge of at most NPR 10,000 to Qatar from 2015, free visa
    # and ticket) and Qatar's (no fee at all) are assessed and named too.
    assert "Under the law of Nepal: 140,000 NPR." in done and "Under the law of Qatar: 150,000 NPR." in done
    assert not any("minimum" in r for r in done)  # 1,200 QAR is not below Qatar's minimum wage of 1,000 QAR
    assert case.channel == "sms" and case.categories == ["fees", "documents_retained"]
    assert (case.origin, case.destination) == ("NP", "QA")
    assert case.facts["payments"][0] == {"amount": 150000.0, "currency": "NPR", "purpose": "total paid",
                                         "category": "service_fee"}
    assert case.facts["wage_promised"] == {"amount": 1200.0, "currency": "QAR"}
    assert case.respondent is not None and case.respondent.name == "Himalaya Manpower"
    assert case.consent_share and case.consent_identity and not case.anonymous
    assert case.assessments.exists()  # fees assessed
    assert "+9779841000001" in crypto.decrypt(case.worker_contact.token)
    # The conversation keeps no copy of the answers (the case holds them): its language, step and case only.
    kept = crypto.decrypt(Conversation.objects.get(case=case).state.token)
    assert '"answers": {}' in kept and "Ram" not in kept and "passport" not in kept and "Himalaya" not in kept
    # After the complaint: STATUS answers, anything else is added to the case.
    assert "Case " + code in phone.send("STATUS")[0]
    assert code in phone.send("He also took my phone")[0]
    assert Note.objects.filter(case=case, from_worker=True, text="He also took my phone").exists()


def test_stop_halfway_and_come_back_resumes_where_it_stopped(
    world: World, client: Client, settings: Any
) -> None:
    clock = FixedClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    sender = "+8801700000002"

    def say(text: str) -> list[str]:
        return conversation_handle(channel="sms", sender=sender, text=text, clock=clock).replies

    say("hi")
    say("3")  # Bengali
    say("2")  # not in danger
    assert "অভিযোগ কার বিরুদ্ধে" in say("5")[0]  # wages -> who?
    # The worker stops here. Three days later they write again: greeted back, same question, nothing lost.
    clock.advance(days=3)
    back = say("হ্যালো")
    assert back[0] == conversation.message("bn", "welcome_back")
    assert "অভিযোগ কার বিরুদ্ধে" in back[1]
    stored = Conversation.objects.get()
    assert stored.step == "respondent" and stored.language == "bn"
    assert Case.objects.count() == 0
    say("Dhaka Overseas")
    say("২")  # Bangladesh, in Bengali digits
    say("1")  # Qatar
    say("বেতন দেয় না")
    say("0")  # anonymous
    done = say("2")  # share without name
    code, pin = _code_pin(done)
    assert "কেস কোড" in done[-1]
    case = Case.objects.get(code=code)
    assert case.language == "bn" and case.categories == ["wages"] and case.anonymous
    assert case.consent_share and not case.consent_identity
    assert (case.origin, case.destination) == ("BD", "QA")
    # Routed to BMET (origin) and the Qatar labour authority (wages in QA).
    assert set(case.referrals.values_list("organisation__name", flat=True)) == {
        "BMET",
        "Qatar Ministry of Labour",
    }


def test_nepali_script_picks_nepali_and_bad_answers_are_asked_again(world: World, client: Client) -> None:
    phone = Twilio(client, "+9779800000003")
    first = phone.send("नमस्ते")
    assert first == [conversation.message("ne", "danger")]
    again = phone.send("maybe")
    assert again[0].startswith(conversation.message("ne", "not_understood"))
    assert "खतरामा" in again[0]
    assert "अत्यावश्यक" in phone.send("१")[0]  # in danger: urgent message first
    assert phone.send("NEW") == [conversation.message("ne", "danger")]


def test_rapidpro_json_conversation(world: World, client: Client) -> None:
    chat = RapidPro(client, "whatsapp:9779812345678")
    chat.send("hello")
    chat.send("1")
    chat.send("2")
    chat.send("9")  # other
    chat.send("0")  # respondent unknown
    chat.send("8")  # other origin
    chat.send("QA")
    chat.send("My employer shouts at us")
    chat.send("0")
    done = chat.send("3")  # do not share
    code, pin = _code_pin(done)
    case = Case.objects.get(code=code)
    assert case.channel == "chat" and case.respondent is None and case.origin == ""
    assert not case.consent_share and case.status == "received"


def test_a_redelivered_message_is_answered_the_same_and_changes_nothing(world: World, client: Client) -> None:
    phone = Twilio(client, "+9779800000004")
    phone.send("hi", sid="SMdup1")
    first = phone.send("1", sid="SMdup2")
    redelivered = phone.send("1", sid="SMdup2")
    assert first == redelivered
    assert Conversation.objects.get().step == "danger"


def test_webhook_token_and_bad_requests(world: World, client: Client, settings: Any) -> None:
    assert client.post(URL, {"Body": "no sender"}).status_code == 400
    assert client.post(URL, "[1]", content_type="application/json").status_code == 400
    assert client.get(URL).status_code == 405
    settings.FAIRRECRUIT_GRIEVANCE_WEBHOOK_TOKEN = "s3cret-token"
    assert client.post(URL, {"From": "+1", "Body": "hi"}).status_code == 403
    assert client.post(URL + "?token=s3cret-token", {"From": "+1", "Body": "hi"}).status_code == 200


def test_engine_alone_is_plain_python() -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    out = conversation.handle(None, "hi", now=now)
    assert out.state["step"] == "language"
    for text in ("1", "2", "1", "X Agency", "1", "1", "0", "0", "0", "2"):
        out = conversation.handle(out.state, text, now=now)
    assert out.complete is not None
    fields = conversation.complaint_fields(out.complete, today=now.date())
    assert fields["categories"] == ["fees"] and "payments" not in fields  # paid nothing
    assert fields["anonymous"] and fields["consent_share"] and not fields["consent_identity"]


def test_countries_may_be_named_in_the_workers_own_script_or_as_workers_say_them() -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    out = conversation.handle(None, "hi", now=now)
    for text in ("1", "2", "1", "X Agency", "नेपाल", "Dubai", "0", "0", "0", "2"):
        out = conversation.handle(out.state, text, now=now)
    assert out.complete is not None
    fields = conversation.complaint_fields(out.complete, today=now.date())
    assert (fields["origin"], fields["destination"]) == ("NP", "AE")


def test_digits_int_cannot_read_are_asked_again_not_a_server_error(world: World, client: Client) -> None:
    """'²' and '①' pass str.isdigit but not int(): at the country question they were a server error."""
    phone = Twilio(client, "+9779841000009")
    phone.send("hello")
    phone.send("1")
    phone.send("2")
    phone.send("1 4")
    assert "Which country are you from" in phone.send("Himalaya Manpower")[0]
    for typed in ("\u00b2", "\u2460"):
        again = phone.send(typed)[0]
        assert again.startswith(conversation.message("en", "not_understood")) and "Which country are you from" in again
    assert "Which country is the job in" in phone.send("1")[0]


STEPS = ("hello", "1", "1", "2", "1 4", "Himalaya Manpower", "1", "1", "150,000", "1200 QAR", "2023", "kept my passport",
         "Ram")


@pytest.mark.parametrize(
    "bad", ["x" * 2000, "9" * 40, "1e400", "NaN", "-5", "\u0663\u0664", "\u00b2", "\U0001f600", "0", "99", "2024-02-30", ""]
)
def test_a_bad_answer_at_every_step_gets_a_reply_never_a_server_error(world: World, client: Client, bad: str) -> None:
    """Before each answer of a whole conversation, the bad one: each gets a TwiML reply with a message."""
    phone = Twilio(client, "+9779841" + str(sum(map(ord, bad)) % 10**6).zfill(6))
    for step in STEPS:
        assert phone.send(bad), bad[:10]
        assert phone.send(step), step


@pytest.mark.parametrize(
    ("first", "lang", "answers", "origin", "destination", "paid", "purpose"),
    [
        # Vietnamese letters pick Vietnamese; countries by name; an amount without currency is the origin's (VND).
        ("xin chào, tôi cần giúp đỡ", "vi", ("có", "1", "Công ty ABC", "Việt Nam", "Đài Loan", "120000000"),
         "VN", "TW", {"amount": 120000000.0, "currency": "VND"}, ("2", ["air_ticket"])),
        # Devanagari with Hindi words picks Hindi, not Nepali.
        ("मुझे मदद चाहिए, मेरा पासपोर्ट नहीं है", "hi", ("नहीं", "1", "X", "3", "सऊदी अरब", "80000"),
         "IN", "SA", {"amount": 80000.0, "currency": "INR"}, ("1 3", ["service_fee", "visa"])),
        # Arabic script picks Arabic; Arabic-Indic digits; Egypt and Jordan by their Arabic names.
        ("أريد تقديم شكوى", "ar", ("لا", "١ ٤", "مكتب النور", "مصر", "الأردن", "٢٠٠٠٠"),
         "EG", "JO", {"amount": 20000.0, "currency": "EGP"}, ("١ ٤", ["service_fee", "medical"])),
        ("Здравствуйте, мне нужна помощь", "ru", ("нет", "1", "X", "Узбекистан", "Россия", "5000000"),
         "UZ", "RU", {"amount": 5000000.0, "currency": "UZS"}, ("6", [None])),
        # Myanmar script picks Burmese; Myanmar digits.
        ("မင်္ဂလာပါ", "my", ("မဟုတ်", "၁", "X", "မြန်မာ", "ထိုင်း", "၂၀၀၀၀၀၀"),
         "MM", "TH", {"amount": 2000000.0, "currency": "MMK"}, ("၅", ["training"])),
    ],
)
def test_more_languages_by_their_script_with_countries_and_currencies_of_their_own(
    first: str, lang: str, answers: tuple[str, ...], origin: str, destination: str, paid: dict[str, Any],
    purpose: tuple[str, list[str | None]],
) -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    out = conversation.handle(None, first, now=now)
    assert out.state["lang"] == lang and out.replies == [conversation.message(lang, "danger")]
    for text in answers:
        out = conversation.handle(out.state, text, now=now)
        assert not out.replies[-1].startswith(conversation.message(lang, "not_understood")), (text, out.replies)
    assert out.state["answers"]["origin"] == origin and out.state["answers"]["destination"] == destination
    assert out.state["answers"]["paid"] == paid
    assert out.replies[-1] == conversation.message(lang, "purpose")
    assert conversation.handle(out.state, "7", now=now).state["step"] == "purpose"  # no 7th answer: asked again
    out = conversation.handle(out.state, purpose[0], now=now)
    assert out.state["answers"]["purpose"] == purpose[1]
    assert out.replies[-1] == conversation.message(lang, "wage")


def test_the_language_menu_offers_every_language_of_the_conversation() -> None:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for number, lang in enumerate(conversation.LANGUAGES, start=1):
        out = conversation.handle(None, "hello", now=now)
        assert f"{number} " in out.replies[0]
        out = conversation.handle(out.state, str(number), now=now)
        assert out.state["lang"] == lang and out.replies == [conversation.message(lang, "danger")]
        assert set(conversation.MESSAGES[lang]) == set(conversation.MESSAGES["en"])  # nothing left in English
        assert set(conversation.STATUS_LABELS[lang]) == set(conversation.STATUS_LABELS["en"])
    assert conversation.handle(None, "Hola", now=now).state["lang"] == "en"  # not a script we can tell: the menu
    assert conversation.handle(None, "مجھے مدد چاہیے", now=now).state["step"] == "language"  # Urdu is not Arabic


def test_the_reply_to_a_complaint_says_what_should_come_back_under_each_standard_in_the_workers_language() -> None:
    from fairrecruit.standards.engine import Assessor

    result = Assessor().assess({
        "origin": "BD", "destination": "QA", "sex": "M", "recruitment_date": "2020-02-01", "contract_months": 24,
        "promised_wage": {"amount": 1200, "currency": "QAR"},
        "first_month_earnings": {"amount": 1200, "currency": "QAR"},
        "payments": [{"amount": 200000, "currency": "BDT", "date": "2020-02-03", "purpose": "service charge",
                      "paid_to": "licensed_agency"}],
    })
    owed = {s["id"]: s["owed"]["amount"] for s in result["standards"]}
    assert owed["ilo-zero-fee"] == 200000 and 0 < owed["law-bd"] < 200000  # the Bangladesh cap lets some stand
    replies = conversation.owed_messages("bn", result)
    assert replies[0] == conversation.message("bn", "owed", amount="2,00,000 BDT")  # lakhs, as Bengali writes
    law_bd = [r for r in replies if r.startswith("বাংলাদেশ-এর আইন অনুযায়ী: ")]
    assert len(law_bd) == 1 and re.fullmatch(r"বাংলাদেশ-এর আইন অনুযায়ী: \d{1,2}(,\d\d)*,\d{3} BDT।", law_bd[0])
    assert int(re.sub(r"\D", "", law_bd[0])) == round(owed["law-bd"])
    assert "কাতার-এর আইন অনুযায়ী: 2,00,000 BDT।" in replies
    # Vietnamese writes 200.000: "200,000" would read as two hundred
    assert conversation.owed_messages("vi", result)[0] == conversation.message("vi", "owed", amount="200.000 BDT")
    assert conversation.owed_messages("bn", {"standards": [{"id": "law-np", "country": "NP", "status": "no_rule",
                                                            "owed": {"amount": None}}]}) == []


def _complain_by_sms(phone: Twilio, lang_choice: str, wage: str, year: str) -> list[str]:
    """A fee complaint from Nepal about a job in Qatar, answered step by step; the replies to the last answer."""
    for answer in ("hello", lang_choice, "2", "1", "Himalaya Manpower", "1", "1", "150000", "1", wage, year, "0", "0"):
        phone.send(answer)
    return phone.send("3")


def test_the_reply_says_when_the_promised_wage_is_below_the_legal_minimum_in_force(world: World, client: Client) -> None:
    """Qatar's minimum wage (QAR 1,000 a month, in force from 20 March 2021, ``standards/rules/countries/qa.yaml``):
    a wage promised below it in 2023 is named in the reply, in the worker's language with their grouping, and the
    case holds the finding with the rule's source; the same wage promised in 2019, before the minimum, is not."""
    done = _complain_by_sms(Twilio(client, "+9779841000011"), "1", "800 QAR", "2023")
    below = conversation.message("en", "below_minimum", wage="800 QAR", country="Qatar", minimum="1,000 QAR")
    assert below in done and conversation.sms_segments(below) <= 2
    case = case_by_code_pin(*_code_pin(done))
    assert case is not None
    [w] = wages_below_minimum(case)
    assert (w.which, w.amount, w.currency, w.day) == ("promised", 800, "QAR", dt.date(2023, 7, 1))
    assert w.check.minimum.rule_id == "qa.minimum-wage" and w.check.shortfall == 200
    assert w.check.minimum.source is not None and w.check.minimum.source.url

    done = _complain_by_sms(Twilio(client, "+9779841000012"), "2", "800 QAR", "2023")  # Nepali
    assert conversation.message("ne", "below_minimum", wage="800 QAR", country="कतार", minimum="1,000 QAR") in done

    before = _complain_by_sms(Twilio(client, "+9779841000013"), "1", "800 QAR", "2019")
    assert _code_pin(before) and not any("minimum" in r for r in before)


def test_status_by_sms_says_how_much_of_the_money_back_was_paid(world: World, client: Client) -> None:
    """A worker who complained by SMS sends STATUS: with a remedy plan, the reply says how much of it was paid
    and by when the rest is due, in their language and grouping; late, that it is late and escalated; paid in
    full, that it was."""
    phone = Twilio(client, "+9779841000021")
    case = case_by_code_pin(*_code_pin(_complain_by_sms(phone, "2", "1200 QAR", "2023")))  # Nepali
    assert case is not None
    assessment = case.assessments.first()
    assert assessment is not None
    before_plan = phone.send("STATUS")  # no plan yet: the status, and what the laws say should come back
    assert before_plan == [conversation.message("ne", "status", code=case.code,
                                                status=conversation.status_label("ne", case.status)),
                           *conversation.owed_messages("ne", assessment.result)]
    assert len(before_plan) == 4  # the zero-fee standard, Nepal's law and Qatar's
    today = dt.date.today()
    plan = remediation_plan_create(actor=world.staff, case=case, payer_kind="recruiter", amount="150000",
                                   currency="NPR", due_date=today + dt.timedelta(days=30))
    remediation_payment_record(actor=world.staff, plan=plan, amount=40000, paid_on=today)
    due = (today + dt.timedelta(days=30)).isoformat()
    replies = phone.send("STATUS")
    assert replies[1:] == [conversation.message("ne", "plan_open", paid="40,000 NPR", amount="1,50,000 NPR", due=due)]
    later = FixedClock(dt.datetime.combine(today + dt.timedelta(days=32), dt.time(9), tzinfo=dt.UTC))
    assert case.code in grievances_tick(clock=later).remedy_overdue
    assert phone.send("STATUS")[1:] == [
        conversation.message("ne", "plan_overdue", paid="40,000 NPR", amount="1,50,000 NPR", due=due)]
    remediation_payment_record(actor=world.staff, plan=plan, amount=110000, paid_on=today, clock=later)
    assert phone.send("STATUS")[1:] == [conversation.message("ne", "plan_settled", amount="1,50,000 NPR")]


def test_sms_segments_are_counted_as_gateways_bill_them() -> None:
    assert conversation.sms_segments("a" * 160) == 1 and conversation.sms_segments("a" * 161) == 2
    assert conversation.sms_segments("a" * 306) == 2 and conversation.sms_segments("a" * 307) == 3  # 153 a part
    assert conversation.sms_segments("€" * 80) == 1 and conversation.sms_segments("€" * 81) == 2  # two each
    assert conversation.sms_segments("न" * 70) == 1 and conversation.sms_segments("न" * 71) == 2  # UCS-2
    assert conversation.sms_segments("a" * 159 + "न") == 3  # one letter outside GSM 7-bit makes it all UCS-2
    assert conversation.sms_segments("😀" * 35) == 1 and conversation.sms_segments("😀" * 36) == 2  # 2 units


def test_replies_stay_within_their_sms_budget() -> None:
    """Every part of a reply is paid for (often by the partner running the number): the language menu, sent
    to every new sender whose script does not tell their language, fits in three segments, and no question or
    answer in any language takes more than five."""
    assert conversation.sms_segments(conversation.LANGUAGE_MENU) <= 3
    too_long = [
        f"{lang}.{key}: {conversation.sms_segments(text)} segments"
        for lang, messages in conversation.MESSAGES.items()
        for key, text in messages.items()
        if conversation.sms_segments(text) > 5
    ]
    assert not too_long, too_long


def test_a_fee_complaint_asks_about_domestic_work_only_where_the_law_depends_on_it(world: World, client: Client) -> None:
    """From the Philippines (whose rules for household workers differ) the conversation asks whether the job is
    domestic work; yes is kept in the case's facts (the fee assessment and the minimum-wage check use it) and the
    reply names the US$400 minimum the Philippines sets for household workers abroad. From Nepal to Qatar it is
    not asked (``_complain_by_sms`` would fail)."""
    phone = Twilio(client, "+639171234567")
    for answer, asked in (("hello", "1 English"), ("1", "danger"), ("2", "What happened"),
                          ("1", "Who is the complaint about"), ("Manila Placement", "Which country are you from"),
                          ("4", "Which country is the job in"), ("2", "How much did you pay"),
                          ("20000", "What was the money for"), ("6", "monthly wage"), ("1000 SAR", "Which year"),
                          ("2019", "domestic work")):
        assert asked in phone.send(answer)[0], answer
    for answer in ("1", "0", "0"):
        phone.send(answer)
    done = phone.send("3")
    case = case_by_code_pin(*_code_pin(done))
    assert case is not None and case.facts["domestic_work"] is True and (case.origin, case.destination) == ("PH", "SA")
    assert conversation.message("en", "below_minimum_home", wage="1,000 SAR", country="Philippines",
                                minimum="400 USD") in done
    assert not conversation._domestic_matters({"origin": "NP", "destination": "QA"})


def test_what_the_money_was_for_decides_which_laws_can_judge_it(world: World, client: Client) -> None:
    """The worker says what the money paid was for. All of it for one thing (the agency's fee): the payment takes
    that cost item and the laws of Nepal and Qatar judge it, each line in the reply. Several things, amounts not
    known: nothing is guessed; the case lists what it included for a person to split, the zero-fee standard (no
    fee of any kind) says what comes back and each law that a person will check first; once a handler has split
    it, STATUS says what each law owes."""
    def complain(number: str, purpose: str) -> tuple[Twilio, Case, list[str]]:
        phone = Twilio(client, number)
        for answer in ("hello", "1", "2", "1", "Himalaya Manpower", "1", "1", "150000", purpose, "1200 QAR",
                       "2023", "0", "0"):
            phone.send(answer)
        done = phone.send("3")
        case = case_by_code_pin(*_code_pin(done))
        assert case is not None
        return phone, case, done

    _phone, case, done = complain("+9779841000031", "1")
    assert case.facts["payments"][0]["category"] == "service_fee"
    assert [r for r in done if r.startswith("Under the law of")] == [
        "Under the law of Nepal: 140,000 NPR.", "Under the law of Qatar: 150,000 NPR."]

    _phone, case, _done = complain("+9779841000033", "6")  # do not know: nothing to split, the worker may name it
    assert case.facts["payments"][0] == {"amount": 150000.0, "currency": "NPR", "purpose": "total paid"}
    assert [p["index"] for p in payments_to_name(case)] == [0]

    phone, case, done = complain("+9779841000032", "1 2 6")
    assert case.facts["payments"][0] == {"amount": 150000.0, "currency": "NPR", "purpose": "total paid",
                                         "includes": ["service_fee", "air_ticket", "other"]}
    assert "What should come back to you: 150,000 NPR under the rule that the employer pays." in done
    pending = [r for r in done if r.startswith("Under the law of")]
    assert pending == [conversation.message("en", "owed_law_pending", country=c) for c in ("Nepal", "Qatar")]
    assessment = case.assessments.first()
    assert assessment is not None
    assert {s["id"]: s["status"] for s in assessment.result["standards"]}["law-np"] == "incomplete"  # a person must split it
    # A handler splits it as the worker tells them; STATUS then says what each law owes.
    case_payments_update(actor=world.staff, case=case, payments=[
        {"amount": 120000, "currency": "NPR", "category": "service_fee"},
        {"amount": 30000, "currency": "NPR", "category": "air_ticket"}])
    status = phone.send("STATUS")
    assert "Under the law of Nepal: 140,000 NPR." in status and "Under the law of Qatar: 150,000 NPR." in status
