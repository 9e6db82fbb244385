"""Every national rule's boundary cases (rules/tests/<cc>.yaml) run through the engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from fairrecruit.standards.engine import default_assessor
from fairrecruit.standards.loader import RULES_DIR, RuleYamlLoader, get_rules


def _cases() -> list[Any]:
    out = []
    for path in sorted((RULES_DIR / "tests").glob("*.yaml")):
        cases = yaml.load(path.read_text(encoding="utf-8"), Loader=RuleYamlLoader)  # noqa: S506 - safe loader
        for i, case in enumerate(cases or []):
            out.append(pytest.param(case, id=f"{path.stem}[{i}] {case.get('name', '')}"))
    return out


CASES = _cases()


@pytest.mark.parametrize("case", CASES)
def test_rule_case(case: dict[str, Any]) -> None:
    result = default_assessor().assess(case["journey"])
    by_id = {s["id"]: s for s in result["standards"]}
    for sid, want in case["expect"].items():
        got = by_id[sid]
        assert got["status"] == want["status"], (sid, got.get("message"))
        if "rule" in want:
            assert (got.get("rule") or {}).get("id") == want["rule"], sid
        if "from" in want:  # the rule version used (for versions that differ only in their citation)
            assert (got.get("rule") or {}).get("from") == str(want["from"]), sid
        if "verdicts" in want:  # per payment, in input order
            assert [v["verdict"] for v in got["payments"]] == want["verdicts"], sid
        if "owed" in want:
            assert got["owed"]["amount"] == pytest.approx(want["owed"], abs=0.01), sid
        if want["status"] == "no_rule":
            assert got["owed"]["amount"] is None, "no rule must never report an amount"


def test_every_rule_version_has_cases_at_its_start() -> None:
    """A version whose first day is not tested (with the day before) is a boundary nobody checked."""
    tested: dict[str, set[str]] = {}
    for param in CASES:
        case = param.values[0]
        day = case["journey"]["recruitment_date"]
        for want in case["expect"].values():
            if want.get("rule"):
                tested.setdefault(want["rule"], set()).add(str(day))
    missing = []
    for law in get_rules().laws.values():
        for rule in law.rules:
            for v in rule.versions:
                if v.start.isoformat() not in tested.get(rule.id, set()):
                    missing.append(f"{rule.id} from {v.start}")
    assert not missing, f"no boundary case on the first day of: {missing}"


def test_rule_case_files_exist_for_every_country() -> None:
    have = {p.stem.upper() for p in (Path(RULES_DIR) / "tests").glob("*.yaml")}
    assert set(get_rules().laws) <= have
