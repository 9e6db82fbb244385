"""Name search benchmark: 1,000,000 generated organisations, typo'd queries, p50/p95 latency and recall@10 of the
embedded default (SQLite + the FTS5 trigram index of ``registry/search.py``) against PostgreSQL ``pg_trgm``
on the same names, in the same run.

    .venv/bin/python bench/bench_search.py                                   # SQLite only
    .venv/bin/python bench/bench_search.py --pg postgres://user@127.0.0.1:5432/db   # and pg_trgm

SQLite side: a temporary database migrated by Django (so the same schema, index and triggers as the app), the
actors inserted through ``registry_actor`` (the triggers fill the index), then ``search.search(query)``: the
full code path of the /verify/ page and the API (exact look-ups, trigram candidates, rapidfuzz re-ranking,
merged-record resolution).

PostgreSQL side: a table with the same names (their Latin search keys, without the phone and licence numbers
that the SQLite side also holds: pg_trgm's best case) and a GIN ``gin_trgm_ops`` index, queried with
``search_text % q ORDER BY similarity(search_text, q) DESC LIMIT 10`` (the usual pg_trgm search, default
threshold 0.3) and with ``q <% search_text ORDER BY word_similarity`` (what the app uses on PostgreSQL, before
its re-ranking). The table is dropped at the end.

Names come from a small seeded generator below (organisation names from per-country word lists and syllables,
legal and generic suffixes, people's names for brokers; phones and licence numbers in ``search_text`` as the
app stores them). Queries: names of random actors with one or two typos (deleted, swapped, replaced or inserted
letters), some without their legal suffix, some in lower case. recall@10: the actor (or one with the same name)
is among the first 10 results. Before measuring, ``--warmup`` other queries fill the caches (page cache and
the trigram-count cache of search.py), as on a running server; the cold figure of those is printed too.
Goal: SQLite p95 <= 50 ms and faster than pg_trgm.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fairrecruit.registry.names import GENERIC_WORDS  # noqa: E402  (plain Python, no Django)

# ---------------------------------------------------------------------------------------------- generator
WORDS = {
    "NP": "himalayan everest sagarmatha annapurna gorkha lumbini janaki pashupati shree kailash makalu bagmati "
    "koshi gandaki karnali narayani laxmi saraswati ganesh durga kantipur janata sagar jyoti pokhara "
    "shikhar kanchan nilgiri muktinath sunkoshi arun tamor seti rapti bheri mahakali unnati pragati",
    "PH": "mabuhay bayanihan maharlika luzon visayas mindanao pinoy kabayan tagumpay pagasa sampaguita rizal "
    "bicol ilocos cebu davao manila mayon agila bituin dakila ligaya ginto perlas palawan samar leyte bohol "
    "iloilo batangas laguna masagana kalayaan marangal dalisay magiting tala hiraya liwanag silangan",
    "BD": "bangla padma meghna jamuna sonar rupali shapla bengal sundarban karnaphuli teesta surma amin madina "
    "bismillah rahman barakah salam amana haque sonali shaheen hira moti chandni shimul palash akash "
    "dhrubo ekota notun shopno mohona anondo shobuj sylhet rajshahi khulna gazipur",
    "IN": "bharat ganga yamuna kaveri narmada hind sahyadri deccan kerala malabar konkan shakti sai ambika "
    "vishwa lakshmi balaji tirupati nanda arihant vardhman saptagiri sahara trident shivam gayatri "
    "madhuban chandan kesari suvarna navratna sarvodaya sangam udaan tejas samrat kochi mumbai chennai",
    "ID": "bintang mitra karya sejahtera nusantara jaya abadi makmur sentosa garuda surya bumi indah mandiri "
    "cahaya mulia sukses utama perkasa sinar harapan bahagia lestari bangun putra putri merdeka rajawali "
    "anugerah berkah citra dharma gemilang kencana permata",
    "LK": "lanka ceylon kandy colombo serendib ruhuna sigiriya galle jaffna matara kelani mahaweli ratna "
    "sri lak siri nuwara dambulla anuradha polonnaruwa ella hikka negombo",
    "VN": "saigon hanoi mekong viet hong phuc thanh minh an binh hoa long sao mai kim ngoc phat dat tan "
    "thinh hung gia quang nam",
}
SHARED = (
    "golden silver star sun moon blue green royal crown eagle falcon tiger lion ocean pacific asia orient "
    "sky new first united best prime trust fair bright hope future smart global alpha omega delta apex "
    "summit pioneer victory unity vision horizon diamond pearl lotus rose orchid galaxy"
).split()
SYLLABLES = (
    "ka ma na ra sa ta la pa ba da ga ha ja ya wa ri mi ni si ti li pi bi di gi ku mu nu ru su tu lu "
    "an en in on ar er or al el il ul sh ch th kh bh dh ng"
).split()
SUFFIXES = [
    ["pvt", "ltd"],
    ["pvt.", "ltd."],
    ["private", "limited"],
    ["manpower"],
    ["overseas"],
    ["overseas", "pvt", "ltd"],
    ["manpower", "services"],
    ["international"],
    ["recruitment", "agency"],
    ["human", "resources"],
    ["employment", "services"],
    ["travels"],
    ["placement", "agency"],
    ["inc."],
    ["pt"],
    ["jsc"],
    [],
]
FIRST = (
    "ram shyam hari krishna sita gita maya bikash suman rajesh mohammad abdul rahim karim jose maria juan "
    "ana siti budi dewi agus nguyen tran le pham kumar priya ravi anil sunil nimal kamal"
).split()
LAST = (
    "thapa shrestha gurung tamang rai magar karki khan hossain rahman islam santos reyes cruz bautista "
    "santoso wijaya hidayat nguyen tran sharma singh patel perera silva fernando"
).split()


def _word(rng: random.Random, country: str) -> str:
    x = rng.random()
    if x < 0.35:
        return rng.choice(WORDS[country].split())
    if x < 0.55:
        return rng.choice(SHARED)
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def generate_names(n: int, seed: int) -> Iterator[tuple[str, str, str, str]]:
    """(identifier, kind, name, country) for n actors; the same n and seed give the same actors."""
    rng = random.Random(seed)
    countries = list(WORDS)
    for i in range(n):
        country = rng.choice(countries)
        if rng.random() < 0.15:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}".title()
            yield f"FR-B-{i}", "individual_broker", name, country
            continue
        core = [_word(rng, country) for _ in range(rng.choice((1, 2, 2, 2, 3)))]
        name = " ".join(w.title() for w in core + rng.choice(SUFFIXES))
        yield f"{country}-G-{i}", "licensed_agency", name, country


def typo(text: str, rng: random.Random, edits: int) -> str:
    s = list(text)
    for _ in range(edits):
        i = rng.randrange(len(s))
        op = rng.random()
        if op < 0.3 and len(s) > 4:
            del s[i]
        elif op < 0.55 and i < len(s) - 1:
            s[i], s[i + 1] = s[i + 1], s[i]
        elif op < 0.8:
            s[i] = rng.choice("abcdefghijklmnopqrstuvwxyz")
        else:
            s.insert(i, rng.choice("abcdefghijklmnopqrstuvwxyz"))
    return "".join(s)


def make_queries(names: list[str], count: int, seed: int) -> list[tuple[int, str]]:
    """(row index of the target, query) pairs."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        i = rng.randrange(len(names))
        q = names[i]
        if rng.random() < 0.3:  # without the legal or generic suffix
            words = q.split()
            while len(words) > 1 and words[-1].casefold() in GENERIC_WORDS:
                words.pop()
            q = " ".join(words)
        q = typo(q, rng, rng.choice((1, 1, 2)))
        if rng.random() < 0.1:
            q = q.lower()
        out.append((i, q))
    return out


# ---------------------------------------------------------------------------------------------- measuring
def measure(
    run: Callable[[str], list[int]], queries: list[tuple[int, str]], names: list[str]
) -> tuple[list[float], list[float], float]:
    """Wall-clock and CPU milliseconds per query (CPU of this process: for SQLite, which runs in it, the
    latency without waiting for a busy machine's CPUs), and recall@10."""
    lat, cpu = [], []
    hits = 0
    for target, q in queries:
        t, c = time.perf_counter(), time.process_time()
        found = run(q)
        lat.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        want = names[target].casefold()
        hits += any(names[r].casefold() == want for r in found[:10])
    return lat, cpu, hits / len(queries)


def pct(values: list[float], p: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] if len(values) > 1 else values[0]
    )


def row(label: str, lat: list[float], recall: float, cpu: list[float] | None = None) -> str:
    out = f"  {label:<46} p50 {pct(lat, 50):7.1f} ms  p95 {pct(lat, 95):7.1f} ms  recall@10 {recall:.3f}"
    if cpu:
        out += f"  (CPU p50 {pct(cpu, 50):.1f} ms, p95 {pct(cpu, 95):.1f} ms)"
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1_000_000, help="organisations (default 1,000,000)")
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pg", default="", help="PostgreSQL URL for the pg_trgm comparison")
    ap.add_argument(
        "--dir", default="", help="where to put the SQLite database (default: a temporary directory)"
    )
    ap.add_argument("--keep", action="store_true", help="keep the SQLite database and the PostgreSQL table")
    args = ap.parse_args()

    workdir = Path(args.dir or tempfile.mkdtemp(prefix="bench-search-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "bench-search.sqlite3"
    if db.exists():
        db.unlink()
    os.environ["FAIRRECRUIT_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fairrecruit.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from fairrecruit.registry import search
    from fairrecruit.registry.names import search_key, standardise_name

    t0 = time.monotonic()
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed + 1)
    names: list[str] = []
    rows: list[tuple] = []
    for ident, kind, name, country in generate_names(args.n, args.seed):
        parts = [search_key(name)]
        if rng.random() < 0.7:
            parts.append(
                f"{rng.choice(('977', '63', '880', '91', '62', '94', '84'))}{rng.randrange(10**8, 10**9)}"
            )
        if kind == "licensed_agency":
            parts.append(f"{rng.randrange(1, 5000)}{rng.randrange(2000, 2026)}")
        names.append(name)
        rows.append((ident, kind, name, standardise_name(name), " | ".join(parts), country))
    t_gen = time.monotonic() - t0
    t0 = time.monotonic()
    now = "2025-06-30 00:00:00"
    with transaction.atomic(), connection.cursor() as cur:
        for start in range(0, len(rows), 50_000):
            cur.executemany(
                "INSERT INTO registry_actor (identifier, kind, name, name_std, search_text, country, city, address, "
                "phones, websites, social_handles, source_note, created_at, updated_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, '', '', '[]', '[]', '[]', 'bench_search.py', %s, %s)",
                [(*r, now, now) for r in rows[start : start + 50_000]],
            )
    t_load = time.monotonic() - t0
    t0 = time.monotonic()
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('optimize')")
        cur.execute("SELECT id FROM registry_actor ORDER BY id LIMIT 1")
        first_id = cur.fetchone()[0]
    t_opt = time.monotonic() - t0
    size = sum(f.stat().st_size for f in workdir.glob("bench-search.sqlite3*")) / 1e6
    print(
        f"organisations: {len(names):,} generated in {t_gen:.0f} s; SQLite load with index triggers "
        f"{t_load:.0f} s, optimize {t_opt:.0f} s, database {size:,.0f} MB ({db})"
    )

    queries = make_queries(names, args.queries + args.warmup, args.seed + 2)
    warm, measured = queries[: args.warmup], queries[args.warmup :]

    def sqlite_run(q: str) -> list[int]:
        return [m.actor_id - first_id for m in search.search(q, limit=10)]

    search.clear_caches()
    cold_lat, cold_cpu, cold_rec = measure(sqlite_run, warm, names)
    lat_sqlite, cpu_sqlite, rec_sqlite = measure(sqlite_run, measured, names)
    print(f"queries: {len(measured):,} (after {len(warm)} warm-up queries), 1-2 typos each")
    print(row("SQLite FTS5 trigram + rapidfuzz (warm-up, cold)", cold_lat, cold_rec, cold_cpu))
    print(row("SQLite FTS5 trigram + rapidfuzz", lat_sqlite, rec_sqlite, cpu_sqlite))

    if args.pg:
        import psycopg

        with psycopg.connect(args.pg, autocommit=True) as pg:
            pg.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            pg.execute("DROP TABLE IF EXISTS bench_search_actor")
            pg.execute("CREATE TABLE bench_search_actor (id integer PRIMARY KEY, search_text text NOT NULL)")
            t0 = time.monotonic()
            with pg.cursor().copy("COPY bench_search_actor (id, search_text) FROM STDIN") as cp:
                for i, name in enumerate(names):  # the names alone: pg_trgm's best case
                    cp.write_row((i, search_key(name)))
            pg.execute(
                "CREATE INDEX bench_search_actor_trgm ON bench_search_actor USING gin (search_text gin_trgm_ops)"
            )
            pg.execute("ANALYZE bench_search_actor")
            print(f"PostgreSQL load + GIN trigram index {time.monotonic() - t0:.0f} s")

            def pg_similarity(q: str) -> list[int]:
                k = search_key(q)
                cur = pg.execute(
                    "SELECT id FROM bench_search_actor WHERE search_text %% %s "
                    "ORDER BY similarity(search_text, %s) DESC LIMIT 10",
                    (k, k),
                )
                return [r[0] for r in cur.fetchall()]

            def pg_word_similarity(q: str) -> list[int]:
                k = search_key(q)
                cur = pg.execute(
                    "SELECT id FROM bench_search_actor WHERE %s <%% search_text "
                    "ORDER BY word_similarity(%s, search_text) DESC LIMIT 10",
                    (k, k),
                )
                return [r[0] for r in cur.fetchall()]

            measure(pg_similarity, warm[:50], names)
            lat_pg, _, rec_pg = measure(pg_similarity, measured, names)
            pg.execute(f"SET pg_trgm.word_similarity_threshold = {search.PG_WORD_SIMILARITY}")
            measure(pg_word_similarity, warm[:50], names)
            lat_pgw, _, rec_pgw = measure(pg_word_similarity, measured, names)
            print(row("PostgreSQL pg_trgm similarity (%)", lat_pg, rec_pg))
            print(
                row(f"PostgreSQL pg_trgm word_similarity (<%, {search.PG_WORD_SIMILARITY})", lat_pgw, rec_pgw)
            )
            print(
                f"ratio p95 pg_trgm similarity / SQLite: {pct(lat_pg, 95) / pct(lat_sqlite, 95):.1f}x; "
                f"p50: {pct(lat_pg, 50) / pct(lat_sqlite, 50):.1f}x"
            )
            if not args.keep:
                pg.execute("DROP TABLE bench_search_actor")
    ok = pct(lat_sqlite, 95) <= 50
    print(
        f"goal p95 <= 50 ms on SQLite: {'met' if ok else 'NOT met'} ({pct(lat_sqlite, 95):.1f} ms); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    if not args.keep and not args.dir:
        connection.close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
