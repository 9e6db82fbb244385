"""Organisations, users and their roles, and the one audit-event model for the whole project."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WORKER = "worker", _("Worker")
    RECRUITER = "recruiter", _("Recruitment agency")
    EMPLOYER = "employer", _("Employer / brand")
    AUDITOR = "auditor", _("Auditor")
    CERTIFICATION_BODY = "certification_body", _("Certification body")
    REGULATOR = "regulator", _("Regulator")
    UNION_CSO = "union_cso", _("Union / CSO")
    RESEARCHER = "researcher", _("Researcher")
    STAFF = "staff", _("FairRecruit staff")


class OrganisationKind(models.TextChoices):
    AGENCY = "agency", _("Recruitment agency")
    EMPLOYER = "employer", _("Employer / brand")
    CERTIFICATION_BODY = "certification_body", _("Certification body")
    REGULATOR = "regulator", _("Regulator")
    UNION_CSO = "union_cso", _("Union / CSO")
    RESEARCH = "research", _("Research / IO / statistics office")
    PLATFORM = "platform", _("FairRecruit operator")


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "kind", "country"], name="uniq_org_name_kind_country")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person with an account. Workers never need one; accounts are for organisations' staff."""


class Membership(models.Model):
    """A user's role in an organisation: the scope of what they may see and do."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="uniq_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.role} at {self.organisation}"


class AuditEvent(models.Model):
    """Who did what to which record, what changed (old/new), when and from where. Written in the same
    transaction as the change it records (see ``core.services.audit_record``). Never updated or deleted."""

    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=200, help_text="username, 'anonymous' or 'cli:<user>'")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=60)
    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=64)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)
    channel = models.CharField(max_length=20, default="web", help_text="web, api, cli, system")
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type}:{self.target_id}"


class ApiToken(models.Model):
    """A bearer token for the JSON API, for partner systems. Only a hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"


class FormSubmission(models.Model):
    """A form sent with a token (``core.idempotency.submit_once``): what it stored, so that the same form sent again
    (a double tap, a page resent after a lost answer) stores nothing new. For the records without an idempotency
    column of their own (case notes, referrals, payments, invoices, replies...)."""

    key_hash = models.CharField(max_length=64, unique=True, help_text="keyed hash of the form's token")
    input_hash = models.CharField(max_length=64, help_text="hash of what was sent: a retry vs a reuse")
    purpose = models.CharField(max_length=60)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.purpose} -> {self.target_type}:{self.target_id}"
