"""Compare the terms a worker was promised with the terms they have now, term by term, and say whether the
contract was substituted (ILO General Principle 8, Dhaka Principle 2, IRIS transparency criteria).

Plain Python: no database. ``selectors.compare_contract`` fills the promised terms from an approved job order when
the worker gives its number, then calls ``compare``.

Each term's verdict is one of ``same``, ``better``, ``worse`` (worse for the worker: a lower wage, longer hours,
fewer days off, a benefit taken away), ``different`` (changed, and neither better nor worse can be said: another
employer or job, another contract length) or ``not_compared`` (one side not given). The contract counts as
substituted when any term is worse or different, or when the worker was made to sign a new contract on arrival.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rapidfuzz import fuzz

from fairrecruit.core import fx
from fairrecruit.registry.names import search_key

# Names this close (rapidfuzz token-set ratio of the transliterated, case-folded words) are the same employer or
# job: the thresholds of the job-offer check (registry.selectors), so both pages agree on what "the same" is.
EMPLOYER_SAME_SCORE = 80.0
OCCUPATION_SAME_SCORE = 70.0
# Wages in two currencies are converted at the reference rate of the contract's day; within this share of the
# promised wage they are "about the same" (rates move, and wages are quoted in round numbers).
CONVERTED_WAGE_TOLERANCE = Decimal("0.02")

TEXT_TERMS = ("employer", "occupation")
# (term, which way is worse for the worker: "more" or "less")
NUMBER_TERMS = (("hours_per_day", "more"), ("rest_days_per_week", "less"), ("annual_leave_days", "less"))
BENEFIT_TERMS = ("food", "accommodation", "return_ticket")
TERMS = ("employer", "occupation", "wage", "hours_per_day", "rest_days_per_week", "annual_leave_days",
         "contract_months", *BENEFIT_TERMS)
RECEIVED = ("before_departure", "after_arrival", "never")


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def as_dict(self) -> dict[str, Any]:
        return {"amount": float(self.amount), "currency": self.currency}


@dataclass
class Terms:
    """One side of the comparison; ``None`` or "" is "not given"."""

    employer: str = ""
    occupation: str = ""
    wage: Money | None = None  # the monthly basic wage
    hours_per_day: Decimal | None = None
    rest_days_per_week: int | None = None
    annual_leave_days: int | None = None
    contract_months: int | None = None
    food: bool | None = None  # food or a food allowance from the employer
    accommodation: bool | None = None  # housing from the employer
    return_ticket: bool | None = None  # the employer pays the ticket home

    def given(self, term: str) -> bool:
        v = getattr(self, term)
        return v is not None and v != ""


@dataclass
class Circumstances:
    """What happened around the contract (all optional)."""

    received: str = ""  # before_departure | after_arrival | never
    language_understood: bool | None = None
    signed_again: bool | None = None  # made to sign a new contract after arrival
    months_worked: int | None = None
    day: dt.date | None = None  # the contract's start, for exchange rates (default: today)


@dataclass
class TermResult:
    term: str
    promised: Any
    actual: Any
    verdict: str  # same | better | worse | different | not_compared
    promised_from: str = "worker"  # worker | job_order

    def as_dict(self) -> dict[str, Any]:
        def plain(v: Any) -> Any:
            if isinstance(v, Money):
                return v.as_dict()
            if isinstance(v, Decimal):
                return int(v) if v == v.to_integral_value() else float(v)
            return v

        return {"term": self.term, "promised": plain(self.promised), "actual": plain(self.actual),
                "verdict": self.verdict, "promised_from": self.promised_from}


@dataclass
class WageGap:
    """How much less the worker is paid than promised, in the promised wage's currency."""

    per_month: Decimal
    currency: str
    months_worked: int | None
    so_far: Decimal | None  # per_month x months worked
    contract_months: int | None
    over_contract: Decimal | None  # per_month x the contract's months
    rate: dict[str, Any] | None = None  # when the actual wage was converted: the rates used

    def as_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        for k in ("per_month", "so_far", "over_contract"):
            d[k] = None if d[k] is None else float(d[k])
        return d


@dataclass
class Comparison:
    verdict: str  # substituted | better_only | same | not_enough
    terms: list[TermResult]
    findings: list[str] = field(default_factory=list)  # contract_substituted | wage_lower_than_promised | ...
    wage_gap: WageGap | None = None
    day: dt.date | None = None

    def term(self, name: str) -> TermResult:
        return next(t for t in self.terms if t.term == name)

    @property
    def compared(self) -> list[TermResult]:
        return [t for t in self.terms if t.verdict != "not_compared"]


def _cents(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def text_verdict(term: str, a: str, b: str) -> str:
    """same or different: two employers' (or jobs') names as people type them."""
    score = fuzz.token_set_ratio(search_key(a), search_key(b))
    same = EMPLOYER_SAME_SCORE if term == "employer" else OCCUPATION_SAME_SCORE
    return "same" if score >= same else "different"


def _number_verdict(worse_when: str, a: Decimal | int, b: Decimal | int) -> str:
    if a == b:
        return "same"
    more = b > a
    return "worse" if more == (worse_when == "more") else "better"


def _wage(promised: Money, actual: Money, day: dt.date) -> tuple[str, Decimal | None, dict[str, Any] | None]:
    """(verdict, the actual wage in the promised currency, the rates used when converted)."""
    if promised.currency == actual.currency:
        got = actual.amount
        if got == promised.amount:
            return "same", got, None
        return ("worse" if got < promised.amount else "better"), got, None
    a, b = fx.usd_rate(actual.currency, day), fx.usd_rate(promised.currency, day)
    if a is None or b is None:
        return "not_compared", None, None
    got = _cents(actual.amount / Decimal(str(a.per_usd)) * Decimal(str(b.per_usd)))
    rates = {"day": day.isoformat(), "rates": [a.as_dict(), b.as_dict()]}
    if abs(got - promised.amount) <= promised.amount * CONVERTED_WAGE_TOLERANCE:
        return "same", got, rates
    return ("worse" if got < promised.amount else "better"), got, rates


def compare(promised: Terms, actual: Terms, circumstances: Circumstances | None = None,
            promised_from: dict[str, str] | None = None) -> Comparison:
    """Term by term; ``promised_from`` names the terms taken from an approved job order."""
    c = circumstances or Circumstances()
    day = c.day or dt.date.today()
    src = promised_from or {}
    results: list[TermResult] = []
    gap: WageGap | None = None
    for term in TERMS:
        p, a = getattr(promised, term), getattr(actual, term)
        if not (promised.given(term) and actual.given(term)):
            verdict = "not_compared"
        elif term in TEXT_TERMS:
            verdict = text_verdict(term, p, a)
        elif term == "wage":
            verdict, got, rates = _wage(p, a, day)
            if verdict == "worse" and got is not None:
                per_month = _cents(p.amount - got)
                months = actual.contract_months or promised.contract_months
                gap = WageGap(
                    per_month=per_month, currency=p.currency, months_worked=c.months_worked,
                    so_far=None if c.months_worked is None else per_month * c.months_worked,
                    contract_months=months, over_contract=None if months is None else per_month * months,
                    rate=rates,
                )
        elif term == "contract_months":
            verdict = "same" if p == a else "different"
        elif term in BENEFIT_TERMS:
            verdict = "same" if p == a else ("worse" if p else "better")
        else:
            verdict = _number_verdict(dict(NUMBER_TERMS)[term], p, a)
        results.append(TermResult(term, p, a, verdict, src.get(term, "worker")))

    verdicts = {t.verdict for t in results}
    findings: list[str] = []
    if verdicts & {"worse", "different"} or c.signed_again:
        findings.append("contract_substituted")
    if gap is not None:
        findings.append("wage_lower_than_promised")
    if c.received in ("after_arrival", "never"):
        findings.append("contract_not_before_departure")
    if c.language_understood is False:
        findings.append("contract_language")
    if "contract_substituted" in findings:
        verdict = "substituted"
    elif verdicts <= {"not_compared"}:
        verdict = "not_enough"
    elif "better" in verdicts:
        verdict = "better_only"
    else:
        verdict = "same"
    return Comparison(verdict=verdict, terms=results, findings=findings, wage_gap=gap, day=day)
