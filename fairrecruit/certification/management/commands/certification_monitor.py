"""fairrecruit certification_monitor: check worker evidence about certified recruiters against each scheme's
thresholds, raise alerts (and special audits), and schedule surveillance audits that fall due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairrecruit.certification.models import Scheme
from fairrecruit.certification.monitoring import monitor_run


class Command(BaseCommand):
    help = (
        "Check published reviews, substantiated grievance cases and fee assessments about every certified "
        "recruiter against the scheme's thresholds; raise alerts for the certification body (and special "
        "audits where the scheme says so); schedule surveillance and re-certification audits falling due. "
        "Runs in one transaction. Meant for a daily timer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scheme", help="only this scheme (code)")
        parser.add_argument("--day", help="evaluate as on this day (YYYY-MM-DD), default today")
        parser.add_argument("--dry-run", action="store_true", help="show what would be raised; write nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        scheme = None
        if opts.get("scheme"):
            scheme = Scheme.objects.filter(code=opts["scheme"]).first()
            if scheme is None:
                raise CommandError(f"no scheme {opts['scheme']!r}")
        try:
            day = dt.date.fromisoformat(opts["day"]) if opts.get("day") else None
        except ValueError as exc:
            raise CommandError("--day: write YYYY-MM-DD") from exc
        r = monitor_run(scheme=scheme, day=day, dry_run=bool(opts.get("dry_run")))
        for a in r.alerts:
            self.stdout.write(
                f"alert {a.certificate.number}: {a.metric} = {a.value:g} (threshold {a.threshold:g}) -> {a.action}"
            )
        prefix = "dry run, nothing written: " if r.dry_run else ""
        self.stdout.write(
            f"{prefix}{r.certificates} certificates checked, {len(r.alerts)} alerts, "
            f"{r.special_audits} special audits, {r.scheduled} surveillance audits scheduled"
        )
