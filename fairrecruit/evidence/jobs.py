"""Evidence job kinds: survey microdata imported in the background (``evidence.survey_import``), queued by the
survey upload page; the job page shows the validation report and links to the stored survey."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fairrecruit.core.models import User
from fairrecruit.evidence import services
from fairrecruit.evidence.models import Survey
from fairrecruit.evidence.permissions import can
from fairrecruit.jobs.kinds import JobContext, job_kind
from fairrecruit.jobs.models import Job
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
