"""`fairrecruit import_sanctions FILE --regulator NP-DOFE [--mapping ph-dmw] [--dry-run]`: a regulator's list of
sanctions (CSV or XLSX, in FairRecruit's columns (``enforcement/imports.py``) or a regulator's own layout
(``enforcement/lists/``)), all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairrecruit.enforcement.imports import COLUMNS, import_sanctions
from fairrecruit.enforcement.mappings import list_sanction_mappings, load_sanction_mapping
from fairrecruit.registry.imports import MappingError
from fairrecruit.registry.models import Actor, ActorKind


class Command(BaseCommand):
    help = (
        "Import a regulator's published list of sanctions (blacklist, suspensions, fines) from CSV or XLSX. Every "
        "row is checked first; one bad row imports nothing and every problem is listed. Importing the same list "
        "again stores nothing new. Columns: " + ", ".join(COLUMNS) + "; or a regulator's own layout with --mapping."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, nargs="?")
        parser.add_argument("--regulator", help="the regulator's registry identifier, e.g. NP-DOFE")
        parser.add_argument("--mapping", help="the layout of the regulator's own list (enforcement/lists/<name>.yaml, "
                            "or a path to one); see --list-mappings")
        parser.add_argument("--list-mappings", action="store_true", help="list the shipped layouts and stop")
        parser.add_argument("--dry-run", action="store_true", help="check and count, store nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["list_mappings"]:
            for m in list_sanction_mappings():
                self.stdout.write(f"{m.name}\t{m.regulator}\t{m.title}")
            return
        path: Path | None = opts["file"]
        if path is None or not opts["regulator"]:
            raise CommandError("give the FILE and --regulator (or --list-mappings)")
        try:
            mapping = load_sanction_mapping(opts["mapping"]) if opts["mapping"] else None
        except MappingError as exc:
            raise CommandError(f"--mapping: {exc}") from exc
        if not path.is_file():
            raise CommandError(f"file: {path} does not exist")
        regulator = Actor.objects.filter(identifier=opts["regulator"], kind=ActorKind.REGULATOR).first()
        if regulator is None:
            raise CommandError(f"--regulator: no regulator {opts['regulator']!r} in the registry")
        result = import_sanctions(path.read_bytes(), filename=path.name, regulator=regulator, user=None,
                                  dry_run=opts["dry_run"], mapping=mapping)
        if result.problems:
            lines = [f"{path.name}: {len(result.problems)} problem(s); nothing was imported"]
            lines += [f"  {p}" for p in result.problems[:200]]
            raise CommandError("\n".join(lines))
        what = "would be stored (dry run: nothing was)" if result.dry_run else "stored"
        self.stdout.write(f"{path.name}: {result.rows} row(s); {result.created} new sanction(s) {what}, "
                          f"{result.unchanged} already recorded")
