"""fairrecruit compare_contract FILE.json [--format json|table]: compare promised and actual contract terms, the
same input and answer as POST /api/v1/contracts/compare. Exit 1 with every field error on bad input."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairrecruit.contracts.api import compare_json


class Command(BaseCommand):
    help = "Compare the terms a worker was promised with the terms they have now (contract substitution)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a JSON file like the API's body; - reads standard input")
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = opts["file"]
        try:
            text = getattr(self, "stdin", sys.stdin).read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{path}: cannot read it as UTF-8 text: {exc}") from None
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path}: not valid JSON: {exc}") from None
        status, answer = compare_json(body)
        if status != 200:
            raise CommandError("\n".join(f"{e['field']}: {e['message']}" for e in answer["errors"]))
        if opts["format"] == "json":
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"verdict: {answer['verdict']}")
        for t in answer["terms"]:
            if t["verdict"] != "not_compared":
                self.stdout.write(f"  {t['term']:<20} {_shown(t['promised']):>22}  {_shown(t['actual']):>22}  "
                                  f"{t['verdict']}")
        gap = answer["wage_gap"]
        if gap:
            line = f"paid {gap['per_month']:,.2f} {gap['currency']} a month less than promised"
            if gap["extra_deductions"]:
                line += f" ({gap['extra_deductions']:,.2f} of it deducted beyond what was promised)"
            if gap["so_far"] is not None:
                line += f"; {gap['so_far']:,.2f} over {gap['months_worked']} months worked"
            if gap["over_contract"] is not None:
                line += f"; {gap['over_contract']:,.2f} over the {gap['contract_months']}-month contract"
            self.stdout.write(line)
        for mw in answer["minimum_wages"]:
            m = mw["minimum"]
            line = (f"minimum wage {m['amount']:,.2f} {m['currency']} a month ({m['rule_id']}, from {m['from']}"
                    f"{'' if m['source']['verified'] else ', unverified'}): {mw['verdict'].replace('_', ' ')}")
            if mw["shortfall"] is not None:
                line += f", {mw['shortfall']:,.2f} {m['currency']} a month short"
            for a in mw["allowances_due"]:
                line += f"; {a['benefit']} allowance due {a['amount']:,.2f} {a['currency']} a month"
            self.stdout.write(line)
        for f in answer["findings"]:
            cited = ", ".join(p["id"] + ("" if p["verified"] else " (recalled)") for p in f["principles"])
            self.stdout.write(f"- {f['message']} [{cited}]")
        for n in answer["job_order_notes"]:
            self.stdout.write(f"! {n}")


def _shown(v: Any) -> str:
    if isinstance(v, dict):
        return f"{v['amount']:,.2f} {v['currency']}"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)
