"""Job pages: one job with its progress (refreshing itself every 2 s while it runs, no JavaScript needed), then
its result; the list of the user's jobs. A job is seen by the user who queued it and by staff (others: 404)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fairrecruit.core.models import User
from fairrecruit.jobs import selectors, services
from fairrecruit.jobs.kinds import KINDS
from fairrecruit.jobs.models import Job

REFRESH_SECONDS = 2


def see_job(job: Job) -> HttpResponse:
    """The answer to a form that queued a job: 303 See Other to the job's page."""
    response = HttpResponseRedirect(reverse("jobs:job", args=[job.pk]))
    response.status_code = 303
    return response


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    everyone = request.GET.get("all") == "1" and selectors.sees_all_jobs(user)
    qs = selectors.jobs_visible_to(user)
    if not everyone:
        qs = qs.filter(created_by=user)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    rows = [{"job": j, "label": selectors.kind_label(j), "url": selectors.result_url(j)} for j in page]
    return render(request, "jobs/jobs.html", {"page": page, "rows": rows, "everyone": everyone,
                                              "sees_all": selectors.sees_all_jobs(user)})


def _job(request: HttpRequest, pk: str) -> Job:
    """The job if the signed-in user may see it (its creator, or staff), else 404."""
    job = selectors.job_for(cast(User, request.user), pk)
    if job is None:
        raise Http404("no such job")
    return job


@login_required
def job_detail(request: HttpRequest, pk: str) -> HttpResponse:
    job = _job(request, pk)
    if job.status == Job.Status.QUEUED:
        services.kick()  # thread mode: a job queued before the server restarted is started now
    elif job.status == Job.Status.RUNNING and services.recover_interrupted():
        job.refresh_from_db()  # its worker process has ended: the job is shown as failed, not running for ever
    kind = KINDS.get(job.kind)
    ctx: dict[str, Any] = {
        "job": job,
        "label": selectors.kind_label(job),
        "refresh": REFRESH_SECONDS if not job.finished else None,
        "done_text": f"{job.done:,}",
        "total_text": f"{job.total:,}",
        "result_url": selectors.result_url(job),
        "result_template": None,
    }
    if job.status == Job.Status.DONE and kind is not None and kind.result_template:
        ctx["result_template"] = kind.result_template
        if kind.result_context is not None:
            ctx.update(kind.result_context(job))
    return render(request, "jobs/job.html", ctx)


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: str) -> HttpResponse:
    """Cancel a job that has not started (its creator or staff); answered with the job's page."""
    job = _job(request, pk)
    services.cancel(job, cast(User, request.user))
    return redirect("jobs:job", pk=job.pk)
