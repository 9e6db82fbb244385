"""Grievance cases, from the worker's complaint to the money paid back.

Confidential by construction: the worker's name and contact are encrypted at rest (``EncryptedTextField``,
read only through ``core.crypto.sensitive_read``, which logs the read); the PIN, the idempotency token and the
SMS sender are stored as keyed hashes; evidence files are encrypted on disk outside any public URL. Who may see
a case is decided by the selectors (query scoping), from the referrals of the case.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fairrecruit.core import crypto
from fairrecruit.core.crypto import EncryptedTextField
from fairrecruit.core.models import Organisation, User
from fairrecruit.registry.models import Actor


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    API = "api", _("Partner API")
    SMS = "sms", _("SMS")
    CHAT = "chat", _("Chat")
    STAFF = "staff", _("Entered by staff")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    TRIAGED = "triaged", _("Being assessed")
    REFERRED = "referred", _("Sent to the body that can act")
    INVESTIGATING = "investigating", _("Being investigated")
    REMEDIATION = "remediation", _("Remedy being paid")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    REMEDIED = "remedied", _("Remedied: money paid back")
    RESOLVED = "resolved", _("Resolved in another way")
    REFERRED_OUT = "referred_out", _("Handled by another mechanism")
    NOT_SUBSTANTIATED = "not_substantiated", _("Could not be substantiated")
    WITHDRAWN = "withdrawn", _("Withdrawn by the worker")
    NO_CONTACT = "no_contact", _("Worker could not be reached")


RESOLVED_OUTCOMES = (Outcome.REMEDIED, Outcome.RESOLVED)


class Case(models.Model):
    """One worker's complaint and everything done about it."""

    SENSITIVE_FIELDS = {"worker_name": "grievance.identity.read", "worker_contact": "grievance.identity.read"}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.CharField(max_length=20, unique=True, help_text="the case code the worker holds")
    pin_hash = models.CharField(max_length=64, help_text="keyed hash of the PIN")
    idempotency_key = models.CharField(
        max_length=64, unique=True, help_text="keyed hash of the client token (form or Idempotency-Key)"
    )
    input_hash = models.CharField(max_length=64, help_text="hash of what was sent: a retry vs a reuse")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    language = models.CharField(max_length=16, blank=True)
    # What happened.
    categories = models.JSONField(default=list, help_text="category codes (taxonomy.CATEGORIES)")
    primary_category = models.CharField(max_length=30, db_index=True)
    indicators = models.JSONField(default=list, blank=True, help_text="ILO forced labour indicators")
    principles = models.JSONField(default=list, blank=True, help_text="principle ids the case concerns")
    description = models.TextField(blank=True)
    in_danger = models.BooleanField(default=False)
    severity = models.CharField(max_length=10, db_index=True)
    urgency = models.CharField(max_length=10, db_index=True)
    # Who and where.
    respondent = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grievance_cases",
        help_text="the recruiter or employer complained about (registry; 'reported' when not registered)",
    )
    respondent_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="the organisation (accounts) complained about, when known",
    )
    brand = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="the brand whose supply chain is concerned",
    )
    brand_name = models.CharField(max_length=200, blank=True, help_text="as the worker named it")
    origin = models.CharField(max_length=2, blank=True, db_index=True)
    destination = models.CharField(max_length=2, blank=True, db_index=True)
    facts = models.JSONField(
        default=dict,
        blank=True,
        help_text="recruitment date or year, contract months, wages, payments (journey format)",
    )
    # The worker: encrypted, hidden by default.
    anonymous = models.BooleanField(default=False)
    worker_name = EncryptedTextField(blank=True)
    worker_contact = EncryptedTextField(blank=True, help_text="JSON {phone, email, other}")
    consent_share = models.BooleanField(default=False, help_text="the worker agreed to referral")
    consent_identity = models.BooleanField(default=False, help_text="... and to sharing their identity")
    retaliation_risk = models.BooleanField(
        default=False, help_text="hide identity even from the organisation complained about"
    )
    # Handling.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    stage_started_at = models.DateTimeField()
    stage_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    assigned_to = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    lead_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="the body responsible after a transfer",
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["origin", "destination"]),
            models.Index(fields=["status", "stage_due_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) | ~Q(status="closed"),
                name="grievance_closed_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""), name="grievance_closed_has_outcome"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def sensitive_read_allowed(self, user: Any, permission: str) -> bool:
        from fairrecruit.grievances.selectors import identity_visible

        return identity_visible(user, self)

    @property
    def resolved(self) -> bool:
        return self.status == Status.CLOSED and self.outcome in RESOLVED_OUTCOMES


class StatusChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=20, blank=True)
    new_status = models.CharField(max_length=20)
    note = models.TextField(blank=True, help_text="shown to the worker")
    changed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.old_status} -> {self.new_status}"


class Note(models.Model):
    """A note on a case: by a handler (internal, never shown to the worker) or from the worker."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_worker = models.BooleanField(default=False)
    text = models.TextField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note on {self.case_id}"


class Attachment(models.Model):
    """An evidence file (photo or PDF of a receipt, contract...). The bytes are encrypted on disk under
    ``FAIRRECRUIT_GRIEVANCE_EVIDENCE_DIR``; only permitted roles download them, and each download is logged."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    content_type = models.CharField(max_length=40, help_text="sniffed from the bytes, not the file name")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(max_length=200, blank=True)
    storage_name = models.CharField(max_length=80, unique=True)
    from_worker = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["case", "sha256"], name="uniq_attachment_per_case")]

    def __str__(self) -> str:
        return f"{self.content_type} {self.size} B on {self.case_id}"


class EvidenceUpload(models.Model):
    """One evidence upload through the API (``Idempotency-Key``): a retry gets the same attachments back and
    stores nothing; the same key with other files, or for another case, is refused."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=64, unique=True, help_text="keyed hash of the client key")
    input_hash = models.CharField(max_length=64, help_text="hash of the case and the files sent")
    attachments = models.JSONField(default=list, help_text="ids of the attachments, in the order sent")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"upload to {self.case_id}"


class TargetKind(models.TextChoices):
    ORIGIN_REGULATOR = "origin_regulator", _("Regulator in the country of origin")
    DESTINATION_AUTHORITY = "destination_authority", _("Labour authority in the country of destination")
    CERTIFICATION_BODY = "certification_body", _("Certification body of a certified recruiter")
    UNION_CSO = "union_cso", _("Partner union or CSO")
    BRAND = "brand", _("Brand whose supply chain is concerned")


class RoutingRule(models.Model):
    """Staff-editable: cases of this corridor and category go to this body. Blank fields match anything.
    A ``brand`` rule sends to the case's brand; a ``certification_body`` rule sends to the body (or bodies)
    holding a current certificate of the recruiter complained about (``services.certification_bodies_for``),
    or only to its organisation when one is named; with none the rule is recorded as unresolved."""

    origin = models.CharField(max_length=2, blank=True)
    destination = models.CharField(max_length=2, blank=True)
    category = models.CharField(max_length=30, blank=True)
    target_kind = models.CharField(max_length=30, choices=TargetKind.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    priority = models.PositiveSmallIntegerField(default=100, help_text="lower first")
    active = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_kind__in=["brand", "certification_body"]) | Q(organisation__isnull=False),
                name="routing_rule_has_target",
            )
        ]

    def __str__(self) -> str:
        where = f"{self.origin or '*'}-{self.destination or '*'} {self.category or '*'}"
        return f"{where} -> {self.organisation or self.target_kind}"


class ReferralKind(models.TextChoices):
    REFERRAL = "referral", _("Referral (shared for action)")
    TRANSFER = "transfer", _("Transfer (the body takes the lead)")


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed: waiting for consent")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CLOSED = "closed", _("Closed")
    REVOKED = "revoked", _("Revoked")


VISIBLE_REFERRAL = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.CLOSED)


class Consent(models.TextChoices):
    NONE = "", _("Not recorded")
    WORKER = "worker", _("The worker agreed")
    OVERRIDE = "override", _("Override (recorded reason)")


class Referral(models.Model):
    """A case shared with (or transferred to) a body that can act. Sent only with the worker's consent or an
    explicit override with its reason; ``shared`` lists what the body can see."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=ReferralKind.choices, default=ReferralKind.REFERRAL)
    target_kind = models.CharField(max_length=30, choices=TargetKind.choices)
    rule = models.ForeignKey(RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=ReferralStatus.choices, db_index=True)
    consent = models.CharField(max_length=10, choices=Consent.choices, blank=True)
    override_reason = models.TextField(blank=True)
    consent_recorded_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    shares_identity = models.BooleanField(default=False)
    shares_evidence = models.BooleanField(default=False)
    shared = models.JSONField(default=list, help_text="what the body can see, e.g. summary, facts, identity")
    response_note = models.TextField(blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="proposed") | ~Q(consent=""), name="referral_sent_needs_consent"
            ),
            models.CheckConstraint(
                condition=~Q(consent="override") | ~Q(override_reason=""), name="referral_override_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.case_id} to {self.organisation_id} ({self.status})"


class EscalationReason(models.TextChoices):
    DANGER = "danger", _("Worker in danger")
    STAGE_OVERDUE = "stage_overdue", _("Stage deadline missed")
    REMEDY_OVERDUE = "remedy_overdue", _("Remediation payment overdue")


class Escalation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    reason = models.CharField(max_length=20, choices=EscalationReason.choices)
    level = models.PositiveSmallIntegerField()
    stage = models.CharField(max_length=20)
    due_at = models.DateTimeField(null=True, blank=True, help_text="the deadline that was missed")
    created_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reason} on {self.case_id} (level {self.level})"


class FeeAssessment(models.Model):
    """The fee assessment of a case's payments by the standards engine (amount owed under each standard,
    with citations and the rule-set version). A new one is made when the facts change."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    journey = models.JSONField()
    result = models.JSONField()
    ruleset_version = models.CharField(max_length=20)
    owed_zero_fee_usd = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"assessment of {self.case_id} ({self.ruleset_version})"


class PlanStatus(models.TextChoices):
    OPEN = "open", _("Open")
    OVERDUE = "overdue", _("Overdue")
    SETTLED = "settled", _("Settled")
    CANCELLED = "cancelled", _("Cancelled")


class PayerKind(models.TextChoices):
    RECRUITER = "recruiter", _("Recruitment agency")
    EMPLOYER = "employer", _("Employer")
    BRAND = "brand", _("Brand")
    OTHER = "other", _("Other")


class RemediationPlan(models.Model):
    """Who pays the worker back, how much, by when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    assessment = models.ForeignKey(
        FeeAssessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    standard = models.CharField(max_length=40, blank=True, help_text="standard id the amount follows")
    payer_kind = models.CharField(max_length=20, choices=PayerKind.choices)
    payer_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payer_name = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    due_date = models.DateField()
    status = models.CharField(
        max_length=10, choices=PlanStatus.choices, default=PlanStatus.OPEN, db_index=True
    )
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="plan_amount_positive")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} by {self.due_date} ({self.status})"


class RemediationPayment(models.Model):
    plan = models.ForeignKey(RemediationPlan, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    paid_on = models.DateField()
    amount_usd = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    proof = models.ForeignKey(Attachment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.amount} on {self.paid_on}"


# --- SMS and chat conversations --------------------------------------------------------------------------------


class Conversation(models.Model):
    """The state of one sender's question-and-answer conversation, so that a worker who stops halfway and
    comes back resumes. The sender is stored as a keyed hash; the answers (which may hold a name) encrypted."""

    sender_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    state = EncryptedTextField(blank=True, help_text="JSON: language, step, answers")
    step = models.CharField(max_length=30, blank=True)
    language = models.CharField(max_length=16, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rounds = models.PositiveIntegerField(default=0, help_text="complaints completed by this sender")
    started_at = models.DateTimeField()
    last_message_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"conversation {self.pk} at {self.step}"


class InboundMessage(models.Model):
    """A gateway message already handled: a redelivery gets the same replies, and is not answered twice."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    message_key = models.CharField(max_length=64, unique=True, help_text="keyed hash of the gateway id")
    replies = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"message {self.pk}"


# --- brand remediation programmes ------------------------------------------------------------------------------


class Programme(models.Model):
    """A brand's or employer's programme to repay recruitment fees to its workforce, from a fee survey."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    standard = models.CharField(max_length=40, help_text="'ilo-zero-fee', 'origin' or 'destination'")
    instalments = models.PositiveSmallIntegerField(default=1)
    first_due = models.DateField()
    interval_months = models.PositiveSmallIntegerField(default=1)
    source_name = models.CharField(max_length=300)
    source_sha256 = models.CharField(max_length=64)
    ruleset_version = models.CharField(max_length=20)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "source_sha256"], name="uniq_programme_file")
        ]

    def __str__(self) -> str:
        return self.name


def worker_ref_hashes(programme_id: int, ref: str) -> list[str]:
    """The keyed hash of a worker reference in one programme, under every configured key (the current one first),
    so that references stored before a key rotation are still found. The reference as imported: exact."""
    return crypto.lookup_hashes(ref, purpose=f"programme:{programme_id}")


class ProgrammeWorker(models.Model):
    """One worker of a repayment programme, known by the employer's own reference (an employee number, never a
    name). The reference is encrypted; ``worker_ref_hash`` (keyed, per programme: ``worker_ref_hashes``)
    finds it again and keeps it unique in the programme."""

    SENSITIVE_FIELDS = {"worker_ref": "grievance.programme.manage"}

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="workers")
    worker_ref = EncryptedTextField(help_text="the employer's own reference, not a name")
    worker_ref_hash = models.CharField(max_length=64)
    origin = models.CharField(max_length=2)
    destination = models.CharField(max_length=2)
    journey = models.JSONField()
    result = models.JSONField()
    status = models.CharField(max_length=20, help_text="assessed / incomplete / no_rule (standard's status)")
    owed = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3)
    owed_usd = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    paid = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]  # the order of the imported file
        constraints = [
            models.UniqueConstraint(fields=["programme", "worker_ref_hash"], name="uniq_programme_worker_ref")
        ]

    def __str__(self) -> str:
        return f"worker {self.pk} of programme {self.programme_id}"

    def sensitive_read_allowed(self, user: Any, permission: str) -> bool:
        from fairrecruit.core.permissions import can

        return can(user, permission, self.programme.organisation_id)

    def sensitive_read_key(self) -> int:
        return self.programme.organisation_id

    def rekey_hashes(self) -> dict[str, str]:
        """The lookup hash under the first key (``core.rekey``: after a key rotation)."""
        ref = crypto.decrypt(self.worker_ref.token)
        return {"worker_ref_hash": worker_ref_hashes(self.programme_id, ref)[0]}


class Instalment(models.Model):
    worker = models.ForeignKey(ProgrammeWorker, on_delete=models.CASCADE, related_name="instalments")
    number = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["worker", "number"], name="uniq_instalment")]

    def __str__(self) -> str:
        return f"{self.worker_id} #{self.number}"


class ProgrammePayment(models.Model):
    """A payment to one worker of a programme, in the worker's currency. ``idempotency_key`` (a keyed hash of the
    form's token, the API's ``Idempotency-Key`` or the imported file and row) makes a retry store nothing new."""

    worker = models.ForeignKey(ProgrammeWorker, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    paid_on = models.DateField()
    reference = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True)  # noqa: DJ001
    input_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="programme_payment_positive")]

    def __str__(self) -> str:
        return f"{self.amount} on {self.paid_on}"
