"""Record linkage benchmark: generated records with known truth -> precision, recall, F1 and time.

    .venv/bin/python bench/bench_linkage.py                  # 200,000 records, the committed model
    .venv/bin/python bench/bench_linkage.py --records 20000 --train   # train a model on this data first

The records come from ``fairrecruit.registry.generate`` (a synthetic registry: agencies, sub-agents, brokers,
destination agencies and employers, and their duplicates in other lists and worker reports). Scores are pairwise
over clusters: a pair of records is predicted to match when linkage puts them in the same cluster. The baseline,
measured in the same run, says two records match when their standardised names (no legal or generic words) are
equal in the same country. Goal: F1 >= 0.95 at the clustering threshold, which is by default the product's
automatic-merge threshold (``linkage.DEFAULT_THRESHOLD_AUTO``, 0.99): what the bench scores is what the product merges.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fairrecruit.registry import linkage  # noqa: E402
from fairrecruit.registry.generate import iter_linkage_records  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument(
        "--seed", type=int, default=2025, help="generator seed (the committed model used another)"
    )
    ap.add_argument("--duplicate-rate", type=float, default=0.3)
    ap.add_argument(
        "--threshold",
        type=float,
        default=linkage.DEFAULT_THRESHOLD_AUTO,
        help="cluster pairs at or above this match probability (headline figure; default: the threshold at "
        "which `fairrecruit link` merges automatically)",
    )
    ap.add_argument("--model", type=Path, default=None, help="model file (default: the latest committed one)")
    ap.add_argument("--train", action="store_true", help="train a model on the benchmark records first")
    args = ap.parse_args()

    t0 = time.monotonic()
    records = list(iter_linkage_records(args.records, seed=args.seed, duplicate_rate=args.duplicate_rate))
    t_gen = time.monotonic() - t0
    truth = {int(r["unique_id"]): r["cluster_id"] for r in records}
    kinds: dict[str, int] = {}
    for r in records:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    print(f"records: {len(records):,} ({len(set(truth.values())):,} true actors) generated in {t_gen:.1f} s")
    print("  kinds: " + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())))

    model_path = args.model
    t_train = 0.0
    if args.train:
        model_path = Path(tempfile.mkdtemp()) / "model-bench.json"
        t0 = time.monotonic()
        seen: set[object] = set()
        distinct = [r for r in records if r["cluster_id"] not in seen and not seen.add(r["cluster_id"])]
        linkage.train_model(
            records,
            model_path,
            distinct_records=distinct,
            progress=lambda m: print(f"  {m}", file=sys.stderr),
        )
        t_train = time.monotonic() - t0
    model_path = model_path or linkage.latest_model_path()

    t0, c0 = time.monotonic(), time.process_time()
    low = min(0.3, args.threshold, linkage.DEFAULT_THRESHOLD_REVIEW)
    result = linkage.predict(
        records, model_path, threshold=low, progress=lambda m: print(f"  {m}", file=sys.stderr)
    )
    clusters = linkage.cluster(truth, result.pairs, args.threshold)
    t_link, c_link = time.monotonic() - t0, time.process_time() - c0
    scores = linkage.evaluate(truth, clusters)

    t0 = time.monotonic()
    base = linkage.evaluate(truth, linkage.baseline_clusters(records))
    t_base = time.monotonic() - t0

    print(
        f"model: {model_path.name}; pairs compared after blocking: {result.compared:,}; "
        f"scored at p >= {low}: {len(result.pairs):,}"
    )
    print(f"linkage time: {t_link:.1f} s wall, {c_link:.1f} s CPU (standardise, block, score, cluster)")
    if args.train:
        print(f"training: {t_train:.1f} s")
    print()
    print(f"{'method':<46} {'precision':>9} {'recall':>7} {'F1':>7} {'time':>8}")
    print(
        f"{'Splink, clustered at p >= ' + str(args.threshold):<46} {scores.precision:>9.4f} {scores.recall:>7.4f} "
        f"{scores.f1:>7.4f} {t_link:>7.1f}s"
    )
    print(
        f"{'baseline: same standardised name + country':<46} {base.precision:>9.4f} {base.recall:>7.4f} "
        f"{base.f1:>7.4f} {t_base:>7.1f}s"
    )
    print()
    print("Splink at other clustering thresholds (same predictions):")
    for th in (0.5, 0.8, 0.9, 0.95, 0.99):
        if th < low:
            continue
        s = linkage.evaluate(truth, linkage.cluster(truth, result.pairs, th))
        print(f"  p >= {th:<5} precision {s.precision:.4f}  recall {s.recall:.4f}  F1 {s.f1:.4f}")
    print()
    groups = {
        "organisations": ("licensed_agency", "reported", "destination_agency", "employer"),
        "sub-agents": ("sub_agent",),
        "individual brokers": ("individual_broker",),
    }
    kind_of = {int(r["unique_id"]): r["kind"] for r in records}
    print(f"by kind (pairs within the kind, p >= {args.threshold}):")
    for label, members in groups.items():
        ids = [i for i in truth if kind_of[i] in members]
        s = linkage.evaluate({i: truth[i] for i in ids}, {i: clusters[i] for i in ids})
        print(
            f"  {label:<20} {len(ids):>8,} records  precision {s.precision:.4f}  recall {s.recall:.4f}  F1 {s.f1:.4f}"
        )
    print()
    auto, review = linkage.DEFAULT_THRESHOLD_AUTO, linkage.DEFAULT_THRESHOLD_REVIEW
    band = [p for p in result.pairs if review <= p.probability < auto]
    confirmed = [p for p in band if truth[p.left] == truth[p.right]]
    kept = [p for p in result.pairs if p.probability >= auto] + [
        linkage.Pair(p.left, p.right, 1.0, p.match_weight) for p in confirmed
    ]
    with_review = linkage.evaluate(truth, linkage.cluster(truth, kept, auto))
    print(
        f"with the review queue: merge at p >= {auto}, a person decides the {len(band):,} pairs in "
        f"[{review}, {auto}) ({len(confirmed):,} of them the same actor), assuming correct decisions:"
    )
    print(
        f"  precision {with_review.precision:.4f}  recall {with_review.recall:.4f}  F1 {with_review.f1:.4f}"
    )
    print()
    goal = "met" if scores.f1 >= 0.95 else "NOT met"
    print(
        f"goal F1 >= 0.95 (automatic clustering at p >= {args.threshold}): {goal} (F1 {scores.f1:.4f}); "
        f"true pairs {scores.true_pairs:,}, predicted pairs {scores.predicted_pairs:,}, "
        f"correct {scores.correct_pairs:,}"
    )


if __name__ == "__main__":
    main()
