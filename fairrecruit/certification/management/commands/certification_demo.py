"""fairrecruit certification_demo: load the demo certification scheme (see certification/demo.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fairrecruit.certification.demo import PASSWORD, SCHEME_CODE, load


class Command(BaseCommand):
    help = (
        "Load a demo certification scheme (IRIS v1.2), a certification body with two accredited auditors and "
        "three recruiters from the demo registry (run registry_demo first; made here otherwise): one certified, "
        "one suspended, one in audit, with their invoices. One transaction; idempotent (nothing happens when "
        "the demo scheme exists)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="do everything, then roll it back")

    def handle(self, *args: Any, **opts: Any) -> None:
        r = load(dry_run=bool(opts.get("dry_run")))
        if not r.created:
            self.stdout.write(f"certification: demo scheme {SCHEME_CODE} already loaded, nothing changed")
            return
        prefix = "dry run, rolled back: " if opts.get("dry_run") else ""
        certs = ", ".join(f"{c.number} {c.holder_name} ({c.status})" for c in r.certificates)
        in_audit = r.audit.application.actor.name if r.audit else "-"
        self.stdout.write(
            f"{prefix}certification: scheme {SCHEME_CODE}; certificates {certs}; in audit: {in_audit}; "
            f"users certbody, auditor, auditor2, recruiter, recruiter2, recruiter3, schemeowner "
            f"(password {PASSWORD})"
        )
