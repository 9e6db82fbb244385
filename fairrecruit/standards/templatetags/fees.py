"""The engine's results, the rules and the principles in the reader's language: plain words for the codes the engine
returns (cost items, verdicts, standards, findings, gaps, caps, payees) and the texts the rule files hold per language."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import get_language, gettext, gettext_noop, pgettext
from django.utils.translation import gettext_lazy as _

from fairrecruit.core.countries import country_name
from fairrecruit.core.money import money
from fairrecruit.standards.engine import ZERO_FEE_ID
from fairrecruit.standards.forms import PAYEE_LABELS
from fairrecruit.standards.loader import Cap, Principle, Rule, get_rules
from fairrecruit.standards.selectors import _grouped

register = template.Library()

VERDICTS = {
    "unlawful": _("not allowed: all of it is owed to you"),
    "over_cap": _("more than the limit: the extra is owed to you"),
    "within_cap": _("within the legal limit"),
    "lawful": _("you may have to pay this"),
    "not_addressed": _("this law says nothing about it"),
    "out_of_scope": _("this rule does not cover this payee"),
    "unclassified": _("unknown purpose: a person must check it"),
}
ITEMS = {
    "service_fee": _("service fee"), "placement_fee": _("placement fee"),
    "sub_agent_commission": _("sub-agent commission"), "medical": _("medical test"), "insurance": _("insurance"),
    "welfare_fund": _("welfare fund"), "skills_test": _("skills test"), "language_test": _("language test"),
    "training": _("training"), "orientation": _("orientation"), "equipment": _("equipment"),
    "air_ticket": _("air ticket"), "local_travel": _("local travel"), "lodging": _("lodging"),
    "passport": _("passport"), "visa": _("visa"), "work_permit": _("work permit"),
    "police_clearance": _("police clearance"), "government_registration": _("government registration"),
    "document_processing": _("document processing"), "contract_attestation": _("contract attestation"),
    "bribe": _("bribe"), "kickback": _("kickback"), "deposit": _("deposit"), "collateral": _("collateral"),
    "unclassified": _("unknown"),
}


@register.filter
def verdict_label(code: str) -> str:
    return str(VERDICTS.get(code, code))


@register.filter
def item_label(code: str) -> str:
    return str(ITEMS.get(code, code.replace("_", " ")))


FINDINGS = {
    "documents_retained": _("Your passport or other documents were kept by someone else."),
    "contract_substituted": _("The contract was changed or replaced with worse terms than you were promised."),
    "wage_lower_than_promised": _("You were paid less than the wage you were promised."),
    "debt": _("You borrowed money to pay for your recruitment."),
    "deception": _("You were deceived about the job."),
    "fees_charged": _("You were charged recruitment fees or costs that the employer should pay."),
}


@register.filter
def standard_title(s: dict[str, Any]) -> str:
    """A standard of the engine's result, named in the reader's language (the engine's own titles are English)."""
    if s.get("id") == ZERO_FEE_ID:
        return str(_("Employer pays: no recruitment fees or costs for workers"))
    if s.get("country"):
        return str(_("Law of %(country)s") % {"country": country_name(s["country"])})
    return str(s.get("title", ""))


@register.filter
def no_rule_text(s: dict[str, Any]) -> str:
    if s.get("country"):
        return str(
            _("FairRecruit knows no rule of %(country)s for what recruiters may charge on this journey.")
            % {"country": country_name(s["country"])}
        )
    return str(_("No international zero-fee standard was published yet on that date."))


@register.filter
def finding_text(f: dict[str, Any]) -> str:
    """A finding of the engine's result in the reader's language, with its figures."""
    text = str(FINDINGS.get(f.get("type", ""), f.get("message", "")))
    for loan in f.get("loans") or ():  # each loan the worker took: what was borrowed, at what interest
        if loan.get("amount") is not None and loan.get("currency"):
            text += " " + str(_("Borrowed %(amount)s.") % {"amount": money(loan["amount"], loan["currency"])})
        if loan.get("interest_rate_percent_per_month") is not None:
            text += " " + str(_("Interest: %(rate)s%% a month.")
                              % {"rate": number_format(loan["interest_rate_percent_per_month"])})
    if f.get("loans") is None and f.get("interest_rate_percent_per_month") is not None:
        text += " " + str(
            _("Interest: %(rate)s%% a month.")
            % {"rate": number_format(f["interest_rate_percent_per_month"])}
        )
    if f.get("promised") and f.get("first_month"):
        p, m = f["promised"], f["first_month"]
        text += " " + str(
            _("Promised %(promised)s, first month %(paid)s.")
            % {
                "promised": money(p["amount"], p["currency"]),
                "paid": money(m["amount"], m["currency"]),
            }
        )
    return text


@register.filter
def gap_texts(s: dict[str, Any]) -> list[str]:
    """Why a standard was assessed only in part, in the reader's language."""
    out = []
    for g in s.get("gaps") or ():
        if g["code"] == "unclassified":
            out.append(str(_("payment %(n)s: we could not tell what it was for; a person must check it")
                           % {"n": g["payment"] + 1}))
        elif g["code"] == "cap_unknown":
            out.append(str(_("the law limits these charges, but the amount of the limit is not known")))
        else:
            out.append(str(_("an exchange rate needed to add up the amounts is not known")))
    return out


CATEGORIES = {
    "recruitment_fee": _("Recruitment fee"), "medical": _("Medical costs"), "insurance": _("Insurance costs"),
    "skills_tests": _("Skills and qualification tests"), "training_orientation": _("Training and orientation"),
    "equipment": _("Equipment"), "travel_lodging": _("Travel and lodging"),
    "administrative": _("Administrative costs"), "illegitimate": _("Illegitimate costs"),
}


def _listed(names: list[str]) -> str:
    return str(pgettext("separator of a list", ", ")).join(names)


@register.filter
def cost_labels(codes: list[tuple[str, str]]) -> str:
    """Cost categories and items of a rule (``selectors._grouped``) in the reader's language."""
    return _listed([str(CATEGORIES.get(code, code) if kind == "category" else item_label(code)) for kind, code in codes])


@register.filter
def payee_label(code: str | None) -> str:
    return str(PAYEE_LABELS.get(code or "other", (code or "").replace("_", " ")))


@register.filter
def payee_labels(codes: list[str]) -> str:
    return _listed([payee_label(c) for c in codes])


def _count(value: float) -> str:
    """A number of months as people write it: 1, 1.5 (localised), never 1.0."""
    return number_format(int(value) if float(value).is_integer() else value)


@register.filter
def cap_text(cap: Cap | None) -> str:
    """A rule's limit in plain words in the reader's language ("at most 10,000 NPR")."""
    if cap is None:
        return ""
    if cap.kind == "zero":
        return str(_("nothing (zero)"))
    if cap.kind == "fixed" and cap.amount is not None:
        return str(_("at most %(amount)s") % {"amount": money(cap.amount, cap.currency)})
    if cap.kind == "wage_multiple":
        months = _count(cap.months or 0)
        if cap.per_contract_months:
            parts = [str(_("at most %(months)s month(s) of the basic wage for every %(contract)s months of contract")
                         % {"months": months, "contract": _count(cap.per_contract_months)})]
        else:
            parts = [str(_("at most %(months)s month(s) of the basic wage") % {"months": months})]
        if cap.max_months:
            parts.append(str(_("never more than %(months)s months") % {"months": _count(cap.max_months)}))
        if cap.max_amount:
            parts.append(str(_("never more than %(amount)s") % {"amount": money(cap.max_amount, cap.currency)}))
        return _listed(parts)
    return str(_("a limit exists, but FairRecruit does not know the amount"))


@register.filter
def sub_cap_text(sub: dict[str, Any]) -> str:
    """A limit of its own on some of a rule's capped items (``selectors._version_view``'s ``sub_caps``), in plain
    words in the reader's language ("Of this, you may be charged at most 37,000 BDT for: Recruitment fee")."""
    return str(_("Of this, you may be charged %(limit)s for: %(items)s")
               % {"limit": cap_text(sub["cap_spec"]), "items": cost_labels(sub["codes"])})


@register.filter
def sub_cap_result_text(sub: dict[str, Any]) -> str:
    """A sub-cap of an assessment (the engine's ``cap.sub_caps``): its limit and what was charged for its items."""
    return str(_("Of this, the limit for %(items)s: %(limit)s; you were charged %(charged)s")
               % {"items": cost_labels(_grouped(get_rules(), frozenset(sub["items"]))),
                  "limit": money(sub["amount"], sub["currency"]), "charged": money(sub["charged"], sub["currency"])})


@register.inclusion_tag("standards/_summary.html")
def rule_summary(rule: Rule | dict[str, Any]) -> dict[str, Any]:
    """A rule's plain-words summary in the reader's language when FairRecruit has written one (``summaries`` in
    the rule file), else in English; ``rule`` is a loaded rule or the engine's ``rule`` block of a result."""
    if isinstance(rule, dict):
        found = next((r for law in get_rules().laws.values() for r in law.rules if r.id == rule.get("id")), None)
        if found is None:
            return {"text": rule.get("summary", ""), "lang": "en", "translated": False}
        rule = found
    text, lang = rule.summary_in(get_language() or "en")
    return {"text": text, "lang": lang, "translated": lang != "en"}


@register.simple_tag
def principle_text(principle: Principle | dict[str, Any], part: str) -> str:
    """A principle's ``label`` or ``plain`` words in the reader's language where FairRecruit wrote them, else
    English, as a span that says its language; ``principle`` is a loaded principle or the engine's citation."""
    if isinstance(principle, dict):
        found = get_rules().principles.get(principle.get("id", ""))
        if found is None:
            return format_html('<span lang="en">{}</span>', principle.get(part, ""))
        principle = found
    language = get_language() or "en"
    text, lang = principle.label_in(language) if part == "label" else principle.plain_in(language)
    return format_html('<span lang="{}">{}</span>', lang, text)


@register.simple_tag
def rule_title(rule: Rule) -> str:
    """A rule's title in the reader's language where FairRecruit wrote one, else English, saying its language."""
    text, lang = rule.title_in(get_language() or "en")
    return format_html('<span lang="{}">{}</span>', lang, text)


# The occupations of the example journeys (standards/examples/), marked for the catalogues so that the examples
# name them in the reader's language; a title not listed (two Indonesian examples keep the worker's own words)
# is shown as written. A test keeps every example's occupation listed or in Indonesian.
EXAMPLE_OCCUPATIONS = frozenset(
    (
        gettext_noop("caregiver"),
        gettext_noop("carpenter"),
        gettext_noop("civil engineer"),
        gettext_noop("cleaner"),
        gettext_noop("construction labourer"),
        gettext_noop("construction worker"),
        gettext_noop("driver"),
        gettext_noop("electrician"),
        gettext_noop("factory worker"),
        gettext_noop("farm worker"),
        gettext_noop("food processing trainee"),
        gettext_noop("heavy vehicle driver"),
        gettext_noop("household service worker"),
        gettext_noop("housemaid"),
        gettext_noop("mason"),
        gettext_noop("mechanic"),
        gettext_noop("nurse"),
        gettext_noop("plantation worker"),
        gettext_noop("plumber"),
        gettext_noop("security guard"),
        gettext_noop("shipyard welder"),
        gettext_noop("waiter"),
    )
)


@register.filter
def occupation_label(title: str) -> str:
    """An example journey's occupation in the reader's language, where the catalogue has it."""
    return gettext(title) if title in EXAMPLE_OCCUPATIONS else title
