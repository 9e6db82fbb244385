"""Stored fee assessments (made through the API by partner organisations)."""

from __future__ import annotations

import uuid

from django.db import models

from fairrecruit.core.models import Organisation, User


class Assessment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001 - NULL = no key, unique otherwise
    input_hash = models.CharField(max_length=64)
    journey = models.JSONField()
    result = models.JSONField()
    ruleset_version = models.CharField(max_length=20)
    origin = models.CharField(max_length=2)
    destination = models.CharField(max_length=2)
    reference_date = models.DateField()
    owed_zero_fee_usd = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"], name="uniq_assessment_idempotency"
            ),
        ]
        indexes = [models.Index(fields=["origin", "destination", "reference_date"])]

    def __str__(self) -> str:
        return f"{self.origin}-{self.destination} {self.reference_date} ({self.id})"
