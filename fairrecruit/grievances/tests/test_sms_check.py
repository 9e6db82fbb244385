"""Checking an agency by SMS or chat ("CHECK <name>") through the same webhook as complaints: the licence status
and sanctions in the worker's language, nothing stored, and never taken out of a complaint in progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from fairrecruit.enforcement.services import SanctionInput, sanction_impose
from fairrecruit.grievances import conversation
from fairrecruit.grievances.models import Conversation
from fairrecruit.grievances.tests.conftest import World
from fairrecruit.grievances.tests.test_conversation import RapidPro, Twilio
from fairrecruit.registry.models import Licence
from fairrecruit.registry.services import actor_create, licence_number_std, licence_status_record
from fairrecruit.registry.sms import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspended(world: World) -> None:
    """World's agency (NP-DOFE-1234) with a licence suspended by the Nepali regulator, and a fine."""
    dofe = actor_create(actor_user=None, name="Department of Foreign Employment", kind="regulator",
                        identifier="NP-DOFE", country="NP")
    day = dt.date.today() - dt.timedelta(days=20)
    lic = Licence.objects.create(actor=world.agency, regulator=dofe, number="1234/070/71",
                                 number_std=licence_number_std("1234/070/71"), status="active",
                                 valid_from=day - dt.timedelta(days=300))
    licence_status_record(actor_user=None, licence=lic, status="suspended", effective_date=day, reason="fees")
    sanction_impose(user=None, organisation=None, data=SanctionInput(
        regulator=dofe, subject=world.agency, kind="fine", breaches=["overcharging"], legal_basis="Act",
        decided_on=day, effective_from=day, amount=Decimal("500000"), currency="NPR"))


@pytest.mark.parametrize(("text", "expected"), [
    ("CHECK Himalaya Manpower", ("en", "Himalaya Manpower")),
    ("check: 1234/070/71", ("en", "1234/070/71")),
    ("Verify", ("en", "")),
    ("cek Himalaya", ("id", "Himalaya")),
    ("KIỂM TRA Himalaya", ("vi", "Himalaya")),
    ("जाँच हिमालय म्यानपावर", ("ne", "हिमालय म्यानपावर")),
    ("စစ်ဆေး Himalaya", ("my", "Himalaya")),
    ("Checkpoint Manpower", None),
    ("I want to complain", None),
])
def test_the_keyword_and_its_language(text: str, expected: tuple[str, str] | None) -> None:
    assert parse(text) == expected


def test_a_check_by_sms_answers_with_the_status_and_sanctions_and_stores_nothing(
    world: World, client: Client, suspended: None,
) -> None:
    phone = Twilio(client, "+9779800000001")
    [reply] = phone.send("CHECK Himalaya Manpower")
    assert reply.startswith("Himalaya Manpower Pvt. Ltd. (NP-DOFE-1234): Licence SUSPENDED since")
    assert "\n! Fine 500,000 NPR: Department of Foreign Employment, " in reply
    assert conversation.sms_segments(reply) == 2  # GSM 7-bit: no character forces UCS-2
    assert not Conversation.objects.exists()  # nothing stored
    [nepali] = phone.send("जाँच 1234/070/71")
    assert "NP-DOFE-1234" in nepali and "निलम्बित" in nepali and "जरिवाना" in nepali
    [none] = phone.send("CHECK Zzyzx Qwerty Overseas")
    assert "We found no agency" in none and "Zzyzx Qwerty Overseas" in none
    assert phone.send("CHECK") == ["Send CHECK and the name, licence number or phone number of the agency."]


def test_the_same_check_works_in_chat_and_after_the_language_menu(
    world: World, client: Client, suspended: None, settings: Any,
) -> None:
    settings.FAIRRECRUIT_GRIEVANCE_PUBLIC_URL = "https://fairrecruit.example/"
    chat = RapidPro(client, "whatsapp:9779811111111")
    menu = chat.send("hello")  # the complaint conversation starts with the language menu
    assert menu and Conversation.objects.count() == 1
    [reply] = chat.send("check NP-DOFE-1234")  # not an answer to the menu: checked
    assert reply.startswith("Himalaya Manpower Pvt. Ltd. (NP-DOFE-1234)")
    assert reply.endswith("\nhttps://fairrecruit.example/verify/NP-DOFE-1234/")


def test_a_check_in_latin_letters_answers_in_the_language_the_sender_chose_before(
    world: World, client: Client, suspended: None,
) -> None:
    phone = Twilio(client, "+9779800000003")
    phone.send("hello")
    phone.send("2")  # नेपाली, from the language menu; then the worker stops
    Conversation.objects.update(step="done")  # the complaint finished (or was left): no longer in progress
    [reply] = phone.send("CHECK Himalaya Manpower")  # an English keyword, a name in Latin letters
    assert "NP-DOFE-1234" in reply and "निलम्बित" in reply  # "suspended", in Nepali
    # someone who never wrote before is answered in English, as the keyword asks
    [english] = Twilio(client, "+9779800000004").send("CHECK Himalaya Manpower")
    assert "Licence SUSPENDED" in english


def test_a_complaint_in_progress_keeps_its_answers(world: World, client: Client, suspended: None) -> None:
    phone = Twilio(client, "+9779800000002")
    phone.send("hello")
    phone.send("1")  # English
    phone.send("2")  # not in danger
    phone.send("1")  # paid fees
    phone.send("Check Point Manpower")  # the agency's name, not a check
    state = Conversation.objects.get()
    assert state.step not in ("", "language", "respondent")  # the answer moved the conversation on


def test_lookups_by_sms_are_limited_per_sender_and_say_so_in_the_workers_language(
    world: World, client: Client, settings: Any,
) -> None:
    """The gateway's connection is the same for every worker: CHECK and receipt codes are counted per sender."""
    settings.FAIRRECRUIT_SMS_LOOKUP_RATE = "2/h"
    phone = Twilio(client, "+9779800000011")
    for _ in range(2):
        assert "Himalaya" in phone.send("CHECK Himalaya Manpower")[0]
    assert phone.send("CHECK Himalaya Manpower") == [conversation.message("en", "too_many")]
    assert phone.send("FS-2222-2222-2222") == [conversation.message("en", "too_many")]  # receipts count too
    assert phone.send("जाँच हिमालय") == [conversation.message("ne", "too_many")]  # in the script's language
    other = Twilio(client, "+9779800000012")  # another worker behind the same gateway is still answered
    assert "Himalaya" in other.send("CHECK Himalaya Manpower")[0]
    # a complaint is never blocked by the lookups' limit
    assert "1 English" in phone.send("hello")[0]
