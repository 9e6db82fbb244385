from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairrecruit.enforcement.services import sanctions_tick


class Command(BaseCommand):
    help = (
        "The daily round of sanctions: put suspensions, revocations and bans whose first day has come into the "
        "licence's status history, and reinstate licences whose suspension has ended. Safe to run any number of "
        "times (run it daily, e.g. from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="the day to run for (YYYY-MM-DD; default today)")

    def handle(self, *args: Any, **opts: Any) -> None:
        day = None
        if opts["day"]:
            try:
                day = dt.date.fromisoformat(opts["day"])
            except ValueError as exc:
                raise CommandError(f"--day: use the form YYYY-MM-DD, e.g. 2026-03-01 ({exc})") from exc
        done = sanctions_tick(day)
        self.stdout.write(f"{done['applied']} licence status(es) applied, {done['reinstated']} licence(s) reinstated")
