"""Regulators' enforcement: inspections of recruiters and the sanctions that follow (warnings, fines,
compensation orders, suspensions, revocations, bans). Sanctions are public records, as regulators publish them
(blacklists, suspension notices); inspections' findings stay with the regulator. Nothing is deleted: a sanction
lifted on appeal keeps its record, with the day and reason it was lifted."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fairrecruit.core.models import Organisation, User
from fairrecruit.registry.models import Actor, Licence, LicenceStatusChange


class Breach(models.TextChoices):
    """What a recruiter did wrong, in words a worker understands (the regulator's own legal basis is recorded
    on each sanction)."""

    OVERCHARGING = "overcharging", _("Charged workers more than the law allows")
    UNLICENSED = "unlicensed", _("Recruited without a licence, or through unlicensed sub-agents")
    CONTRACT_SUBSTITUTION = "contract_substitution", _("Changed workers' contracts or gave false job offers")
    DOCUMENT_RETENTION = "document_retention", _("Kept workers' passports or documents")
    MISLEADING_ADVERTISING = "misleading_advertising", _("Published misleading job advertisements")
    RECORDS = "records", _("Did not keep or show the records the law requires")
    OTHER = "other", _("Other breach of the law")


class InspectionKind(models.TextChoices):  # the regulator's pages only (English, as the other staff pages)
    ROUTINE = "routine", "Routine inspection"
    COMPLAINT = "complaint", "Inspection after complaints"
    FOLLOW_UP = "follow_up", "Follow-up inspection"


class InspectionOutcome(models.TextChoices):
    NO_BREACH = "no_breach", "No breach found"
    BREACHES = "breaches", "Breaches found"


class SanctionKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    FINE = "fine", _("Fine")
    COMPENSATION = "compensation", _("Order to repay workers")
    SUSPENSION = "suspension", _("Licence suspended")
    REVOCATION = "revocation", _("Licence revoked")
    BAN = "ban", _("Banned from recruiting (blacklisted)")


# The licence status a sanction puts a licence in (the others leave the licence as it is).
LICENCE_STATUS_OF = {SanctionKind.SUSPENSION: "suspended", SanctionKind.REVOCATION: "revoked", SanctionKind.BAN: "banned"}
# Sanctions that carry an amount.
WITH_AMOUNT = (SanctionKind.FINE, SanctionKind.COMPENSATION)


class Recorded(models.Model):
    """Who recorded it, for which organisation, and the key that makes a retried submission store nothing new
    (``core.idempotency``: a keyed hash of the form's token or the ``Idempotency-Key``, and a hash of the input)."""

    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)  # noqa: DJ001
    input_hash = models.CharField(max_length=64, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Inspection(Recorded):
    """A regulator's inspection of a recruiter. The findings are the regulator's working file (not public)."""

    regulator = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="inspections_made")
    subject = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="inspections")
    kind = models.CharField(max_length=20, choices=InspectionKind.choices)
    inspected_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=InspectionOutcome.choices)
    breaches = models.JSONField(default=list, blank=True, help_text="Breach codes found")
    findings = models.TextField(blank=True)

    class Meta:
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"INS-{self.pk} {self.subject_id} {self.inspected_on} {self.outcome}"

    @property
    def code(self) -> str:
        return f"INS-{self.pk}"


class Sanction(Recorded):
    """A sanction a regulator imposed on a recruiter, with its legal basis. Suspensions, revocations and bans of a
    licensed recruiter add to that licence's status history (``licence_change``); lifting one on appeal, or the
    end of a suspension, adds the reinstatement."""

    regulator = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="sanctions_imposed")
    subject = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="sanctions")
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="sanctions")
    kind = models.CharField(max_length=20, choices=SanctionKind.choices)
    breaches = models.JSONField(default=list, help_text="Breach codes")
    legal_basis = models.CharField(max_length=300, help_text="the law and section the sanction applies")
    decided_on = models.DateField()
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True, help_text="last day of a suspension; empty otherwise")
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    licence = models.ForeignKey(Licence, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    licence_change = models.ForeignKey(LicenceStatusChange, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    summary = models.CharField(max_length=500, blank=True, help_text="what the regulator published, as written")
    source_note = models.CharField(max_length=300, blank=True, help_text="the notice or decision it was published in")
    lifted_on = models.DateField(null=True, blank=True)
    lifted_reason = models.CharField(max_length=500, blank=True)
    reinstated = models.BooleanField(default=False, help_text="the licence was reinstated when the sanction ended")
    # Withdrawn from publication by the regulator (a court order, a person's right to erasure, an error being
    # checked): off the public pages, API and downloads; still in force, and seen by the regulator's side.
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-effective_from", "-id"]
        indexes = [models.Index(fields=["subject", "effective_from"])]

    def __str__(self) -> str:
        return f"SAN-{self.pk} {self.kind} {self.subject_id} from {self.effective_from}"

    @property
    def code(self) -> str:
        return f"SAN-{self.pk}"
