"""`fairrecruit supplychain_digest [--dry-run]`: e-mail each organisation's employer users the changes FairRecruit
recorded about the recruiters on its list since its last digest (run daily from cron; running it again sends only
what was recorded in between)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fairrecruit.core.models import Organisation
from fairrecruit.supplychain.models import Supplier
from fairrecruit.supplychain.services import digest_send


class Command(BaseCommand):
    help = "E-mail brands and employers the changes recorded about their recruiters since their last digest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count, store and send nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        listed = Supplier.objects.filter(removed_at__isnull=True).values("organisation")
        for org in Organisation.objects.filter(pk__in=listed).order_by("id"):
            d = digest_send(org, dry_run=opts["dry_run"])
            self.stdout.write(f"{org.name}: {d.changes} change(s), {d.recipients} recipient(s)"
                              + (" (dry run)" if opts["dry_run"] else ""))
