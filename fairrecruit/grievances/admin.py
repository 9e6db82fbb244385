"""Admin: staff edit routing rules here (or on /grievances/routing/). Saving goes through the service, so the
change is audited. Cases are not editable in the admin: they have their own pages, with their logged reads."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fairrecruit.core.models import User
from fairrecruit.grievances.models import RoutingRule
from fairrecruit.grievances.services import routing_rule_save


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("origin", "destination", "category", "target_kind", "organisation", "priority", "active")
    list_filter = ("active", "target_kind", "category")
    fields = (
        "origin",
        "destination",
        "category",
        "target_kind",
        "organisation",
        "priority",
        "active",
        "note",
    )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = routing_rule_save(
            actor=request.user if isinstance(request.user, User) else None,
            rule=RoutingRule.objects.get(pk=obj.pk) if change else None,
            origin=obj.origin,
            destination=obj.destination,
            category=obj.category,
            target_kind=obj.target_kind,
            organisation=obj.organisation,
            priority=obj.priority,
            active=obj.active,
            note=obj.note,
        )
        obj.pk = saved.pk
