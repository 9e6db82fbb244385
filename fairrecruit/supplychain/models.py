"""The recruiters a brand or employer uses (its recruitment supply chain). A supplier taken off the list keeps its
row with the day and the user (``removed_at``): the list's history is never lost."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from fairrecruit.core import crypto
from fairrecruit.core.crypto import EncryptedTextField
from fairrecruit.core.models import Organisation, User
from fairrecruit.registry.models import Actor


class Relation(models.TextChoices):
    RECRUITMENT_AGENCY = "recruitment_agency", "Recruitment agency (origin)"
    SUB_AGENT = "sub_agent", "Sub-agent or broker"
    DESTINATION_AGENCY = "destination_agency", "Agency in the country of work"
    LABOUR_SUPPLIER = "labour_supplier", "Labour supplier or contractor"
    OTHER = "other", "Other"


class Supplier(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="suppliers")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(max_length=30, choices=Relation.choices)
    since = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    added_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["actor__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "actor"], condition=Q(removed_at__isnull=True),
                                    name="uniq_current_supplier"),
        ]

    def __str__(self) -> str:
        return f"{self.actor} for {self.organisation}"


class Digest(models.Model):
    """One e-mail round of an organisation's changes (``services.digest_send``): it covers what FairRecruit recorded
    after the previous round's ``until`` and up to its own. Kept also when there was nothing to send."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField()
    until = models.DateTimeField()
    changes = models.PositiveIntegerField(default=0)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-until", "-id"]

    def __str__(self) -> str:
        return f"digest of {self.organisation} until {self.until:%Y-%m-%d %H:%M}"


class FeeSurvey(models.Model):
    """A brand's or employer's survey of what its workers paid to get their jobs: workers answer at
    ``/fee-survey/<code>/`` with their employee number; the answers feed a repayment programme."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    code = models.CharField(max_length=16, unique=True)
    closes = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


def answer_ref_hashes(survey_id: int, ref: str) -> list[str]:
    """The keyed hash of an employee number in one survey (spaces and case do not count), under every configured
    key, the current one first: numbers stored before a key rotation are still found."""
    return crypto.lookup_hashes(" ".join(ref.split()).casefold(), purpose=f"feesurvey:{survey_id}")


class FeeSurveyAnswer(models.Model):
    """One worker's answer: the journey as the fee check takes it, its assessment, and the employee number
    (encrypted; read only by the organisation's users allowed to manage it, each read logged)."""

    SENSITIVE_FIELDS = {"worker_ref": "supplychain.manage"}

    survey = models.ForeignKey(FeeSurvey, on_delete=models.CASCADE, related_name="answers")
    worker_ref = EncryptedTextField()
    worker_ref_hash = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    input_hash = models.CharField(max_length=64)
    journey = models.JSONField()
    result = models.JSONField()
    paid_usd = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    owed_usd = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    months = models.FloatField(null=True, blank=True)  # SDG 10.7.1: costs in months of first earnings
    created_at = models.DateTimeField(auto_now_add=True)
    # Withdrawn by the organisation (e.g. someone else used this employee number): kept, out of every figure and
    # download, and the number may answer again.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    withdraw_reason = models.CharField(max_length=500, blank=True)
    # The worker's receipt code (derived from the form's token, shown once) as a keyed hash: with it the worker
    # follows their repayment (``surveys.repayment_status``) without an account.
    receipt_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # The worker in the repayment programme made from this survey (``surveys.programme_start``), if any.
    programme_worker = models.ForeignKey("grievances.ProgrammeWorker", null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "worker_ref_hash"],
                                               condition=Q(withdrawn_at__isnull=True), name="uniq_feesurvey_worker")]

    def __str__(self) -> str:
        return f"answer {self.pk} to {self.survey}"

    def sensitive_read_allowed(self, user: User | None, permission: str) -> bool:
        from fairrecruit.core.permissions import can

        return can(user, permission, self.survey.organisation_id)

    def sensitive_read_key(self) -> int:
        return self.survey.organisation_id

    def rekey_hashes(self) -> dict[str, str]:
        """The lookup hash under the first key (``core.rekey``: after a key rotation)."""
        return {"worker_ref_hash": answer_ref_hashes(self.survey_id, crypto.decrypt(self.worker_ref.token))[0]}
