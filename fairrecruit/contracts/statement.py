"""The contract comparison as a PDF statement, in the worker's language.

The same answer as "Compare my contract", on paper, for a union, a migrant workers' centre, the labour office or
the employer: each term as promised and as it is now with its verdict, whether this is contract substitution, the
wage lost a month, so far and over the contract, the legal minimum wages that cover the worker with their
sources, the job order found, and what else went wrong with the principles it breaks. Made from
``selectors.compare_contract`` and stored nowhere; the words are the page's (the same catalogue entries, without
their HTML).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from fairrecruit.contracts.forms import TERM_LABELS
from fairrecruit.contracts.selectors import ContractCheck
from fairrecruit.contracts.templatetags.contracts import term_value, term_verdict
from fairrecruit.core import pdf_fonts
from fairrecruit.core.money import money
from fairrecruit.standards.statement import begin, end, principle_label, rate_lines

FILENAME = "fairrecruit-contract-statement.pdf"

_HEADINGS = {
    "substituted": gettext_noop("Your contract was changed: this is contract substitution"),
    "better_only": gettext_noop("Nothing is worse than you were promised"),
    "same": gettext_noop("Your terms are the ones you were promised"),
    "not_enough": gettext_noop("We could not compare the terms"),
}


def statement_pdf(check: ContractCheck, *, today: dt.date, complain: str | None = None) -> bytes:
    """The statement of ``check`` in the active language (the one it was compared in); with ``complain`` (the
    complaint page's full address), how to complain about a changed contract or a wage too low."""
    c = check.comparison
    pdf = begin(_(_HEADINGS[c.verdict]), _("FairRecruit contract comparison, page %(page)s"), today)
    if c.verdict == "substituted":
        pdf.para(
            _(
                "Changing the terms you agreed to before you left, without your free agreement, is not allowed "
                "under the fair recruitment principles. You can complain and ask for what you were promised."
            ),
            size=10,
        )
    if c.compared:
        pdf.ln(2)
        pdf.grid(
            [_("Term"), _("As promised"), _("Now"), ""],
            [
                [
                    str(TERM_LABELS.get(t.term, t.term)),
                    term_value(t.promised) + (f" ({_('job order')})" if t.promised_from == "job_order" else ""),
                    term_value(t.actual),
                    term_verdict(t.verdict),
                ]
                for t in c.compared
            ],
            (52, 52, 52, 34),
        )
    _wage_gap(pdf, c.wage_gap)
    for m in c.minimums:
        _minimum(pdf, m, many=len(c.minimums) > 1)
    if check.job_order is not None:
        jo = check.job_order
        approved = f" · {_('approved by')} {jo.approved_by.name}" if jo.approved_by else ""
        pdf.para(f"{_('Job order')} {jo.number}: {jo.occupation}, {jo.employer.name}{approved}", size=9)
        for note in check.job_order_notes:
            pdf.para(note, size=9, style="B")
    if check.findings:
        pdf.section(_("What else went wrong"))
        for f in check.findings:
            pdf.para(f["text"], size=10, style="B")
            for p in f["principles"]:
                pdf.para(f"- {principle_label(p)} ({p.get('standard', '')}, {p.get('id', '')})", size=8, height=4)
    pdf.section(_("What to do next"))
    pdf.para(_("Keep photos of both contracts, your job offer and your payslips. Do not hand over the originals."), size=9)
    categories = ["contract_substitution"] if c.verdict == "substituted" else []
    if c.wage_gap is not None or any(m.verdict == "below" for m in c.minimums):
        categories.append("wages")
    return end(pdf, complain, categories)


def _wage_gap(pdf: pdf_fonts.Document, g: Any) -> None:
    if g is None:
        return
    lines = [
        _("You are paid <strong class=\"owed\">%(a)s %(cur)s</strong> a month less than you were promised.")
        % {"a": money(g.per_month, cents=True), "cur": g.currency}
    ]
    if g.extra_deductions:
        lines.append(
            _("Of this, %(a)s %(cur)s a month is taken from your wage beyond what you were told.")
            % {"a": money(g.extra_deductions, cents=True), "cur": g.currency}
        )
    if g.so_far is not None:
        lines.append(
            ngettext(
                "Over the %(n)s month you have worked: %(a)s %(cur)s.",
                "Over the %(n)s months you have worked: %(a)s %(cur)s.",
                g.months_worked,
            )
            % {"n": g.months_worked, "a": money(g.so_far, cents=True), "cur": g.currency}
        )
    if g.over_contract is not None:
        lines.append(
            ngettext(
                "Over your contract of %(n)s month: %(a)s %(cur)s.",
                "Over your contract of %(n)s months: %(a)s %(cur)s.",
                g.contract_months,
            )
            % {"n": g.contract_months, "a": money(g.over_contract, cents=True), "cur": g.currency}
        )
    pdf.ln(2)
    pdf.para(strip_tags(" ".join(lines)), size=10, style="B")
    rate_lines(pdf, (g.rate or {}).get("rates", []))


def _minimum(pdf: pdf_fonts.Document, m: Any, *, many: bool) -> None:
    mw = m.minimum
    pdf.section(_("Legal minimum wage") + (f": {mw.title}" if many else ""))
    pdf.para(mw.summary, size=9)
    wage = {"min": money(mw.wage.amount, cents=True), "cur": mw.wage.currency}
    if m.verdict == "below":
        text = _(
            "Your basic wage now, %(w)s %(cur)s a month, is below the legal minimum of %(min)s %(cur)s: "
            "<strong class=\"owed\">%(s)s %(cur)s</strong> a month short."
        ) % {**wage, "w": money(m.wage, cents=True), "s": money(m.shortfall, cents=True)}
        pdf.para(strip_tags(text), size=10, style="B")
    elif m.verdict == "not_below":
        pdf.para(_("Your basic wage now is not below the legal minimum of %(min)s %(cur)s a month.") % wage, size=9)
    else:
        pdf.para(
            _("Write the basic wage you are paid now to compare it with the legal minimum of %(min)s %(cur)s a month.")
            % wage,
            size=9,
        )
    for benefit, amount in m.allowances_due:
        words = {"a": money(amount, cents=True), "cur": mw.wage.currency}
        if benefit == "food":
            text = _(
                "Your employer does not give you food: on top of your basic wage, they must pay you at least "
                "%(a)s %(cur)s a month for it."
            ) % words
        else:
            text = _(
                "Your employer does not give you housing: on top of your basic wage, they must pay you at least "
                "%(a)s %(cur)s a month for it."
            ) % words
        pdf.para(text, size=9)
    s = mw.source
    pdf.source(s.title, s.article, s.url, s.verified)
