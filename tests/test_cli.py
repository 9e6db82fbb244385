"""The `fairrecruit` command-line tool, run as a real process through its entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fairrecruit.standards.tests.journeys import journey

BIN = Path(sys.executable).parent / "fairrecruit"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_assess_prints_owed_by_standard(tmp_path: Path) -> None:
    f = tmp_path / "j.json"
    f.write_text(json.dumps(journey()))
    r = run("assess", str(f))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["owed"]["law-np"]["amount"] == 140000
    assert set(out["owed"]["law-np"]) >= {"amount", "currency", "amount_usd"}
    table = run("assess", str(f), "--format", "table")
    assert "law-np" in table.stdout and "140,000.00 NPR" in table.stdout and "[unverified]" in table.stdout


def test_assess_bad_input_exits_non_zero_naming_fields() -> None:
    bad = journey(origin="XX")
    bad["payments"][0]["amount"] = -3
    r = run("assess", "-", stdin=json.dumps(bad))
    assert r.returncode != 0
    assert "origin: unknown country code 'XX'" in r.stderr
    assert "payments[0].amount: must be more than 0" in r.stderr
    assert r.stdout == ""


def test_shipped_examples_assess(tmp_path: Path) -> None:
    examples = Path(__file__).parents[1] / "fairrecruit" / "standards" / "examples"
    for f in sorted(examples.glob("*.json")):
        r = run("assess", str(f))
        assert r.returncode == 0, (f, r.stderr)


def test_rules_check() -> None:
    r = run("rules", "check")
    assert r.returncode == 0 and r.stdout.startswith("ok: rule set")
