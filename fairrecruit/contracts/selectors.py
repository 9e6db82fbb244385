"""Compare a contract: the approved job order (when the worker gives its number) fills the promised terms the
worker left blank, then ``compare.compare`` judges each term. Nothing is stored."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from fairrecruit.contracts.compare import (
    Comparison,
    Minimum,
    MinimumCheck,
    Money,
    Terms,
    check_minimum,
    compare,
    text_verdict,
)
from fairrecruit.contracts.forms import ContractForm
from fairrecruit.core.countries import country_name
from fairrecruit.core.money import money
from fairrecruit.registry.models import JobOrder
from fairrecruit.registry.selectors import job_order_view, job_orders_find, today
from fairrecruit.standards.engine import principles_for
from fairrecruit.standards.loader import MinimumWage, MinimumWageVersion, get_rules
from fairrecruit.standards.templatetags.fees import FINDINGS

# What each finding breaks: the topic of the principles the engine cites for it (standards/rules/standards/).
FINDING_TOPICS = {
    "contract_substituted": "contract",
    "wage_lower_than_promised": "wages",
    "deductions_higher_than_promised": "wages",
    "contract_not_before_departure": "contract",
    "contract_language": "contract",
    "wage_below_minimum": "wages",
}

FINDING_TEXT: dict[str, Any] = {
    "contract_substituted": FINDINGS["contract_substituted"],
    "wage_lower_than_promised": FINDINGS["wage_lower_than_promised"],
    "deductions_higher_than_promised": gettext_lazy(
        "More is taken from your wage each month than you were told it would be."),
    "contract_not_before_departure": gettext_lazy(
        "You did not get your contract before you left your country: a worker should have it in writing, in "
        "time to read it, before departure."),
    "contract_language": gettext_lazy("Your contract is not in a language you understand."),
    "wage_below_minimum": gettext_lazy("Your wage is below the legal minimum wage of the country where you work."),
}


@dataclass
class ContractCheck:
    comparison: Comparison
    job_order: JobOrder | None = None
    job_order_state: str = ""
    job_order_notes: list[str] = field(default_factory=list)
    principles: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # finding -> principles

    @property
    def findings(self) -> list[dict[str, Any]]:
        """Each finding with its words (in the reader's language) and the principles it breaks."""
        return [{"type": f, "text": str(FINDING_TEXT[f]), "principles": self.principles[f]}
                for f in self.comparison.findings]


def minimum_wages(origin: str, destination: str, day: dt.date, domestic_work: bool) -> list[Minimum]:
    """Every legal minimum wage that covers the worker on ``day``: the destination's own, and the origin's for its
    workers abroad (the Philippines' household service workers); with no origin, the destination's only."""
    if not destination:
        return []
    return [_minimum(rule, v) for rule, v in get_rules().minimum_wages_for(origin, destination, day, domestic_work)]


def wages_below_minimum(origin: str, destination: str, day: dt.date, domestic_work: bool,
                        wages: list[tuple[str, Money]]) -> list[tuple[str, Money, MinimumCheck]]:
    """Each of ``wages`` (a name for whose wage it is: promised, received, offered, approved; and the wage) that is
    below a legal minimum wage covering the worker on ``day`` (``minimum_wages``), with the check: converted at the
    reference rate of that day, with its tolerance; never judged without a rate."""
    out = []
    for minimum in minimum_wages(origin, destination, day, domestic_work):
        for which, wage in wages:
            check = check_minimum(Terms(wage=wage), minimum, day)
            if check.verdict == "below":
                out.append((which, wage, check))
    return out


def below_minimum_text(which: str, wage: Money, minimum: Minimum, destination: str) -> str:
    """The sentence a worker reads for a wage below ``minimum``, in the active language: the worker's own country's
    rule for its workers abroad, or the destination's law for the wage promised, offered, received or approved."""
    shown, floor = money(wage.amount, wage.currency), money(minimum.wage.amount, minimum.wage.currency)
    if minimum.country != destination:
        return _("The wage (%(w)s) is below the minimum wage your country sets for its workers abroad in this "
                 "work, %(m)s a month: %(rule)s.") % {"w": shown, "m": floor, "rule": minimum.title}
    values = {"w": shown, "c": country_name(destination), "m": floor}
    if which == "promised":
        return _("The wage you were promised (%(w)s) is below the legal minimum wage in %(c)s, %(m)s a month: "
                 "an employer may not pay less.") % values
    if which == "offered":
        return _("The wage you were offered (%(o)s) is below the legal minimum wage in %(c)s, %(m)s a month: an "
                 "employer may not pay less.") % {"o": shown, "c": values["c"], "m": floor}
    if which == "approved":
        return _("The approved wage of this job order (%(a)s) is below the legal minimum wage in %(c)s, %(m)s a "
                 "month.") % {"a": shown, "c": values["c"], "m": floor}
    return _("The wage you were paid (%(w)s) is below the legal minimum wage in %(c)s, %(m)s a month: the "
             "employer owes you the difference.") % values


def _minimum(rule: MinimumWage, v: MinimumWageVersion) -> Minimum:
    lang = get_language() or "en"
    summary, summary_lang = rule.summary_in(lang)
    return Minimum(rule_id=rule.id, wage=Money(Decimal(str(v.amount)), v.currency),
                   allowances=tuple((b, Decimal(str(a))) for b, a in v.allowances), start=v.start,
                   until=v.until, source=v.source, title=rule.title_in(lang)[0], summary=summary,
                   summary_lang=summary_lang, country=rule.country)


class JobOrderNotFound(LookupError):
    pass


def _fill_from_job_order(promised: Terms, jo: JobOrder) -> tuple[dict[str, str], list[str]]:
    """Fill the blanks of ``promised`` from the approved job order; say where the worker's words differ from it."""
    src: dict[str, str] = {}
    notes: list[str] = []
    if not promised.employer:
        promised.employer, src["employer"] = jo.employer.name, "job_order"
    elif text_verdict("employer", jo.employer.name, promised.employer) != "same":
        notes.append(_("The approved job order names %(name)s as the employer, not the employer you were told.")
                     % {"name": jo.employer.name})
    if not promised.occupation:
        promised.occupation, src["occupation"] = jo.occupation, "job_order"
    approved = Money(jo.wage_amount, jo.wage_currency)
    if promised.wage is None:
        promised.wage, src["wage"] = approved, "job_order"
    elif promised.wage.currency == approved.currency and promised.wage.amount < approved.amount:
        notes.append(_("The approved job order's wage, %(a)s, is higher than the wage you were told, %(p)s: you "
                       "should be paid at least the approved wage.")
                     % {"a": money(approved.amount, approved.currency, cents=True),
                        "p": money(promised.wage.amount, promised.wage.currency, cents=True)})
    return src, notes


def compare_contract(form: ContractForm, day: dt.date | None = None) -> ContractCheck:
    """``form`` is valid. Raises ``JobOrderNotFound`` when a job order number matches no approved job order."""
    promised, actual = form.terms("promised"), form.terms("actual")
    circumstances = form.circumstances()
    circumstances.day = circumstances.day or day or today()
    d = form.cleaned_data
    number = d.get("job_order_number", "")
    destination = d.get("destination", "")
    jo: JobOrder | None = None
    src: dict[str, str] = {}
    notes: list[str] = []
    if number:
        found = job_orders_find(number=number, limit=2)
        if not found:
            raise JobOrderNotFound(number)
        jo = found[0]
        src, notes = _fill_from_job_order(promised, jo)
        if destination and destination != jo.destination:
            notes.append(_("This job order is for a job in %(a)s, not %(b)s.") % {"a": jo.destination,
                                                                                 "b": destination})
        destination = destination or jo.destination
    result = compare(promised, actual, circumstances, promised_from=src,
                     minimums=minimum_wages(d.get("origin", ""), destination, circumstances.day,
                                            d.get("domestic_work") == "yes"))
    return ContractCheck(
        comparison=result,
        job_order=jo,
        job_order_state=job_order_view(jo, circumstances.day)["state"] if jo else "",
        job_order_notes=notes,
        principles={f: principles_for(FINDING_TOPICS[f]) for f in result.findings},
    )
