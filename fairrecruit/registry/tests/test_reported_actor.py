"""Actors named by workers without a registry identifier: complaints and reviews find or make them with one rule
and one unique key (``registry.services.reported_actor``), and the keys kept by grievances before the move are
carried over by the migration."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from fairrecruit.grievances.services import ComplaintInput, complaint_submit
from fairrecruit.registry.models import Actor, ActorKind, ReportedActorKey
from fairrecruit.registry.services import actor_create, reported_actor, reported_actor_key
from fairrecruit.reviews.services import ReviewInput, review_submit


def _review(name: str, phone: str = "", place: str = "") -> Actor:
    data = ReviewInput(
        rating=2, reported_name=name, reported_phone=phone, reported_place=place, origin="NP", destination="QA",
        text="They took my passport.", language="en",
    )
    return review_submit(data=data, token=secrets.token_urlsafe(24)).review.actor


def _complaint(name: str, phone: str = "", place: str = "") -> Actor | None:
    data = ComplaintInput(
        categories=["fees"], description="The agent took my money.", respondent_name=name, respondent_phone=phone,
        respondent_place=place, origin="NP", destination="QA",
    )
    return complaint_submit(data=data, token=secrets.token_urlsafe(24), channel="api").case.respondent


@pytest.mark.django_db
def test_a_review_and_a_complaint_naming_one_new_agency_share_its_record() -> None:
    by_review = _review("Sagarmatha Overseas", phone="+977 9800 111222")
    by_complaint = _complaint("SAGARMATHA OVERSEAS PVT LTD", phone="+977-9800-111222")
    assert by_review.kind == ActorKind.REPORTED
    assert by_complaint == by_review
    assert Actor.objects.filter(kind=ActorKind.REPORTED).count() == 1
    assert ReportedActorKey.objects.filter(actor=by_review).count() == 1


@pytest.mark.django_db
def test_same_name_elsewhere_without_phone_is_another_actor() -> None:
    a = _review("Ram Travels", place="Pokhara")
    b = _review("Ram Travels", place="Biratnagar")
    c = _review("Ram Travels", place="pokhara ")
    assert a != b
    assert c == a


@pytest.mark.django_db
def test_a_merged_reported_actor_is_followed_to_the_registry_record() -> None:
    named = reported_actor(name="Everest Gulf", phone="", place="Kathmandu", source_note="test")
    licensed = actor_create(actor_user=None, name="Everest Gulf Pvt. Ltd.", kind="licensed_agency",
                            identifier="NP-DOFE-9", country="NP")
    Actor.objects.filter(pk=named.pk).update(merged_into=licensed)
    assert _review("Everest Gulf", place="Kathmandu") == licensed


@pytest.mark.django_db
def test_an_actor_made_before_the_keys_is_found_and_keyed() -> None:
    old = actor_create(actor_user=None, name="Himal Job Link", kind=ActorKind.REPORTED, city="Dhading",
                       source_note="named in a worker review")
    assert not ReportedActorKey.objects.exists()
    assert reported_actor(name="Himal Job Link", phone="", place="Dhading", source_note="x") == old
    assert ReportedActorKey.objects.get().actor == old


@pytest.mark.django_db(transaction=True)
def test_migration_carries_the_grievance_keys_over() -> None:
    executor = MigrationExecutor(connection)
    before = [("registry", "0002_search_index"), ("grievances", "0002_reported_actor_key_evidence_upload")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    actor_model: Any = old_apps.get_model("registry", "Actor")
    key_model: Any = old_apps.get_model("grievances", "ReportedActorKey")
    a = actor_model.objects.create(identifier="FR-R-1", kind="reported", name="Old Agency", name_std="old agency")
    key = reported_actor_key("Old Agency", "", "Birgunj")
    key_model.objects.create(key=key, actor_id=a.pk)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    moved = ReportedActorKey.objects.get()
    assert (moved.key, moved.actor_id) == (key, a.pk)
