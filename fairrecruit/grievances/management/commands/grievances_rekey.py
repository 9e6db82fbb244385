"""Re-encrypt the grievance app's encrypted values and evidence files under the first field key.

Key rotation: put a new key first in `FAIRRECRUIT_FIELD_KEYS` (keep the old one after it), run
`fairrecruit grievances_rekey`, then remove the old key. Values are re-encrypted in one transaction; files one
by one (each replaced atomically). `--dry-run` counts without writing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fairrecruit.grievances.services import grievances_rekey


class Command(BaseCommand):
    help = "Re-encrypt grievance identities, conversations and evidence under the first FAIRRECRUIT_FIELD_KEYS key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would be re-encrypted")

    def handle(self, *args: Any, **options: Any) -> None:
        r = grievances_rekey(dry_run=options["dry_run"])
        verb = "would re-encrypt" if options["dry_run"] else "re-encrypted"
        self.stdout.write(f"{verb} {r.fields} value(s) and {r.files} evidence file(s)")
        if r.missing_files:
            self.stderr.write(f"missing evidence files: {', '.join(r.missing_files)}")
