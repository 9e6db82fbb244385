"""Seeded generator of varied, valid recruitment journeys, for tests and benchmarks of the batch assessor.

``generate_journeys(n, seed)`` yields journey dicts in the engine's input schema
(``schema/journey.schema.json``): corridors that have country files and some that do not, several payment
currencies (a few without any known exchange rate), purposes in several languages and unknown ones,
categories given instead of purposes, domestic workers, women, and recruitment dates on both sides of rule
boundaries. The same ``n``, ``seed`` and rule files always give the same journeys.

Writers: :func:`write_jsonl` (one journey per line) and :func:`write_long` (``.csv`` or ``.parquet``, one row
per payment with the journey columns repeated; see ``docs/batch.md``).

    python -m fairrecruit.standards.generate 1000 --seed 7 -o journeys.parquet

Plain Python (no Django).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from fairrecruit.standards.batch import LONG_COLUMNS

# Units of each currency for one US dollar, roughly: only to draw plausible amounts (not for assessment).
_SCALE = {
    "NPR": 130, "BDT": 110, "IDR": 15500, "INR": 83, "LKR": 300, "PHP": 56, "VND": 24000, "MMK": 2100,
    "PKR": 280, "KHR": 4100, "QAR": 3.64, "SAR": 3.75, "AED": 3.67, "MYR": 4.5, "SGD": 1.35, "KWD": 0.31,
    "OMR": 0.385, "BHD": 0.376, "JOD": 0.71, "LBP": 1500, "HKD": 7.8, "TWD": 31, "KRW": 1300, "JPY": 140,
    "USD": 1, "GBP": 0.79, "LYD": 4.8, "IQD": 1310, "EGP": 30, "RUB": 90, "MVR": 15.4, "BND": 1.35,
    "NZD": 1.6, "KPW": 900,
}
_ORIGIN_CURRENCY = {"NP": "NPR", "BD": "BDT", "ID": "IDR", "IN": "INR", "LK": "LKR", "PH": "PHP", "VN": "VND",
                    "MM": "MMK", "PK": "PKR", "KH": "KHR"}
_DEST_CURRENCY = {"QA": "QAR", "SA": "SAR", "AE": "AED", "MY": "MYR", "SG": "SGD", "KW": "KWD", "OM": "OMR",
                  "BH": "BHD", "JO": "JOD", "LB": "LBP", "HK": "HKD", "TW": "TWD", "KR": "KRW", "JP": "JPY",
                  "US": "USD", "GB": "GBP", "LY": "LYD", "IQ": "IQD", "EG": "EGP", "RU": "RUB", "MV": "MVR",
                  "BN": "BND", "NZ": "NZD"}
# Origins with country files first (weighted up), then some without (law of origin: no rule known).
_ORIGINS = ["NP"] * 5 + ["BD"] * 5 + ["ID"] * 4 + ["IN"] * 4 + ["PH"] * 4 + ["VN"] * 3 + ["LK"] * 3 + [
    "MM", "PK", "KH"]
_GULF = ["QA", "SA", "AE", "KW", "OM", "BH"]
_DESTINATIONS = _GULF * 4 + ["MY"] * 3 + ["SG", "JO", "LB", "HK", "TW", "KR", "JP", "US", "GB", "LY", "IQ",
                                            "EG", "RU", "MV", "BN", "NZ"]

_OCCUPATIONS = [  # (title, ISCO-08 code or None)
    ("construction labourer", "9313"), ("mason", "7112"), ("driver", "8322"), ("heavy truck driver", "8332"),
    ("cook", "5120"), ("nurse", "2221"), ("security guard", "5414"), ("electrician", "7411"),
    ("housemaid", "9111"), ("domestic worker", None), ("pembantu rumah tangga", None), ("caregiver", "5322"),
    ("nanny", None), ("baby sitter", "5311"), ("fisherman", "6222"), ("plantation worker", "9211"),
    ("Gardener", None), ("seafarer", None), ("thuyền viên", None), ("Seaman (deck)", "8350"),
    ("factory worker", "8219"), ("welder", "7212"), ("household service worker", "9111"),
    ("cleaner", "9112"), ("", None), ("sailor cook", None), ("farm worker", "9211"), ("waiter", "5131"),
]

_PURPOSES = [
    # English
    "service charge", "Service Charge!", "placement fee", "agency fee", "commission", "commission to agent",
    "sub-agent commission", "air ticket", "ticket", "plane ticket", "visa", "visa fee", "work permit",
    "medical", "medical test", "insurance", "welfare fund", "orientation", "pre-departure orientation",
    "training", "skills test", "language test", "passport", "police clearance", "document processing",
    "contract attestation", "deposit", "bribe", "uniform", "local travel", "lodging",
    # Nepali / Hindi (Devanagari)
    "सेवा शुल्क", "टिकट", "हवाई टिकट", "भिसा", "मेडिकल", "बीमा", "कल्याणकारी कोष", "अभिमुखीकरण", "कमिसन",
    "टिकटको पैसा", "वीजा", "एजेंट कमीशन",
    # Bengali
    "ভিসা", "টিকিট", "বিমান টিকিট", "মেডিকেল", "দালাল", "দালালের কমিশন", "প্রশিক্ষণ", "সার্ভিস চার্জ",
    # Indonesian
    "biaya penempatan", "tiket pesawat", "visa kerja", "pemeriksaan kesehatan", "asuransi", "pelatihan",
    "paspor", "biaya calo",
    # Tagalog
    "bayad sa ahensya", "placement fee sa ahensya", "tiket sa eroplano", "medikal",
    # Vietnamese
    "phí dịch vụ", "vé máy bay", "phí môi giới", "khám sức khỏe", "đào tạo", "tiền đặt cọc",
    # Sinhala, Arabic
    "ගුවන් ටිකට්", "වීසා", "تذكرة طيران", "تأشيرة", "رسوم الاستقدام",
    # Unknown or ambiguous
    "misc", "for uncle", "xyz-123", "???", "cash", "ticket and visa", "payment 2", "fees",
]
_CATEGORIES = [  # items and whole categories of taxonomy.yaml
    "service_fee", "placement_fee", "sub_agent_commission", "medical", "insurance", "welfare_fund",
    "skills_test", "language_test", "training", "orientation", "equipment", "air_ticket", "local_travel",
    "lodging", "passport", "visa", "work_permit", "police_clearance", "government_registration",
    "document_processing", "contract_attestation", "bribe", "kickback", "deposit", "collateral",
    "recruitment_fee", "travel_lodging", "administrative", "illegitimate", "training_orientation",
]
_ROLES = ["sub_agent", "licensed_agency", "destination_agency", "employer", "government", "other"]
_LAST_DAY = dt.date(2025, 12, 31)  # no generated date is later (the engine refuses future dates)
_FIRST_DAY = dt.date(1996, 1, 1)
_FALLBACK_BOUNDARIES = ["1998-05-08", "2004-01-01", "2005-09-27", "2006-01-01", "2009-07-09", "2015-01-01",
                        "2015-07-01", "2016-01-01", "2017-11-22", "2017-12-14", "2020-01-01", "2021-07-15",
                        "2022-01-01", "2022-02-02", "2022-07-06", "2023-01-01"]


def _boundaries() -> list[dt.date]:
    """First days, last days and the day after the last day of every rule version and standard."""
    days: set[dt.date] = {dt.date.fromisoformat(d) for d in _FALLBACK_BOUNDARIES}
    try:
        from fairrecruit.standards.loader import get_rules

        rs = get_rules()
        for law in rs.laws.values():
            for rule in law.rules:
                for v in rule.versions:
                    days.add(v.start)
                    if v.until:
                        days.update((v.until, v.until + dt.timedelta(days=1)))
        days.update(st.start for st in rs.standards.values())
    except Exception:  # noqa: BLE001 - rules being edited: the fixed list still gives boundary cases
        pass
    out: set[dt.date] = set()
    for d in days:
        out.update(d + dt.timedelta(days=k) for k in (-1, 0, 1))
    return sorted(d for d in out if _FIRST_DAY <= d <= _LAST_DAY - dt.timedelta(days=200))


def _amount(rng: random.Random, usd: float, currency: str) -> float:
    x = usd * _SCALE.get(currency, 1.0)
    if x >= 10000:
        return float(round(x, -2))
    if rng.random() < 0.2:
        return round(x, 2)
    return float(max(1, round(x)))


def generate_journeys(n: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """``n`` valid journeys, the same for the same ``seed`` (and rule files)."""
    rng = random.Random(seed)
    boundaries = _boundaries()
    span = (_LAST_DAY - dt.timedelta(days=200) - _FIRST_DAY).days
    for i in range(n):
        origin = rng.choice(_ORIGINS)
        dest = rng.choice(_DESTINATIONS)
        ocur = _ORIGIN_CURRENCY[origin]
        dcur = _DEST_CURRENCY[dest]
        if rng.random() < 0.45:
            rec = rng.choice(boundaries)
        else:
            rec = _FIRST_DAY + dt.timedelta(days=rng.randrange(span))
        j: dict[str, Any] = {"id": f"j{seed}-{i:07d}", "origin": origin, "destination": dest}
        r = rng.random()
        domestic = r < 0.15
        title, isco = rng.choice(_OCCUPATIONS)
        if domestic and rng.random() < 0.6:
            title, isco = rng.choice([("housemaid", "9111"), ("domestic worker", None), ("nanny", "5311"),
                                      ("asisten rumah tangga", None)])
        occ: dict[str, Any] = {}
        if title and rng.random() < 0.9:
            occ["title"] = title
        if isco and rng.random() < 0.7:
            occ["isco08"] = isco
        if occ:
            j["occupation"] = occ
        if domestic or rng.random() < 0.5:
            j["domestic_work"] = domestic
        s = rng.random()
        if s < 0.35 or (domestic and s < 0.8):
            j["sex"] = "F"
        elif s < 0.85:
            j["sex"] = "M"
        elif s < 0.88:
            j["sex"] = "X"
        j["recruitment_date"] = rec.isoformat()
        if rng.random() < 0.7:
            j["departure_date"] = (rec + dt.timedelta(days=rng.randrange(0, 180))).isoformat()
        j["contract_months"] = rng.choice([12, 24, 24, 24, 36, 18, 6, rng.randrange(1, 121)])
        wcur = dcur if rng.random() < 0.85 else "USD"
        wage_usd = rng.uniform(200, 1500)
        j["promised_wage"] = {"amount": _amount(rng, wage_usd, wcur), "currency": wcur}
        ecur = wcur if rng.random() < 0.9 else rng.choice([dcur, "USD", ocur])
        earn_usd = wage_usd * (1.0 if rng.random() < 0.6 else rng.uniform(0.5, 1.05))
        j["first_month_earnings"] = {"amount": _amount(rng, earn_usd, ecur), "currency": ecur}
        k = rng.random()
        n_pay = 0 if k < 0.03 else rng.randint(1, 9)
        mixed = rng.random() < 0.3
        payments = []
        for _ in range(n_pay):
            if mixed:
                cur = rng.choice([ocur, ocur, "USD", dcur])
            else:
                cur = ocur
            if rng.random() < 0.004:
                cur = "KPW"  # a valid currency with no known exchange rate
            day = rec + dt.timedelta(days=rng.randrange(-20, 60))
            day = min(day, _LAST_DAY)
            if rng.random() < 0.3:
                day = rec  # same-day payments: order ties broken by amount, currency, item, payee
            p: dict[str, Any] = {"amount": _amount(rng, rng.choice([20, 50, 150, 400, 900, 1500, 3000])
                                                   * rng.uniform(0.5, 1.5), cur),
                                 "currency": cur, "date": day.isoformat()}
            u = rng.random()
            if u < 0.25:
                p["category"] = rng.choice(_CATEGORIES)
                if rng.random() < 0.3:
                    p["purpose"] = rng.choice(_PURPOSES)
            else:
                p["purpose"] = rng.choice(_PURPOSES)
            if rng.random() < 0.7:
                p["paid_to"] = rng.choice(_ROLES)
            payments.append(p)
        j["payments"] = payments
        yield j


# --- writers ---------------------------------------------------------------------------------------------


def write_jsonl(journeys: Iterable[dict[str, Any]], path: Path | str) -> int:
    """One journey JSON per line; returns the number of journeys written."""
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for j in journeys:
            fh.write(json.dumps(j, ensure_ascii=False))
            fh.write("\n")
            n += 1
    return n


def long_rows(j: dict[str, Any]) -> list[dict[str, Any]]:
    """The long-format rows of one journey: one per payment, or one with empty payment columns."""
    occ = j.get("occupation") or {}
    base = {
        "journey_id": j.get("id"), "origin": j.get("origin"), "destination": j.get("destination"),
        "occupation_title": occ.get("title"), "isco08": occ.get("isco08"), "domestic_work": j.get("domestic_work"),
        "sex": j.get("sex"), "recruitment_date": j.get("recruitment_date"), "departure_date": j.get("departure_date"),
        "contract_months": j.get("contract_months"),
        "promised_wage_amount": (j.get("promised_wage") or {}).get("amount"),
        "promised_wage_currency": (j.get("promised_wage") or {}).get("currency"),
        "earnings_amount": (j.get("first_month_earnings") or {}).get("amount"),
        "earnings_currency": (j.get("first_month_earnings") or {}).get("currency"),
    }
    rows = []
    for p in j.get("payments") or [{}]:
        rows.append({**base, "payment_amount": p.get("amount"), "payment_currency": p.get("currency"),
                     "payment_date": p.get("date"), "payment_purpose": p.get("purpose"),
                     "payment_category": p.get("category"), "payment_paid_to": p.get("paid_to")})
    return rows


def _arrow_schema(typed_dates: bool) -> Any:
    import pyarrow as pa

    day = pa.date32() if typed_dates else pa.string()
    types = {"domestic_work": pa.bool_(), "recruitment_date": day, "departure_date": day, "payment_date": day,
             "contract_months": pa.int32(), "promised_wage_amount": pa.float64(), "earnings_amount": pa.float64(),
             "payment_amount": pa.float64()}
    return pa.schema([(c, types.get(c, pa.string())) for c in LONG_COLUMNS])


def _date(v: Any) -> dt.date | None:
    return dt.date.fromisoformat(v) if isinstance(v, str) else v


def write_long(journeys: Iterable[dict[str, Any]], path: Path | str, *, chunk: int = 100_000) -> int:
    """Write ``.csv`` or ``.parquet`` long format (by the file name); returns the number of journeys.

    Parquet gets typed columns (dates as DATE, amounts as DOUBLE, domestic_work as BOOLEAN); CSV gets the
    dates as written in the journeys (YYYY-MM-DD), ``true``/``false`` and empty cells for missing values.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    path = Path(path)
    kind = path.suffix.lower()
    if kind not in (".csv", ".parquet"):
        raise ValueError(f"write_long writes .csv or .parquet, not {path.name}")
    schema = _arrow_schema(typed_dates=kind == ".parquet")
    writer: Any = (pq.ParquetWriter(str(path), schema, compression="zstd") if kind == ".parquet"
                   else pacsv.CSVWriter(str(path), schema))
    cols: dict[str, list[Any]] = {c: [] for c in LONG_COLUMNS}
    n = 0

    def flush() -> None:
        if kind == ".parquet":
            for c in ("recruitment_date", "departure_date", "payment_date"):
                cols[c] = [_date(v) for v in cols[c]]
        writer.write_table(pa.Table.from_pydict(cols, schema=schema))
        for c in LONG_COLUMNS:
            cols[c] = []

    try:
        rows_in_chunk = 0
        for j in journeys:
            for row in long_rows(j):
                for c in LONG_COLUMNS:
                    cols[c].append(row[c])
                rows_in_chunk += 1
            n += 1
            if rows_in_chunk >= chunk:
                flush()
                rows_in_chunk = 0
        if rows_in_chunk or n == 0:
            flush()
    finally:
        writer.close()
    return n


def write(journeys: Iterable[dict[str, Any]], path: Path | str) -> int:
    """Write in the kind given by the file name: .jsonl, .csv or .parquet."""
    if str(path).lower().endswith(".jsonl"):
        return write_jsonl(journeys, path)
    return write_long(journeys, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of journeys")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("-o", "--output", required=True, help="output file: .jsonl, .csv or .parquet")
    args = ap.parse_args(argv)
    n = write(generate_journeys(args.n, args.seed), args.output)
    print(f"wrote {n} journeys to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
