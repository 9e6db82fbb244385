"""Background jobs: queued -> running -> done with progress saved, failures stored with nothing half-written,
one winner when two workers claim a job, pages only for the creator and staff, a page that refreshes itself
(no JavaScript) while the job runs, the API, the command, and the web process's worker thread."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError, transaction
from django.test import Client

from fairrecruit.core.models import AuditEvent, Organisation, Role, User
from fairrecruit.core.services import api_token_create, membership_grant, organisation_create
from fairrecruit.jobs import services
from fairrecruit.jobs.models import Job
from fairrecruit.jobs.services import claim, enqueue, job_folder, run_job, run_pending
from fairrecruit.jobs.tests import kinds  # noqa: F401 - registers the test kinds
from tests.concurrency import race, retry_when_locked


def _user(name: str, role: str | None = None) -> User:
    user = User.objects.create_user(name, password="pw")
    if role:
        org = organisation_create(actor=None, name=f"{name} org", kind="platform", country="")
        membership_grant(actor=None, user=user, organisation=org, role=role)
    return user


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_a_job_goes_from_queued_to_running_to_done_with_its_progress_saved(monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "PROGRESS_EVERY", 0)
    user = _user("ana")
    job = enqueue("tests.count", {"n": 100}, user, upload=SimpleUploadedFile("list.csv", b"hello"))
    assert job.status == "queued" and job.input_name == "list.csv"
    assert Path(job.input_path).read_bytes() == b"hello" and Path(job.input_path).parent == job_folder(job.pk)
    claimed = claim()
    assert claimed is not None and claimed.pk == job.pk and claimed.status == "running" and claimed.started_at
    run_job(claimed)
    job.refresh_from_db()
    assert job.status == "done" and (job.done, job.total, job.stage) == (100, 100, "")
    assert job.result == {"n": 100, "text": "hello", "seen": {"done": 50, "total": 100, "stage": "counting"},
                          "user": "ana"}
    assert job.finished_at and not job.error
    assert not job_folder(job.pk).exists()  # the input file is deleted when the job ends
    actions = list(AuditEvent.objects.filter(target_id=str(job.pk)).order_by("id").values_list("action", flat=True))
    assert actions == ["job.start", "job.done"]
    assert run_pending() == []  # nothing left


@pytest.mark.django_db
@pytest.mark.parametrize(("unexpected", "message"), [
    (False, "row 4: the licence number is missing"),
    (True, "unexpected error (RuntimeError): boom"),
])
def test_a_failing_job_stores_its_error_and_writes_nothing(unexpected: bool, message: str) -> None:
    user = _user("ana")
    job = enqueue("tests.fail", {"unexpected": unexpected}, user, upload=SimpleUploadedFile("x.csv", b"a"))
    [ran] = run_pending()
    job.refresh_from_db()
    assert ran.pk == job.pk and job.status == "failed" and job.error == message
    assert (job.done, job.total, job.stage) == (3, 10, "writing")
    assert not Organisation.objects.filter(name="Half-written").exists()
    assert not job_folder(job.pk).exists()
    event = AuditEvent.objects.get(action="job.failed", target_id=str(job.pk))
    assert (event.new or {}).get("error") == message and event.actor == user
    page = _client(user).get(f"/jobs/{job.pk}/").content.decode()
    assert "The job failed; nothing was written." in page and message in page
    assert 'http-equiv="refresh"' not in page


@pytest.mark.django_db
def test_an_unknown_kind_or_parameters_that_are_not_json_are_refused_at_once() -> None:
    user = _user("ana")
    with pytest.raises(ValueError, match="unknown job kind"):
        enqueue("no.such.kind", {}, user)
    with pytest.raises(ValueError, match="must be JSON"):
        enqueue("tests.count", {"n": object()}, user)
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_of_two_claims_of_one_job_one_wins() -> None:
    job = enqueue("tests.count", {"n": 10}, _user("ana"))
    first, second = claim(job.pk), claim(job.pk)
    assert first is not None and second is None
    assert claim() is None
    stale = Job.objects.get(pk=job.pk)
    stale.status = Job.Status.QUEUED  # a worker holding an old copy of the row
    assert run_job(stale).status == "running"  # it does not run a job another worker claimed
    assert not AuditEvent.objects.filter(action="job.start").exists()


@pytest.mark.django_db(transaction=True)
def test_workers_claiming_at_the_same_moment_get_one_job_each_at_most() -> None:
    user = _user("ana")
    jobs = [enqueue("tests.count", {"n": 10}, user) for _ in range(2)]
    got = race(lambda i: retry_when_locked(claim, attempts=40, pause=0.02), 4)
    assert not [g for g in got if isinstance(g, BaseException)], got
    won = [g.pk for g in got if g is not None]
    assert sorted(won) == sorted(j.pk for j in jobs)  # each job claimed exactly once
    assert set(Job.objects.values_list("status", flat=True)) == {"running"}


@pytest.mark.django_db
def test_only_the_creator_and_staff_see_a_job() -> None:
    ana, bob, staff = _user("ana"), _user("bob"), _user("st", Role.STAFF)
    job = enqueue("tests.count", {"n": 10}, ana)
    assert _client(ana).get(f"/jobs/{job.pk}/").status_code == 200
    assert _client(staff).get(f"/jobs/{job.pk}/").status_code == 200
    assert _client(bob).get(f"/jobs/{job.pk}/").status_code == 404
    assert _client(bob).get("/jobs/not-a-uuid/").status_code == 404
    assert Client().get(f"/jobs/{job.pk}/").status_code == 302  # to the login page
    assert "Counting (test)" in _client(ana).get("/jobs/").content.decode()
    assert "Counting (test)" not in _client(bob).get("/jobs/").content.decode()
    assert "Counting (test)" in _client(staff).get("/jobs/?all=1").content.decode()
    assert "Counting (test)" not in _client(bob).get("/jobs/?all=1").content.decode()
    # the API, with the same rule
    _t, key = api_token_create(actor=None, user=ana, name="t")
    _t, other = api_token_create(actor=None, user=bob, name="t")
    r = Client().get(f"/api/v1/jobs/{job.pk}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert r.status_code == 200 and r.json()["status"] == "queued" and r.json()["kind"] == "tests.count"
    assert Client().get(f"/api/v1/jobs/{job.pk}", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
    assert Client().get(f"/api/v1/jobs/{job.pk}").status_code == 401
    run_pending()
    body = Client().get(f"/api/v1/jobs/{job.pk}", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert (body["status"], body["done"], body["total"], body["percent"]) == ("done", 10, 10, 100)
    assert body["result"]["n"] == 10 and body["error"] is None


@pytest.mark.django_db
def test_the_page_refreshes_itself_while_the_job_runs_and_not_after() -> None:
    ana = _user("ana")
    c = _client(ana)
    job = enqueue("tests.count", {"n": 25000}, ana)
    page = c.get(f"/jobs/{job.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page and "waiting to start" in page and "<progress" in page
    Job.objects.filter(pk=job.pk).update(status="running", done=1000, total=25000, stage="writing licences")
    page = c.get(f"/jobs/{job.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="job-progress" max="25000" value="1000">' in page and "1,000 of 25,000 rows" in page
    assert "writing licences" in page
    Job.objects.filter(pk=job.pk).update(status="queued", done=0, total=0, stage="")
    run_pending()
    page = c.get(f"/jobs/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' not in page and "25,000 of 25,000 rows" in page and ">done<" in page


@pytest.mark.django_db
def test_the_command_works_through_the_queue_and_lists_jobs() -> None:
    job = enqueue("tests.count", {"n": 10}, _user("ana"))
    out = io.StringIO()
    call_command("jobs", "work", "--once", stdout=out)
    assert f"{job.pk} tests.count: done" in out.getvalue()
    out = io.StringIO()
    call_command("jobs", "list", stdout=out)
    assert str(job.pk) in out.getvalue() and "done" in out.getvalue() and "10/10" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_in_thread_mode_the_web_process_runs_the_job_after_the_commit(settings: Any) -> None:
    settings.FAIRRECRUIT_JOBS_WORKER = "thread"
    user = _user("ana")
    with transaction.atomic():
        job = enqueue("tests.count", {"n": 40}, user)
        time.sleep(0.2)
        assert Job.objects.get(pk=job.pk).status == "queued"  # nothing runs before the commit
    deadline = time.monotonic() + 30
    status = "queued"
    while time.monotonic() < deadline:
        time.sleep(0.2)
        try:
            status = Job.objects.get(pk=job.pk).status
        except OperationalError:  # SQLite: the worker thread is writing
            continue
        if status in ("done", "failed"):
            break
    job.refresh_from_db()
    assert (job.status, job.error, job.done, job.total) == ("done", "", 40, 40)
    assert job.worker.endswith("fairrecruit-jobs")
    for _ in range(50):  # the thread ends once nothing is queued
        if services._thread is None:
            break
        time.sleep(0.1)
    assert services._thread is None
