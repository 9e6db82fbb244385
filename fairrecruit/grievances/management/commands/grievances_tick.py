"""Escalate grievance cases whose stage deadline has passed, and remediation plans unpaid after their due date.

Run it regularly (e.g. every 15 minutes from cron or a systemd timer): `fairrecruit grievances_tick`. Each case
is escalated in its own transaction with its audit event; a case left alone escalates again after another
stage period. `--now` sets the clock (for a replay or a test); `--dry-run` lists without changing anything.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairrecruit.grievances.clock import SYSTEM_CLOCK, Clock, FixedClock
from fairrecruit.grievances.services import grievances_tick


class Command(BaseCommand):
    help = "Escalate overdue grievance cases and overdue remediation plans."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="the time to act as of (ISO 8601, e.g. 2026-01-31T12:00:00+00:00)")
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would be escalated; change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        clock: Clock = SYSTEM_CLOCK
        if options.get("now"):
            try:
                clock = FixedClock(dt.datetime.fromisoformat(options["now"]))
            except ValueError as exc:
                raise CommandError(f"--now: {exc}") from exc
        result = grievances_tick(clock=clock, dry_run=options["dry_run"])
        verb = "would escalate" if options["dry_run"] else "escalated"
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"{verb}: {len(result.stage_overdue)} case(s) past their stage deadline, "
                f"{len(result.remedy_overdue)} overdue remediation plan(s)"
            )
        if options["verbosity"] >= 2:
            for code in result.stage_overdue:
                self.stdout.write(f"  stage overdue: {code}")
            for code in result.remedy_overdue:
                self.stdout.write(f"  remedy overdue: {code}")
