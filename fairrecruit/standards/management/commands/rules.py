from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairrecruit.standards.loader import RuleFileError, load_rules


class Command(BaseCommand):
    help = "Validate the rule files (check) or list the national rules and their versions (list)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["check", "list"])

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            rs = load_rules()
        except RuleFileError as exc:
            raise CommandError(str(exc)) from exc
        if opts["action"] == "check":
            n = sum(len(r.versions) for law in rs.laws.values() for r in law.rules)
            self.stdout.write(
                f"ok: rule set {rs.version}, {len(rs.standards)} standards, "
                f"{len(rs.principles)} principles, {len(rs.laws)} countries, {n} rule versions"
            )
            return
        for law in sorted(rs.laws.values(), key=lambda x: x.country):
            self.stdout.write(f"{law.country} {law.name} ({law.role})")
            for r in law.rules:
                for v in r.versions:
                    flag = "" if v.source.verified else "  [unverified]"
                    until = v.until.isoformat() if v.until else "..."
                    self.stdout.write(f"  {r.id:45} {v.start} – {until}{flag}")
