"""Benchmark: bulk assessment (fairrecruit.standards.batch) against its floor and against one-by-one assessment.

    .venv/bin/python bench/bench_batch.py                   # 1,000,000 journeys (about 5 million payments)
    .venv/bin/python bench/bench_batch.py --journeys 100000

Generates journeys with the seeded generator into a Parquet file in a temporary directory (not measured), then
measures, each in a fresh Python process so that its peak memory is its own:

(a) batch: ``assess_file`` on the Parquet file, results written to Parquet;
(b) floor: one DuckDB query that only sums the payment amounts per journey from the same file;
(c) one by one: ``Assessor.assess`` (with input validation, as the API and CLI call it) on every journey, or,
    when that would take longer than ``--max-one-by-one`` seconds, on a random sample, extrapolated;
(d) two parts of the work that any batch design must do, done the plain DuckDB way and measured alone, next to the
    floor:
    reading every column of the file grouped into journeys (one value of each journey-level column, the payments
    summed by payee), and writing the results (three rows per journey, the result schema) to Parquet.

Rules and the exchange-rate tables are loaded before the clock starts in (a) and (c) (a fixed cost of under
two seconds that does not grow with the file). Prints the times, the ratios against the targets and peak
memory (``resource.getrusage`` maxrss). Not run in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SPEEDUP = 20.0  # one-by-one / batch, at least
TARGET_FLOOR = 3.0  # batch / floor, at most
TARGET_MEMORY_MB = 4096.0  # peak resident memory of the batch, below


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


def _warm() -> None:
    from fairrecruit.core import fx
    from fairrecruit.standards.loader import get_rules

    get_rules()
    fx._ecb()  # the ECB table is read on first use
    import pandas  # noqa: F401 - DuckDB's Python client imports it on first use of Python values (0.7 s)


def phase_batch(path: Path, threads: int | None) -> dict[str, float]:
    from fairrecruit.standards.batch import assess_file, prepare_rates

    _warm()
    t = time.perf_counter()
    n_cur = prepare_rates()  # the process's exchange-rate table: every currency with a source, every day since 1980
    prepared = time.perf_counter() - t
    out = path.with_name("results.parquet")
    t = time.perf_counter()
    summary = assess_file(path, out, progress=True, threads=threads)
    return {"seconds": time.perf_counter() - t, "peak_mb": _peak_mb(), "journeys": summary["journeys"],
            "payments": summary["payments"], "results": summary["results"], "rates_seconds": prepared,
            "rates_currencies": n_cur}


def phase_floor(path: Path, threads: int | None) -> dict[str, float]:
    import duckdb
    import pyarrow  # noqa: F401 - imported before the clock starts, as in the batch process

    con = duckdb.connect(config={"threads": threads or os.cpu_count() or 1})
    con.execute("SELECT count(*) FROM (SELECT 1)").fetch_arrow_table()  # first-query set-up, not measured
    t = time.perf_counter()
    table = con.execute("SELECT journey_id, sum(payment_amount) AS paid FROM read_parquet(?) GROUP BY journey_id",
                        [str(path)]).fetch_arrow_table()
    return {"seconds": time.perf_counter() - t, "peak_mb": _peak_mb(), "journeys": table.num_rows}


def phase_bounds(path: Path, threads: int | None) -> dict[str, float]:
    import duckdb
    import pyarrow  # noqa: F401 - imported before the clock starts, as in the batch process

    con = duckdb.connect(config={"threads": threads or os.cpu_count() or 1})
    con.execute("SELECT count(*) FROM (SELECT 1)").fetch_arrow_table()
    journey_cols = ["origin", "destination", "occupation_title", "isco08", "domestic_work", "sex", "recruitment_date",
                    "departure_date", "contract_months", "promised_wage_amount", "promised_wage_currency",
                    "earnings_amount", "earnings_currency"]
    t = time.perf_counter()
    con.execute(f"""CREATE TEMP TABLE grouped AS SELECT journey_id, {", ".join(f"any_value({c})" for c in journey_cols)},
        sum(payment_amount) FILTER (WHERE payment_paid_to = 'licensed_agency') AS to_agency,
        sum(payment_amount) FILTER (WHERE payment_paid_to <> 'licensed_agency') AS to_others, count(*) AS n,
        max(payment_date) AS last_day, any_value(payment_currency), any_value(payment_purpose),
        any_value(payment_category)
        FROM read_parquet(?) GROUP BY journey_id""", [str(path)])
    read_group = time.perf_counter() - t
    con.execute("""CREATE TEMP TABLE results AS SELECT journey_id, s.standard, 'owed' AS status, 'rule-' || s.standard
        AS rule_id, to_agency AS owed, 'NPR' AS currency, to_agency / 130 AS owed_usd, to_agency + to_others AS paid,
        (to_agency + to_others) / 130 AS paid_usd, n / 7.0 AS sdg_months, 0 AS unclassified
        FROM grouped, (VALUES ('ilo-zero-fee'), ('national'), ('iris')) s(standard)""")
    out = path.with_name("bounds-results.parquet")
    t = time.perf_counter()
    con.execute(f"COPY results TO '{out}' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)")
    write = time.perf_counter() - t
    rows = con.execute("SELECT count(*) FROM results").fetchone()[0]  # type: ignore[index]
    out.unlink()
    return {"read_group_seconds": read_group, "write_seconds": write, "result_rows": rows}


def phase_one_by_one(n: int, seed: int, sample: int, max_seconds: float) -> dict[str, float]:
    from fairrecruit.standards.engine import Assessor
    from fairrecruit.standards.generate import generate_journeys

    _warm()
    assessor = Assessor()
    pilot = list(generate_journeys(min(n, 500), seed))
    t = time.perf_counter()
    for j in pilot:
        assessor.assess(j)
    per = (time.perf_counter() - t) / len(pilot)
    if per * n <= max_seconds or n <= sample:
        picked = None  # all of them
    else:
        picked = set(random.Random(seed).sample(range(n), sample))
    elapsed, count = 0.0, 0
    batch: list[dict] = []

    def run() -> None:
        nonlocal elapsed, count
        t = time.perf_counter()
        for j in batch:
            assessor.assess(j)
        elapsed += time.perf_counter() - t
        count += len(batch)
        batch.clear()

    for i, j in enumerate(generate_journeys(n, seed)):  # generation is not timed
        if picked is None or i in picked:
            batch.append(j)
            if len(batch) >= 5000:
                run()
    run()
    return {"seconds": elapsed * n / count, "measured_seconds": elapsed, "measured": count,
            "sampled": picked is not None, "per_journey_ms": 1000 * elapsed / count, "peak_mb": _peak_mb()}


def _child(args: list[str]) -> dict[str, float]:
    proc = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True,
                          cwd=ROOT)
    for line in proc.stderr.splitlines():
        print(f"    {line}", file=sys.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--journeys", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--sample", type=int, default=20_000, help="one-by-one sample size when all would take long")
    ap.add_argument("--max-one-by-one", type=float, default=600.0,
                    help="seconds: above this estimate, time a sample and extrapolate")
    ap.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all CPUs)")
    ap.add_argument("--dir", type=Path, default=None, help="keep the generated file here (default: a temp dir)")
    ap.add_argument("--phase", choices=["batch", "floor", "bounds", "one-by-one"], help=argparse.SUPPRESS)
    ap.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.phase == "batch":
        print(json.dumps(phase_batch(args.file, args.threads)))
        return 0
    if args.phase == "floor":
        print(json.dumps(phase_floor(args.file, args.threads)))
        return 0
    if args.phase == "bounds":
        print(json.dumps(phase_bounds(args.file, args.threads)))
        return 0
    if args.phase == "one-by-one":
        print(json.dumps(phase_one_by_one(args.journeys, args.seed, args.sample, args.max_one_by_one)))
        return 0

    from fairrecruit.standards.generate import generate_journeys, write_long

    with tempfile.TemporaryDirectory(prefix="fairrecruit-bench-") as tmp:
        d = args.dir or Path(tmp)
        d.mkdir(parents=True, exist_ok=True)
        path = d / "journeys.parquet"
        print(f"generating {args.journeys:,} journeys (seed {args.seed}) into {path} ...", file=sys.stderr)
        t = time.perf_counter()
        write_long(generate_journeys(args.journeys, args.seed), path)
        gen = time.perf_counter() - t
        load0 = os.getloadavg()
        common = ["--file", str(path), *(["--threads", str(args.threads)] if args.threads else [])]
        print("(b) floor ...", file=sys.stderr)
        floor = _child(["--phase", "floor", *common])
        print("(a) batch ...", file=sys.stderr)
        batch = _child(["--phase", "batch", *common])
        floor2 = _child(["--phase", "floor", *common])  # again, after the batch, to see the noise
        print("(d) lower bounds ...", file=sys.stderr)
        bounds = _child(["--phase", "bounds", *common])
        print("(c) one by one ...", file=sys.stderr)
        one = _child(["--phase", "one-by-one", "--journeys", str(args.journeys), "--seed", str(args.seed),
                      "--sample", str(args.sample), "--max-one-by-one", str(args.max_one_by_one)])
        load1 = os.getloadavg()
        size = path.stat().st_size / 1e6

    floor_s = min(floor["seconds"], floor2["seconds"])
    speedup = one["seconds"] / batch["seconds"]
    over_floor = batch["seconds"] / floor_s
    how = (f"sample of {one['measured']:,} journeys timed ({one['measured_seconds']:.1f} s), extrapolated"
           if one["sampled"] else f"all {one['measured']:,} journeys timed")
    ok = {True: "met", False: "NOT met"}
    print()
    print(f"journeys {batch['journeys']:,}, payments {batch['payments']:,}, Parquet file {size:.0f} MB "
          f"(generated in {gen:.0f} s, not measured); results {batch['results']:,} rows")
    print(f"machine: {os.cpu_count()} CPUs; load average {load0[0]:.1f} before, {load1[0]:.1f} after "
          f"(other processes share the CPUs when it is above 0)")
    print(f"(a) batch assessment           {batch['seconds']:9.2f} s   peak memory {batch['peak_mb']:7.0f} MB"
          f"   (not timed: exchange-rate table of {batch['rates_currencies']} currencies, "
          f"{batch['rates_seconds']:.1f} s, once per process)")
    print(f"(b) floor (sum per journey)    {floor_s:9.2f} s   peak memory {floor['peak_mb']:7.0f} MB"
          f"   (runs: {floor['seconds']:.2f} s, {floor2['seconds']:.2f} s)")
    print(f"(c) one by one, Assessor.assess {one['seconds']:8.1f} s   {one['per_journey_ms']:.3f} ms per journey; "
          f"{how}")
    print(f"(d) parts of any batch design, alone, done by DuckDB: reading every column grouped into journeys "
          f"{bounds['read_group_seconds']:.2f} s = {bounds['read_group_seconds'] / floor_s:.1f}x the floor; "
          f"writing the {bounds['result_rows']:,} result rows {bounds['write_seconds']:.2f} s = "
          f"{bounds['write_seconds'] / floor_s:.1f}x; together "
          f"{(bounds['read_group_seconds'] + bounds['write_seconds']) / floor_s:.1f}x")
    print(f"one-by-one / batch = {speedup:6.1f}x   (target >= {TARGET_SPEEDUP:g}x: {ok[speedup >= TARGET_SPEEDUP]})")
    print(f"batch / floor      = {over_floor:6.1f}x   (target <= {TARGET_FLOOR:g}x: {ok[over_floor <= TARGET_FLOOR]})")
    print(f"batch peak memory  = {batch['peak_mb'] / 1024:6.2f} GB  (target < {TARGET_MEMORY_MB / 1024:g} GB: "
          f"{ok[batch['peak_mb'] < TARGET_MEMORY_MB]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
