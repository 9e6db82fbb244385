"""`fairrecruit reviews_demo`: published reviews of registry agencies (enough for aggregates), two in the
moderation queue with personal data redacted; re-running stores nothing new."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from fairrecruit.core.models import Organisation, Role
from fairrecruit.core.services import membership_grant
from fairrecruit.registry.services import actor_create
from fairrecruit.reviews.models import Review, ReviewStatus

pytestmark = pytest.mark.django_db


def _world() -> None:
    staff = get_user_model().objects.create_user("staff", password="pw-12345678")
    org = Organisation.objects.create(name="Platform", kind="platform")
    membership_grant(actor=None, user=staff, organisation=org, role=Role.STAFF)
    for cc in ("NP", "BD", "PH"):
        for i in range(2):
            actor_create(actor_user=None, name=f"{cc} Agency {i}", kind="licensed_agency",
                         identifier=f"{cc}-TEST-{i}", country=cc)


def test_demo_reviews_are_published_in_aggregate_and_idempotent(client: Client) -> None:
    _world()
    out = io.StringIO()
    call_command("reviews_demo", stdout=out)
    published = Review.objects.filter(status=ReviewStatus.PUBLISHED)
    assert published.count() == 42 and "42 approved" in out.getvalue()
    assert set(published.values_list("language", flat=True)) >= {"ne", "bn", "fil", "en"}
    queued = Review.objects.filter(status=ReviewStatus.PENDING)
    assert queued.count() == 2
    assert all("9841234567" not in r.text and "1712 345678" not in r.text for r in queued)
    page = client.get("/reviews/actor/NP-TEST-0/").content.decode()
    assert "NP Agency 0" in page and "7 reviews" in page and "/ 5</strong>" in page  # aggregates shown
    call_command("reviews_demo", stdout=io.StringIO())
    assert Review.objects.count() == 44


def test_demo_reviews_need_the_moderator() -> None:
    with pytest.raises(CommandError, match="--moderator"):
        call_command("reviews_demo", stdout=io.StringIO())
