"""Submitting (idempotent, edit codes), reported actors, assessments, moderation, flags, replies, bursts."""

from __future__ import annotations

import secrets

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from fairrecruit.core.models import AuditEvent, Role, User
from fairrecruit.core.services import organisation_create
from fairrecruit.registry.models import Actor, ActorKind
from fairrecruit.registry.services import actor_create
from fairrecruit.reviews import selectors
from fairrecruit.reviews.models import Flag, ModerationDecision, Reply, Review, ReviewStatus
from fairrecruit.reviews.services import (
    IdempotencyConflict,
    ReviewInputError,
    flag_create,
    registry_claim_create,
    reply_save,
    review_by_code,
    review_edit,
    review_moderate,
    review_withdraw,
    source_for_ip,
)

from .conftest import answers, member, published, submit

pytestmark = pytest.mark.django_db


def test_a_retried_submission_is_stored_once(agency: Actor) -> None:
    token = secrets.token_urlsafe(24)
    first = submit(token=token)
    again = submit(token=token)
    assert first.created and not again.created
    assert again.review.pk == first.review.pk and again.edit_code == first.edit_code
    assert Review.objects.count() == 1
    assert AuditEvent.objects.filter(action="review.create").count() == 1
    with pytest.raises(IdempotencyConflict):
        submit(answers(rating=5), token=token)
    assert Review.objects.count() == 1


def test_new_reviews_wait_for_a_moderator_and_store_no_trace_of_the_author(agency: Actor) -> None:
    from fairrecruit.core.context import Origin, current_origin

    tok = current_origin.set(
        Origin(channel="web", ip="203.0.113.9", user_agent="Phone/1.0", request_id="abc")
    )
    try:
        r = submit().review
    finally:
        current_origin.reset(tok)
    assert r.status == ReviewStatus.PENDING and r.published_at is None
    ev = AuditEvent.objects.get(action="review.create")
    assert ev.ip is None and ev.user_agent == "" and ev.request_id == "" and ev.actor is None
    fields = {f.name for f in Review._meta.get_fields()}
    assert not fields & {"ip", "user_agent", "ip_hash", "source", "user", "created_by"}


def test_payments_get_a_fee_assessment_stored_with_the_review(agency: Actor) -> None:
    r = submit().review
    assert r.assessment is not None and r.ruleset_version
    assert r.journey is not None and r.journey["payments"][0]["purpose"] == "service charge"
    assert r.journey["recruitment_date"] == "2023-07-01"
    assert {e["type"] for e in r.journey["events"]} == {"documents_retained", "contract_substituted"}
    assert r.paid_usd is not None and r.paid_usd > 1000  # 150,000 NPR
    assert r.cost_months is not None and r.cost_months > 0
    assert r.assessment["owed"]["ilo-zero-fee"]["amount"] == 150000
    no_pay = submit(answers(payments=[], paid_fees="no")).review
    assert no_pay.assessment is None and no_pay.paid_usd is None


def test_payments_need_the_facts_to_assess_them(agency: Actor) -> None:
    with pytest.raises(ReviewInputError) as exc:
        submit(answers(recruitment_year=None, wage_received_amount=None, origin=""))
    fields = {e.field for e in exc.value.errors}
    assert fields == {"recruitment_year", "origin", "wage_received_amount"}
    with pytest.raises(ReviewInputError) as exc:
        submit(answers(payments=[{"amount": 100.0, "currency": "XYZ", "purpose": "visa"}]))
    assert [e.field for e in exc.value.errors] == ["payments[0].currency"]


def test_an_unknown_actor_becomes_a_reported_actor(db: None) -> None:
    data = answers(
        actor_identifier="",
        reported_name="हरि एजेन्ट",
        reported_phone="9841000001",
        reported_place="Jhapa",
        reported_role="sub_agent",
    )
    r = submit(data).review
    a = r.actor
    assert a.kind == ActorKind.REPORTED and a.identifier.startswith("FR-R-")
    assert a.phones == ["9841000001"] and a.city == "Jhapa" and "sub agent" in a.source_note
    # The same sub-agent named again (same name and phone) is the same reported actor.
    again = submit(
        answers(actor_identifier="", reported_name="हरि एजेन्ट", reported_phone="984-100-0001", text="other")
    ).review
    assert again.actor_id == a.pk
    assert Actor.objects.filter(kind=ActorKind.REPORTED).count() == 1
    with pytest.raises(ReviewInputError) as exc:
        submit(answers(actor_identifier=""))
    assert exc.value.errors[0].field == "reported_name"
    with pytest.raises(ReviewInputError) as exc:
        submit(answers(actor_identifier="NP-NOPE-1"))
    assert exc.value.errors[0].field == "actor"


def test_reviews_of_a_merged_actor_count_for_the_surviving_record(agency: Actor, staff: User) -> None:
    dup = actor_create(actor_user=None, name="Himalaya Manpower", kind="reported")
    r = submit(answers(actor_identifier=dup.identifier)).review
    review_moderate(moderator=staff, review=r, action="approve")
    Actor.objects.filter(pk=dup.pk).update(merged_into=agency)
    assert [x.id for x in selectors.public_reviews(agency)] == [str(r.pk)]
    assert selectors.actor_canonical(dup.identifier) == agency


def test_the_edit_code_opens_the_review_and_a_wrong_code_does_not(agency: Actor, staff: User) -> None:
    done = submit()
    code = done.edit_code
    assert len(code) == 14 and code.count("-") == 2
    assert review_by_code(code) == done.review
    assert review_by_code(code.lower().replace("-", " ")) == done.review  # typed loosely
    wrong = ("2" if code[0] != "2" else "3") + code[1:]
    assert review_by_code(wrong) is None
    assert review_by_code("") is None and review_by_code("ABCD") is None
    assert done.review.edit_code_hash != code and code.replace("-", "") not in done.review.edit_code_hash

    review_moderate(moderator=staff, review=done.review, action="approve")
    edited = review_edit(review=done.review, data=answers(rating=4, text="Better than I said."))
    assert edited.rating == 4 and edited.status == ReviewStatus.PENDING  # checked again
    review_withdraw(review=edited)
    edited.refresh_from_db()
    assert edited.status == ReviewStatus.WITHDRAWN and edited.text == "" and not edited.contact
    assert review_by_code(code) is None


def test_moderation_approve_edit_with_reason_and_reject(agency: Actor, staff: User) -> None:
    r = submit(answers(text="The agent Mr. Thapa took 2 lakh. Total scam!!!")).review
    assert "Thapa" not in r.text
    with pytest.raises(ReviewInputError) as exc:
        review_moderate(moderator=staff, review=r, action="edit", new_text="x")
    assert exc.value.errors[0].field == "reason"
    d = review_moderate(
        moderator=staff,
        review=r,
        action="edit",
        new_text="The agent took 2 lakh.",
        reason="removed an accusation we cannot check",
    )
    r.refresh_from_db()
    assert r.status == ReviewStatus.PUBLISHED and r.text == "The agent took 2 lakh." and r.published_at
    assert d.old_text.startswith("The agent Mr. [name]") and d.new_text == r.text
    assert d.reason == "removed an accusation we cannot check" and d.moderator == staff
    ev = AuditEvent.objects.get(action="review.edit")
    assert ev.old is not None and ev.new is not None
    assert ev.old["text"] == d.old_text and ev.new["reason"] == d.reason

    with pytest.raises(ReviewInputError):
        review_moderate(moderator=staff, review=r, action="reject")
    review_moderate(moderator=staff, review=r, action="reject", reason="false, says the union")
    r.refresh_from_db()
    assert r.status == ReviewStatus.REJECTED and r.published_at is None
    assert list(ModerationDecision.objects.values_list("action", flat=True)) == ["edit", "reject"]


def test_only_moderators_in_scope_may_moderate(agency: Actor) -> None:
    r = submit().review
    recruiter = member(
        "rec", organisation_create(actor=None, name="Himalaya", kind="agency", country="NP"), Role.RECRUITER
    )
    with pytest.raises(PermissionDenied):
        review_moderate(moderator=recruiter, review=r, action="approve")
    union_ph = member(
        "ph", organisation_create(actor=None, name="PSLINK", kind="union_cso", country="PH"), Role.UNION_CSO
    )
    with pytest.raises(PermissionDenied):
        review_moderate(moderator=union_ph, review=r, action="approve")
    union_np = member(
        "np", organisation_create(actor=None, name="GEFONT", kind="union_cso", country="NP"), Role.UNION_CSO
    )
    assert selectors.moderation_queue(union_np)["pending"] == [r]
    assert selectors.moderation_queue(union_ph)["pending"] == []
    review_moderate(moderator=union_np, review=r, action="approve")


def test_reader_flags_bring_a_published_review_back_to_the_queue(agency: Actor, staff: User) -> None:
    published(staff, 1, text="never flagged")
    r = submit().review
    with pytest.raises(ReviewInputError):
        flag_create(review=r, reason="false")  # not published yet
    review_moderate(moderator=staff, review=r, action="approve")
    f = flag_create(review=r, reason="personal", note="it names me, call 9841234567")
    assert "9841234567" not in f.note
    with pytest.raises(ReviewInputError):
        flag_create(review=r, reason="because")
    assert selectors.moderation_queue(staff)["flagged"] == [r]
    ev = AuditEvent.objects.get(action="review.flag")
    assert ev.ip is None
    review_moderate(moderator=staff, review=r, action="approve", reason="nothing personal in it")
    f.refresh_from_db()
    assert f.resolved_at and f.resolved_by == staff and f.resolution == "approve"
    assert selectors.moderation_queue(staff)["flagged"] == []
    assert Flag.objects.count() == 1


def test_only_the_claiming_organisation_may_reply(agency: Actor, staff: User) -> None:
    [r] = published(staff)
    own = organisation_create(actor=None, name="Himalaya Manpower", kind="agency", country="NP")
    other = organisation_create(actor=None, name="Other Manpower", kind="agency", country="NP")
    owner, rival = member("owner", own, Role.RECRUITER), member("rival", other, Role.RECRUITER)
    worker_in_own = member("w", own, Role.WORKER)
    with pytest.raises(PermissionDenied):
        reply_save(user=owner, review=r, organisation=own, text="Not true")  # no claim yet
    with pytest.raises(PermissionDenied):
        registry_claim_create(actor_user=owner, organisation=own, actor=agency)  # staff only
    registry_claim_create(actor_user=staff, organisation=own, actor=agency)
    reply = reply_save(user=owner, review=r, organisation=own, text="We refunded Mr. Karki, call 9800000000")
    assert "Karki" not in reply.text and "9800000000" not in reply.text
    for user, org in ((rival, other), (rival, own), (worker_in_own, own)):
        with pytest.raises(PermissionDenied):
            reply_save(user=user, review=r, organisation=org, text="x")
    reply_save(user=owner, review=r, organisation=own, text="We refunded the fee.")
    assert Reply.objects.get().text == "We refunded the fee."  # one reply per organisation, updated
    assert selectors.public_reviews(agency)[0].replies[0]["text"] == "We refunded the fee."


@override_settings(FAIRRECRUIT_REVIEW_BURST_LIMIT=2)
def test_a_burst_of_reviews_from_one_source_goes_to_moderators_with_the_reason(agency: Actor) -> None:
    src = source_for_ip("198.51.100.7")
    codes = []
    for i in range(4):
        r = submit(answers(text=f"text {i}"), source=src).review
        codes.append([f["code"] for f in r.check_flags])
    assert codes[:2] == [[], []] and codes[2] == ["burst"] and codes[3] == ["burst"]
    other = submit(answers(text="from elsewhere"), source=source_for_ip("198.51.100.8")).review
    assert other.check_flags == []
    assert "198.51.100.7" not in src and len(src) == 32


def test_the_same_text_twice_is_a_duplicate(agency: Actor) -> None:
    submit(answers(text="Exactly the same words."))
    r = submit(answers(text="exactly  the same WORDS")).review
    assert [f["code"] for f in r.check_flags] == ["duplicate"]


def test_translations_are_shown_in_the_readers_language_with_the_original(agency: Actor, staff: User) -> None:
    from fairrecruit.reviews.services import translation_save

    [r] = published(staff, text="एजेन्टले पासपोर्ट राख्यो", language="ne")
    translation_save(user=staff, review=r, language="en", text="The agent kept the passport")
    [en] = selectors.public_reviews(agency, "en")
    assert en.text == "The agent kept the passport" and en.original_text == "एजेन्टले पासपोर्ट राख्यो"
    [ne] = selectors.public_reviews(agency, "ne")
    assert ne.text == "एजेन्टले पासपोर्ट राख्यो" and ne.original_text is None
    [bn] = selectors.public_reviews(agency, "bn")
    assert bn.text == "एजेन्टले पासपोर्ट राख्यो"


def test_medians_need_k_values_and_are_rounded_to_two_significant_figures() -> None:
    assert selectors._median([907.31, 1000.0, 800.0, 2000.0, 100.0], 5) == 910.0
    assert selectors._median([3.47, 3.47, 3.47, 3.47, 3.47], 5) == 3.5
    assert selectors._median([15321.0] * 5, 5) == 15000.0
    assert selectors._median([900.0] * 4, 5) is None
