"""`fairrecruit registry_demo`: load the synthetic demo registry and link it.

About 3,000 licensed agencies across NP, PH, BD, IN, ID, LK and VN with their sub-agents, brokers, destination
agencies, employers, job orders, licence histories and duplicate records, all generated from a fixed seed (no real
persons). Then record linkage merges the clear duplicates and queues the uncertain ones for review. Running it
again changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fairrecruit.registry.generate import generate_registry, load_into_db
from fairrecruit.registry.linkage import run_linkage

DEMO_AGENCIES = 3000
DEMO_SEED = 20250630


class Command(BaseCommand):
    help = (
        "Load a generated registry (about 3,000 agencies, fixed seed) into the database and run record linkage. "
        "Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agencies", type=int, default=DEMO_AGENCIES, help="number of licensed agencies")
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help="generator seed")
        parser.add_argument("--no-link", action="store_true", help="load only, do not run record linkage")

    def handle(self, *args: Any, **opts: Any) -> None:
        def progress(message: str) -> None:
            if opts["verbosity"] > 1:
                self.stderr.write(f"[registry_demo] {message}")

        registry = generate_registry(opts["agencies"], opts["seed"])
        counts = load_into_db(registry)
        self.stdout.write("registry: " + ", ".join(f"{k} +{v}" for k, v in counts.items()))
        if not opts["no_link"]:
            run = run_linkage(progress=progress)
            self.stdout.write(
                f"linkage: {run.records} records, {run.pairs_compared} pairs compared, "
                f"{run.auto_merged} merged, {run.queued} queued for review (model {run.model_version})"
            )
