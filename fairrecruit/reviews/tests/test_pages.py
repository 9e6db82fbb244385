"""Review pages over HTTP: writing (no account), the code page, moderation, the actor's reviews with the
aggregate threshold, rate limits, and that no public page carries a trace of the author."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, override_settings

from fairrecruit.core.models import AuditEvent, Role, User
from fairrecruit.core.services import organisation_create
from fairrecruit.registry.models import Actor, ActorKind
from fairrecruit.reviews.models import Review, ReviewStatus
from fairrecruit.reviews.services import registry_claim_create

from .conftest import answers, member, published, submit

pytestmark = pytest.mark.django_db
TOKEN = "tok-" + "a" * 30


def form(**kw: Any) -> dict[str, str]:
    data = {
        "token": TOKEN,
        "actor": "",
        "reported_name": "Hari Agent",
        "reported_role": "sub_agent",
        "reported_phone": "9841000002",
        "reported_place": "Jhapa",
        "rating": "2",
        "paid_fees": "yes",
        "p-TOTAL_FORMS": "3",
        "p-INITIAL_FORMS": "0",
        "p-MIN_NUM_FORMS": "0",
        "p-MAX_NUM_FORMS": "10",
        "p-0-amount": "150000",
        "p-0-currency": "npr",
        "p-0-purpose": "सब-एजेन्ट शुल्क",
        "p-0-paid_to": "sub_agent",
        "wage_received_amount": "1200",
        "wage_received_currency": "QAR",
        "origin": "NP",
        "destination": "QA",
        "recruitment_year": "2023",
        "documents_taken": "yes",
        "contract_matched": "no",
        "treatment": "2",
        "text": "एजेन्टले पासपोर्ट राख्यो। फोन ९८४१२३४५६७",
        "language": "ne",
        "contact_name": "Sunita Rai",
        "contact_how": "+977 9812345678",
    }
    data.update(kw)
    return data


def test_the_form_needs_no_account_and_says_what_is_wrong_per_field(client: Client) -> None:
    r = client.get("/reviews/new/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'name="token"' in html and "<script" not in html
    assert len(r.content) < 60 * 1024, len(r.content)
    bad = form(rating="", reported_name="", **{"p-0-currency": "XYZ", "recruitment_year": ""})
    r = client.post("/reviews/new/", bad)
    assert r.status_code == 400
    html = r.content.decode()
    for label in ("Overall rating", "Name of the agent, agency or employer", "Payment 1 — Currency"):
        assert label in html
    assert "Unknown currency" in html and "Choose 1 to 5 stars." in html
    assert Review.objects.count() == 0
    r = client.post("/reviews/new/", form(recruitment_year=""))
    assert r.status_code == 400 and "is needed to check your payments" in r.content.decode()
    assert 'value="सब-एजेन्ट शुल्क"' in r.content.decode()  # what was typed is kept


def test_writing_a_review_of_an_unknown_sub_agent(client: Client) -> None:
    r = client.post("/reviews/new/", form())
    assert r.status_code == 200, r.content.decode()[:3000]
    html = r.content.decode()
    review = Review.objects.get()
    assert review.status == ReviewStatus.PENDING and 'data-status="pending"' in html
    code = re.search(r'id="edit-code"[^>]*>([A-Z0-9-]+)<', html)
    assert code is not None
    assert review.actor.kind == ActorKind.REPORTED and review.actor.name == "Hari Agent"
    assert "९८४१२३४५६७" not in review.text and review.language == "ne"
    assert "150,000 NPR" in html  # what the zero-fee standard says is owed back
    # Sent again (a retry on a bad connection): stored once, same code shown.
    again = client.post("/reviews/new/", form())
    assert again.status_code == 200 and Review.objects.count() == 1
    assert code.group(1) in again.content.decode()
    assert "already received" in again.content.decode()


def test_a_missing_token_gets_a_fresh_one_and_a_message(client: Client) -> None:
    r = client.post("/reviews/new/", form(token=""))
    assert r.status_code == 400
    assert re.search(r'name="token" value="[A-Za-z0-9_-]{16,}"', r.content.decode())
    assert Review.objects.count() == 0


def test_reviewing_a_registry_actor_from_its_identifier(client: Client, agency: Actor) -> None:
    r = client.get("/reviews/new/?actor=NP-DOFE-1234")
    assert r.status_code == 200 and "Himalaya Manpower" in r.content.decode()
    assert 'name="reported_name"' not in r.content.decode()
    assert client.get("/reviews/new/?actor=NOPE").status_code == 404
    r = client.post("/reviews/new/?actor=NP-DOFE-1234", form(actor="NP-DOFE-1234", reported_name=""))
    assert r.status_code == 200
    assert Review.objects.get().actor == agency
    found = client.get("/reviews/new/?q=himalaya").content.decode()
    assert "?actor=NP-DOFE-1234" in found


def test_the_code_page_shows_the_status_edits_and_withdraws(client: Client) -> None:
    html = client.post("/reviews/new/", form()).content.decode()
    code = re.search(r'id="edit-code"[^>]*>([A-Z0-9-]+)<', html).group(1)  # type: ignore[union-attr]
    r = client.post("/reviews/my/", {"code": "WRONG-CODE-1234"})
    assert r.status_code == 400 and "does not open any review" in r.content.decode()
    r = client.post("/reviews/my/", {"code": code.lower()})
    assert r.status_code == 200 and 'data-status="pending"' in r.content.decode()
    edit = form(step="edit", code=code, rating="4", text="Changed my mind", contact_name="", contact_how="")
    r = client.post("/reviews/my/", edit)
    assert r.status_code == 200 and "Saved" in r.content.decode()
    review = Review.objects.get()
    assert review.rating == 4 and review.text == "Changed my mind" and review.contact  # contact kept
    r = client.post("/reviews/my/", {"code": code, "step": "withdraw"})
    assert r.status_code == 200 and "withdrawn" in r.content.decode()
    assert Review.objects.get().status == ReviewStatus.WITHDRAWN


@override_settings(FAIRRECRUIT_REVIEW_RATE="2/h")
def test_too_many_submissions_get_429(client: Client) -> None:
    for i in range(2):
        assert client.post("/reviews/new/", form(token=f"tok-{i}" + "x" * 20)).status_code == 200
    r = client.post("/reviews/new/", form(token="tok-3" + "x" * 20))
    assert r.status_code == 429 and "Too many" in r.content.decode()
    assert Review.objects.count() == 2
    other = Client(REMOTE_ADDR="192.0.2.50")  # another connection is not limited
    assert other.post("/reviews/new/", form(token="tok-4" + "x" * 20)).status_code == 200


@override_settings(FAIRRECRUIT_REVIEW_CODE_RATE="3/h")
def test_guessing_codes_is_rate_limited(client: Client) -> None:
    for _ in range(3):
        assert client.post("/reviews/my/", {"code": "AAAA-BBBB-CCCC"}).status_code == 400
    assert client.post("/reviews/my/", {"code": "AAAA-BBBB-CCCC"}).status_code == 429


def _login(client: Client, user: User) -> None:
    assert client.login(username=user.username, password="pw-" + user.username)


def test_moderation_pages_need_login_and_permission(client: Client, agency: Actor, staff: User) -> None:
    r = submit(answers(contact_how="+977 9812345678")).review
    assert client.get("/reviews/moderate/").status_code == 302
    recruiter = member("rec", organisation_create(actor=None, name="X", kind="agency"), Role.RECRUITER)
    _login(client, recruiter)
    assert client.get("/reviews/moderate/").status_code == 403
    assert client.get(f"/reviews/moderate/{r.pk}/").status_code == 404
    _login(client, staff)
    queue = client.get("/reviews/moderate/").content.decode()
    assert f"/reviews/moderate/{r.pk}/" in queue
    page = client.get(f"/reviews/moderate/{r.pk}/").content.decode()
    assert "9812345678" not in page  # contact only after a logged read
    shown = client.post(
        f"/reviews/moderate/{r.pk}/", {"step": "read", "field": "contact", "purpose": "follow up"}
    )
    assert "9812345678" in shown.content.decode()
    assert AuditEvent.objects.filter(action="sensitive.read", actor=staff).count() == 1
    bad = client.post(f"/reviews/moderate/{r.pk}/", {"step": "moderate", "action": "reject", "reason": ""})
    assert bad.status_code == 400 and "reason" in bad.content.decode()
    ok = client.post(
        f"/reviews/moderate/{r.pk}/",
        {"step": "moderate", "action": "edit", "new_text": "Edited.", "reason": "too long"},
    )
    assert ok.status_code == 302
    r.refresh_from_db()
    assert r.status == ReviewStatus.PUBLISHED and r.text == "Edited."
    assert r.decisions.get().reason == "too long"


def test_aggregates_are_hidden_below_the_threshold_and_shown_at_it(
    client: Client, agency: Actor, staff: User
) -> None:
    published(staff, 4)
    submit(answers(rating=1, text="pending one"))  # pending reviews never count
    html = client.get("/reviews/actor/NP-DOFE-1234/").content.decode()
    assert 'id="no-aggregate"' in html and 'id="aggregate"' not in html
    assert html.count('<article class="box"') == 4
    assert html.count("Nepal → Qatar") == 4 and "NP → QA" not in html  # countries by their names
    api = client.get("/api/v1/actors/NP-DOFE-1234/reviews").json()
    assert api["aggregate"] == {"count": 4, "threshold": 5, "shown": False}
    published(staff, 1, rating=5)
    html = client.get("/reviews/actor/NP-DOFE-1234/").content.decode()
    assert 'id="aggregate"' in html and 'id="no-aggregate"' not in html
    agg = client.get("/api/v1/actors/NP-DOFE-1234/reviews").json()["aggregate"]
    assert agg["count"] == 5 and agg["rating"]["average"] == 2.6
    paid = next(q for q in agg["questions"] if q["key"] == "paid_fees")
    assert paid["share"] == {"yes": 5, "answered": 5, "percent": 100}
    assert agg["fees"]["median_usd"] > 1000 and agg["fees"]["median_months"] > 1
    with override_settings(FAIRRECRUIT_REVIEW_MIN_AGGREGATE=6):
        assert client.get("/api/v1/actors/NP-DOFE-1234/reviews").json()["aggregate"]["shown"] is False


def test_a_question_answered_by_fewer_than_k_workers_is_not_shown(
    client: Client, agency: Actor, staff: User
) -> None:
    published(staff, 4, free_to_change="")
    published(staff, 1, free_to_change="no")
    agg = client.get("/api/v1/actors/NP-DOFE-1234/reviews").json()["aggregate"]
    assert next(q for q in agg["questions"] if q["key"] == "free_to_change")["share"] is None


def test_no_public_page_or_api_carries_a_trace_of_the_author(
    client: Client, agency: Actor, staff: User
) -> None:
    done = submit(
        answers(
            contact_name="Sunita Rai",
            contact_how="+977 9812345678",
            text="I am Sunita. Call 9841234567. Passport PA1234567.",
            language="en",
        )
    )
    r = done.review
    from fairrecruit.reviews.services import review_moderate

    review_moderate(moderator=staff, review=r, action="approve")
    r.refresh_from_db()
    own = organisation_create(actor=None, name="Himalaya", kind="agency")
    owner = member("owner", own, Role.RECRUITER)
    registry_claim_create(actor_user=staff, organisation=own, actor=agency)
    secrets = [
        "Sunita",
        "9812345678",
        "9841234567",
        "PA1234567",
        done.edit_code,
        r.edit_code_hash,
        r.idempotency_key,
        r.text_hash,
        r.input_hash,
        r.created_at.isoformat()[:19],
        r.created_at.strftime("%Y-%m-%d"),
        r.published_at.strftime("%Y-%m-%d"),  # type: ignore[union-attr]
        r.contact.token,
        r.text_original.token,
    ]
    pages = [
        client.get("/reviews/actor/NP-DOFE-1234/"),
        client.get("/api/v1/actors/NP-DOFE-1234/reviews"),
        client.get(f"/reviews/{r.pk}/flag/"),
    ]
    _login(client, owner)
    pages.append(client.get(f"/reviews/{r.pk}/reply/"))
    for resp in pages:
        assert resp.status_code == 200
        body = resp.content.decode()
        for s in secrets:
            assert s not in body, (resp.request["PATH_INFO"], s)
    assert r.published_at is not None and r.published_at.strftime("%Y-%m") in pages[1].content.decode()


def test_reply_page_only_for_the_claiming_organisation(client: Client, agency: Actor, staff: User) -> None:
    [r] = published(staff)
    own = organisation_create(actor=None, name="Himalaya", kind="agency")
    owner = member("owner", own, Role.RECRUITER)
    _login(client, owner)
    assert client.get(f"/reviews/{r.pk}/reply/").status_code == 403
    registry_claim_create(actor_user=staff, organisation=own, actor=agency)
    assert (
        'href="/reviews/' + str(r.pk) + '/reply/"'
        in client.get("/reviews/actor/NP-DOFE-1234/").content.decode()
    )
    resp = client.post(f"/reviews/{r.pk}/reply/", {"organisation": own.pk, "text": "We will refund."})
    assert resp.status_code == 302
    html = client.get("/reviews/actor/NP-DOFE-1234/").content.decode()
    assert "Reply from Himalaya" in html and "We will refund." in html


def test_readers_flag_a_published_review(client: Client, agency: Actor, staff: User) -> None:
    [r] = published(staff)
    assert client.get(f"/reviews/{r.pk}/flag/").status_code == 200
    token = client.get(f"/reviews/{r.pk}/flag/").content.decode().split('name="token" value="')[1].split('"')[0]
    for _ in range(2):  # sent again on a bad connection: counted once
        resp = client.post(f"/reviews/{r.pk}/flag/", {"reason": "false", "note": "", "token": token})
        assert resp.status_code == 200 and r.flags.count() == 1
    other = client.post(f"/reviews/{r.pk}/flag/", {"reason": "abuse", "note": "", "token": token})
    assert other.status_code == 400 and r.flags.count() == 1
    assert client.post(f"/reviews/{r.pk}/flag/", {"reason": "nope"}).status_code == 400
    pending = submit(answers(text="not yet")).review
    assert client.get(f"/reviews/{pending.pk}/flag/").status_code == 404


def test_the_profile_snippet_renders_from_the_template_tag(agency: Actor, staff: User, rf: Any) -> None:
    from django.template import Context, Template

    published(staff, 5)
    request = rf.get("/")
    request.user = staff
    html = Template("{% load review_tags %}{% reviews_section actor %}").render(
        Context({"actor": agency, "request": request})
    )
    assert 'id="aggregate"' in html and html.count('<article class="box"') == 5
