from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairrecruit.standards.engine import JourneyError, default_assessor


class Command(BaseCommand):
    help = (
        "Assess a recruitment journey (JSON file, or - for standard input) and print what is owed back. "
        "With --batch, assess a JSON Lines, CSV or Parquet file and write results in the same kind."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", help="journey JSON file, or - for standard input; with --batch the input file"
        )
        parser.add_argument("--format", choices=["json", "table"], default="json")
        parser.add_argument("--batch", action="store_true", help="input is .jsonl, .csv or .parquet")
        parser.add_argument("--output", "-o", help="batch output file (default: <input>.results.<ext>)")
        parser.add_argument("--progress", action="store_true", help="show progress of a batch on stderr")
        parser.add_argument(
            "--statement", metavar="PDF", help="also write the worker's fee statement (PDF) of one journey here"
        )
        parser.add_argument(
            "--language",
            default="en",
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the statement (default en)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["batch"] and opts["statement"]:
            raise CommandError("--statement is for one journey, not --batch")
        if opts["batch"]:
            from fairrecruit.standards.batch import BatchError, assess_file

            src = Path(opts["file"])
            try:
                summary = assess_file(
                    src, Path(opts["output"]) if opts["output"] else None, progress=opts["progress"]
                )
            except BatchError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(json.dumps(summary))
            return
        try:
            text = sys.stdin.read() if opts["file"] == "-" else Path(opts["file"]).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot read {opts['file']}: {exc.strerror}") from exc
        try:
            journey = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{opts['file']} is not valid JSON: {exc}") from exc
        try:
            result = default_assessor().assess(journey)
        except JourneyError as exc:
            for e in exc.errors:
                self.stderr.write(f"error: {e.field}: {e.message}")
            raise CommandError(f"{len(exc.errors)} problem(s) in {opts['file']}; nothing assessed") from exc
        if opts["statement"]:
            from fairrecruit.standards.statement import complaint_address, statement_pdf

            data = statement_pdf(journey, result, opts["language"], today=dt.date.today(),
                                 complain=complaint_address(None))
            try:
                Path(opts["statement"]).write_bytes(data)
            except OSError as exc:
                raise CommandError(f"cannot write {opts['statement']}: {exc.strerror}") from exc
            self.stderr.write(f"statement written to {opts['statement']} ({len(data):,} bytes, {opts['language']})")
        if opts["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(result))


def render_table(r: dict[str, Any]) -> str:
    lines = [
        f"Journey {r.get('journey_id') or ''} {r['corridor']}, law on {r['reference_date']}, "
        f"rule set {r['ruleset_version']}",
        f"Paid: {_m(r['paid'])}",
        "",
    ]
    lines.append(f"{'standard':16} {'status':11} {'owed':>16}  {'owed USD':>10}  rule")
    for s in r["standards"]:
        o = s["owed"]
        owed = "no rule known" if o["amount"] is None else f"{o['amount']:,.2f} {o['currency']}"
        usd = "" if o["amount_usd"] is None else f"{o['amount_usd']:,.2f}"
        rule = (s.get("rule") or {}).get("id", "")
        if s.get("rule") and not s["rule"]["source"]["verified"]:
            rule += " [unverified]"
        lines.append(f"{s['id']:16} {s['status']:11} {owed:>16}  {usd:>10}  {rule}")
    lines.append("")
    for p in r["payments"]:
        verdicts = ", ".join(
            f"{s['id']}={v['verdict']}"
            for s in r["standards"]
            for v in s["payments"]
            if v["index"] == p["index"]
        )
        lines.append(
            f"#{p['index'] + 1} {p['amount']:,.2f} {p['currency']} {p['date']} {p['item']}: {verdicts}"
        )
    for f in r["findings"]:
        cites = ", ".join(c["id"] for c in f["principles"])
        lines.append(f"finding: {f['message']} [{cites}]")
    sdg = r["sdg_10_7_1"]
    if sdg.get("months") is not None:
        lines.append(
            f"SDG 10.7.1 recruitment cost indicator: {sdg['months']:.2f} months of first-month earnings"
        )
    return "\n".join(lines)


def _m(m: dict[str, Any]) -> str:
    if m["amount"] is None:
        return "unknown"
    usd = f" ({m['amount_usd']:,.2f} USD)" if m["amount_usd"] is not None else ""
    return f"{m['amount']:,.2f} {m['currency']}{usd}"
