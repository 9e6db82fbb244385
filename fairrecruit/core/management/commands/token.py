from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairrecruit.core.models import Organisation, User
from fairrecruit.core.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user (printed once; only its hash is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--name", required=True, help="a label, e.g. 'hotline integration'")
        parser.add_argument("--organisation", type=int, help="organisation id the token acts for")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = User.objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(f"--user: no user named {opts['user']!r}")
        org = None
        if opts["organisation"] is not None:
            org = Organisation.objects.filter(pk=opts["organisation"]).first()
            if org is None:
                raise CommandError(f"--organisation: no organisation with id {opts['organisation']}")
        _, key = api_token_create(actor=None, user=user, name=opts["name"], organisation=org)
        self.stdout.write(key)
