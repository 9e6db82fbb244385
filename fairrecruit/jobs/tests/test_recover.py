"""A job left "running" by a worker process that has ended (SIGKILL, a restarted server) is shown as failed, not as
running for ever; a job whose worker is alive, or on another machine, is left alone."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from fairrecruit.core.models import AuditEvent, User
from fairrecruit.jobs.models import Job
from fairrecruit.jobs.services import INTERRUPTED, claim, enqueue, job_folder, recover_interrupted
from fairrecruit.jobs.tests import kinds  # noqa: F401 - registers the test kinds

pytestmark = pytest.mark.django_db


def _dead_pid() -> int:
    """The process id of a process that has ended."""
    p = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                       check=True)
    return int(p.stdout)


def _running(user: User, worker: str) -> Job:
    job = enqueue("tests.count", {"n": 10}, user, upload=SimpleUploadedFile("in.txt", b"hello"))
    assert claim(job.pk) is not None
    Job.objects.filter(pk=job.pk).update(worker=worker)
    job.refresh_from_db()
    return job


def test_a_job_of_an_ended_worker_process_is_marked_failed_and_its_file_removed() -> None:
    user = User.objects.create_user("uploader", password="pw")
    host = socket.gethostname()
    dead = _running(user, f"{host}:{_dead_pid()}:MainThread")
    alive = _running(user, f"{host}:{os.getpid()}:MainThread")
    elsewhere = _running(user, f"another-machine:{_dead_pid()}:MainThread")
    assert job_folder(dead.pk).is_dir()

    assert [j.pk for j in recover_interrupted()] == [dead.pk]
    dead.refresh_from_db()
    assert dead.status == Job.Status.FAILED and dead.error == INTERRUPTED and dead.finished_at is not None
    assert not job_folder(dead.pk).exists()
    assert AuditEvent.objects.filter(action="job.failed", target_id=str(dead.pk)).count() == 1
    assert Job.objects.get(pk=alive.pk).status == Job.Status.RUNNING
    assert Job.objects.get(pk=elsewhere.pk).status == Job.Status.RUNNING
    assert recover_interrupted() == []  # once


def test_the_job_page_and_the_worker_command_show_an_interrupted_job_as_failed() -> None:
    user = User.objects.create_user("uploader", password="pw")
    job = _running(user, f"{socket.gethostname()}:{_dead_pid()}:fairrecruit-jobs")
    c = Client()
    c.force_login(user)
    page = c.get(f"/jobs/{job.pk}/").content.decode()
    assert "interrupted: the worker process ended" in page and 'http-equiv="refresh"' not in page

    other = _running(user, f"{socket.gethostname()}:{_dead_pid()}:MainThread")
    out = io.StringIO()
    call_command("jobs", "work", "--once", stdout=out)
    assert f"{other.pk} tests.count: failed: interrupted" in out.getvalue()
    assert Job.objects.get(pk=other.pk).status == Job.Status.FAILED
