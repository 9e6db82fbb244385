"""Writes of the jobs app: queue a job, claim it (one worker wins), run it with progress, finish it.

A job's input file is kept in ``FAIRRECRUIT_JOBS_DIR/<job id>/`` (never web-served) and that folder is deleted
when the job ends, done or failed. Claiming is one conditional UPDATE (queued -> running): with two workers,
on SQLite or PostgreSQL, exactly one of them gets each job.

Progress: ``progress(done, total, stage)`` is saved at most every ``PROGRESS_EVERY`` seconds. Outside a
transaction it updates the job's row. Inside one (an import writes all its rows in a single transaction) the row
cannot be updated so that others see it — on SQLite there is one writer — so it goes to a small
``progress.json`` in the job's folder, which the job page and the API read while the job runs."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import close_old_connections, connection, connections, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from fairrecruit.core.context import Origin, current_origin
from fairrecruit.core.models import User
from fairrecruit.core.services import audit_record
from fairrecruit.jobs import conf
from fairrecruit.jobs.kinds import JobContext, get_kind
from fairrecruit.jobs.models import Job

log = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between two saves of a job's progress
PROGRESS_FILE = "progress.json"


class JobError(ValueError):
    """A job that cannot be carried out; the message says what to fix (shown on the job page)."""


# --------------------------------------------------------------------------------------------- files


def job_folder(job_id: uuid.UUID | str) -> Path:
    return conf.jobs_dir() / str(uuid.UUID(str(job_id)))


def _remove_folder(job_id: uuid.UUID | str) -> None:
    shutil.rmtree(job_folder(job_id), ignore_errors=True)


def read_progress_file(job_id: uuid.UUID | str) -> dict[str, Any] | None:
    try:
        data = json.loads((job_folder(job_id) / PROGRESS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_progress_file(job_id: uuid.UUID | str, data: dict[str, Any]) -> None:
    folder = job_folder(job_id)
    if not folder.is_dir():
        folder.mkdir(parents=True, mode=0o700)
    tmp = folder / f".{PROGRESS_FILE}.{threading.get_ident()}"
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, folder / PROGRESS_FILE)  # readers see the old or the new file, never half of one


# --------------------------------------------------------------------------------------------- queue


def enqueue(kind: str, params: dict[str, Any], user: User | None, upload: File | None = None) -> Job:  # type: ignore[type-arg]
    """Queue a job of a registered ``kind``. ``params`` must be JSON; ``upload`` (an uploaded file) is copied
    into the job's private folder under its own name. In ``thread`` worker mode, a thread of this process runs
    the job once the current transaction commits."""
    get_kind(kind)  # an unknown kind fails here, not in the worker
    try:
        json.dumps(params)
    except (TypeError, ValueError) as exc:
        raise JobError(f"the parameters of a job must be JSON: {exc}") from None
    mode = conf.worker_mode()
    job_id = uuid.uuid4()
    input_name = input_path = ""
    if upload is not None:
        input_name = Path(str(upload.name or "upload")).name[-200:] or "upload"
        folder = job_folder(job_id)
        folder.mkdir(parents=True, mode=0o700)
        path = folder / input_name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        input_path = str(path)
    try:
        with transaction.atomic():
            job = Job.objects.create(
                id=job_id,
                kind=kind,
                params=params,
                created_by=user if user is not None and user.is_authenticated else None,
                input_name=input_name,
                input_path=input_path,
            )
            if mode == "thread":
                transaction.on_commit(start_thread)
    except BaseException:
        _remove_folder(job_id)
        raise
    return job


def claim(job_id: uuid.UUID | str | None = None) -> Job | None:
    """Take the oldest queued job (or the one given) for this worker: one conditional UPDATE, so that of two
    workers claiming the same job exactly one wins. Returns None when there is nothing to take."""
    queued = Job.objects.filter(status=Job.Status.QUEUED)
    if job_id is not None:
        queued = queued.filter(pk=job_id)
    for pk in list(queued.order_by("created_at").values_list("pk", flat=True)[:20]):
        won = Job.objects.filter(pk=pk, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(),
            worker=_worker_name()[:200], stage="started",
        )
        if won:
            return Job.objects.select_related("created_by").get(pk=pk)
    return None


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"


# --------------------------------------------------------------------------------------------- run


class _Tracker:
    """The ``progress`` callable given to a job kind: keeps the latest figures, saves them now and then."""

    def __init__(self, job: Job) -> None:
        self.job_id = job.pk
        self.done, self.total, self.stage = 0, 0, ""
        self._saved_at = 0.0

    def __call__(self, done: int, total: int, stage: str = "") -> None:
        self.done, self.total = max(0, int(done)), max(0, int(total))
        if stage:
            self.stage = stage[:200]
        now = time.monotonic()
        if now - self._saved_at < PROGRESS_EVERY:
            return
        self._saved_at = now
        self.save()

    def save(self) -> None:
        figures = {"done": self.done, "total": self.total, "stage": self.stage}
        if connection.in_atomic_block:
            _write_progress_file(self.job_id, figures)
        else:
            Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(**figures)
            (job_folder(self.job_id) / PROGRESS_FILE).unlink(missing_ok=True)


class _Heartbeat:
    """While a job runs, a thread marks its row alive every ``FAIRRECRUIT_JOBS_HEARTBEAT_SECONDS`` on a connection
    of its own, so that workers of other machines can tell a job whose worker has ended. On PostgreSQL this goes on
    while the job writes in its one big transaction; on SQLite (one writer, one machine) the sign waits for that
    transaction to end, and jobs are checked by process id instead."""

    def __init__(self, job_id: uuid.UUID) -> None:
        self.job_id = job_id
        self.every = conf.heartbeat_seconds()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._main, name=f"fairrecruit-heartbeat-{job_id}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _main(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(heartbeat_at=timezone.now())
                except Exception:  # noqa: BLE001 - e.g. SQLite busy: the next beat tries again
                    log.warning("job %s: no heartbeat written this time", self.job_id, exc_info=True)
                    connections.close_all()
        finally:
            connections.close_all()  # this thread's connections only


def run_job(job: Job) -> Job:
    """Run one job to its end and return it (done or failed). A queued job is claimed first; a job that another
    worker claimed, or that has ended, is returned as it is."""
    if job.status == Job.Status.QUEUED:
        claimed = claim(job.pk)
        if claimed is None:
            job.refresh_from_db()
            return job
        job = claimed
    elif job.status != Job.Status.RUNNING:
        return job
    token = current_origin.set(Origin(channel="job", request_id=str(job.pk)))
    tracker = _Tracker(job)
    try:
        with transaction.atomic():
            audit_record(actor=job.created_by, action="job.start", target=job,
                         new={"kind": job.kind, "input": job.input_name, "worker": job.worker})
        try:
            kind = get_kind(job.kind)
            if job.input_path and not Path(job.input_path).is_file():
                raise JobError("the job's input file is gone (was FAIRRECRUIT_JOBS_DIR cleaned?); upload it again")
            with _Heartbeat(job.pk):
                result = kind.run(
                    JobContext(
                        params=dict(job.params),
                        user=job.created_by,
                        input_path=Path(job.input_path) if job.input_path else None,
                        progress=tracker,
                    )
                )
            json.dumps(result)
        except Exception as exc:  # noqa: BLE001 - any failure of a job is stored with the job
            log.exception("job %s (%s) failed", job.pk, job.kind)
            _finish(job, tracker, Job.Status.FAILED, error=_message(exc))
        except BaseException:  # the worker is being stopped: the job is not left "running"
            _finish(job, tracker, Job.Status.FAILED,
                    error="interrupted: the worker was stopped before the job ended; nothing was written")
            raise
        else:
            _finish(job, tracker, Job.Status.DONE, result=result)
    finally:
        current_origin.reset(token)
        _remove_folder(job.pk)
    return job


def _message(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, (ValueError, PermissionDenied, OSError)):
        return text
    return f"unexpected error ({type(exc).__name__}): {text}"


def _finish(job: Job, tracker: _Tracker, status: str, *, result: dict[str, Any] | None = None,
            error: str = "") -> None:
    job.status = status
    job.result = result or {}
    job.error = error[:5000]
    job.total = tracker.total
    job.done = tracker.total if status == Job.Status.DONE and tracker.total else tracker.done
    job.stage = "" if status == Job.Status.DONE else tracker.stage
    job.finished_at = timezone.now()
    with transaction.atomic():
        job.save(update_fields=["status", "result", "error", "done", "total", "stage", "finished_at"])
        summary = {k: v for k, v in job.result.items() if isinstance(v, (int, str, bool)) or v is None}
        audit_record(actor=job.created_by, action=f"job.{status}", target=job,
                     new={"kind": job.kind, "status": status, "done": job.done, "total": job.total,
                          **({"error": job.error} if error else {"result": summary})})


INTERRUPTED = "interrupted: the worker process ended (killed or restarted) before the job ended; nothing was written"
_LAST_SIGN = Coalesce("heartbeat_at", "started_at")  # a job's last sign of life: its heartbeat, else its start
SILENT = (
    "interrupted: its worker on another machine ({worker}) gave no sign of life since {since}; it is taken to have "
    "ended, and its transaction with it (nothing was written)"
)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def recover_interrupted() -> list[Job]:
    """Mark failed the jobs left "running" by a worker that has ended: on this machine, a worker process that no
    longer exists (killed with SIGKILL, or a web server restarted under its jobs thread); on another machine, a
    worker that has given no heartbeat for ``STALE_HEARTBEATS`` periods. Their work ran in a transaction that ended
    with the process, so nothing was written; the user may start them again."""
    host = socket.gethostname()
    recovered = []
    for job in Job.objects.filter(status=Job.Status.RUNNING, worker__startswith=f"{host}:"):
        parts = job.worker.split(":")
        if len(parts) < 2 or not parts[1].isdigit() or _process_alive(int(parts[1])):
            continue
        if _end_unfinished(job, was=Job.Status.RUNNING, status=Job.Status.FAILED, error=INTERRUPTED,
                           actor=job.created_by):
            recovered.append(job)
    cutoff = timezone.now() - dt.timedelta(seconds=conf.STALE_HEARTBEATS * conf.heartbeat_seconds())
    silent = (
        Job.objects.filter(status=Job.Status.RUNNING)
        .exclude(worker__startswith=f"{host}:")
        .annotate(last_sign=_LAST_SIGN)
        .filter(last_sign__lt=cutoff)
    )
    for job in silent:
        error = SILENT.format(worker=job.worker or "unknown", since=job.last_sign.isoformat(timespec="seconds"))
        if _end_unfinished(job, was=Job.Status.RUNNING, status=Job.Status.FAILED, error=error,
                           actor=job.created_by, last_sign=job.last_sign):
            recovered.append(job)
    return recovered


def _end_unfinished(job: Job, *, was: str, status: str, error: str, actor: User | None,
                    last_sign: dt.datetime | None = None) -> bool:
    """End a job that is still ``was`` (one conditional UPDATE: False if it moved on meanwhile, or, with
    ``last_sign``, if its worker gave a sign of life since) with ``status`` and ``error``, audited as
    ``job.<status>``, and remove its folder."""
    still = Job.objects.filter(pk=job.pk, status=was)
    if last_sign is not None:
        still = still.annotate(last_sign=_LAST_SIGN).filter(last_sign__lte=last_sign)
    with transaction.atomic():
        if not still.update(status=status, error=error, finished_at=timezone.now()):
            return False
        job.refresh_from_db()
        audit_record(actor=actor, action=f"job.{status}", target=job,
                     new={"kind": job.kind, "status": job.status, "error": job.error})
    _remove_folder(job.pk)
    return True


def cancel(job: Job, user: User) -> bool:
    """Cancel a job that has not started (queued -> cancelled) and remove its input file. A running job is not
    stopped midway (it writes all or nothing: let it end). Returns whether it was cancelled."""
    return _end_unfinished(job, was=Job.Status.QUEUED, status=Job.Status.CANCELLED,
                           error=f"cancelled by {user.get_username()}", actor=user)


def purge(*, older_than_days: int, actor: User | None = None) -> int:
    """Delete the jobs that ended (done, failed, cancelled) more than ``older_than_days`` days ago, with their
    folders; their results (reports) go with them, what they made (imports, surveys, releases) stays. Returns how
    many; one audit event ``job.purge`` records it."""
    if older_than_days < 0:
        raise JobError("older_than_days must be 0 or more")
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    ended = [Job.Status.DONE, Job.Status.FAILED, Job.Status.CANCELLED]
    with transaction.atomic():
        ids = list(Job.objects.filter(status__in=ended, finished_at__lt=cutoff).values_list("pk", flat=True))
        Job.objects.filter(pk__in=ids).delete()
        audit_record(actor=actor, action="job.purge", target=("jobs.Job", "*"),
                     new={"older_than_days": older_than_days, "deleted": len(ids)})
    for pk in ids:
        _remove_folder(pk)
    return len(ids)


def run_pending(limit: int | None = None) -> list[Job]:
    """Run queued jobs, oldest first, until none is left (or ``limit`` have run); returns them."""
    ran: list[Job] = []
    while limit is None or len(ran) < limit:
        job = claim()
        if job is None:
            break
        ran.append(run_job(job))
    return ran


# --------------------------------------------------------------------------------------------- thread mode

_thread_lock = threading.Lock()
_thread: threading.Thread | None = None
_wanted = threading.Event()


def start_thread() -> None:
    """Run queued jobs in a daemon thread of this process (worker mode ``thread``): started after the
    enqueuing transaction commits; one such thread at a time, which runs until no job is queued."""
    global _thread
    with _thread_lock:
        _wanted.set()
        if _thread is not None and _thread.is_alive():
            return
        _thread = threading.Thread(target=_thread_main, name="fairrecruit-jobs", daemon=True)
        _thread.start()


def _thread_main() -> None:
    global _thread
    failures = 0
    try:
        while True:
            _wanted.clear()
            close_old_connections()
            try:
                run_pending()
            except Exception:  # e.g. SQLite busy beyond its timeout: look again a little later
                failures += 1
                log.exception("the jobs thread could not run the queued jobs (attempt %d)", failures)
                if failures >= 5:
                    raise
                connections.close_all()
                time.sleep(0.5 * failures)
                _wanted.set()
            with _thread_lock:
                if not _wanted.is_set():
                    _thread = None
                    return
    except Exception:
        log.exception("the jobs thread stopped; queued jobs start again with the next upload or job page")
        with _thread_lock:
            _thread = None
    finally:
        connections.close_all()  # this thread's connections only


def kick() -> None:
    """In ``thread`` mode, make sure queued jobs are being run (e.g. jobs queued before a restart), after marking
    failed the jobs whose worker process has ended."""
    if conf.worker_mode() == "thread" and not connection.in_atomic_block:
        recover_interrupted()
        start_thread()
