"""fairrecruit certification_keys: list, rotate and export the Ed25519 keys that sign certificates.

The private key lives only in ``FAIRRECRUIT_CERT_SIGNING_KEY`` (never in the database). ``rotate`` makes a new
key and prints the two settings to put in place: the new private key, and ``FAIRRECRUIT_CERT_VERIFY_KEYS`` with
the current public key added, so every certificate signed before the rotation still verifies after it."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count

from fairrecruit.certification import signing
from fairrecruit.certification.models import Certificate
from fairrecruit.core.services import audit_record


class Command(BaseCommand):
    help = (
        "Signing keys of certificates. `list`: every key id in use or trusted, whether it is current, retired "
        "or unknown (its certificates no longer verify), and how many certificates it signed. `rotate`: make a "
        "new private key and print the settings to deploy (the current public key joins "
        "FAIRRECRUIT_CERT_VERIFY_KEYS); records an audit event unless --dry-run. `export`: the public keys "
        "(current and retired) as JSON, to publish for offline checks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "rotate", "export"])
        parser.add_argument(
            "--dry-run", action="store_true", help="rotate: print the new key, record nothing"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"_{opts['action']}")(opts)

    def _list(self, opts: dict[str, Any]) -> None:
        trusted = signing.trusted_public_keys()
        current = signing.key_id()
        used = dict(Certificate.objects.values_list("key_id").annotate(n=Count("id")).order_by())
        dev = " (development key derived from the secret key)" if signing.using_development_key() else ""
        for kid in [*trusted, *sorted(set(used) - set(trusted))]:
            state = "current" + dev if kid == current else "retired" if kid in trusted else "UNKNOWN"
            self.stdout.write(f"{kid}  {state:<9}  {used.get(kid, 0)} certificates")
        unknown = sum(n for k, n in used.items() if k not in trusted)
        if unknown:
            self.stdout.write(
                f"{unknown} certificates were signed by a key that is not trusted: add its public key to "
                "FAIRRECRUIT_CERT_VERIFY_KEYS or they show 'Signature invalid'."
            )

    def _rotate(self, opts: dict[str, Any]) -> None:
        seed = signing.new_seed()
        new_id = signing.key_id_of(signing.public_key_raw_of_seed(seed))
        retired = [v.hex() for v in signing.trusted_public_keys().values()]
        if not opts["dry_run"]:
            audit_record(
                actor=None,
                action="certification.keys.rotate",
                target=("certification.signingkey", new_id),
                old={"key_id": signing.key_id()},
                new={"key_id": new_id},
            )
        self.stdout.write(
            f"New key {new_id}. Deploy these two settings together, then restart "
            f"(the private key is shown once; keep it outside the database and its backups):\n"
            f"FAIRRECRUIT_CERT_SIGNING_KEY={seed}\n"
            f"FAIRRECRUIT_CERT_VERIFY_KEYS={','.join(retired)}"
            + ("\n(dry run: nothing recorded)" if opts["dry_run"] else "")
        )

    def _export(self, opts: dict[str, Any]) -> None:
        current = signing.key_id()
        keys = [
            {
                "key_id": k,
                "algorithm": "Ed25519",
                "public_key": v.hex(),
                "status": "current" if k == current else "retired",
            }
            for k, v in signing.trusted_public_keys().items()
        ]
        self.stdout.write(json.dumps({"keys": keys}, indent=2))
