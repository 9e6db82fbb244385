"""Worker reviews of actors (agencies, sub-agents, brokers, employers), their moderation, readers' flags, the
organisation's reply, and translations.

Privacy by construction: a review stores no IP address, user agent, account or exact place. The contact a
worker may leave and the text as written (before redaction) are encrypted at rest and read only through
``core.crypto.sensitive_read`` (logged). The edit code and the idempotency token are stored as keyed hashes.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fairrecruit.core.crypto import EncryptedTextField
from fairrecruit.core.models import Organisation, User
from fairrecruit.registry.models import Actor


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    PARTLY = "partly", _("Partly")
    UNSURE = "unsure", _("Not sure")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a check")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Not published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Review(models.Model):
    """One worker's review of one actor. Structured answers are only ever shown in aggregate."""

    SENSITIVE_FIELDS = {"contact": "review.contact.read", "text_original": "review.moderate"}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="reviews")
    idempotency_key = models.CharField(
        max_length=64, unique=True, help_text="keyed hash of the token the form (or Idempotency-Key) sent"
    )
    input_hash = models.CharField(
        max_length=64, help_text="hash of what was sent, to tell a retry from a reuse"
    )
    edit_code_hash = models.CharField(max_length=64, unique=True, help_text="keyed hash of the edit code")
    language = models.CharField(max_length=16, blank=True, help_text="language of the free text")
    # The questionnaire (ILO General Principles and Operational Guidelines, IRIS principles 1-5).
    paid_fees = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    payments = models.JSONField(default=list, blank=True, help_text="payments in the journey format")
    contract_matched = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    documents_taken = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    info_before_departure = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    wage_as_promised = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    free_to_change = models.CharField(max_length=10, choices=Answer.choices, blank=True)
    treatment = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    origin = models.CharField(max_length=2, blank=True)
    destination = models.CharField(max_length=2, blank=True)
    recruitment_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # The fee assessment of the payments (standards engine), when there are payments.
    journey = models.JSONField(null=True, blank=True, help_text="assessment input built from the answers")
    assessment = models.JSONField(null=True, blank=True)
    ruleset_version = models.CharField(max_length=20, blank=True)
    paid_usd = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    cost_months = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="SDG 10.7.1: costs / first-month earnings",
    )
    # Free text: as written (encrypted) and as shown (personal data redacted, or edited by a moderator).
    text = models.TextField(blank=True)
    text_original = EncryptedTextField(blank=True)
    text_hash = models.CharField(max_length=64, blank=True, db_index=True)
    contact = EncryptedTextField(blank=True, help_text="JSON {name, how}; never shown publicly")
    check_flags = models.JSONField(default=list, blank=True, help_text="findings of the automatic checks")
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PENDING, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["actor", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_5"),
            models.CheckConstraint(
                condition=Q(treatment__isnull=True) | Q(treatment__gte=1, treatment__lte=5),
                name="review_treatment_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"review {self.pk} of {self.actor_id} ({self.status})"

    def sensitive_read_allowed(self, user: Any, permission: str) -> bool:
        from fairrecruit.reviews.selectors import reviews_in_scope

        return reviews_in_scope(user, permission).filter(pk=self.pk).exists()


class ModerationAction(models.TextChoices):
    APPROVE = "approve", _("Approve")
    EDIT = "edit", _("Edit and publish")
    REJECT = "reject", _("Reject")


class ModerationDecision(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="decisions")
    moderator = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=20, choices=ModerationAction.choices)
    reason = models.TextField(blank=True)
    old_text = models.TextField(blank=True)
    new_text = models.TextField(blank=True)
    old_status = models.CharField(max_length=20)
    new_status = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.review_id} by {self.moderator_id}"


class FlagReason(models.TextChoices):
    PERSONAL = "personal", _("It shows someone's personal details")
    FALSE = "false", _("It is false")
    ABUSE = "abuse", _("It is abusive")
    SPAM = "spam", _("It is spam or an advert")
    OTHER = "other", _("Something else")


class Flag(models.Model):
    """A reader's report about a published review. Anonymous; stores no trace of the reader."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(max_length=20, choices=FlagReason.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolution = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"flag {self.reason} on {self.review_id}"


class RegistryClaim(models.Model):
    """Staff confirmed that this organisation (accounts) is this actor (registry): its recruiter or employer
    users may reply to the actor's reviews."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="registry_claims")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="claims")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "actor"], name="uniq_registry_claim")]

    def __str__(self) -> str:
        return f"{self.organisation} is {self.actor}"


class Reply(models.Model):
    """The reviewed organisation's right of reply, shown beside the review. One per organisation."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="replies")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "organisation"], name="uniq_reply_per_org")]

    def __str__(self) -> str:
        return f"reply of {self.organisation_id} to {self.review_id}"


class ReviewTranslation(models.Model):
    """The review's text in another language, shown to readers of that language (original one tap away)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=16)
    text = models.TextField()
    translated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "language"], name="uniq_review_translation"),
        ]

    def __str__(self) -> str:
        return f"{self.review_id} in {self.language}"
