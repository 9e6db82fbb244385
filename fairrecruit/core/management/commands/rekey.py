"""Re-encrypt everything encrypted at rest under the first key of FAIRRECRUIT_FIELD_KEYS (``core.rekey``).

Key rotation: put a new key first in `FAIRRECRUIT_FIELD_KEYS` (keep the old one after it), run
`fairrecruit rekey`, check with `fairrecruit rekey --check` that no value needs an old key, then remove the old
key once no PIN, edit code or token hashed under it is needed. `--dry-run` counts without writing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairrecruit.core import rekey


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value and file under the first FAIRRECRUIT_FIELD_KEYS key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would be re-encrypted")
        parser.add_argument("--check", action="store_true",
                            help="count the values still under an old key; exit 1 when there are any")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            left = rekey.stale()
            for label, n in sorted(left.items()):
                self.stdout.write(f"{label}: {n} value(s) under an old key")
            if any(left.values()):
                raise CommandError("some values still need an old key: run `fairrecruit rekey`")
            self.stdout.write("every value is under the first key")
            return
        r = rekey.rekey(dry_run=options["dry_run"])
        verb = "would re-encrypt" if options["dry_run"] else "re-encrypted"
        for label, n in sorted(r.values.items()):
            extra = f", lookup hashes remade for {r.hashes[label]} row(s)" if label in r.hashes else ""
            self.stdout.write(f"{verb} {label}: {n} value(s){extra}")
        for name, n in sorted(r.files.items()):
            self.stdout.write(f"{verb} {name}: {n} file(s)")
        self.stdout.write(f"{verb} {sum(r.values.values())} value(s) and {sum(r.files.values())} file(s) in all")
        if r.missing_files:
            self.stderr.write(f"missing files: {', '.join(r.missing_files)}")
