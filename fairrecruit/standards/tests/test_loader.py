"""The loader refuses malformed rule files with a message naming file, key and problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fairrecruit.standards.loader import RULES_DIR, RuleFileError, load_rules

BAD = Path(__file__).parent / "fixtures" / "bad"


def _rules_with(tmp_path: Path, fixture: str) -> Path:
    dst = tmp_path / "rules"
    shutil.copytree(RULES_DIR, dst)
    shutil.copy(BAD / fixture / "zz.yaml", dst / "countries" / "zz.yaml")
    return dst


@pytest.mark.parametrize(
    "fixture, key, problem",
    [
        ("missing_citation", "rules.zz.fee-cap.versions[0].source", "missing citation"),
        ("bad_date", "rules.zz.fee-cap.versions[0].from", "bad date"),
        ("overlapping", "rules.zz.fee-cap.versions", "overlapping periods"),
        ("unknown_category", "rules.zz.fee-cap.versions[0].capped", "unknown category 'happiness_tax'"),
        ("unknown_key", "rules.zz.fee-cap.versions[0].maximum", "unknown key"),
        ("unknown_summary_language", "rules.zz.fee-cap.summaries.xx", "unknown language: use one of ne, bn"),
    ],
)
def test_malformed_rule_file_is_refused(tmp_path: Path, fixture: str, key: str, problem: str) -> None:
    with pytest.raises(RuleFileError) as err:
        load_rules(_rules_with(tmp_path, fixture))
    assert err.value.path.endswith("zz.yaml")
    assert err.value.key == key
    assert problem in err.value.problem
    assert str(err.value).startswith(f"zz.yaml: {key}: ")


def test_the_shipped_rules_load() -> None:
    rs = load_rules()
    assert {"PH", "NP", "BD", "IN", "ID", "VN", "LK", "QA", "AE", "SA"} <= set(rs.laws)
    assert len(rs.version) == 12


def test_ruleset_version_changes_when_a_rule_changes(tmp_path: Path) -> None:
    dst = tmp_path / "rules"
    shutil.copytree(RULES_DIR, dst)
    before = load_rules(dst).version
    np_file = dst / "countries" / "np.yaml"
    np_file.write_text(np_file.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    assert load_rules(dst).version != before


def test_norway_is_not_false(tmp_path: Path) -> None:
    """YAML 1.1 reads a bare NO as false; the rule loader reads it as Norway's code."""
    dst = tmp_path / "rules"
    shutil.copytree(RULES_DIR, dst)
    (dst / "countries" / "zz.yaml").write_text(
        (BAD / "unknown_key" / "zz.yaml")
        .read_text()
        .replace("        maximum: 5\n", "")
        .replace("    title: Test cap", "    title: Test cap\n    applies_to: {destinations: [NO]}"),
        encoding="utf-8",
    )
    rule = load_rules(dst).laws["ZZ"].rules[0]
    assert rule.applies_to["destinations"] == ["NO"]


def test_summary_languages_are_the_sites() -> None:
    from django.conf import settings

    from fairrecruit.standards.loader import SUMMARY_LANGUAGES

    assert set(SUMMARY_LANGUAGES) == {code for code, _name in settings.LANGUAGES} - {"en"}
    from fairrecruit.standards.tests.test_standards_data import WORKER_LANGUAGES

    assert set(WORKER_LANGUAGES) == set(SUMMARY_LANGUAGES)


def test_every_rule_has_its_title_and_summary_in_every_site_language() -> None:
    """A worker, or a destination's labour inspector, reads any country's rule in their language: every shipped
    rule carries a title and a summary in each language of the site (the loader refuses empty ones)."""
    from fairrecruit.standards.loader import SUMMARY_LANGUAGES, get_rules

    missing = [
        f"{rule.id}: {part} in {lang}"
        for law in get_rules().laws.values()
        for rule in law.rules
        for part, texts in (("title", dict(rule.titles)), ("summary", dict(rule.summaries)))
        for lang in SUMMARY_LANGUAGES
        if lang not in texts
    ]
    assert not missing, "\n".join(missing)
