"""`fairrecruit registry_demo`: load the synthetic demo registry and link it.

About 3,000 licensed agencies across NP, PH, BD, IN, ID, LK and VN with their sub-agents, brokers, destination
agencies, employers, job orders, licence histories and duplicate records, all generated from a fixed seed (no real
persons). Its dates are moved from the generator's reference day (2025-06-30) to ``--as-of`` (default today, or a
date): the registry looks on that day as it did on the reference day (licences running, about one job order in
five valid), so a demo started any day has current licences and job orders; ``enforcement_demo`` counts its
sanctions' dates back from the same day. Then record linkage merges the clear duplicates and queues the uncertain
ones for review. Running it again changes nothing (records already there are
kept as they were loaded)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from fairrecruit.registry.generate import REFERENCE_DATE, generate_registry, load_into_db
from fairrecruit.registry.linkage import run_linkage

DEMO_AGENCIES = 3000
DEMO_SEED = 20250630


def parse_day(text: str) -> dt.date:
    return timezone.localdate() if text == "today" else dt.date.fromisoformat(text)


class Command(BaseCommand):
    help = (
        "Load a generated registry (about 3,000 agencies, fixed seed) into the database and run record linkage. "
        "Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agencies", type=int, default=DEMO_AGENCIES, help="number of licensed agencies")
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help="generator seed")
        parser.add_argument("--no-link", action="store_true", help="load only, do not run record linkage")
        parser.add_argument(
            "--as-of",
            type=parse_day,
            default=None,
            help="the day the demo's dates are relative to: YYYY-MM-DD or 'today' (default); the generator's "
            f"reference day is {REFERENCE_DATE}",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        def progress(message: str) -> None:
            if opts["verbosity"] > 1:
                self.stderr.write(f"[registry_demo] {message}")

        registry = generate_registry(opts["agencies"], opts["seed"], as_of=opts["as_of"] or timezone.localdate())
        counts = load_into_db(registry)
        self.stdout.write("registry: " + ", ".join(f"{k} +{v}" for k, v in counts.items()))
        if not opts["no_link"]:
            run = run_linkage(progress=progress)
            self.stdout.write(
                f"linkage: {run.records} records, {run.pairs_compared} pairs compared, "
                f"{run.auto_merged} merged, {run.queued} queued for review (model {run.model_version})"
            )
