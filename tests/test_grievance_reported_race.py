"""Two complaints naming the same new, unregistered agency at the same moment: one reported actor, two cases,
no server error. Real threads on the live test database (SQLite, and PostgreSQL when
FAIRRECRUIT_DATABASE_URL points at one). SQLite serialises writers, so the race itself only happens on
PostgreSQL: there, without the unique key both complaints made their own reported actor, and without the
savepoint retry in ``registry.services.actor_create`` the second insert of the same ``FR-R-<n>`` was an
IntegrityError (the 500)."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from fairrecruit.grievances.models import Case
from fairrecruit.grievances.services import ComplaintInput, complaint_submit
from fairrecruit.registry.models import Actor, ReportedActorKey
from fairrecruit.reviews.services import ReviewInput, review_submit
from tests.concurrency import race, retry_when_locked

pytestmark = pytest.mark.django_db(transaction=True)


def _complaint(name: str, phone: str = "+977 9800 111222") -> ComplaintInput:
    return ComplaintInput(
        categories=["fees"],
        description="The agent took my money.",
        respondent_name=name,
        respondent_phone=phone,
        origin="NP",
        destination="QA",
    )


def _retrying(submit: Any) -> Any:
    """A client: on SQLite a writer may find the database busy and retry the same token, as the API clients do."""
    token = secrets.token_urlsafe(24)
    return retry_when_locked(lambda: submit(token))


def _submit_retrying(data: ComplaintInput) -> Any:
    return _retrying(lambda token: complaint_submit(data=data, token=token, channel="api"))


def test_same_new_agency_named_twice_at_once() -> None:
    for round_ in range(3):
        name = f"Sagarmatha Overseas {round_}"
        results = race(lambda i, name=name: _submit_retrying(_complaint(name)), 2)
        errors = [r for r in results if isinstance(r, BaseException)]
        assert errors == []
        cases = Case.objects.filter(pk__in=[r.case.pk for r in results])
        assert cases.count() == 2
        actors = Actor.objects.filter(name=name)
        assert actors.count() == 1, list(actors.values_list("identifier", flat=True))
        assert set(cases.values_list("respondent_id", flat=True)) == {actors.get().pk}
        assert ReportedActorKey.objects.filter(actor=actors.get()).count() == 1


def test_different_new_agencies_at_once_get_different_identifiers() -> None:
    """Two reported actors created at the same moment would pick the same FR-R-<n>: the loser takes the next
    number instead of failing."""
    results = race(
        lambda i: _submit_retrying(_complaint(f"Another Agent {i}", phone=f"+977 98000000{i}")), 2
    )
    assert [r for r in results if isinstance(r, BaseException)] == []
    idents = [r.case.respondent.identifier for r in results]
    assert len(set(idents)) == 2 and all(i.startswith("FR-R-") for i in idents)


def test_a_review_and_a_complaint_name_the_same_new_agency_at_once() -> None:
    """Reviews find or make reported actors with the same unique key as complaints: before, a review made its
    actor without the key, so on PostgreSQL a review and a complaint at the same moment made two."""
    name = "Kanchan Manpower Link"
    review = ReviewInput(rating=2, reported_name=name, reported_phone="+977 9800 333444", origin="NP",
                         destination="QA", text="They kept my passport.", language="en")

    def submit(i: int) -> Any:
        if i == 0:
            return _retrying(lambda token: review_submit(data=review, token=token).review.actor)
        return _submit_retrying(_complaint(name, phone="+977 9800 333444")).case.respondent

    results = race(submit, 2)
    assert [r for r in results if isinstance(r, BaseException)] == []
    actors = Actor.objects.filter(name=name)
    assert actors.count() == 1, list(actors.values_list("identifier", flat=True))
    assert {r.pk for r in results} == {actors.get().pk}
