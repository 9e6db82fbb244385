"""A job left "running" by a worker that has ended (SIGKILL, a restarted server, a machine gone) is shown as failed,
not as running for ever: on this machine by process id, on another by its heartbeat; a job whose worker is alive is
left alone."""

from __future__ import annotations

import datetime as dt
import io
import os
import socket
import subprocess
import sys
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from fairrecruit.core.models import AuditEvent, Organisation, User
from fairrecruit.jobs.models import Job
from fairrecruit.jobs.selectors import job_summary
from fairrecruit.jobs.services import (
    INTERRUPTED,
    _end_unfinished,
    claim,
    enqueue,
    job_folder,
    recover_interrupted,
    run_pending,
)
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


def test_a_job_whose_worker_on_another_machine_is_silent_is_marked_failed(settings: Any) -> None:
    settings.FAIRRECRUIT_JOBS_HEARTBEAT_SECONDS = 10  # silent for 40 s: taken as ended
    user = User.objects.create_user("uploader", password="pw")
    now = timezone.now()
    silent = _running(user, "another-machine:41:MainThread")
    never = _running(user, "another-machine:42:MainThread")  # no heartbeat at all: its start counts
    recent = _running(user, "another-machine:43:MainThread")
    Job.objects.filter(pk=silent.pk).update(heartbeat_at=now - dt.timedelta(seconds=41))
    Job.objects.filter(pk=never.pk).update(heartbeat_at=None, started_at=now - dt.timedelta(seconds=60))
    Job.objects.filter(pk=recent.pk).update(heartbeat_at=now - dt.timedelta(seconds=30))

    assert sorted(str(j.pk) for j in recover_interrupted()) == sorted([str(silent.pk), str(never.pk)])
    silent.refresh_from_db()
    assert silent.status == Job.Status.FAILED and silent.finished_at is not None
    assert silent.error.startswith("interrupted: its worker on another machine (another-machine:41:MainThread)")
    assert not job_folder(silent.pk).exists()
    assert AuditEvent.objects.filter(action="job.failed", target_id=str(never.pk)).count() == 1
    assert Job.objects.get(pk=recent.pk).status == Job.Status.RUNNING
    assert recover_interrupted() == []


def test_a_sign_of_life_just_before_the_update_keeps_the_job_running(settings: Any) -> None:
    user = User.objects.create_user("uploader", password="pw")
    job = _running(user, "another-machine:44:MainThread")
    seen_at = timezone.now() - dt.timedelta(minutes=10)  # what the check read
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())  # the worker beat meanwhile
    assert not _end_unfinished(job, was=Job.Status.RUNNING, status=Job.Status.FAILED, error="x", actor=None,
                               last_sign=seen_at)
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING


@pytest.mark.django_db(transaction=True)
def test_a_running_job_gives_signs_of_life_and_the_api_shows_the_last(settings: Any) -> None:
    settings.FAIRRECRUIT_JOBS_HEARTBEAT_SECONDS = 0.05
    user = User.objects.create_user("uploader", password="pw")
    job = enqueue("tests.heartbeat", {"wait": 5}, user)
    [done] = run_pending()
    assert done.pk == job.pk and done.status == Job.Status.DONE and done.result == {"seen": True}
    done.refresh_from_db()
    assert done.heartbeat_at and done.started_at and done.heartbeat_at > done.started_at
    assert job_summary(done)["heartbeat_at"] is None  # ended: no sign of life to show


@pytest.mark.django_db(transaction=True)
def test_heartbeats_during_a_jobs_big_transaction(settings: Any) -> None:
    """On PostgreSQL a job writing in one big transaction still gives signs of life (workers of other machines rely
    on them); SQLite has one writer, so the sign waits for the transaction to end (jobs there are checked by
    process id)."""
    settings.FAIRRECRUIT_JOBS_HEARTBEAT_SECONDS = 0.05
    user = User.objects.create_user("uploader", password="pw")
    enqueue("tests.heartbeat", {"wait": 5 if connection.vendor == "postgresql" else 1, "atomic": True}, user)
    [done] = run_pending()
    assert done.status == Job.Status.DONE
    assert done.result == {"seen": connection.vendor == "postgresql"}
    assert Organisation.objects.filter(name="Written by a long job").exists()
