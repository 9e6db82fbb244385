"""The registry: every actor in recruitment (licensed or not), their licences and licence history, how they
relate to each other, job orders, and where every fact came from."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fairrecruit.core.models import User


class ActorKind(models.TextChoices):
    LICENSED_AGENCY = "licensed_agency", _("Licensed recruitment agency")
    BRANCH = "branch", _("Branch office")
    SUB_AGENT = "sub_agent", _("Sub-agent / broker")
    INDIVIDUAL_BROKER = "individual_broker", _("Individual broker")
    REPORTED = "reported", _("Reported or unlicensed actor")
    DESTINATION_AGENCY = "destination_agency", _("Agency in the destination country")
    EMPLOYER = "employer", _("Employer")
    REGULATOR = "regulator", _("Regulator")


class LicenceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    BANNED = "banned", _("Banned")


class RelationshipKind(models.TextChoices):
    WORKS_FOR = "works_for", _("works for (sub-agent of)")
    BRANCH_OF = "branch_of", _("is a branch of")
    PARTNERS_WITH = "partners_with", _("partners with (destination agency)")
    RECRUITS_THROUGH = "recruits_through", _("recruits through (employer uses agency)")


class ImportFile(models.Model):
    """One file imported into the registry: the source of the facts it brought (provenance)."""

    class Status(models.TextChoices):
        IMPORTED = "imported", "Imported"
        PARTIAL = "partial", "Imported without rejected rows"
        REJECTED = "rejected", "Rejected (nothing imported)"
        UNCHANGED = "unchanged", "Same file as before (nothing to do)"

    filename = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    mapping = models.CharField(max_length=60)
    regulator_code = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True, help_text="rejected rows and why; counts of changes")
    imported_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"


class Actor(models.Model):
    """An organisation or person taking part in recruitment. Identifiers are prefixed by the register that
    issued them (``NP-DOFE-1234``); actors only reported by workers get ``FR-R-<n>``."""

    identifier = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=30, choices=ActorKind.choices, db_index=True)
    name = models.CharField(max_length=300)
    name_std = models.CharField(max_length=300, db_index=True, help_text="standardised name for linkage")
    search_text = models.TextField(blank=True, help_text="all names and aliases, transliterated, for search")
    country = models.CharField(max_length=2, blank=True, db_index=True)
    city = models.CharField(max_length=120, blank=True)
    address = models.TextField(blank=True)
    phones = models.JSONField(default=list, blank=True)
    websites = models.JSONField(default=list, blank=True)
    social_handles = models.JSONField(default=list, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from",
        help_text="set when record linkage merged this record into another; undoing clears it",
    )
    source_file = models.ForeignKey(ImportFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source_row = models.PositiveIntegerField(null=True, blank=True)
    source_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["country", "kind"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})"


class Alias(models.Model):
    """Another name of an actor, in any script (``अल नूर म्यानपावर``), with where it came from."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=300)
    name_std = models.CharField(max_length=300, db_index=True)
    source_file = models.ForeignKey(ImportFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source_row = models.PositiveIntegerField(null=True, blank=True)
    source_note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "name"], name="uniq_alias")]

    def __str__(self) -> str:
        return self.name


class Licence(models.Model):
    """A licence issued by a regulator. ``status`` is the latest entry of its history, which is never
    overwritten: every change adds a ``LicenceStatusChange``."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="licences")
    regulator = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="licences_issued")
    number = models.CharField(max_length=80)
    number_std = models.CharField(max_length=80, db_index=True)
    status = models.CharField(max_length=20, choices=LicenceStatus.choices)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    source_file = models.ForeignKey(ImportFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source_row = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["regulator", "number_std"], name="uniq_licence_number")]

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"


class LicenceStatusChange(models.Model):
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(max_length=20, choices=LicenceStatus.choices)
    valid_until = models.DateField(null=True, blank=True)
    effective_date = models.DateField(help_text="the day the status took effect (or was first seen)")
    reason = models.CharField(max_length=500, blank=True)
    source_file = models.ForeignKey(ImportFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source_row = models.PositiveIntegerField(null=True, blank=True)
    source_note = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_date", "id"]

    def __str__(self) -> str:
        return f"{self.licence.number}: {self.status} from {self.effective_date}"


class Relationship(models.Model):
    source = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(max_length=30, choices=RelationshipKind.choices)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    source_note = models.CharField(max_length=300, blank=True)
    source_file = models.ForeignKey(ImportFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source_row = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind", "start"], name="uniq_relationship"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.target}"


class JobOrder(models.Model):
    """An approved job order / demand letter: the job offer a worker can check."""

    number = models.CharField(max_length=80, db_index=True)
    employer = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="job_orders")
    agency = models.ForeignKey(Actor, null=True, blank=True, on_delete=models.SET_NULL, related_name="job_orders_placed")
    approved_by = models.ForeignKey(Actor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    destination = models.CharField(max_length=2)
    occupation = models.CharField(max_length=200)
    isco08 = models.CharField(max_length=4, blank=True)
    positions = models.PositiveIntegerField(default=1)
    wage_amount = models.DecimalField(max_digits=12, decimal_places=2)
    wage_currency = models.CharField(max_length=3)
    valid_from = models.DateField()
    valid_until = models.DateField()
    source_note = models.CharField(max_length=300, blank=True)
    source_file = models.ForeignKey(ImportFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source_row = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["approved_by", "number"], name="uniq_job_order")]

    def __str__(self) -> str:
        return f"{self.number}: {self.occupation} at {self.employer}"


class LinkCandidate(models.Model):
    """A pair of actors that record linkage thinks may be the same, waiting for a person to decide."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        CONFIRMED = "confirmed", "Same actor (merged)"
        REJECTED = "rejected", "Different actors"
        AUTO_MERGED = "auto_merged", "Merged automatically (high probability)"

    left = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    model_version = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    detail = models.JSONField(default=dict, blank=True, help_text="comparison levels per field")
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-probability"]
        constraints = [models.UniqueConstraint(fields=["left", "right"], name="uniq_link_pair")]

    def __str__(self) -> str:
        return f"{self.left_id}~{self.right_id} p={self.probability:.2f} {self.status}"


class ReportedActorKey(models.Model):
    """The unique key of an actor first named by a worker (in a complaint or a review): its standardised name with
    phone, or with place when no phone was given. Two submissions naming the same new agency at the same moment
    find or make one reported actor, never two (and never a server error): the second insert hits this unique
    key and takes the first one's actor."""

    key = models.CharField(max_length=64, unique=True)
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.key[:12]} -> {self.actor_id}"
