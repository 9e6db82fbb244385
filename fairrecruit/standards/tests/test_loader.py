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


MINIMUM_WAGE_FILE = """country: ZZ
name: Testland
role: destination
rules: []
minimum_wages:
  - id: zz.minimum-wage
    title: Minimum wage
    versions:
{versions}
"""
SRC = 'source: {title: "Wage Act", article: "s.2", url: "https://example.org/wages", verified: false}'


def _with_minimum_wage(tmp_path: Path, versions: str) -> Path:
    dst = tmp_path / "rules"
    shutil.copytree(RULES_DIR, dst)
    (dst / "countries" / "zz.yaml").write_text(MINIMUM_WAGE_FILE.format(versions=versions), encoding="utf-8")
    return dst


def test_the_minimum_wage_in_force_is_the_one_of_the_day() -> None:
    import datetime as dt

    rs = load_rules()
    assert rs.minimum_wage("QA", dt.date(2021, 3, 19)) is None  # the day before Law 17/2020 applied
    rule, v = rs.minimum_wage("QA", dt.date(2021, 3, 20))  # type: ignore[misc]
    assert (rule.id, v.amount, v.currency, dict(v.allowances)) == (
        "qa.minimum-wage", 1000.0, "QAR", {"food": 300.0, "accommodation": 500.0})
    assert v.source.verified is False  # read in secondary sources only
    assert rs.minimum_wage("SA", dt.date(2024, 1, 1)) is None  # none known: no verdict, not "zero"


def test_minimum_wage_versions_follow_each_other_at_their_boundaries(tmp_path: Path) -> None:
    import datetime as dt

    rs = load_rules(_with_minimum_wage(tmp_path, f"""      - {{from: 2020-01-01, until: 2022-12-31, amount: 100, currency: USD, {SRC}}}
      - {{from: 2023-01-01, amount: 120, currency: USD, allowances: {{food: 10}}, {SRC}}}"""))
    assert rs.minimum_wage("ZZ", dt.date(2019, 12, 31)) is None
    assert rs.minimum_wage("ZZ", dt.date(2022, 12, 31))[1].amount == 100  # type: ignore[index]
    assert rs.minimum_wage("ZZ", dt.date(2023, 1, 1))[1].amount == 120  # type: ignore[index]


@pytest.mark.parametrize(
    "versions, key, problem",
    [
        (f"      - {{from: 2020-01-01, amount: 100, currency: USD, {SRC}}}\n"
         f"      - {{from: 2021-01-01, amount: 120, currency: USD, {SRC}}}",
         "minimum_wages.zz.minimum-wage.versions", "overlapping periods"),
        (f"      - {{from: 2020-01-01, amount: 0, currency: USD, {SRC}}}",
         "minimum_wages.zz.minimum-wage.versions[0].amount", "above 0"),
        (f"      - {{from: 2020-01-01, amount: 100, currency: dollars, {SRC}}}",
         "minimum_wages.zz.minimum-wage.versions[0].currency", "ISO 4217"),
        (f"      - {{from: 2020-01-01, amount: 100, currency: USD, allowances: {{transport: 5}}, {SRC}}}",
         "minimum_wages.zz.minimum-wage.versions[0].allowances.transport", "unknown allowance"),
        ("      - {from: 2020-01-01, amount: 100, currency: USD}",
         "minimum_wages.zz.minimum-wage.versions[0].source", "missing citation"),
        (f"      - {{from: 2020-02-30, amount: 100, currency: USD, {SRC}}}",
         "minimum_wages.zz.minimum-wage.versions[0].from", "bad date"),
    ],
)
def test_a_malformed_minimum_wage_is_refused(tmp_path: Path, versions: str, key: str, problem: str) -> None:
    with pytest.raises(RuleFileError) as err:
        load_rules(_with_minimum_wage(tmp_path, versions))
    assert (err.value.key, err.value.path.endswith("zz.yaml")) == (key, True)
    assert problem in err.value.problem


def test_an_origins_minimum_wage_covers_its_workers_abroad_as_its_applies_to_says() -> None:
    import datetime as dt

    rs = load_rules()

    def ids(origin: str, destination: str, day: dt.date, domestic: bool) -> list[str]:
        return [m.id for m, _v in rs.minimum_wages_for(origin, destination, day, domestic)]

    hsw = "ph.household-service-workers-minimum-wage"
    assert ids("PH", "SA", dt.date(2006, 12, 15), True) == []  # the day before the chosen first day
    assert ids("PH", "SA", dt.date(2006, 12, 16), True) == [hsw]
    assert ids("PH", "SA", dt.date(2024, 1, 1), False) == []  # household workers only
    assert ids("PH", "QA", dt.date(2024, 1, 1), True) == ["qa.minimum-wage", hsw]
    assert ids("NP", "QA", dt.date(2024, 1, 1), True) == ["qa.minimum-wage"]
    assert rs.minimum_wage("PH", dt.date(2024, 1, 1)) is None  # an origin's rule is never a destination's minimum


def test_a_minimum_wage_for_someone_unknown_is_refused(tmp_path: Path) -> None:
    dst = _with_minimum_wage(tmp_path, f"      - {{from: 2020-01-01, amount: 100, currency: USD, {SRC}}}")
    path = dst / "countries" / "zz.yaml"
    path.write_text(path.read_text().replace("    title: Minimum wage\n",
                                             "    title: Minimum wage\n    applies_to: {occupation: driver}\n"))
    with pytest.raises(RuleFileError) as err:
        load_rules(dst)
    assert err.value.key == "minimum_wages.zz.minimum-wage.applies_to.occupation" and "unknown key" in err.value.problem


RULE_FILE = """country: ZZ
name: Testland
role: origin
rules:
  - id: zz.fee-cap
    title: Test cap
    summary: A test rule.
    applies_to: {applies_to}
    versions:
      - from: 2020-01-01
        cap: {cap}
        capped: [recruitment_fee]
        source: {{title: "Test Act", article: "s.1", url: "https://example.org/act", verified: false}}
"""


@pytest.mark.parametrize(
    "applies_to, cap, key, problem",
    [
        ("{destinations: [QA, XQ]}", "{kind: fixed, amount: 100, currency: USD}", "rules.zz.fee-cap.applies_to.destinations",
         "'XQ' is not an ISO 3166 alpha-2 country code"),
        ("{origins: [AA]}", "{kind: fixed, amount: 100, currency: USD}", "rules.zz.fee-cap.applies_to.origins",
         "'AA' is not an ISO 3166 alpha-2 country code"),
        ("{}", "{kind: fixed, amount: 100, currency: XYZ}", "rules.zz.fee-cap.versions[0].cap.currency",
         "'XYZ' is not an ISO 4217 currency code"),
        ("{}", "{kind: wage_multiple, months: 1, max_amount: 500, currency: DOL}",
         "rules.zz.fee-cap.versions[0].cap.currency", "'DOL' is not an ISO 4217 currency code"),
        ("{occupations: ['9111', '9999']}", "{kind: zero}", "rules.zz.fee-cap.applies_to.occupations",
         "'9999' is not an ISCO-08 code"),
    ],
)
def test_a_rule_with_an_unknown_country_currency_or_occupation_is_refused(
        tmp_path: Path, applies_to: str, cap: str, key: str, problem: str) -> None:
    """Codes of the right form that name nothing were loaded and then never matched (a destination) or could not
    be converted (a currency): the file is refused at start instead."""
    dst = tmp_path / "rules"
    shutil.copytree(RULES_DIR, dst)
    (dst / "countries" / "zz.yaml").write_text(RULE_FILE.format(applies_to=applies_to, cap=cap), encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_rules(dst)
    assert err.value.path.endswith("zz.yaml")
    assert (err.value.key, err.value.problem.split(":")[0]) == (key, problem)
    assert str(err.value).startswith(f"zz.yaml: {key}: {problem}")


def test_a_minimum_wage_in_an_unknown_currency_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError) as err:
        load_rules(_with_minimum_wage(tmp_path, f"      - {{from: 2020-01-01, amount: 100, currency: QQQ, {SRC}}}"))
    assert err.value.key == "minimum_wages.zz.minimum-wage.versions[0].currency"
    assert "'QQQ' is not an ISO 4217 currency code" in err.value.problem
