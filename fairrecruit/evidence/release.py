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
from pathlib import Path
from typing import Any

from fairrecruit.evidence import disclosure

RECORDS_FILE = "assessments.csv"
SUMMARY_FILE = "corridor_year_summary.csv"
DESCRIPTOR = "datapackage.json"
README = "README.md"

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
