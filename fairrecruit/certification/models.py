"""The certification scheme: schemes configured against a standard, certification bodies and their accredited
auditors, the recruiter's self-assessment and application, audits with findings, anonymous worker interviews
and corrective actions, decisions, signed certificates and their status history, and monitoring alerts raised
from worker evidence. Every write goes through ``services`` (one transaction, one audit event)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fairrecruit.certification.staff_choices import InvoiceKind, InvoiceStatus
from fairrecruit.core.models import Organisation, User
from fairrecruit.registry.models import Actor


class Scheme(models.Model):
    """A certification scheme configured against one version of a standard. ``criteria`` is a copy of the
    standard's principles and criteria at configuration time (so a later rule-file change never silently
    changes what was audited): ``[{id, number, label, verified, topics, evidence_expected: [...]}]``."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    standard_id = models.CharField(max_length=40)
    standard_title = models.CharField(max_length=300)
    ruleset_version = models.CharField(
        max_length=20, help_text="rule-set version the criteria were copied from"
    )
    criteria = models.JSONField(default=list)
    fees = models.JSONField(
        default=dict, blank=True, help_text="fee schedule {currency, application, audit_day, certificate}"
    )
    validity_months = models.PositiveSmallIntegerField(default=36)
    surveillance_months = models.PositiveSmallIntegerField(default=12)
    interview_min = models.PositiveSmallIntegerField(default=5)
    interview_max = models.PositiveSmallIntegerField(default=50)
    thresholds = models.JSONField(default=dict, blank=True, help_text="monitoring thresholds (monitoring.py)")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def criterion(self, criterion_id: str) -> dict | None:
        return next((c for c in self.criteria if c["id"] == criterion_id), None)


class CertificationBody(models.Model):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="certification_body"
    )
    accreditation = models.CharField(max_length=200, blank=True, help_text="accreditation reference")
    schemes = models.ManyToManyField(Scheme, related_name="bodies", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.organisation.name


class AuditorAccreditation(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="auditor_accreditations")
    body = models.ForeignKey(CertificationBody, on_delete=models.CASCADE, related_name="accreditations")
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="+")
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    scope = models.JSONField(
        default=list,
        blank=True,
        help_text='corridors ("NP-QA") and sectors the auditor may audit; empty: all',
    )
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="set when the body suspends it")
    revoked_reason = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "body", "scheme"], name="uniq_auditor_accr")]

    def __str__(self) -> str:
        return f"{self.user} for {self.scheme} at {self.body}"


class ConflictDeclaration(models.Model):
    """An auditor's declared interest in a recruiter (employment, family, money, previous consulting)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="conflict_declarations")
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")
    nature = models.CharField(max_length=300)
    declared_at = models.DateTimeField(auto_now_add=True)
    ends_on = models.DateField(null=True, blank=True, help_text="empty: still in force")

    def __str__(self) -> str:
        return f"{self.user} / {self.actor_id}: {self.nature}"


class SelfAssessment(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="self_assessments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"self-assessment {self.pk} of {self.actor_id} against {self.scheme.code}"


class SelfAssessmentItem(models.Model):
    """Score per criterion: 0 not in place, 1 partly, 2 in place, 3 in place and evidenced."""

    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="items")
    criterion_id = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["self_assessment", "criterion_id"], name="uniq_sa_item"),
            models.CheckConstraint(condition=Q(score__lte=3), name="sa_score_0_3"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Eligible: accepted")
    DEFERRED = "deferred", _("Deferred")
    REJECTED = "rejected", _("Rejected")
    CERTIFIED = "certified", _("Certified")
    REFUSED = "refused", _("Certification refused")


class Application(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="applications")
    body = models.ForeignKey(CertificationBody, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="certification_applications")
    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.PROTECT, related_name="applications")
    scope_corridors = models.JSONField(default=list, help_text='["NP-QA", ...] origin-destination')
    scope_sectors = models.JSONField(default=list)
    placements_per_year = models.PositiveIntegerField(help_text="workers placed in the last 12 months")
    status = models.CharField(max_length=20, choices=ApplicationStatus.choices, default="submitted")
    eligibility_reason = models.TextField(blank=True)
    deferred_until = models.DateField(null=True, blank=True)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"application {self.pk} ({self.status})"


class AuditKind(models.TextChoices):
    INITIAL = "initial", _("Initial certification audit")
    SURVEILLANCE = "surveillance", _("Surveillance audit")
    RECERTIFICATION = "recertification", _("Re-certification audit")
    SPECIAL = "special", _("Special audit (monitoring)")


class AuditStatus(models.TextChoices):
    TO_PLAN = "to_plan", _("To be planned")
    PLANNED = "planned", _("Planned")
    REPORTED = "reported", _("Report submitted")
    DECIDED = "decided", _("Decided")


class Audit(models.Model):
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="audits")
    certificate = models.ForeignKey(
        "Certificate", null=True, blank=True, on_delete=models.PROTECT, related_name="audits"
    )
    kind = models.CharField(max_length=20, choices=AuditKind.choices, default=AuditKind.INITIAL)
    status = models.CharField(max_length=20, choices=AuditStatus.choices, default=AuditStatus.TO_PLAN)
    reason = models.TextField(blank=True, help_text="why (special audits: the alert)")
    lead_auditor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    team = models.ManyToManyField(
        User, blank=True, related_name="audit_team_assignments", help_text="auditors besides the lead"
    )
    due_by = models.DateField(null=True, blank=True)
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    sample_size = models.PositiveIntegerField(default=0, help_text="worker interviews required")
    summary = models.TextField(blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} audit {self.pk}"


class Grade(models.TextChoices):
    CONFORMITY = "conformity", _("Conformity")
    OBSERVATION = "observation", _("Observation")
    MINOR = "minor", _("Minor non-conformity")
    MAJOR = "major", _("Major non-conformity")


GRADE_RANK = {Grade.CONFORMITY: 0, Grade.OBSERVATION: 1, Grade.MINOR: 2, Grade.MAJOR: 3}


class Finding(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    criterion_id = models.CharField(max_length=40)
    grade = models.CharField(max_length=20, choices=Grade.choices)
    note = models.TextField(blank=True)
    from_interviews = models.BooleanField(default=False, help_text="raised or raised further by interviews")
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["criterion_id"]
        constraints = [models.UniqueConstraint(fields=["audit", "criterion_id"], name="uniq_finding")]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.grade}"


class WorkerInterview(models.Model):
    """One anonymous interview: a serial code (W01), no name, no contact. ``answers`` uses the review
    questionnaire keys (paid_fees, documents_taken, contract_matched, wage_as_promised, free_to_change)."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="interviews")
    code = models.CharField(max_length=10)
    conducted_on = models.DateField()
    answers = models.JSONField(default=dict)
    note = models.TextField(blank=True, help_text="no names or contacts")
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["audit", "code"], name="uniq_interview_code")]

    def __str__(self) -> str:
        return f"interview {self.code} of audit {self.audit_id}"


class EvidenceFile(models.Model):
    """A file kept encrypted outside any public URL (``storage``); attached to a self-assessment item, a
    finding or a corrective action."""

    sa_item = models.ForeignKey(
        SelfAssessmentItem, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    action = models.ForeignKey(
        "CorrectiveAction", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=80, unique=True)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name or self.storage_name


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Implemented: waiting for verification")
    CLOSED = "closed", _("Verified and closed")


class CorrectiveAction(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.CharField(max_length=200, help_text="who at the recruiter is responsible")
    deadline = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    response = models.TextField(blank=True, help_text="the recruiter's account of what was done")
    verification_note = models.TextField(blank=True)
    verified_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return f"action {self.pk} ({self.status})"


class Decision(models.Model):
    audit = models.OneToOneField(Audit, on_delete=models.PROTECT, related_name="decision")
    granted = models.BooleanField()
    reason = models.TextField()
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"decision on audit {self.audit_id}: {'granted' if self.granted else 'refused'}"


class CertificateStatus(models.TextChoices):
    ACTIVE = "active", _("Certified")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


class Certificate(models.Model):
    """A certificate. The canonical fields (``signing.canonical_fields``) are signed with Ed25519 at issue; the
    status is not signed (it changes) and is read live from here by the verification page."""

    number = models.CharField(max_length=40, unique=True)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="certificates")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="certificates")
    body = models.ForeignKey(CertificationBody, on_delete=models.PROTECT, related_name="certificates")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="certificates")
    holder_name = models.CharField(max_length=300)
    scope_corridors = models.JSONField(default=list)
    scope_sectors = models.JSONField(default=list)
    issued_on = models.DateField()
    valid_until = models.DateField()
    next_surveillance_due = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=CertificateStatus.choices, default="active", db_index=True
    )
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    signature = models.CharField(max_length=200)
    key_id = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "number"]

    def __str__(self) -> str:
        return self.number


class CertificateStatusChange(models.Model):
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="history")
    old_status = models.CharField(max_length=20, blank=True)
    new_status = models.CharField(max_length=20)
    reason = models.TextField()
    alert = models.ForeignKey("Alert", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    changed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.old_status} -> {self.new_status}"


class AlertAction(models.TextChoices):
    NOTIFY = "notify", _("Notify the certification body")
    SPECIAL_AUDIT = "special_audit", _("Special audit")
    SUSPENSION_REVIEW = "suspension_review", _("Suspension review")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Alert(models.Model):
    """A monitoring threshold crossed by worker evidence about a certified recruiter."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="alerts")
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="alerts")
    metric = models.CharField(max_length=40)
    value = models.FloatField()
    threshold = models.FloatField()
    evidence = models.JSONField(
        default=dict, help_text="counts and ids behind the value (no worker identity)"
    )
    action = models.CharField(max_length=20, choices=AlertAction.choices)
    special_audit = models.ForeignKey(
        Audit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=AlertStatus.choices, default="open", db_index=True)
    resolution = models.TextField(blank=True)
    closed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "metric"], condition=Q(status="open"), name="uniq_open_alert"
            )
        ]

    def __str__(self) -> str:
        return f"alert {self.metric} on {self.certificate_id} ({self.status})"


class Invoice(models.Model):
    """A scheme fee invoiced by a certification body to a recruiter, from the scheme's fee schedule
    (``Scheme.fees``: currency, application, audit_day, certificate). Amounts are copied at issue."""

    number = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=20, choices=InvoiceKind.choices)  # re-exported: models.InvoiceKind
    body = models.ForeignKey(CertificationBody, on_delete=models.PROTECT, related_name="invoices")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="invoices")
    audit = models.ForeignKey(Audit, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices")
    certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=8, decimal_places=2, default=1)
    unit_amount = models.DecimalField(max_digits=12, decimal_places=2)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED, db_index=True
    )
    issued_on = models.DateField()
    due_on = models.DateField()
    paid_on = models.DateField(null=True, blank=True)
    void_reason = models.TextField(blank=True)
    issued_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.number
