from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection

from fairrecruit.jobs import conf, selectors
from fairrecruit.jobs.models import Job
from fairrecruit.jobs.services import purge, recover_interrupted, run_pending


class Command(BaseCommand):
    help = (
        "Background jobs (imports queued by the pages). 'work' runs queued jobs, oldest first, and waits for more "
        "(--once: run what is queued and stop); run it beside the web server when FAIRRECRUIT_JOBS_WORKER=external. "
        "Several workers may run at once, on one machine or several: each job is claimed by one, and a job whose worker "
        "ended (killed, or silent for four heartbeats) is marked failed. 'list' prints recent jobs. 'purge --days N' "
        "deletes the jobs that ended more than N days ago (their reports; what they made stays)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["work", "list", "purge"])
        parser.add_argument("--once", action="store_true", help="work: run the queued jobs, then stop")
        parser.add_argument("--sleep", type=float, default=2.0, help="work: seconds between looks for new jobs")
        parser.add_argument("--limit", type=int, default=20, help="list: how many jobs (newest first)")
        parser.add_argument("--status", choices=[s.value for s in Job.Status], help="list: only jobs in this status")
        parser.add_argument("--days", type=int, default=None, help="purge: jobs that ended more than this many days ago")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "list":
            self._list(opts["limit"], opts["status"])
        elif opts["action"] == "purge":
            if opts["days"] is None or opts["days"] < 0:
                raise CommandError("purge needs --days N (0 or more): jobs that ended more than N days ago")
            self.stdout.write(f"deleted {purge(older_than_days=opts['days'])} job(s) that ended more than "
                              f"{opts['days']} day(s) ago")
        else:
            self._work(once=opts["once"], sleep=max(0.1, opts["sleep"]))

    def _work(self, *, once: bool, sleep: float) -> None:
        checked = 0.0
        try:
            while True:
                if not connection.in_atomic_block:  # (a test runs the command inside its transaction)
                    close_old_connections()  # a long-running worker drops a connection the server closed
                if time.monotonic() - checked >= conf.heartbeat_seconds():  # at start, then once a heartbeat
                    checked = time.monotonic()
                    for job in recover_interrupted():
                        self.stdout.write(f"{job.pk} {job.kind}: failed: {job.error}")
                for job in run_pending():
                    line = f"{job.pk} {job.kind}: {job.status}"
                    self.stdout.write(line + (f": {job.error}" if job.error else ""))
                if once:
                    return
                time.sleep(sleep)
        except KeyboardInterrupt:
            self.stdout.write("stopped")

    def _list(self, limit: int, status: str | None) -> None:
        qs = Job.objects.select_related("created_by").order_by("-created_at")
        if status:
            qs = qs.filter(status=status)
        jobs = list(qs[: max(1, limit)])
        if not jobs:
            self.stdout.write("no jobs")
        for job in jobs:
            s = selectors.job_summary(job)
            progress = f"{job.done}/{job.total}" if job.total else "-"
            self.stdout.write(
                f"{s['id']}  {job.kind:<24} {job.status:<8} {progress:>13}  {s['created_at'][:19]}  "
                f"{s['created_by'] or '-'}  {job.input_name}" + (f"  error: {job.error.splitlines()[0]}" if job.error else "")
            )
