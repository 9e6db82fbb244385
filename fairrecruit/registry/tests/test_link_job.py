"""Record linkage run from the review queue as a background job: staff only, one run at a time, the job page shows
each step and then what was merged and queued; a dry run saves nothing."""

from __future__ import annotations

import pytest

from fairrecruit.core.models import AuditEvent, Role
from fairrecruit.jobs.models import Job
from fairrecruit.jobs.services import run_pending
from fairrecruit.registry.generate import generate_registry, load_into_db
from fairrecruit.registry.models import Actor, LinkCandidate
from tests.clients import member_client

pytestmark = pytest.mark.django_db


def test_staff_run_linkage_from_the_review_queue_as_a_job() -> None:
    load_into_db(generate_registry(50, seed=21))
    c, user = member_client(Role.STAFF)
    queue = c.get("/registry/review/").content.decode()
    assert 'action="/registry/review/run/"' in queue and "Run record linkage" in queue
    r = c.post("/registry/review/run/")
    assert r.status_code == 303
    job = Job.objects.get()
    assert r["Location"] == f"/jobs/{job.pk}/" and job.kind == "registry.link" and job.created_by == user
    assert c.post("/registry/review/run/")["Location"] == r["Location"]  # one run at a time
    assert Job.objects.count() == 1 and not LinkCandidate.objects.exists()  # nothing runs in the request
    assert 'http-equiv="refresh"' in c.get(r["Location"]).content.decode()

    [done] = run_pending()
    assert done.status == Job.Status.DONE, done.error
    merged = Actor.objects.filter(merged_into__isnull=False).count()
    pending = LinkCandidate.objects.filter(status="pending").count()
    assert done.result["auto_merged"] == merged > 0 and done.result["queued"] == pending > 0
    assert done.result["records"] == Actor.objects.exclude(kind="regulator").count()
    page = c.get(r["Location"]).content.decode()
    assert 'http-equiv="refresh"' not in page and "Record linkage done" in page
    assert f"<td>{merged}</td>" in page and f"<td>{pending}</td>" in page
    assert f"<td>{done.result['pairs_compared']:,}</td>" in page  # thousands separated, as the job page
    assert AuditEvent.objects.filter(action="actor.merge", actor_label=user.get_username()).count() == merged
    queue = c.get("/registry/review/").content.decode()  # the queue tells when linkage last ran, and what it did
    assert f'href="/jobs/{job.pk}/"' in queue and f"{merged} merged, {pending} queued" in queue
    # The run has ended: asking again queues a new one.
    assert c.post("/registry/review/run/")["Location"] != r["Location"]


def test_a_dry_run_job_counts_and_saves_nothing() -> None:
    load_into_db(generate_registry(50, seed=21))
    c, _ = member_client(Role.STAFF)
    c.post("/registry/review/run/", {"dry_run": "1"})
    [done] = run_pending()
    assert done.status == Job.Status.DONE and done.result["dry_run"] is True
    assert done.result["auto_merged"] > 0 and done.result["queued"] > 0
    assert not LinkCandidate.objects.exists() and not Actor.objects.filter(merged_into__isnull=False).exists()
    assert "Dry run: nothing was saved" in c.get(f"/jobs/{done.pk}/").content.decode()


def test_only_staff_may_run_linkage() -> None:
    c, _ = member_client(Role.REGULATOR)
    queue = c.get("/registry/review/")
    assert queue.status_code == 200 and "/registry/review/run/" not in queue.content.decode()
    assert c.post("/registry/review/run/").status_code == 403
    assert c.get("/registry/review/run/").status_code == 405
    assert not Job.objects.exists()
