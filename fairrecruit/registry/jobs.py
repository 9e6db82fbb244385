"""Registry job kinds:

- ``registry.import``: a regulator's licence list imported in the background, queued by the import page
  (/registry/imports/); the job page shows the progress, then the report of every rejected row and a link to the
  stored report.
- ``registry.link``: record linkage of every actor (``linkage.run_linkage``, as ``fairrecruit link``), queued by
  staff from the review queue (/registry/review/); the job page shows each step, then what was merged and queued
  for review. One linkage job at a time: asking again while one waits or runs answers with that job."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fairrecruit.core.models import User
from fairrecruit.core.permissions import can
from fairrecruit.jobs.kinds import JobContext, job_kind
from fairrecruit.jobs.models import Job
from fairrecruit.jobs.services import JobError, enqueue
from fairrecruit.registry.imports import import_file, load_mapping
from fairrecruit.registry.linkage import run_linkage

KIND = "registry.import"
MAX_PROBLEMS = 500  # rows with problems kept in the job's result (the stored import keeps all)
MAX_NOT_IN_FILE = 200


def import_enqueue(
    *,
    actor: User,
    upload: File,  # type: ignore[type-arg]
    mapping: str,
    allow_partial: bool = False,
    dry_run: bool = False,
    as_of: dt.date | None = None,
) -> Job:
    """Queue the import of a licence list. The mapping is loaded now: a shipped mapping that no longer loads
    raises MappingError at once (the operator must fix it), not in the job."""
    if not can(actor, "registry.import"):
        raise PermissionDenied("importing licence lists needs the staff role, or the regulator role for a country")
    load_mapping(mapping)
    params = {"mapping": mapping, "allow_partial": allow_partial, "dry_run": dry_run,
              "as_of": as_of.isoformat() if as_of else None}
    return enqueue(KIND, params, actor, upload=upload)


def _result_url(result: dict[str, Any]) -> str | None:
    return reverse("registry:import", args=[result["import_file"]]) if result.get("import_file") else None


def _result_context(job: Job) -> dict[str, Any]:
    """``registry/_import_result.html`` reads the job's result as it read an ImportResult."""
    r = job.result
    result = {
        **r,
        "as_of": dt.date.fromisoformat(r["as_of"]) if r.get("as_of") else None,
        "rejected": r.get("status") == "rejected",
        "regulator_code": r.get("regulator"),
        "import_file": {"pk": r["import_file"]} if r.get("import_file") else None,
    }
    return {"result": result, "problems": r.get("problems", [])}


@job_kind(KIND, label=_("Licence list import"), result_template="registry/_import_result.html",
          result_context=_result_context, result_url=_result_url)
def run_import(ctx: JobContext) -> dict[str, Any]:
    if ctx.input_path is None:
        raise JobError("a licence list import needs its file")
    p = ctx.params
    ctx.progress(0, 0, "reading and checking the file")
    result = import_file(
        ctx.input_path,
        str(p["mapping"]),
        actor_user=ctx.user,
        allow_partial=bool(p.get("allow_partial")),
        dry_run=bool(p.get("dry_run")),
        as_of=dt.date.fromisoformat(p["as_of"]) if p.get("as_of") else None,
        progress=lambda done, total: ctx.progress(done, total, "writing licences"),
    )
    report = result.report()
    problems, not_in_file = report.pop("problems"), report.pop("not_in_file")
    return {
        **report,
        "dry_run": result.dry_run,
        "rows_total": result.rows_total,
        "rows_imported": result.rows_imported,
        "rows_rejected": result.rows_rejected,
        "problems": problems[:MAX_PROBLEMS],
        "n_problems": len(problems),
        "not_in_file": not_in_file[:MAX_NOT_IN_FILE],
        "n_not_in_file": len(not_in_file),
        "import_file": result.import_file.pk if result.import_file is not None else None,
    }


LINK_KIND = "registry.link"


def link_enqueue(*, actor: User, dry_run: bool = False) -> Job:
    """Queue a linkage run of the whole registry, or return the one already waiting or running."""
    if not can(actor, "linkage.run"):
        raise PermissionDenied("running record linkage needs the staff role")
    running = Job.objects.filter(kind=LINK_KIND, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).first()
    if running is not None:
        return running
    return enqueue(LINK_KIND, {"dry_run": dry_run}, actor)


def _link_result_url(result: dict[str, Any]) -> str | None:
    return reverse("linkage:queue") if result.get("queued") else None


def _link_result_context(job: Job) -> dict[str, Any]:
    """The counts with thousands separators, as the job page writes its own figures."""
    return {"counts": {k: f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else v
                       for k, v in job.result.items()}}


@job_kind(LINK_KIND, label=_("Record linkage"), result_template="registry/_link_result.html",
          result_context=_link_result_context, result_url=_link_result_url)
def run_link(ctx: JobContext) -> dict[str, Any]:
    run = run_linkage(
        actor_user=ctx.user,
        dry_run=bool(ctx.params.get("dry_run")),
        progress=lambda message: ctx.progress(0, 0, message),
    )
    return {
        "records": run.records,
        "pairs_compared": run.pairs_compared,
        "pairs_scored": run.pairs_scored,
        "auto_merged": run.auto_merged,
        "queued": run.queued,
        "skipped_decided": run.skipped_decided,
        "model_version": run.model_version,
        "dry_run": run.dry_run,
        "seconds": round(run.seconds, 1),
    }


def latest_link_job() -> Job | None:
    """The latest linkage run started from the pages (waiting, running or ended), for the review queue."""
    return Job.objects.filter(kind=LINK_KIND).select_related("created_by").order_by("-created_at").first()
