"""Reads of the jobs app, scoped by who asks: a job is seen by the user who queued it and by staff."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from fairrecruit.core.models import User
from fairrecruit.core.permissions import Scope, scope_for
from fairrecruit.jobs.kinds import KINDS
from fairrecruit.jobs.models import Job
from fairrecruit.jobs.services import read_progress_file


def sees_all_jobs(user: User) -> bool:
    return user.is_authenticated and (user.is_staff or scope_for(user, "job.view")[0] == Scope.ALL)


def jobs_visible_to(user: User) -> QuerySet[Job]:
    qs = Job.objects.select_related("created_by")
    if not user.is_authenticated:
        return qs.none()
    if sees_all_jobs(user):
        return qs
    return qs.filter(created_by=user)


def job_for(user: User, job_id: Any) -> Job | None:
    try:
        pk = uuid.UUID(str(job_id))
    except ValueError:
        return None
    job = jobs_visible_to(user).filter(pk=pk).first()
    if job is not None and job.status == Job.Status.RUNNING:
        live = read_progress_file(job.pk)  # progress saved from inside the job's transaction
        if live:
            job.done, job.total = int(live.get("done", job.done)), int(live.get("total", job.total))
            job.stage = str(live.get("stage", job.stage))
    return job


def kind_label(job: Job) -> str:
    kind = KINDS.get(job.kind)
    return str(kind.label) if kind is not None else job.kind


def result_url(job: Job) -> str | None:
    kind = KINDS.get(job.kind)
    if job.status != Job.Status.DONE or kind is None or kind.result_url is None:
        return None
    return kind.result_url(job.result)


def job_summary(job: Job) -> dict[str, Any]:
    """A job as the API and the command line show it."""
    return {
        "id": str(job.pk),
        "kind": job.kind,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "stage": job.stage,
        "input": job.input_name,
        "error": job.error or None,
        "result": job.result if job.status == Job.Status.DONE else None,
        "result_url": result_url(job),
        "created_by": job.created_by.get_username() if job.created_by else None,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "heartbeat_at": job.heartbeat_at.isoformat() if job.heartbeat_at and not job.finished else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }
