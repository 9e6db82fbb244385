"""`fairrecruit import_sanctions FILE --regulator NP-DOFE [--dry-run]`: a regulator's list of sanctions (CSV or
XLSX, columns in ``enforcement/imports.py``), all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairrecruit.enforcement.imports import COLUMNS, import_sanctions
from fairrecruit.registry.models import Actor, ActorKind


class Command(BaseCommand):
    help = (
        "Import a regulator's published list of sanctions (blacklist, suspensions, fines) from CSV or XLSX. Every "
        "row is checked first; one bad row imports nothing and every problem is listed. Importing the same list "
        "again stores nothing new. Columns: " + ", ".join(COLUMNS) + "."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--regulator", required=True, help="the regulator's registry identifier, e.g. NP-DOFE")
        parser.add_argument("--dry-run", action="store_true", help="check and count, store nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"file: {path} does not exist")
        regulator = Actor.objects.filter(identifier=opts["regulator"], kind=ActorKind.REGULATOR).first()
        if regulator is None:
            raise CommandError(f"--regulator: no regulator {opts['regulator']!r} in the registry")
        result = import_sanctions(path.read_bytes(), filename=path.name, regulator=regulator, user=None,
                                  dry_run=opts["dry_run"])
        if result.problems:
            lines = [f"{path.name}: {len(result.problems)} problem(s); nothing was imported"]
            lines += [f"  {p}" for p in result.problems[:200]]
            raise CommandError("\n".join(lines))
        what = "would be stored (dry run: nothing was)" if result.dry_run else "stored"
        self.stdout.write(f"{path.name}: {result.rows} row(s); {result.created} new sanction(s) {what}, "
                          f"{result.unchanged} already recorded")
