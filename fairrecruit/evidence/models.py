"""Evidence: recruitment-cost surveys (microdata), open-data releases, knowledge products and their partners."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fairrecruit.core.models import Organisation, User


class EarningsRule(models.TextChoices):
    FIRST_FULL_MONTH = "first_full_month", "First full month in the first job (SDG metadata 2022)"
    LAST_MONTH = "last_month", "Last month in the first job (SDG metadata 2018)"
    TYPICAL_MONTH = "typical_month", "Typical monthly earnings (e.g. Lao PDR LFS 2017 pilot)"


class Survey(models.Model):
    """One imported survey file: its provenance, the validation report and the exchange rates used."""

    class Status(models.TextChoices):
        IMPORTED = "imported", "Imported"
        PARTIAL = "partial", "Imported without rejected rows"
        REJECTED = "rejected", "Rejected (nothing imported)"

    title = models.CharField(max_length=300)
    producer = models.CharField(max_length=300, blank=True, help_text="who collected the data")
    synthetic = models.BooleanField(default=False, help_text="generated data, not real workers")
    published = models.BooleanField(default=True, help_text="shown on corridor profiles")
    filename = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    earnings_rule = models.CharField(
        max_length=30, choices=EarningsRule.choices, default=EarningsRule.FIRST_FULL_MONTH
    )
    fx_rule = models.CharField(max_length=300, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    report = models.JSONField(
        default=dict, blank=True, help_text="rejected rows (row, field, message), notes"
    )
    conversions = models.JSONField(
        default=list, blank=True, help_text="exchange rates used: rate, date, source"
    )
    imported_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"


class SurveyRecord(models.Model):
    """One worker of a survey, normalised (see ``survey.py``). Sensitive microdata: never shown one by one."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="records")
    row = models.PositiveIntegerField()
    worker_id = models.CharField(max_length=80)
    year = models.PositiveSmallIntegerField()
    origin = models.CharField(max_length=2)
    destination = models.CharField(max_length=2)
    sex = models.CharField(max_length=1, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    age_group = models.CharField(max_length=8, blank=True)
    education = models.CharField(max_length=20, blank=True)
    isco08 = models.CharField(max_length=4, blank=True)
    isco_major = models.CharField(max_length=1, blank=True)
    industry = models.CharField(max_length=4, blank=True)
    documented = models.BooleanField(null=True, blank=True)
    weight = models.FloatField()
    cost = models.FloatField()
    cost_currency = models.CharField(max_length=3)
    earnings = models.FloatField()
    earnings_currency = models.CharField(max_length=3)
    fx_date = models.DateField()
    cost_usd = models.FloatField()
    earnings_usd = models.FloatField()
    ratio = models.FloatField(help_text="months of earnings: costs / first-month earnings")

    class Meta:
        ordering = ["survey", "row"]
        constraints = [models.UniqueConstraint(fields=["survey", "worker_id"], name="uniq_survey_worker")]
        indexes = [models.Index(fields=["origin", "destination"])]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.worker_id}"


class Release(models.Model):
    """An open-data release: files on disk (CSV + datapackage.json + README.md), with disclosure control."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    version = models.CharField(max_length=20, default="1.0.0")
    description = models.TextField(blank=True)
    release_notes = models.TextField(blank=True)
    licence = models.CharField(max_length=40, default="CC-BY-4.0")
    k = models.PositiveSmallIntegerField(help_text="minimum cell size / k-anonymity")
    rounding = models.PositiveIntegerField(help_text="amounts rounded to this many US dollars")
    directory = models.CharField(max_length=500, help_text="folder of the files, under the releases root")
    files = models.JSONField(default=list, help_text="[{name, bytes, sha256, rows}]")
    datapackage = models.JSONField(default=dict)
    disclosure = models.JSONField(default=dict, help_text="what disclosure control did: counts per step")
    provenance = models.JSONField(default=dict)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"


class Partner(models.Model):
    """An organisation that produced, funded or supplied data for knowledge products."""

    class Kind(models.TextChoices):
        INTERNATIONAL = "international", _("International organisation")
        GOVERNMENT = "government", _("Government / statistics office")
        CSO = "cso", _("Civil society / union")
        ACADEMIC = "academic", _("University / research institute")
        PRIVATE = "private", _("Private sector")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=300, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166 alpha-2; empty = international")
    url = models.URLField(blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="the platform organisation, where the partner has accounts",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A tag of a knowledge product: a GCM objective (code = its number), a corridor (``NP-QA``) or a theme."""

    class Kind(models.TextChoices):
        GCM = "gcm", _("GCM objective")
        CORRIDOR = "corridor", _("Corridor")
        THEME = "theme", _("Theme")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    code = models.CharField(max_length=60)
    label = models.CharField(max_length=300)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="uniq_tag")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


class KnowledgeProduct(models.Model):
    """A study, dataset or practice; submitted, reviewed (1 internal + 2 external approvals) and published."""

    class Kind(models.TextChoices):
        STUDY = "study", _("Study")
        DATASET = "dataset", _("Dataset")
        PRACTICE = "practice", _("Practice")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, waiting for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=300)
    summary = models.TextField()
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    url = models.URLField(blank=True, help_text="where the product itself is")
    release = models.ForeignKey(
        Release,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        help_text="the FairRecruit open-data release the product used",
    )
    data_url = models.URLField(blank=True, help_text="the external data the product used")
    tags = models.ManyToManyField(Tag, blank=True, related_name="products")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    round = models.PositiveSmallIntegerField(
        default=1, help_text="review round: a resubmission starts a new one"
    )
    submitted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-published_at", "-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(release__isnull=True, data_url=""), name="product_links_its_data"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProductPartner(models.Model):
    class Role(models.TextChoices):
        INTERNATIONAL_CO_PRODUCER = "international_co_producer", _("International co-producer")
        LOCAL_CO_PRODUCER = "local_co_producer", _("Local co-producer")
        FUNDER = "funder", _("Funder")
        DATA_PROVIDER = "data_provider", _("Data provider")
        IMPLEMENTER = "implementer", _("Implementing partner")

    product = models.ForeignKey(KnowledgeProduct, on_delete=models.CASCADE, related_name="partners")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="roles")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "partner", "role"], name="uniq_product_partner")
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.role})"


class ProductReview(models.Model):
    """One reviewer's recorded decision in one review round. Never changed: a new round gets new decisions."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", "Internal (FairRecruit staff)"
        EXTERNAL = "external", "External (researcher)"

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approve"
        CHANGES = "changes", "Request changes"
        REJECT = "reject", "Reject"

    product = models.ForeignKey(KnowledgeProduct, on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveSmallIntegerField()
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comments = models.TextField(blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["product", "round", "reviewer"], name="uniq_review_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} r{self.round} {self.kind} {self.decision}"
