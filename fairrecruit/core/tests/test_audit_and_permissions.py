"""One audit-event model, written in the same transaction as the change; organisation-scoped permissions."""

from __future__ import annotations

import pytest
from django.db import transaction

from fairrecruit.core.models import AuditEvent, Membership, Organisation, Role, User
from fairrecruit.core.permissions import Scope, can, scope_for
from fairrecruit.core.selectors import audit_events_visible_to
from fairrecruit.core.services import membership_grant, membership_revoke, organisation_create
from fairrecruit.standards.selectors import assessments_visible_to
from fairrecruit.standards.services import assessment_create
from fairrecruit.standards.tests.journeys import journey

pytestmark = pytest.mark.django_db


def test_audit_event_rolls_back_with_the_change() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        organisation_create(actor=None, name="Ghost", kind="agency", country="NP")
        assert AuditEvent.objects.filter(action="organisation.create").count() == 1
        raise RuntimeError("fail after the write")
    assert not Organisation.objects.filter(name="Ghost").exists()
    assert not AuditEvent.objects.exists()


def test_audit_records_who_what_old_and_new() -> None:
    admin = User.objects.create_user("admin")
    org = organisation_create(actor=admin, name="Union", kind="union_cso", country="NP")
    user = User.objects.create_user("member")
    m = membership_grant(actor=admin, user=user, organisation=org, role=Role.UNION_CSO)
    membership_grant(actor=admin, user=user, organisation=org, role=Role.UNION_CSO)  # no change, no event
    membership_revoke(actor=admin, membership=m)
    events = list(AuditEvent.objects.order_by("id").values_list("action", "actor_label", "old", "new"))
    assert [e[0] for e in events] == ["organisation.create", "membership.grant", "membership.revoke"]
    assert all(e[1] == "admin" for e in events)
    assert events[2][2] == {"user": "member", "organisation": org.pk, "role": "union_cso"}
    assert events[2][3] is None
    assert not Membership.objects.exists()


def _member(name: str, org: Organisation, role: str) -> User:
    u = User.objects.create_user(name)
    membership_grant(actor=None, user=u, organisation=org, role=role)
    return u


def test_assessments_are_scoped_by_organisation() -> None:
    a_org = organisation_create(actor=None, name="A", kind="employer")
    b_org = organisation_create(actor=None, name="B", kind="employer")
    alice, bob = _member("alice", a_org, Role.EMPLOYER), _member("bob", b_org, Role.EMPLOYER)
    colleague = _member("carol", a_org, Role.EMPLOYER)
    staff = _member("sam", organisation_create(actor=None, name="Ops", kind="platform"), Role.STAFF)
    worker = _member("wendy", a_org, Role.WORKER)
    mine, _ = assessment_create(actor=alice, organisation=a_org, journey=journey())
    assert list(assessments_visible_to(alice)) == [mine]
    assert list(assessments_visible_to(colleague)) == [mine]
    assert list(assessments_visible_to(bob)) == []
    assert list(assessments_visible_to(staff)) == [mine]
    assert list(assessments_visible_to(worker)) == []  # a worker role does not see the organisation's records
    assert list(assessments_visible_to(None)) == []
    assert can(alice, "assessment.view", a_org.pk) and not can(alice, "assessment.view", b_org.pk)
    assert scope_for(staff, "assessment.view")[0] == Scope.ALL


def test_audit_log_is_visible_to_staff_only() -> None:
    org = organisation_create(actor=None, name="A", kind="employer")
    emp = _member("emp", org, Role.EMPLOYER)
    staff = _member("ops", org, Role.STAFF)
    assert audit_events_visible_to(emp).count() == 0
    assert audit_events_visible_to(staff).count() == AuditEvent.objects.count() > 0
