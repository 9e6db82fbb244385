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
WORKPLACE_SAME_SCORE = 80.0  # a city or site: "Al Wakrah" and "Al-Wakra" are one place, "Doha" and "Dukhan" two
# Wages in two currencies are converted at the reference rate of the contract's day; within this share of the
# promised wage they are "about the same" (rates move, and wages are quoted in round numbers).
CONVERTED_WAGE_TOLERANCE = Decimal("0.02")

TEXT_TERMS = ("employer", "occupation", "workplace")
# (term, which way is worse for the worker: "more" or "less")
NUMBER_TERMS = (("hours_per_day", "more"), ("overtime_percent", "less"), ("rest_days_per_week", "less"),
                ("annual_leave_days", "less"))
BENEFIT_TERMS = ("food", "accommodation", "return_ticket")
TERMS = ("employer", "occupation", "workplace", "wage", "deductions", "hours_per_day", "overtime_percent",
         "rest_days_per_week", "annual_leave_days", "contract_months", *BENEFIT_TERMS)
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
    workplace: str = ""  # the city or site of work ("Doha", "a farm near Dukhan")
    wage: Money | None = None  # the monthly basic wage
    deductions: Money | None = None  # taken from the wage each month (food, housing, a loan, "fees"); 0 is none
    hours_per_day: Decimal | None = None
    overtime_percent: Decimal | None = None  # an overtime hour is paid this % of a normal hour (125, 150)
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
    extra_deductions: Decimal | None = None  # the part of per_month that is deducted beyond what was promised

    def as_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        for k in ("per_month", "so_far", "over_contract", "extra_deductions"):
            d[k] = None if d[k] is None else float(d[k])
        return d


@dataclass(frozen=True)
class Minimum:
    """A legal minimum monthly wage in force (``standards`` rule files, ``minimum_wages``)."""

    rule_id: str
    wage: Money
    allowances: tuple[tuple[str, Decimal], ...] = ()  # (benefit term, monthly amount) owed unless given in kind
    start: dt.date | None = None
    until: dt.date | None = None
    source: Any = None  # standards.loader.Source
    title: str = ""
    summary: str = ""  # in the reader's language where written, else English
    summary_lang: str = "en"
    country: str = ""  # whose rule: the destination's, or the worker's country's for its workers abroad

    def as_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "country": self.country, "title": self.title, "amount": float(self.wage.amount),
                "currency": self.wage.currency,
                "allowances": [{"benefit": b, "amount": float(a)} for b, a in self.allowances],
                "from": self.start.isoformat() if self.start else None,
                "until": self.until.isoformat() if self.until else None,
                "source": self.source.as_dict() if self.source is not None else None}


@dataclass
class MinimumCheck:
    """The wage the worker has now against the legal minimum."""

    minimum: Minimum
    verdict: str  # below | not_below | not_compared (no wage given now, or no exchange rate)
    wage: Decimal | None = None  # the wage now, in the minimum's currency
    shortfall: Decimal | None = None  # a month, when below
    rate: dict[str, Any] | None = None
    # Allowances owed on top of the basic wage because the benefit is not given in kind (the worker said "no")
    allowances_due: list[tuple[str, Decimal]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"minimum": self.minimum.as_dict(), "verdict": self.verdict,
                "wage": None if self.wage is None else float(self.wage),
                "shortfall": None if self.shortfall is None else float(self.shortfall), "rate": self.rate,
                "allowances_due": [{"benefit": b, "amount": float(a), "currency": self.minimum.wage.currency}
                                   for b, a in self.allowances_due]}


def check_minimum(actual: Terms, minimum: Minimum, day: dt.date) -> MinimumCheck:
    """The basic wage now against ``minimum`` (converted at the reference rates of ``day`` when the currencies
    differ; never guessed without a rate). Allowances are listed as due where the worker said the benefit is not
    given."""
    due = [(b, a) for b, a in minimum.allowances if getattr(actual, b) is False]
    check = MinimumCheck(minimum, "not_compared", allowances_due=due)
    if actual.wage is None:
        return check
    got, rates = _converted(actual.wage, minimum.wage.currency, day)
    if got is None:
        return check
    check.wage, check.rate = got, rates
    # A converted wage gets the tolerance of two wages compared (rates move; wages are quoted in round numbers)
    floor = minimum.wage.amount * (1 - CONVERTED_WAGE_TOLERANCE) if rates else minimum.wage.amount
    if got < floor:
        check.verdict, check.shortfall = "below", _cents(minimum.wage.amount - got)
    else:
        check.verdict = "not_below"
    return check


@dataclass
class Comparison:
    verdict: str  # substituted | better_only | same | not_enough
    terms: list[TermResult]
    findings: list[str] = field(default_factory=list)  # contract_substituted | wage_lower_than_promised | ...
    wage_gap: WageGap | None = None
    day: dt.date | None = None
    minimums: list[MinimumCheck] = field(default_factory=list)  # one per legal minimum wage that covers the worker

    def term(self, name: str) -> TermResult:
        return next(t for t in self.terms if t.term == name)

    @property
    def compared(self) -> list[TermResult]:
        return [t for t in self.terms if t.verdict != "not_compared"]


def _cents(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def text_verdict(term: str, a: str, b: str) -> str:
    """same or different: two employers' (or jobs', or places') names as people type them."""
    score = fuzz.token_set_ratio(search_key(a), search_key(b))
    same = {"employer": EMPLOYER_SAME_SCORE, "workplace": WORKPLACE_SAME_SCORE}.get(term, OCCUPATION_SAME_SCORE)
    return "same" if score >= same else "different"


def _number_verdict(worse_when: str, a: Decimal | int, b: Decimal | int) -> str:
    if a == b:
        return "same"
    more = b > a
    return "worse" if more == (worse_when == "more") else "better"


def _money(promised: Money, actual: Money, day: dt.date,
           worse_when: str = "less") -> tuple[str, Decimal | None, dict[str, Any] | None]:
    """(verdict, the actual amount in the promised currency, the rates used when converted). A wage is worse when
    ``less``, deductions when ``more``."""
    got, rates = _converted(actual, promised.currency, day)
    if got is None:
        return "not_compared", None, None
    if got == promised.amount or (rates and abs(got - promised.amount) <= promised.amount * CONVERTED_WAGE_TOLERANCE):
        return "same", got, rates
    return ("worse" if (got < promised.amount) == (worse_when == "less") else "better"), got, rates


def _converted(m: Money, currency: str, day: dt.date) -> tuple[Decimal | None, dict[str, Any] | None]:
    """``m`` in ``currency`` at the reference rates of ``day``, with the rates (None when no rate is known)."""
    if m.currency == currency:
        return m.amount, None
    a, b = fx.usd_rate(m.currency, day), fx.usd_rate(currency, day)
    if a is None or b is None:
        return None, None
    return (_cents(m.amount / Decimal(str(a.per_usd)) * Decimal(str(b.per_usd))),
            {"day": day.isoformat(), "rates": [a.as_dict(), b.as_dict()]})


def compare(promised: Terms, actual: Terms, circumstances: Circumstances | None = None,
            promised_from: dict[str, str] | None = None, minimums: list[Minimum] | None = None) -> Comparison:
    """Term by term; ``promised_from`` names the terms taken from an approved job order; ``minimums``, the legal
    minimum wages that cover the worker on the day (the destination's; the origin's for its workers abroad)."""
    c = circumstances or Circumstances()
    day = c.day or dt.date.today()
    src = promised_from or {}
    results: list[TermResult] = []
    # How much worse for the worker each money term is (negative: better): amount, promised currency, rates used
    worse_by: dict[str, tuple[Decimal, str, dict[str, Any] | None]] = {}
    for term in TERMS:
        p, a = getattr(promised, term), getattr(actual, term)
        if not (promised.given(term) and actual.given(term)):
            verdict = "not_compared"
        elif term in TEXT_TERMS:
            verdict = text_verdict(term, p, a)
        elif term in ("wage", "deductions"):
            verdict, got, rates = _money(p, a, day, "less" if term == "wage" else "more")
            if got is not None:
                diff = Decimal(0) if verdict == "same" else _cents(p.amount - got if term == "wage" else got - p.amount)
                worse_by[term] = (diff, p.currency, rates)
        elif term == "contract_months":
            verdict = "same" if p == a else "different"
        elif term in BENEFIT_TERMS:
            verdict = "same" if p == a else ("worse" if p else "better")
        else:
            verdict = _number_verdict(dict(NUMBER_TERMS)[term], p, a)
        results.append(TermResult(term, p, a, verdict, src.get(term, "worker")))

    gap = _gap(worse_by.get("wage"), worse_by.get("deductions"), c, promised, actual, day)
    verdicts = {t.verdict for t in results}
    money = {t.term: t.verdict for t in results if t.term in ("wage", "deductions")}
    findings: list[str] = []
    if verdicts & {"worse", "different"} or c.signed_again:
        findings.append("contract_substituted")
    if money["wage"] == "worse":
        findings.append("wage_lower_than_promised")
    if money["deductions"] == "worse":
        findings.append("deductions_higher_than_promised")
    if c.received in ("after_arrival", "never"):
        findings.append("contract_not_before_departure")
    if c.language_understood is False:
        findings.append("contract_language")
    checks = [check_minimum(actual, m, day) for m in minimums or []]
    if any(m.verdict == "below" for m in checks):
        findings.append("wage_below_minimum")
    if "contract_substituted" in findings:
        verdict = "substituted"
    elif verdicts <= {"not_compared"}:
        verdict = "not_enough"
    elif "better" in verdicts:
        verdict = "better_only"
    else:
        verdict = "same"
    return Comparison(verdict=verdict, terms=results, findings=findings, wage_gap=gap, day=day, minimums=checks)


def _gap(wage: tuple[Decimal, str, dict[str, Any] | None] | None,
         deductions: tuple[Decimal, str, dict[str, Any] | None] | None, c: Circumstances, promised: Terms,
         actual: Terms, day: dt.date) -> WageGap | None:
    """What the worker gets a month less than promised, net: the wage below the promised one plus what is deducted
    beyond the promised deductions (each negative when better), in the promised wage's currency. Deductions promised
    in another currency are converted; without a rate they are left out rather than guessed. None unless the worker
    gets less. ``extra_deductions`` is the part of it that deductions explain."""
    first = wage or deductions
    if first is None:
        return None
    currency, rates = first[1], first[2]
    per_month, extra = wage[0] if wage else Decimal(0), None
    if deductions is not None:
        more, converted_at = _converted(Money(deductions[0], deductions[1]), currency, day)
        if more is not None:
            per_month += more
            rates = rates or deductions[2] or converted_at
            extra = more if more > 0 else None
    if per_month <= 0:
        return None
    months = actual.contract_months or promised.contract_months
    return WageGap(per_month=per_month, currency=currency, months_worked=c.months_worked,
                   so_far=None if c.months_worked is None else per_month * c.months_worked,
                   contract_months=months, over_contract=None if months is None else per_month * months,
                   rate=rates, extra_deductions=None if extra is None else min(extra, per_month))
