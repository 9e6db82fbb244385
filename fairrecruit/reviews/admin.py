"""Admin: staff link organisations to registry actors (right of reply). Everything else has its own pages;
reviews are not editable here (moderation goes through the queue, with its recorded reasons)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fairrecruit.core.models import User
from fairrecruit.reviews.models import RegistryClaim
from fairrecruit.reviews.services import registry_claim_create


@admin.register(RegistryClaim)
class RegistryClaimAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("organisation", "actor", "created_by", "created_at")
    raw_id_fields = ("actor",)
    fields = ("organisation", "actor")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        claim = registry_claim_create(
            actor_user=request.user if isinstance(request.user, User) else None,
            organisation=obj.organisation,
            actor=obj.actor,
        )
        obj.pk = claim.pk
