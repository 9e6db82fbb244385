"""Job kinds used only by the tests of the jobs app."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from fairrecruit.core.models import Organisation
from fairrecruit.jobs.kinds import JobContext, job_kind
from fairrecruit.jobs.models import Job


@job_kind("tests.count", label="Counting (test)")
def count(ctx: JobContext) -> dict[str, Any]:
    """Counts to ``n`` in steps of 10, reporting progress; halfway it records what a reader of the job sees."""
    from fairrecruit.jobs import selectors

    n = int(ctx.params["n"])
    seen: dict[str, Any] = {}
    for i in range(0, n + 1, 10):
        ctx.progress(i, n, "counting")
        if i == n // 2:
            running = Job.objects.get(status=Job.Status.RUNNING)
            live = selectors.job_for(running.created_by, running.pk)  # type: ignore[arg-type]
            assert live is not None
            seen = {"done": live.done, "total": live.total, "stage": live.stage}
    text = ctx.input_path.read_text(encoding="utf-8") if ctx.input_path else None
    return {"n": n, "text": text, "seen": seen, "user": ctx.user.get_username() if ctx.user else None}


@job_kind("tests.fail", label="Failing (test)")
def fail(ctx: JobContext) -> dict[str, Any]:
    """Writes an organisation inside its transaction, then fails: nothing may remain."""
    with transaction.atomic():
        Organisation.objects.create(name="Half-written", kind="platform", country="")
        ctx.progress(3, 10, "writing")
        if ctx.params.get("unexpected"):
            raise RuntimeError("boom")
        raise ValueError("row 4: the licence number is missing")


@job_kind("tests.heartbeat", label="Waiting for a heartbeat (test)")
def heartbeat(ctx: JobContext) -> dict[str, Any]:
    """Waits up to ``wait`` seconds for its worker's heartbeat to move past the claim's, outside any transaction or,
    with ``atomic``, inside one that has written a row (as an import does); reports whether it saw it."""
    import time

    job = Job.objects.get(status=Job.Status.RUNNING, kind="tests.heartbeat")
    first = job.heartbeat_at

    def wait() -> bool:
        end = time.monotonic() + float(ctx.params["wait"])
        while time.monotonic() < end:
            if Job.objects.get(pk=job.pk).heartbeat_at != first:
                return True
            time.sleep(0.02)
        return False

    if ctx.params.get("atomic"):
        with transaction.atomic():
            Organisation.objects.create(name="Written by a long job", kind="platform", country="")
            seen = wait()
    else:
        seen = wait()
    return {"seen": seen}
