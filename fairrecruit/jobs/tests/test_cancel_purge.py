"""Cancelling a job that has not started (its creator or staff; a running job is not stopped midway), and purging
jobs that ended long ago (`fairrecruit jobs purge --days N`)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from fairrecruit.core.models import AuditEvent, User
from fairrecruit.jobs.models import Job
from fairrecruit.jobs.services import cancel, claim, enqueue, job_folder, run_pending
from fairrecruit.jobs.tests import kinds  # noqa: F401 - registers the test kinds

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_creator_cancels_a_queued_job_and_no_worker_runs_it() -> None:
    user = User.objects.create_user("uploader", password="pw")
    job = enqueue("tests.count", {"n": 10}, user, upload=SimpleUploadedFile("in.txt", b"hello"))
    c = _signed_in(user)
    assert f'action="/jobs/{job.pk}/cancel/"' in c.get(f"/jobs/{job.pk}/").content.decode()
    assert _signed_in(User.objects.create_user("other")).post(f"/jobs/{job.pk}/cancel/").status_code == 404
    r = c.post(f"/jobs/{job.pk}/cancel/")
    assert r.status_code == 302 and r["Location"] == f"/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.finished and job.error == "cancelled by uploader"
    assert not job_folder(job.pk).exists() and run_pending() == []
    page = c.get(f"/jobs/{job.pk}/").content.decode()
    assert "cancelled by uploader" in page and 'http-equiv="refresh"' not in page and "/cancel/" not in page
    assert AuditEvent.objects.filter(action="job.cancelled", target_id=str(job.pk)).count() == 1
    assert c.get(f"/jobs/{job.pk}/cancel/").status_code == 405


def test_a_running_or_ended_job_is_not_cancelled() -> None:
    user = User.objects.create_user("uploader", password="pw")
    job = enqueue("tests.count", {"n": 10}, user)
    running = claim(job.pk)
    assert running is not None and cancel(running, user) is False
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING


def test_purge_deletes_only_jobs_that_ended_long_ago() -> None:
    user = User.objects.create_user("uploader", password="pw")
    old_done, old_failed, recent, queued = (enqueue("tests.count", {"n": 10}, user) for _ in range(4))
    long_ago = timezone.now() - dt.timedelta(days=100)
    Job.objects.filter(pk=old_done.pk).update(status=Job.Status.DONE, finished_at=long_ago)
    Job.objects.filter(pk=old_failed.pk).update(status=Job.Status.FAILED, finished_at=long_ago)
    Job.objects.filter(pk=recent.pk).update(status=Job.Status.DONE, finished_at=timezone.now())
    out = io.StringIO()
    call_command("jobs", "purge", "--days", "90", stdout=out)
    assert "deleted 2 job(s)" in out.getvalue()
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, queued.pk}
    assert AuditEvent.objects.get(action="job.purge").new == {"older_than_days": 90, "deleted": 2}
    with pytest.raises(CommandError, match="purge needs --days"):
        call_command("jobs", "purge")
