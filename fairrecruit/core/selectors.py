"""Reads for the core domain, scoped by who asks."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from fairrecruit.core.models import AuditEvent, User
from fairrecruit.core.permissions import Scope, scope_for


def audit_events_visible_to(user: User | None) -> QuerySet[AuditEvent]:
    scope, orgs = scope_for(user, "audit.view")
    if scope == Scope.ALL:
        return AuditEvent.objects.all()
    if scope == Scope.ORGANISATION:
        return AuditEvent.objects.filter(Q(organisation_id__in=orgs))
    return AuditEvent.objects.none()
