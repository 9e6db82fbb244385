"""The comparison itself (plain Python, no database): each kind of term, wages in two currencies at real
reference rates, the wage gap, and the overall verdict."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from fairrecruit.contracts.compare import Circumstances, Minimum, Money, Terms, compare
from fairrecruit.core import fx

DAY = dt.date(2025, 3, 3)


def verdicts(result):
    return {t.term: t.verdict for t in result.terms}


def test_each_kind_of_term_is_judged_in_the_workers_favour_or_against_it():
    promised = Terms(hours_per_day=Decimal(8), rest_days_per_week=1, annual_leave_days=30, food=True,
                     accommodation=False, return_ticket=True, contract_months=24)
    actual = Terms(hours_per_day=Decimal(10), rest_days_per_week=2, annual_leave_days=21, food=False,
                   accommodation=True, return_ticket=True, contract_months=36)
    v = verdicts(compare(promised, actual, Circumstances(day=DAY)))
    assert v["hours_per_day"] == "worse"  # longer days
    assert v["rest_days_per_week"] == "better"  # more days off
    assert v["annual_leave_days"] == "worse"
    assert v["food"] == "worse"  # a benefit taken away
    assert v["accommodation"] == "better"
    assert v["return_ticket"] == "same"
    assert v["contract_months"] == "different"  # longer binds longer, but pays longer: not judged
    assert v["wage"] == v["employer"] == v["occupation"] == "not_compared"


def test_names_are_compared_as_people_type_them():
    same = compare(Terms(employer="Al Noor Facilities Management W.L.L.", occupation="Cleaner"),
                   Terms(employer="AL-NOOR facilities management", occupation="cleaner"))
    assert verdicts(same)["employer"] == verdicts(same)["occupation"] == "same"
    assert same.verdict == "same"
    other = compare(Terms(employer="Al Noor Facilities Management", occupation="Cleaner"),
                    Terms(employer="Gulf Poultry Farms", occupation="Poultry farm labourer"))
    assert verdicts(other)["employer"] == verdicts(other)["occupation"] == "different"
    assert other.verdict == "substituted"


def test_lower_wage_gives_the_gap_per_month_so_far_and_over_the_contract():
    r = compare(Terms(wage=Money(Decimal("1400"), "QAR"), contract_months=24),
                Terms(wage=Money(Decimal("1000.50"), "QAR")), Circumstances(months_worked=4, day=DAY))
    assert r.verdict == "substituted"
    assert r.findings == ["contract_substituted", "wage_lower_than_promised"]
    g = r.wage_gap
    assert g is not None
    assert (g.per_month, g.currency, g.so_far, g.over_contract) == (
        Decimal("399.50"), "QAR", Decimal("1598.00"), Decimal("9588.00"))
    assert g.rate is None  # nothing converted


def test_deductions_beyond_the_promised_ones_add_to_the_gap():
    # promised 1400 with nothing deducted; now 1300, of which 250 a month is taken for housing and "fees"
    r = compare(Terms(wage=Money(Decimal("1400"), "QAR"), deductions=Money(Decimal(0), "QAR"), contract_months=24),
                Terms(wage=Money(Decimal("1300"), "QAR"), deductions=Money(Decimal(250), "QAR")),
                Circumstances(months_worked=2, day=DAY))
    assert verdicts(r)["deductions"] == "worse" and r.verdict == "substituted"
    assert r.findings == ["contract_substituted", "wage_lower_than_promised", "deductions_higher_than_promised"]
    g = r.wage_gap
    assert g is not None
    assert (g.per_month, g.extra_deductions, g.so_far, g.over_contract) == (
        Decimal(350), Decimal(250), Decimal(700), Decimal(8400))
    # the promised wage paid in full, but more deducted than promised: the gap is the deductions alone
    r = compare(Terms(wage=Money(Decimal("1400"), "QAR"), deductions=Money(Decimal(100), "QAR")),
                Terms(wage=Money(Decimal("1400"), "QAR"), deductions=Money(Decimal(300), "QAR")))
    assert r.findings == ["contract_substituted", "deductions_higher_than_promised"]
    assert r.wage_gap is not None and (r.wage_gap.per_month, r.wage_gap.extra_deductions) == (200, 200)
    # fewer deductions than promised: better, no gap
    r = compare(Terms(deductions=Money(Decimal(300), "QAR")), Terms(deductions=Money(Decimal(100), "QAR")))
    assert verdicts(r)["deductions"] == "better" and r.wage_gap is None and r.verdict == "better_only"


def test_the_gap_is_net_of_a_better_wage_or_lower_deductions():
    # a wage 100 higher, but 300 more deducted: 200 a month less, all of it deductions
    r = compare(Terms(wage=Money(Decimal(1400), "QAR"), deductions=Money(Decimal(0), "QAR")),
                Terms(wage=Money(Decimal(1500), "QAR"), deductions=Money(Decimal(300), "QAR")))
    assert r.findings == ["contract_substituted", "deductions_higher_than_promised"]
    assert r.wage_gap is not None and (r.wage_gap.per_month, r.wage_gap.extra_deductions) == (200, 200)
    # a wage 100 lower, but 50 less deducted: 50 a month less, none of it deductions
    r = compare(Terms(wage=Money(Decimal(1400), "QAR"), deductions=Money(Decimal(100), "QAR")),
                Terms(wage=Money(Decimal(1300), "QAR"), deductions=Money(Decimal(50), "QAR")))
    assert r.findings == ["contract_substituted", "wage_lower_than_promised"]
    assert r.wage_gap is not None and (r.wage_gap.per_month, r.wage_gap.extra_deductions) == (50, None)
    # more deducted, but a wage raised by more: the term is still worse (a change), but nothing is owed
    r = compare(Terms(wage=Money(Decimal(1400), "QAR"), deductions=Money(Decimal(0), "QAR")),
                Terms(wage=Money(Decimal(1800), "QAR"), deductions=Money(Decimal(300), "QAR")))
    assert verdicts(r)["deductions"] == "worse" and r.wage_gap is None


def test_deductions_in_another_currency_are_converted_into_the_promised_wage_currency():
    qar = fx.usd_rate("QAR", DAY)
    assert qar is not None
    deducted_qar = Money((Decimal(50) * Decimal(str(qar.per_usd))).quantize(Decimal("0.01")), "QAR")  # 50 USD
    r = compare(Terms(wage=Money(Decimal(400), "USD"), deductions=Money(Decimal(0), "USD")),
                Terms(wage=Money(Decimal(400), "USD"), deductions=deducted_qar), Circumstances(day=DAY))
    g = r.wage_gap
    assert g is not None and g.currency == "USD" and abs(g.per_month - 50) <= Decimal("0.02")
    assert g.rate is not None and {x["currency"] for x in g.rate["rates"]} == {"QAR", "USD"}


def test_wages_in_two_currencies_are_converted_at_the_reference_rate_of_the_day():
    qar, usd = fx.usd_rate("QAR", DAY), fx.usd_rate("USD", DAY)
    assert qar is not None and usd is not None
    promised_usd = Decimal("400")
    # paid the promised wage in QAR at the day's rate: about the same
    paid = Money((promised_usd * Decimal(str(qar.per_usd))).quantize(Decimal("0.01")), "QAR")
    r = compare(Terms(wage=Money(promised_usd, "USD")), Terms(wage=paid), Circumstances(day=DAY))
    assert verdicts(r)["wage"] == "same" and r.wage_gap is None
    # a quarter less: worse, and the gap is in the promised currency, with the rates recorded
    paid = Money((paid.amount * Decimal("0.75")).quantize(Decimal("0.01")), "QAR")
    r = compare(Terms(wage=Money(promised_usd, "USD")), Terms(wage=paid), Circumstances(day=DAY))
    assert verdicts(r)["wage"] == "worse"
    g = r.wage_gap
    assert g is not None and g.rate is not None
    assert g.currency == "USD"
    assert abs(g.per_month - Decimal(100)) <= Decimal("0.02")
    assert {x["currency"] for x in g.rate["rates"]} == {"QAR", "USD"}


def test_unknown_currency_rate_is_not_compared_rather_than_guessed():
    r = compare(Terms(wage=Money(Decimal(100), "USD")), Terms(wage=Money(Decimal(100), "XAU")),
                Circumstances(day=DAY))
    assert verdicts(r)["wage"] == "not_compared"
    assert r.verdict == "not_enough"


def test_circumstances_alone_are_findings():
    r = compare(Terms(), Terms(), Circumstances(received="after_arrival", language_understood=False))
    assert r.verdict == "not_enough"  # nothing compared, and no new contract signed
    assert r.findings == ["contract_not_before_departure", "contract_language"]
    r = compare(Terms(), Terms(), Circumstances(signed_again=True))
    assert r.verdict == "substituted" and r.findings == ["contract_substituted"]


def test_better_terms_only_are_not_substitution():
    r = compare(Terms(wage=Money(Decimal(1000), "QAR"), hours_per_day=Decimal(9)),
                Terms(wage=Money(Decimal(1100), "QAR"), hours_per_day=Decimal(8)))
    assert r.verdict == "better_only" and r.findings == [] and r.wage_gap is None


numbers = st.integers(min_value=0, max_value=30)


@given(a=numbers, b=numbers, c=numbers, d=numbers, w1=st.integers(1, 10**6), w2=st.integers(1, 10**6))
def test_swapping_sides_swaps_worse_and_better(a, b, c, d, w1, w2):
    p = Terms(hours_per_day=Decimal(a + 1), rest_days_per_week=min(b, 7), wage=Money(Decimal(w1), "NPR"))
    q = Terms(hours_per_day=Decimal(c + 1), rest_days_per_week=min(d, 7), wage=Money(Decimal(w2), "NPR"))
    there, back = verdicts(compare(p, q, Circumstances(day=DAY))), verdicts(compare(q, p, Circumstances(day=DAY)))
    swap = {"worse": "better", "better": "worse"}
    for term, v in there.items():
        assert back[term] == swap.get(v, v)
    # the gap exists exactly when the wage is worse, and is the difference
    r = compare(p, q, Circumstances(day=DAY))
    assert (r.wage_gap is not None) == (w2 < w1)
    if r.wage_gap:
        assert r.wage_gap.per_month == w1 - w2


# ------------------------------------------------------------------------------------------ the legal minimum wage
QA_MINIMUM = Minimum(rule_id="qa.minimum-wage", wage=Money(Decimal("1000"), "QAR"),
                     allowances=(("accommodation", Decimal("500")), ("food", Decimal("300"))))


def test_a_wage_below_the_minimum_is_a_finding_with_the_shortfall_even_when_it_is_the_promised_one():
    promised = Terms(wage=Money(Decimal("900"), "QAR"))
    r = compare(promised, Terms(wage=Money(Decimal("900"), "QAR"), food=False, accommodation=True),
                Circumstances(day=DAY), minimums=[QA_MINIMUM])
    assert r.verdict == "same"  # not substituted: the promise itself was unlawful
    assert r.findings == ["wage_below_minimum"]
    assert r.minimums
    assert (r.minimums[0].verdict, r.minimums[0].wage, r.minimums[0].shortfall) == ("below", Decimal("900"), Decimal("100.00"))
    assert r.minimums[0].allowances_due == [("food", Decimal("300"))]  # housing is given, food is not


def test_a_wage_at_the_minimum_is_not_below_it_and_unknown_benefits_owe_no_allowance():
    r = compare(Terms(), Terms(wage=Money(Decimal("1000"), "QAR")), Circumstances(day=DAY), minimums=[QA_MINIMUM])
    assert r.minimums and r.minimums[0].verdict == "not_below" and r.minimums[0].shortfall is None
    assert "wage_below_minimum" not in r.findings
    assert r.minimums[0].allowances_due == []  # the worker did not say: nothing claimed


def test_a_wage_in_another_currency_is_converted_at_the_reference_rate_and_never_guessed():
    usd = fx.usd_rate("QAR", DAY)
    assert usd is not None
    below = Money((Decimal("1000") / Decimal(str(usd.per_usd)) * Decimal("0.9")).quantize(Decimal("0.01")), "USD")
    r = compare(Terms(), Terms(wage=below), Circumstances(day=DAY), minimums=[QA_MINIMUM])
    assert r.minimums and r.minimums[0].verdict == "below" and r.minimums[0].rate is not None
    assert r.minimums[0].shortfall is not None and Decimal("95") < r.minimums[0].shortfall < Decimal("105")  # 10 % of 1,000
    unknown = compare(Terms(), Terms(wage=Money(Decimal("5"), "XTS")), Circumstances(day=DAY), minimums=[QA_MINIMUM])
    assert unknown.minimums and unknown.minimums[0].verdict == "not_compared"
    assert "wage_below_minimum" not in unknown.findings


def test_another_place_of_work_is_substitution_and_less_overtime_pay_is_worse():
    r = compare(Terms(workplace="Doha", overtime_percent=Decimal(150)),
                Terms(workplace="a farm near Dukhan", overtime_percent=Decimal(100)), Circumstances(day=DAY))
    v = verdicts(r)
    assert (v["workplace"], v["overtime_percent"]) == ("different", "worse")
    assert r.verdict == "substituted"
    same = compare(Terms(workplace="Al Wakrah", overtime_percent=Decimal(125)),
                   Terms(workplace="AL-WAKRAH", overtime_percent=Decimal(150)), Circumstances(day=DAY))
    assert (verdicts(same)["workplace"], verdicts(same)["overtime_percent"]) == ("same", "better")
    assert same.verdict == "better_only"
