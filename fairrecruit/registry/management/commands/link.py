"""`fairrecruit link`: record linkage over the registry (Splink on DuckDB).

Pairs at or above --threshold-auto are merged (reversibly: ``merged_into``), pairs in the band down to
--threshold-review wait for a person at /registry/review/, the rest are ignored. Progress goes to stderr, the
counts to stdout. See docs/linkage.md."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairrecruit.registry import linkage


class Command(BaseCommand):
    help = (
        "Link and deduplicate registry actors: merge pairs at or above --threshold-auto, queue pairs down to "
        "--threshold-review for review. --train retrains the model on the database first and saves it as the next "
        "version in registry/linkage_model/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--train",
            action="store_true",
            help="retrain on the actors in the database and save as the next model version",
        )
        parser.add_argument(
            "--train-generated",
            type=int,
            metavar="N",
            default=None,
            help="retrain on N generated records with known truth (how model-v1 to model-v5 were made)",
        )
        parser.add_argument(
            "--threshold-auto",
            type=float,
            default=linkage.DEFAULT_THRESHOLD_AUTO,
            help="merge pairs at or above this match probability (default %(default)s)",
        )
        parser.add_argument(
            "--threshold-review",
            type=float,
            default=linkage.DEFAULT_THRESHOLD_REVIEW,
            help="queue pairs at or above this for review (default %(default)s)",
        )
        parser.add_argument(
            "--model", type=Path, default=None, help="model file (default: the latest version)"
        )
        parser.add_argument("--dry-run", action="store_true", help="compute and report, change nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        def progress(message: str) -> None:
            if opts["verbosity"] > 0:
                self.stderr.write(f"[link] {message}")

        model_path: Path | None = opts["model"]
        if model_path is not None and not model_path.is_file():
            raise CommandError(f"--model: no such file {model_path}")
        if opts["train_generated"]:
            model_path = linkage.next_model_path()
            if opts["dry_run"]:  # a dry run leaves the model directory alone
                model_path = Path(tempfile.mkdtemp()) / model_path.name
            linkage.train_on_generated(model_path, n_records=opts["train_generated"], progress=progress)
        try:
            run = linkage.run_linkage(
                actor_user=None,
                threshold_auto=opts["threshold_auto"],
                threshold_review=opts["threshold_review"],
                dry_run=opts["dry_run"],
                train=opts["train"],
                model_path=model_path,
                progress=progress,
            )
        except (ValueError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        prefix = "dry run (nothing saved): " if run.dry_run else ""
        self.stdout.write(
            f"{prefix}records {run.records}; pairs compared {run.pairs_compared}; "
            f"pairs at p >= {opts['threshold_review']}: {run.pairs_scored}; auto-merged {run.auto_merged}; "
            f"queued for review {run.queued}; model {run.model_version}; {run.seconds:.1f} s"
        )
