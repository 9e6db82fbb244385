from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from fairrecruit.core.models import Organisation, OrganisationKind, Role
from fairrecruit.core.services import membership_grant, organisation_create
from fairrecruit.standards.services import assessment_create

DEMO_JOURNEYS = Path(__file__).resolve().parents[2].parent / "standards" / "examples" / "demo_journeys.jsonl"
DEMO_ORGS = [
    ("Demo Apparel Brand", OrganisationKind.EMPLOYER, "GB", "brand", Role.EMPLOYER),
    ("Demo Migrant Workers Union", OrganisationKind.UNION_CSO, "NP", "union", Role.UNION_CSO),
    ("Demo Labour Ministry", OrganisationKind.REGULATOR, "NP", "regulator", Role.REGULATOR),
    ("FairRecruit demo operator", OrganisationKind.PLATFORM, "", "staff", Role.STAFF),
]
DEMO_PASSWORD = "demo-password"  # noqa: S105 - demo accounts on a local SQLite file only


class Command(BaseCommand):
    help = (
        "Set up the demo on the configured database (migrate, demo organisations and users, a few dozen "
        "assessed journeys) and start the web server. Running it again changes nothing already there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="set up the data only")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="address:port to serve on")

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        n = self.load()
        call_command("registry_demo", verbosity=0)
        call_command("enforcement_demo", verbosity=0)
        call_command("reviews_demo", verbosity=0)
        call_command("certification_demo", verbosity=0)
        call_command("supplychain_demo", verbosity=0)
        call_command("grievances_demo", verbosity=0)
        call_command("evidence_demo", verbosity=0)  # last: its release draws on reviews and complaints
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # statistics for the planner now, not at autovacuum's next round
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"demo data ready: {n} new assessments; users brand, union, regulator, staff "
            f"(password {DEMO_PASSWORD!r})"
        )
        if not opts["no_serve"]:
            self.stdout.write(f"open http://{opts['addr']}/")
            call_command("runserver", opts["addr"], use_reloader=False)

    @transaction.atomic
    def load(self) -> int:
        User = get_user_model()
        users = {}
        for name, kind, country, username, role in DEMO_ORGS:
            org = Organisation.objects.filter(name=name).first() or organisation_create(
                actor=None, name=name, kind=kind, country=country
            )
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(
                    username=username,
                    password=DEMO_PASSWORD,
                    is_staff=role == Role.STAFF,
                    is_superuser=role == Role.STAFF,
                )
            membership_grant(actor=None, user=user, organisation=org, role=role)
            users[username] = (user, org)
        user, org = users["brand"]
        created = 0
        for line in DEMO_JOURNEYS.read_text(encoding="utf-8").splitlines():
            journey = json.loads(line)
            _, new = assessment_create(
                actor=user, organisation=org, journey=journey, idempotency_key=f"demo:{journey['id']}"
            )
            created += new
        return created
