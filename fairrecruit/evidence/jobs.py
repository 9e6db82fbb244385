"""Evidence job kinds:

- ``evidence.survey_import``: survey microdata imported in the background, queued by the survey upload page; the
  job page shows the validation report and links to the stored survey.
- ``evidence.sdg``: SDG indicator 10.7.1 of one stored survey with the disaggregations, zero-cost variants,
  confidence level and bootstrap replicates asked (as ``fairrecruit stats sdg-10-7-1``), queued from the survey's
  page; the job page shows the table, downloadable as CSV and Parquet.
- ``evidence.release``: an open-data release built from the platform's data with disclosure control, queued by
  staff from /open-data/; the job page links to the release."""

from __future__ import annotations

from typing import Any

import duckdb
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fairrecruit.core.models import User
from fairrecruit.evidence import sdg, selectors, services, survey
from fairrecruit.evidence.models import Survey
from fairrecruit.evidence.permissions import can
from fairrecruit.jobs.kinds import JobContext, job_kind
from fairrecruit.jobs.models import Job
from fairrecruit.jobs.selectors import job_for
from fairrecruit.jobs.services import JobError, enqueue

KIND = "evidence.survey_import"
MAX_REJECTIONS = 1000  # rejected rows kept in a check-only job's result (a stored survey keeps all)


def survey_import_enqueue(
    *,
    actor: User,
    upload: File,  # type: ignore[type-arg]
    title: str,
    producer: str = "",
    synthetic: bool = False,
    partial: bool = False,
    earnings_rule: str = "first_full_month",
    dry_run: bool = False,
) -> Job:
    """Check the file's kind and size now (EvidenceError names the field), and queue the import."""
    if not can(actor, "survey.import"):
        raise PermissionDenied("importing surveys needs the staff or researcher role")
    services.survey_upload_check(filename=str(upload.name or ""), size=int(upload.size or 0))
    params = {"title": title, "producer": producer, "synthetic": synthetic, "partial": partial,
              "earnings_rule": earnings_rule, "dry_run": dry_run}
    return enqueue(KIND, params, actor, upload=upload)


def _result_url(result: dict[str, Any]) -> str | None:
    return reverse("evidence:survey", args=[result["survey"]]) if result.get("survey") else None


def _result_context(job: Job) -> dict[str, Any]:
    r = job.result
    s: Any = r.get("report")  # a check-only run: the unsaved survey as stored in the result
    if r.get("survey"):
        s = Survey.objects.filter(pk=r["survey"]).first()
    return {"s": s, "dry_run": bool(r.get("dry_run")), "already": bool(r.get("already"))}


@job_kind(KIND, label=_("Survey import"), result_template="evidence/_survey_job.html",
          result_context=_result_context, result_url=_result_url)
def run_survey_import(ctx: JobContext) -> dict[str, Any]:
    if ctx.input_path is None:
        raise JobError("a survey import needs its file")
    p = ctx.params
    up = services.survey_import_once(
        actor=ctx.user,
        path=ctx.input_path,
        title=str(p["title"]),
        producer=str(p.get("producer", "")),
        synthetic=bool(p.get("synthetic")),
        partial=bool(p.get("partial")),
        earnings_rule=str(p.get("earnings_rule") or "first_full_month"),
        dry_run=bool(p.get("dry_run")),
        progress=ctx.progress,
    )
    s = up.survey
    out: dict[str, Any] = {
        "survey": s.pk,
        "already": up.already,
        "dry_run": bool(p.get("dry_run")),
        "status": s.status,
        "rows_total": s.rows_total,
        "rows_imported": s.rows_imported,
        "rows_rejected": s.rows_rejected,
    }
    if s.pk is None:  # check only: nothing stored, so the report travels in the job's result
        report = dict(s.report)
        if isinstance(report.get("rejections"), list):
            report["rejections"] = report["rejections"][:MAX_REJECTIONS]
        out["report"] = {
            "title": s.title, "filename": s.filename, "sha256": s.sha256, "synthetic": s.synthetic,
            "status": s.status, "get_status_display": s.get_status_display(), "rows_total": s.rows_total,
            "rows_imported": s.rows_imported, "rows_rejected": s.rows_rejected, "report": report,
        }
    return out


SDG_KIND = "evidence.sdg"


def sdg_enqueue(
    *,
    actor: User,
    survey_obj: Survey,
    by: str = "",
    zero_costs: str = "both",
    confidence: float = 0.95,
    bootstrap: int = 0,
) -> Job:
    """Check the options now (EvidenceError names the field) and queue the computation for a stored survey."""
    if not can(actor, "survey.import"):
        raise PermissionDenied("computing survey statistics needs the staff or researcher role")
    if survey_obj.status not in (Survey.Status.IMPORTED, Survey.Status.PARTIAL) or not survey_obj.rows_imported:
        raise services.EvidenceError("has no imported rows to compute from", field="survey")
    try:
        options = sdg.Options(by=sdg.parse_by(by), zero_costs=sdg.parse_zero_costs(zero_costs),
                              confidence=confidence, bootstrap=bootstrap)
    except sdg.SdgError as exc:
        field = next((f for f in ("zero_costs", "confidence", "bootstrap") if f in str(exc)), "by")
        raise services.EvidenceError(str(exc), field=field) from None
    params = {"survey": survey_obj.pk, "by": by, "zero_costs": zero_costs, "confidence": options.confidence,
              "bootstrap": options.bootstrap}
    return enqueue(SDG_KIND, params, actor)


def _sdg_result_context(job: Job) -> dict[str, Any]:
    return {"rows": job.result.get("rows", []), "survey_pk": job.result.get("survey")}


@job_kind(SDG_KIND, label=_("SDG 10.7.1"), result_template="evidence/_sdg_job.html",
          result_context=_sdg_result_context)
def run_sdg(ctx: JobContext) -> dict[str, Any]:
    p = ctx.params
    s = Survey.objects.filter(pk=p["survey"]).first()
    if s is None:
        raise JobError("the survey was deleted")
    options = sdg.Options(by=sdg.parse_by(p.get("by") or ""), zero_costs=sdg.parse_zero_costs(p["zero_costs"]),
                          confidence=float(p["confidence"]), bootstrap=int(p["bootstrap"]))
    ctx.progress(0, 0, "reading the survey's rows")
    records = selectors.survey_records(surveys=Survey.objects.filter(pk=s.pk), published_only=False)
    con = duckdb.connect()
    try:
        table = survey.from_records(con, records, "survey")
        ctx.progress(0, 0, f"computing over {len(records):,} workers")
        rows = sdg.indicator(con, table, options)
    finally:
        con.close()
    return {
        "survey": s.pk,
        "title": s.title,
        "workers": len(records),
        "by": p.get("by") or "",
        "zero_costs": p["zero_costs"],
        "confidence": options.confidence,
        "bootstrap": options.bootstrap,
        "definition": f"SDG 10.7.1 metadata {sdg.METADATA_VERSION}, {sdg.METADATA_URL}",
        "rows": rows,
    }


def sdg_job_for(user: User, survey_pk: int, job_id: str) -> Job | None:
    """A finished SDG job of this survey that ``user`` may see (its creator, or staff), else None."""
    job = job_for(user, job_id)
    if job is None or job.kind != SDG_KIND or job.status != Job.Status.DONE:
        return None
    return job if job.result.get("survey") == survey_pk else None


RELEASE_KIND = "evidence.release"


def release_enqueue(*, actor: User, title: str, k: int = 5, rounding: int = 100, notes: str = "") -> Job:
    """Check the options now (EvidenceError) and queue the building of a release."""
    if not can(actor, "release.create"):
        raise PermissionDenied("creating releases needs the staff role")
    services.release_check(title=title, k=k, rounding=rounding)
    return enqueue(RELEASE_KIND, {"title": title, "k": k, "rounding": rounding, "notes": notes}, actor)


def _release_result_url(result: dict[str, Any]) -> str | None:
    return reverse("evidence:release", args=[result["slug"]]) if result.get("slug") else None


@job_kind(RELEASE_KIND, label=_("Open data release"), result_url=_release_result_url)
def run_release(ctx: JobContext) -> dict[str, Any]:
    p = ctx.params
    ctx.progress(0, 0, "reading the platform's records, applying disclosure control, writing the files")
    r = services.release_create(actor=ctx.user, title=str(p["title"]), k=int(p["k"]), rounding=int(p["rounding"]),
                                notes=str(p.get("notes") or ""))
    return {"slug": r.slug, "title": r.title}
