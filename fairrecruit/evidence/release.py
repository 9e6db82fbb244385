"""Writing an open-data release to a folder: the protected tables as CSV, a Frictionless data package
descriptor (``datapackage.json``, Tabular Data Package profile) with provenance and disclosure control, and a
README with the release notes. Plain Python (no Django).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fairrecruit.evidence import disclosure

RECORDS_FILE = "assessments.csv"
SUMMARY_FILE = "corridor_year_summary.csv"
DESCRIPTOR = "datapackage.json"
README = "README.md"

REVIEWS_FILE = "reviews_summary.csv"
COMPLAINTS_FILE = "complaints_summary.csv"
_CELL_KEYS: list[dict[str, Any]] = [
    {"name": "corridor", "type": "string", "description": "origin-destination, ISO 3166 alpha-2; unknown"},
    {"name": "year", "type": "string", "description": "year (of recruitment for reviews, received for complaints)"},
]
_SUPPRESSED = {"name": "suppressed", "type": "boolean", "description": "true when fewer than k units: withheld"}
REVIEWS_SCHEMA: list[dict[str, Any]] = [
    *_CELL_KEYS,
    {"name": "reviews", "type": "integer", "description": "published worker reviews; empty when suppressed"},
    {"name": "share_paid_fees", "type": "number", "description": "share who said they paid fees (of those "
     "who answered), to 0.05"},
    {"name": "share_documents_taken", "type": "number", "description": "share whose passport or documents "
     "were taken, to 0.05"},
    {"name": "share_contract_as_promised", "type": "number", "description": "share whose contract matched "
     "what was promised, to 0.05"},
    {"name": "share_wage_as_promised", "type": "number", "description": "share paid the wage promised, to 0.05"},
    {"name": "mean_rating", "type": "number", "description": "mean overall rating 1-5, to 0.1"},
    _SUPPRESSED,
]
COMPLAINTS_SCHEMA: list[dict[str, Any]] = [
    *_CELL_KEYS,
    {"name": "category", "type": "string", "description": "main category of the complaint (grievances taxonomy)"},
    {"name": "received", "type": "integer", "description": "complaints received; empty when suppressed"},
    {"name": "resolved", "type": "integer", "description": "closed with a resolved outcome"},
    {"name": "recovered_usd", "type": "number", "description": "remedy paid to workers, US dollars at each "
     "payment's day, rounded"},
    _SUPPRESSED,
]

RECORD_SCHEMA: list[dict[str, Any]] = [
    {"name": "corridor", "type": "string", "description": "origin-destination, ISO 3166 alpha-2 codes"},
    {
        "name": "year",
        "type": "string",
        "description": "year of recruitment, or a 5-year period where needed for k-anonymity; * = suppressed",
    },
    {"name": "sex", "type": "string", "description": "F, M, X, unknown; * = suppressed"},
    {
        "name": "occupation",
        "type": "string",
        "description": "ISCO-08 major group (first digit), unknown; * = suppressed",
    },
    {
        "name": "paid_usd",
        "type": "number",
        "description": "recruitment costs paid by the worker, US dollars at the payment dates' reference rates, "
        "rounded (see disclosure control); empty = suppressed",
    },
    {
        "name": "owed_usd",
        "type": "number",
        "description": "owed back under the international zero-fee standard, US dollars, rounded; empty = "
        "suppressed or unknown",
    },
    {
        "name": "months_of_earnings",
        "type": "number",
        "description": "costs / first-month earnings (SDG 10.7.1 per-worker ratio), rounded; empty = suppressed",
    },
]
SUMMARY_SCHEMA: list[dict[str, Any]] = [
    {"name": "corridor", "type": "string", "description": "origin-destination"},
    {"name": "year", "type": "string", "description": "year of recruitment"},
    {
        "name": "records",
        "type": "integer",
        "description": "assessments behind the cell; empty when suppressed",
    },
    {"name": "median_months", "type": "number", "description": "median months of earnings, rounded to 0.1"},
    {"name": "mean_paid_usd", "type": "number", "description": "mean paid, US dollars, rounded"},
    {"name": "mean_owed_usd", "type": "number", "description": "mean owed back (zero-fee standard), rounded"},
    {
        "name": "suppressed",
        "type": "boolean",
        "description": "true when fewer than k records: values withheld",
    },
]


def _csv_bytes(rows: list[dict[str, Any]], fields: list[str]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({f: _cell(r.get(f)) for f in fields})
    return buf.getvalue().encode("utf-8")


def _cell(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, float):
        return round(v, 6)
    return v


def _resource(
    name: str, path: str, data: bytes, schema: list[dict[str, Any]], rows: int, title: str
) -> dict[str, Any]:
    return {
        "name": name,
        "path": path,
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "bytes": len(data),
        "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
        "fairrecruit:rows": rows,
        "schema": {"fields": schema, "missingValues": [""]},
    }


@dataclass(frozen=True)
class Table:
    """An aggregate table released beside the records (e.g. complaints by corridor, year and category), already
    through disclosure control (:func:`disclosure.count_cells`)."""

    name: str
    path: str
    title: str
    schema: list[dict[str, Any]]
    result: disclosure.Result


def build(
    directory: Path,
    records: list[dict[str, Any]],
    *,
    name: str,
    title: str,
    version: str,
    cfg: disclosure.Config,
    description: str = "",
    notes: str = "",
    licence: str = "CC-BY-4.0",
    provenance: dict[str, Any] | None = None,
    created: dt.datetime | None = None,
    tables: Sequence[Table] = (),
) -> dict[str, Any]:
    """Protect ``records`` (see :func:`disclosure.generalise` for their keys) and write the release files to
    ``directory``. Returns ``{"files", "datapackage", "disclosure"}``."""
    created = created or dt.datetime.now(dt.UTC)
    protected = disclosure.protect_records(records, cfg)
    summary = disclosure.summary_cells(records, cfg)
    rec_fields = [f["name"] for f in RECORD_SCHEMA]
    sum_fields = [f["name"] for f in SUMMARY_SCHEMA]
    rec_bytes = _csv_bytes(protected.rows, rec_fields)
    sum_bytes = _csv_bytes(summary.rows, sum_fields)
    sdc = {"records": protected.report, "summary": summary.report}
    extra = []
    for t in tables:
        fields = [f["name"] for f in t.schema]
        data = _csv_bytes(t.result.rows, fields)
        sdc[t.name] = t.result.report
        extra.append((t, data))
    prov = provenance or {}
    package = {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "description": description,
        "version": version,
        "created": created.replace(microsecond=0).isoformat(),
        "licenses": [
            {
                "name": licence,
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ]
        if licence == "CC-BY-4.0"
        else [{"name": licence}],
        "contributors": [{"title": "FairRecruit", "role": "publisher"}],
        "sources": prov.get("sources", []),
        "keywords": ["recruitment fees", "migrant workers", "SDG 10.7.1", "fair recruitment"],
        "resources": [
            _resource(
                "assessments",
                RECORDS_FILE,
                rec_bytes,
                RECORD_SCHEMA,
                len(protected.rows),
                "Fee assessments, one row per recruitment journey (k-anonymous)",
            ),
            _resource(
                "corridor-year-summary",
                SUMMARY_FILE,
                sum_bytes,
                SUMMARY_SCHEMA,
                len(summary.rows),
                "Assessments by corridor and year (cells below k suppressed)",
            ),
            *[_resource(t.name, t.path, data, t.schema, len(t.result.rows), t.title) for t, data in extra],
        ],
        "fairrecruit:disclosure_control": {
            "method": "generalisation, rounding, k-anonymity with local recoding and record suppression; "
            "aggregate cells below k suppressed, no margins",
            "k": cfg.k,
            "rounding_usd": cfg.rounding,
            **sdc,
        },
        "fairrecruit:provenance": prov,
        "fairrecruit:release_notes": notes,
    }
    readme = _readme(package, notes, sdc)
    directory.mkdir(parents=True, exist_ok=False)
    files = []
    for fname, data, rows in (
        (RECORDS_FILE, rec_bytes, len(protected.rows)),
        (SUMMARY_FILE, sum_bytes, len(summary.rows)),
        *[(t.path, data, len(t.result.rows)) for t, data in extra],
        (DESCRIPTOR, json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8"), None),
        (README, readme.encode("utf-8"), None),
    ):
        (directory / fname).write_bytes(data)
        files.append(
            {"name": fname, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(), "rows": rows}
        )
    return {"files": files, "datapackage": package, "disclosure": sdc}


def _readme(package: dict[str, Any], notes: str, sdc: dict[str, Any]) -> str:
    rec = sdc["records"]
    lines = [
        f"# {package['title']} ({package['version']})",
        "",
        package.get("description") or "",
        "",
        "## Release notes",
        "",
        notes or "First release.",
        "",
        "## Files",
        "",
        *[f"- `{r['path']}`: {r['title']} ({r['fairrecruit:rows']} rows)" for r in package["resources"]],
        f"- `{DESCRIPTOR}`: Frictionless data package descriptor (schemas, hashes, provenance).",
        "",
        "## Disclosure control",
        "",
        "- Quasi-identifiers generalised: year (not dates), corridor, sex, ISCO-08 major group; no identifiers, "
        "names or free text.",
        f"- Amounts rounded to {rec['rounding_usd']} US dollars and months of earnings to {rec['months_step']}.",
        f"- k-anonymity with k = {rec['k']} over {', '.join(rec['quasi_identifiers'])}: "
        f"{rec['records_in']} records in, {rec['records_out']} out; smallest class {rec['smallest_class']}.",
        "- Recoded records per step: "
        + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in rec["recoded"].items())
        + ".",
        f"- Summary cells with fewer than {sdc['summary']['k']} records suppressed: "
        f"{sdc['summary']['cells_suppressed']} of {sdc['summary']['cells']}; no totals are published.",
        *[
            f"- `{name}`: cells with fewer than {rep['k']} units suppressed: {rep['cells_suppressed']} of "
            f"{rep['cells']}; no totals are published."
            for name, rep in sdc.items()
            if name not in ("records", "summary")
        ],
        "",
        "## Provenance",
        "",
        "```json",
        json.dumps(package.get("fairrecruit:provenance", {}), indent=2, ensure_ascii=False),
        "```",
        "",
        f"Licence: {package['licenses'][0]['name']}.",
        "",
    ]
    return "\n".join(lines)
