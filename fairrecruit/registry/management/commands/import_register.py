from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairrecruit.core.models import User
from fairrecruit.registry.imports import MappingError, import_file, list_mappings


class Command(BaseCommand):
    help = (
        "Import a regulator's licence list (CSV or XLSX) with a column mapping. All or nothing unless "
        "--allow-partial; prints a report of every rejected row. Exits 1 when the file is rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the CSV or XLSX file")
        parser.add_argument("--mapping", help="mapping name (see --list-mappings) or path to a mapping YAML")
        parser.add_argument(
            "--allow-partial", action="store_true", help="import the good rows, report the rest"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--as-of", help="date of the list, YYYY-MM-DD (default: today)")
        parser.add_argument("--user", help="username recorded as the importer in the audit trail")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--max-problems", type=int, default=200, help="problems printed (default 200)")
        parser.add_argument("--list-mappings", action="store_true", help="list the shipped mappings and exit")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["list_mappings"]:
            try:
                mappings = list_mappings()
            except MappingError as exc:
                raise CommandError(str(exc)) from exc
            for m in mappings:
                self.stdout.write(f"{m.name:10} {m.regulator_code:10} {m.title}")
            return
        if not opts["file"] or not opts["mapping"]:
            raise CommandError("give a FILE and --mapping NAME (or --list-mappings)")
        as_of = None
        if opts["as_of"]:
            try:
                as_of = dt.date.fromisoformat(opts["as_of"])
            except ValueError:
                raise CommandError(f"--as-of: {opts['as_of']!r} is not a date like 2025-12-31") from None
        user = None
        if opts["user"]:
            user = User.objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"--user: no user named {opts['user']!r}")
        bar = _Progress(self.stderr)
        try:
            result = import_file(
                opts["file"],
                opts["mapping"],
                actor_user=user,
                allow_partial=opts["allow_partial"],
                dry_run=opts["dry_run"],
                progress=bar,
                as_of=as_of,
            )
        except MappingError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"cannot read {opts['file']}: {exc.strerror or exc}") from exc
        finally:
            bar.end()
        if opts["json"]:
            self.stdout.write(json.dumps(result.report(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(result.render(max_problems=opts["max_problems"]))
        if result.rejected:
            raise CommandError(f"{opts['file']} rejected ({len(result.problems)} problems); nothing imported")


class _Progress:
    """A progress bar on stderr: redrawn in place on a terminal, one line per tenth otherwise."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.tty = hasattr(out, "isatty") and out.isatty()
        self.last = -1
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        pct = 100 * done // total if total else 100
        if self.tty:
            filled = pct * 30 // 100
            line = f"\r[{'#' * filled}{'.' * (30 - filled)}] {pct:3d}% {done:,}/{total:,} rows"
            self.out.write(line, style_func=_plain, ending="")
            self.out.flush()
        elif pct // 10 != self.last // 10 or (pct == 100 and self.last != 100):
            self.out.write(f"{pct}% ({done:,}/{total:,} rows)", style_func=_plain)
        self.last, self.shown = pct, True

    def end(self) -> None:
        if self.tty and self.shown:
            self.out.write("", style_func=_plain)


def _plain(text: str) -> str:
    return text
