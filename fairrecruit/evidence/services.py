"""Writes for the evidence app. Each service runs in one transaction and records its audit event in it."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pycountry
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from fairrecruit.core.models import User
from fairrecruit.core.services import audit_record
from fairrecruit.evidence import disclosure, gcm, release, survey
from fairrecruit.evidence.models import (
    EarningsRule,
    KnowledgeProduct,
    Partner,
    ProductPartner,
    ProductReview,
    Release,
    Survey,
    SurveyRecord,
    Tag,
)
from fairrecruit.evidence.permissions import WHOSE, can, conflict_of, external_conflict, reviewer_kind
from fairrecruit.evidence.selectors import PLATFORM_SOURCES, SOURCE_TITLES, corridor_data_changed

REQUIRED_INTERNAL = 1
REQUIRED_EXTERNAL = 2
_BATCH = 2000


class EvidenceError(ValueError):
    """A request that cannot be carried out; the message says what to fix, ``field`` which input (if one)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.message, self.field = message, field


def releases_root() -> Path:
    """Where release folders are written: ``settings.EVIDENCE_RELEASES_ROOT``, else ``<project>/var/releases``."""
    root = getattr(settings, "EVIDENCE_RELEASES_ROOT", None)
    return Path(root) if root else Path(settings.BASE_DIR) / "var" / "releases"


# --- surveys ----------------------------------------------------------------------------------------------


def survey_import(
    *,
    actor: User | None,
    path: Path | str,
    title: str,
    producer: str = "",
    synthetic: bool = False,
    partial: bool = False,
    earnings_rule: str = EarningsRule.FIRST_FULL_MONTH,
    fx_date_column: str | None = None,
    dry_run: bool = False,
    check_permission: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
) -> Survey:
    """Validate and store a survey file. All or nothing unless ``partial``: with a rejected row, the Survey is
    stored with status ``rejected`` and its report (row, field, message) and no record. ``dry_run`` stores
    nothing and returns the unsaved Survey with its report. ``progress(done, total, stage)`` is told how far the
    records are written (a background job shows it)."""
    if check_permission and actor is not None and not can(actor, "survey.import"):
        raise PermissionDenied("importing surveys needs the staff or researcher role")
    path = Path(path)
    if progress is not None:
        progress(0, 0, "reading and checking the file")
    s = Survey(
        title=title,
        producer=producer,
        synthetic=synthetic,
        filename=path.name,
        imported_by=actor,
        earnings_rule=earnings_rule,
    )
    con = duckdb.connect()
    try:
        try:
            loaded = survey.load(path, con=con, partial=partial, fx_date_column=fx_date_column)
        except survey.SurveyError as exc:
            s.status = Survey.Status.REJECTED
            s.sha256 = survey.file_sha256(path) if path.is_file() else ""
            s.rows_total = exc.rows_total
            s.rows_rejected = len({r.row for r in exc.rejections})
            s.report = {"error": str(exc), "rejections": [r.as_dict() for r in exc.rejections]}
            records: list[dict[str, Any]] = []
        else:
            s.status = Survey.Status.PARTIAL if loaded.rejections else Survey.Status.IMPORTED
            s.sha256 = loaded.sha256
            s.rows_total = loaded.rows_total
            s.rows_imported = loaded.rows_imported
            s.rows_rejected = len({r.row for r in loaded.rejections})
            s.report = loaded.report()
            s.conversions = loaded.conversions
            s.fx_rule = loaded.fx_rule
            records = loaded.records()
    finally:
        con.close()
    if dry_run:
        return s
    with transaction.atomic():
        s.save()
        objs = [
            SurveyRecord(survey=s, **{k: ("" if v is None and k in _BLANKABLE else v) for k, v in r.items()})
            for r in records
        ]
        if progress is not None:
            progress(0, len(objs), "writing records")
        for start in range(0, len(objs), _BATCH):
            SurveyRecord.objects.bulk_create(objs[start : start + _BATCH], batch_size=_BATCH)
            if progress is not None:
                progress(min(start + _BATCH, len(objs)), len(objs), "writing records")
        audit_record(
            actor=actor,
            action="survey.import",
            target=s,
            new={
                "title": title,
                "filename": s.filename,
                "sha256": s.sha256,
                "status": s.status,
                "rows_imported": s.rows_imported,
                "rows_rejected": s.rows_rejected,
                "synthetic": synthetic,
            },
        )
        if records:
            transaction.on_commit(corridor_data_changed)
    return s


SURVEY_UPLOAD_MAX_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class SurveyUpload:
    survey: Survey
    already: bool  # the same file was imported before: nothing new stored


def survey_upload_check(*, filename: str, size: int) -> None:
    """What the upload form answers at once (before any job is queued): the file's kind and size."""
    suffix = Path(filename).suffix.lower()
    if suffix not in survey.KINDS:
        raise EvidenceError(f"{filename!r} is not a {', '.join(sorted(survey.KINDS))} file", field="file")
    if size > SURVEY_UPLOAD_MAX_BYTES:
        raise EvidenceError(f"larger than {SURVEY_UPLOAD_MAX_BYTES // (1024 * 1024)} MB; use the CLI", field="file")


def survey_import_once(
    *,
    actor: User | None,
    path: Path,
    title: str,
    producer: str = "",
    synthetic: bool = False,
    partial: bool = False,
    earnings_rule: str = EarningsRule.FIRST_FULL_MONTH,
    dry_run: bool = False,
    progress: Callable[[int, int, str], None] | None = None,
) -> SurveyUpload:
    """A survey file sent through the web page (run as a background job): the same checks as
    :func:`survey_import`; a file whose bytes were imported before (status imported or partial) is not stored
    again (a retried upload is stored once)."""
    if actor is not None and not can(actor, "survey.import"):
        raise PermissionDenied("importing surveys needs the staff or researcher role")
    survey_upload_check(filename=path.name, size=path.stat().st_size)
    if not dry_run:
        existing = (
            Survey.objects.filter(
                sha256=survey.file_sha256(path), status__in=[Survey.Status.IMPORTED, Survey.Status.PARTIAL]
            )
            .order_by("imported_at")
            .first()
        )
        if existing is not None:
            return SurveyUpload(existing, already=True)
    s = survey_import(
        actor=actor,
        path=path,
        title=title,
        producer=producer,
        synthetic=synthetic,
        partial=partial,
        earnings_rule=earnings_rule,
        dry_run=dry_run,
        check_permission=False,
        progress=progress,
    )
    return SurveyUpload(s, already=False)


_BLANKABLE = {"sex", "age_group", "education", "isco08", "isco_major", "industry"}


@transaction.atomic
def survey_set_published(*, actor: User | None, survey_obj: Survey, published: bool) -> Survey:
    old = survey_obj.published
    survey_obj.published = published
    survey_obj.save(update_fields=["published"])
    audit_record(
        actor=actor,
        action="survey.publish" if published else "survey.unpublish",
        target=survey_obj,
        old={"published": old},
        new={"published": published},
    )
    transaction.on_commit(corridor_data_changed)
    return survey_obj


# --- open-data releases -----------------------------------------------------------------------------------


def release_sources() -> tuple[list[dict[str, Any]], list[str]]:
    """Platform records that a release may draw on (fee assessments stored through the API, published reviews
    with payments, complaints with payments), and notes on what is left out (and why)."""
    from fairrecruit.evidence.selectors import platform_records

    notes = [
        "free text, names, contact details, organisations complained about and dates finer than the year: "
        "never released",
        "reviews waiting for moderation, rejected or withdrawn: left out",
    ]
    for app_label, what in (("reviews", "worker reviews"), ("grievances", "complaints")):
        if not apps.is_installed(f"fairrecruit.{app_label}"):
            notes.append(f"{what}: not included (the {app_label} app is not installed)")
    return platform_records(), notes


def release_tables(cfg: disclosure.Config) -> list[release.Table]:
    """Aggregate tables of reviews and complaints by corridor and year, small cells suppressed."""
    from fairrecruit.evidence.selectors import complaint_units, review_units

    yes = "yes"
    reviews = disclosure.count_cells(
        review_units(),
        keys=("corridor", "year"),
        count="reviews",
        values={
            "share_paid_fees": disclosure.share("paid_fees", yes),
            "share_documents_taken": disclosure.share("documents_taken", yes),
            "share_contract_as_promised": disclosure.share("contract_matched", yes),
            "share_wage_as_promised": disclosure.share("wage_as_promised", yes),
            "mean_rating": disclosure.mean("rating", 0.1),
        },
        cfg=cfg,
    )
    complaints = disclosure.count_cells(
        complaint_units(),
        keys=("corridor", "year", "category"),
        count="received",
        values={"resolved": disclosure.counted("resolved", True), "recovered_usd": disclosure.total("recovered_usd")},
        cfg=cfg,
    )
    return [
        release.Table("reviews-summary", release.REVIEWS_FILE, "Worker reviews by corridor and year (cells below k "
                      "suppressed)", release.REVIEWS_SCHEMA, reviews),
        release.Table("complaints-summary", release.COMPLAINTS_FILE, "Complaints by corridor, year and category "
                      "(cells below k suppressed)", release.COMPLAINTS_SCHEMA, complaints),
    ]


def release_check(*, title: str, k: int, rounding: int) -> disclosure.Config:
    """The checks of :func:`release_create` that need no data: answered on the form before a job is queued."""
    try:
        cfg = disclosure.Config(k=k, rounding=rounding)
    except ValueError as exc:
        raise EvidenceError(str(exc)) from exc
    if not slugify(title):
        raise EvidenceError("give the release a title")
    return cfg


def release_create(
    *,
    actor: User | None,
    title: str,
    k: int = 5,
    rounding: int = 100,
    slug: str | None = None,
    version: str = "1.0.0",
    description: str = "",
    notes: str = "",
    records: Sequence[dict[str, Any]] | None = None,
    check_permission: bool = True,
) -> Release:
    """Build a release from the platform's data with disclosure control and store it (files + Release)."""
    if check_permission and actor is not None and not can(actor, "release.create"):
        raise PermissionDenied("creating releases needs the staff role")
    cfg = release_check(title=title or slug or "", k=k, rounding=rounding)
    source_notes: list[str] = []
    if records is None:
        recs, source_notes = release_sources()
    else:
        recs = list(records)
    now = timezone.now()
    slug = slugify(slug or f"{title}-{now:%Y%m%d-%H%M%S}")[:80]
    if not slug:
        raise EvidenceError("give the release a title")
    if Release.objects.filter(slug=slug).exists():
        raise EvidenceError(f"a release named {slug!r} exists already")
    directory = releases_root() / slug
    if directory.exists():
        # No release of that name in the database, so the folder is left from an earlier database (e.g. a demo
        # database that was deleted): keep it aside rather than refuse or overwrite it.
        directory.rename(directory.with_name(f"{slug}.orphan-{now:%Y%m%d%H%M%S}"))
    provenance = {
        "generated_by": "fairrecruit.evidence.services.release_create",
        "generated_at": now.replace(microsecond=0).isoformat(),
        "generated_for": actor.get_username() if actor is not None and actor.is_authenticated else "system",
        "sources": (
            [
                {"title": f"FairRecruit {SOURCE_TITLES[src]}", "records": sum(r.get("source") == src for r in recs)}
                for src in PLATFORM_SOURCES
            ]
            if records is None
            else [{"title": "records given to release_create", "records": len(recs)}]
        )
        + [{"title": "FairRecruit worker reviews and complaints, aggregated (reviews.Review, grievances.Case)"}],
        "left_out": source_notes,
        "indicator": "per-worker ratio of SDG 10.7.1 (costs / first-month earnings), from each assessment",
        "note": "the three sources are anonymous and cannot be joined: a worker who reviewed and complained "
        "may be in both",
    }
    try:
        built = release.build(
            directory,
            list(recs),
            name=slug,
            title=title,
            version=version,
            cfg=cfg,
            description=description,
            notes=notes,
            provenance=provenance,
            created=now,
            tables=release_tables(cfg),
        )
    except FileExistsError as exc:
        raise EvidenceError(f"the folder {directory} exists already") from exc
    try:
        with transaction.atomic():
            r = Release.objects.create(
                slug=slug,
                title=title,
                version=version,
                description=description,
                release_notes=notes,
                k=k,
                rounding=rounding,
                directory=slug,
                files=built["files"],
                datapackage=built["datapackage"],
                disclosure=built["disclosure"],
                provenance=provenance,
                created_by=actor if actor and actor.is_authenticated else None,
            )
            audit_record(
                actor=actor,
                action="release.create",
                target=r,
                new={"slug": slug, "k": k, "rounding": rounding, "files": built["files"]},
            )
    except Exception:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    return r


def release_file(r: Release, name: str) -> Path | None:
    """The path of one of the release's files (only names recorded in the release)."""
    if name not in {f["name"] for f in r.files}:
        return None
    p = releases_root() / r.directory / name
    return p if p.is_file() else None


# --- knowledge products -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerRole:
    name: str
    role: str
    kind: str = Partner.Kind.OTHER
    country: str = ""


_CORRIDOR = re.compile(r"^[A-Z]{2}-[A-Z]{2}$")


def parse_partner_lines(text: str) -> tuple[list[PartnerRole], list[str]]:
    """'Organisation name; role[; kind[; country]]' per line -> partners, and errors naming the line."""
    roles = {c for c, _ in ProductPartner.Role.choices}
    kinds = {c for c, _ in Partner.Kind.choices}
    out, errors = [], []
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) < 2 or not parts[0]:
            errors.append(f"line {i}: write 'Organisation name; role'")
            continue
        role = parts[1].lower().replace(" ", "_").replace("-", "_")
        if role not in roles:
            errors.append(f"line {i}: unknown role {parts[1]!r}: use {', '.join(sorted(roles))}")
            continue
        kind = parts[2].lower() if len(parts) > 2 and parts[2] else Partner.Kind.OTHER
        if kind not in kinds:
            errors.append(f"line {i}: unknown kind {parts[2]!r}: use {', '.join(sorted(kinds))}")
            continue
        country = parts[3].upper() if len(parts) > 3 else ""
        if country and not pycountry.countries.get(alpha_2=country):
            errors.append(f"line {i}: unknown country code {parts[3]!r}")
            continue
        out.append(PartnerRole(parts[0][:300], role, kind, country))
    return out, errors


def _tags(gcm_numbers: Sequence[int], corridors: Sequence[str], themes: Sequence[str]) -> list[Tag]:
    tags = []
    for n in gcm_numbers:
        o = gcm.BY_NUMBER.get(int(n))
        if o is None:
            raise EvidenceError(f"there is no GCM objective {n}: use 1 to 23")
        tags.append(
            Tag.objects.get_or_create(kind=Tag.Kind.GCM, code=str(o.number), defaults={"label": o.label})[0]
        )
    for c in corridors:
        c = c.strip().upper()
        if not c:
            continue
        if not _CORRIDOR.match(c):
            raise EvidenceError(f"corridor {c!r}: write ORIGIN-DESTINATION with country codes, e.g. NP-QA")
        tags.append(Tag.objects.get_or_create(kind=Tag.Kind.CORRIDOR, code=c, defaults={"label": c})[0])
    for t in themes:
        t = t.strip()
        if t:
            code = slugify(t)[:60] or t[:60]
            tags.append(
                Tag.objects.get_or_create(kind=Tag.Kind.THEME, code=code, defaults={"label": t[:300]})[0]
            )
    return tags


@transaction.atomic
def product_submit(
    *,
    actor: User,
    kind: str,
    title: str,
    summary: str,
    year: int | None = None,
    url: str = "",
    release_obj: Release | None = None,
    data_url: str = "",
    gcm_numbers: Sequence[int] = (),
    corridors: Sequence[str] = (),
    themes: Sequence[str] = (),
    partners: Sequence[PartnerRole] = (),
) -> KnowledgeProduct:
    if not can(actor, "knowledge.submit"):
        raise PermissionDenied("sign in to submit a knowledge product")
    if release_obj is None and not data_url:
        raise EvidenceError("say which data the product used: pick a FairRecruit release or give a link")
    if not partners:
        raise EvidenceError("name at least one partner organisation and its role")
    p = KnowledgeProduct.objects.create(
        kind=kind,
        title=title,
        summary=summary,
        year=year,
        url=url,
        release=release_obj,
        data_url=data_url,
        submitted_by=actor,
    )
    p.tags.set(_tags(gcm_numbers, corridors, themes))
    for pr in partners:
        partner, _ = Partner.objects.get_or_create(
            name=pr.name, defaults={"kind": pr.kind, "country": pr.country}
        )
        ProductPartner.objects.get_or_create(product=p, partner=partner, role=pr.role)
    audit_record(
        actor=actor,
        action="knowledge.submit",
        target=p,
        new={
            "title": title,
            "kind": kind,
            "release": release_obj.slug if release_obj else None,
            "data_url": data_url,
            "gcm": list(gcm_numbers),
            "partners": [pr.name for pr in partners],
        },
    )
    return p


def approvals(product: KnowledgeProduct) -> dict[str, Any]:
    """Decisions of the current round and what publication still needs. An external approval counts only while
    its reviewer is still independent of the product (:func:`~fairrecruit.evidence.permissions.conflict_of`, as
    it is now: a partner added since, or the reviewer joining the submitter's or a partner's organisation, undoes
    it); those that no longer count are in ``not_counted`` (why, in English like the rest of the review state)."""
    current = list(product.reviews.filter(round=product.round).select_related("reviewer"))
    internal = {r.reviewer_id for r in current if r.kind == "internal" and r.decision == "approve"}
    external: set[int] = set()
    not_counted = []
    for r in current:
        if r.kind == "external" and r.decision == "approve":
            conflict = conflict_of(r.reviewer, product)
            if conflict is None:
                external.add(r.reviewer_id)
            else:
                organisation, whose = conflict
                not_counted.append(
                    f"the approval by {r.reviewer} no longer counts: {r.reviewer} belongs to {organisation}, "
                    f"{WHOSE[whose]}"
                )
    missing = []
    if len(internal) < REQUIRED_INTERNAL:
        missing.append(f"{REQUIRED_INTERNAL - len(internal)} internal approval(s)")
    if len(external) < REQUIRED_EXTERNAL:
        missing.append(f"{REQUIRED_EXTERNAL - len(external)} external approval(s)")
    return {
        "reviews": current,
        "internal": len(internal),
        "external": len(external),
        "missing": missing,
        "not_counted": not_counted,
        "ready": not missing and product.status == KnowledgeProduct.Status.SUBMITTED,
    }


@transaction.atomic
def product_review(
    *, actor: User, product: KnowledgeProduct, decision: str, comments: str = ""
) -> ProductReview:
    """Record one reviewer's decision for the current round (internal if staff, external if researcher and
    independent of the product: :func:`~fairrecruit.evidence.permissions.external_conflict`)."""
    kind = reviewer_kind(actor)
    if kind is None:
        raise PermissionDenied("reviews need the staff (internal) or researcher (external) role")
    product = KnowledgeProduct.objects.select_for_update().get(pk=product.pk)
    if product.submitted_by_id == actor.pk:
        raise EvidenceError("you cannot review your own submission")
    conflict = external_conflict(actor, product) if kind == "external" else None
    if conflict:
        raise EvidenceError(conflict)
    if product.status != KnowledgeProduct.Status.SUBMITTED:
        raise EvidenceError(
            f"this product is not waiting for review (it is {product.get_status_display().lower()})"
        )
    if decision not in ProductReview.Decision.values:
        raise EvidenceError("decide approve, changes or reject")
    if decision != ProductReview.Decision.APPROVE and not comments.strip():
        raise EvidenceError("say what should change (comments are needed unless you approve)")
    if product.reviews.filter(round=product.round, reviewer=actor).exists():
        raise EvidenceError("you have already recorded your decision in this review round")
    r = ProductReview.objects.create(
        product=product, round=product.round, reviewer=actor, kind=kind, decision=decision, comments=comments
    )
    old_status = product.status
    if decision == ProductReview.Decision.CHANGES:
        product.status = KnowledgeProduct.Status.CHANGES_REQUESTED
    elif decision == ProductReview.Decision.REJECT:
        product.status = KnowledgeProduct.Status.REJECTED
    if product.status != old_status:
        product.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="knowledge.review",
        target=product,
        old={"status": old_status},
        new={"status": product.status, "round": product.round, "kind": kind, "decision": decision},
    )
    return r


@transaction.atomic
def product_resubmit(
    *, actor: User, product: KnowledgeProduct, summary: str | None = None
) -> KnowledgeProduct:
    """After changes were requested, the submitter sends it back: a new review round starts."""
    product = KnowledgeProduct.objects.select_for_update().get(pk=product.pk)
    if product.submitted_by_id != actor.pk:
        raise PermissionDenied("only the submitter can resubmit")
    if product.status != KnowledgeProduct.Status.CHANGES_REQUESTED:
        raise EvidenceError("only a product with changes requested can be resubmitted")
    old = {"status": product.status, "round": product.round}
    product.round += 1
    product.status = KnowledgeProduct.Status.SUBMITTED
    if summary:
        product.summary = summary
    product.save()
    audit_record(
        actor=actor,
        action="knowledge.resubmit",
        target=product,
        old=old,
        new={"status": product.status, "round": product.round},
    )
    return product


@transaction.atomic
def product_publish(*, actor: User, product: KnowledgeProduct) -> KnowledgeProduct:
    """Publish once the current round has 1 internal and 2 external approvals (distinct reviewers)."""
    if not can(actor, "knowledge.publish"):
        raise PermissionDenied("publishing needs the staff role")
    product = KnowledgeProduct.objects.select_for_update().get(pk=product.pk)
    state = approvals(product)
    if product.status != KnowledgeProduct.Status.SUBMITTED:
        raise EvidenceError(f"only a submitted product can be published (it is {product.status})")
    if state["missing"]:
        why = f" ({'; '.join(state['not_counted'])})" if state["not_counted"] else ""
        raise EvidenceError("publication needs " + " and ".join(state["missing"]) + " in this review round" + why)
    product.status = KnowledgeProduct.Status.PUBLISHED
    product.published_at = timezone.now()
    product.published_by = actor
    product.save(update_fields=["status", "published_at", "published_by"])
    audit_record(
        actor=actor,
        action="knowledge.publish",
        target=product,
        old={"status": KnowledgeProduct.Status.SUBMITTED},
        new={
            "status": product.status,
            "round": product.round,
            "approvals": {"internal": state["internal"], "external": state["external"]},
        },
    )
    return product


def today() -> dt.date:
    return timezone.localdate()
