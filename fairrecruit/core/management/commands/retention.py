"""Delete what is kept only for a while (``core.retention``): tokens of sent forms, SMS and chat messages already
answered, complaints by SMS or chat abandoned before the end, evidence files no case names. Run it daily (cron), beside ``grievances_tick``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fairrecruit.core import retention


class Command(BaseCommand):
    help = ("Delete the short-lived records past their retention days (sent-form tokens, answered gateway "
            "messages, abandoned SMS/chat complaints); --dry-run counts them.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what is due, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        dry = options["dry_run"]
        for a in retention.apply(dry_run=dry):
            if a.days <= 0:
                self.stdout.write(f"{a.rule.what}: kept for ever ({a.rule.setting}=0)")
                continue
            assert a.cutoff is not None
            verb = "due" if dry else "deleted"
            self.stdout.write(f"{a.rule.what}: {a.count} {verb} (older than {a.days} days, before "
                              f"{a.cutoff.date().isoformat()})")
