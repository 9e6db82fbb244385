"""Reads for the standards app: rules in force, standards, stored assessments scoped by who asks."""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from fairrecruit.core.models import User
from fairrecruit.core.permissions import Scope, scope_for
from fairrecruit.standards.engine import ZERO_FEE_ID, ZERO_FEE_PRINCIPLES, _country_name, select_rule
from fairrecruit.standards.loader import Cap, RuleSet, RuleVersion, get_rules
from fairrecruit.standards.models import Assessment


def _grouped(rs: RuleSet, items: frozenset[str]) -> list[tuple[str, str]]:
    """Cost items grouped back into whole categories where a version names all of a category, as ("category",
    id) and ("item", id) pairs (pages name them in the reader's language: ``fees.cost_label``)."""
    out: list[tuple[str, str]] = []
    left = set(items)
    for cid, cat in rs.categories.items():
        if set(cat.items) <= left:
            out.append(("category", cid))
            left -= set(cat.items)
    out += [("item", i) for i in sorted(left)]
    return out


def _names(rs: RuleSet, items: frozenset[str]) -> list[str]:
    """The same in English (the API)."""
    return [rs.categories[code].label if kind == "category" else code.replace("_", " ")
            for kind, code in _grouped(rs, items)]


def _cap_words(c: Cap) -> str:
    """A cap in English (the API)."""
    if c.kind == "zero":
        cap = "nothing (zero)"
    elif c.kind == "fixed":
        cap = f"at most {c.amount:,.0f} {c.currency}"
    elif c.kind == "wage_multiple":
        cap = f"at most {c.months:g} month(s) of the basic wage"
        if c.per_contract_months:
            cap += f" for every {c.per_contract_months:g} months of contract"
        if c.max_months:
            cap += f", never more than {c.max_months:g} months"
        if c.max_amount:
            cap += f", and never more than {c.max_amount:,.0f} {c.currency}"
    else:
        cap = "a limit exists, but FairRecruit does not know the amount"
    return cap


def _version_view(rs: RuleSet, v: RuleVersion) -> dict[str, Any]:
    return {
        "from": v.start,
        "until": v.until,
        "cap": None if v.cap is None else _cap_words(v.cap),
        # limits of their own on some of the capped items, within the cap
        "sub_caps": [{"cap": _cap_words(sc.cap), "items": _names(rs, sc.items), "cap_spec": sc.cap,
                      "codes": _grouped(rs, sc.items), "source": sc.source} for sc in v.sub_caps],
        "capped": _names(rs, v.capped),
        "allowed": _names(rs, v.allowed),
        "prohibited": _names(rs, v.prohibited),
        # for pages, which word them in the reader's language
        "cap_spec": v.cap,
        "capped_codes": _grouped(rs, v.capped),
        "allowed_codes": _grouped(rs, v.allowed),
        "prohibited_codes": _grouped(rs, v.prohibited),
        "payees": sorted(v.payees) if v.payees else None,
        "source": v.source,
        "note": v.note,
    }


def minimum_wages_in_force(origin: str, destination: str, day: dt.date,
                            domestic_work: bool = False) -> list[dict[str, Any]]:
    """The legal minimum wages in force on ``day`` for a worker of ``origin`` in ``destination`` (rule files,
    ``minimum_wages``: the destination's own, and those the origin sets for its workers abroad) for the pages and
    the API: each rule, its version and the plain fields. Empty when none is known (which says nothing of whether
    the countries have one)."""
    return [{"rule": rule, "version": v, "id": rule.id, "country": rule.country, "title": rule.title,
             "summary": rule.summary, "amount": v.amount, "currency": v.currency,
             "allowances": [{"benefit": b, "amount": a} for b, a in v.allowances],
             "from": v.start.isoformat(), "until": v.until.isoformat() if v.until else None,
             "source": v.source.as_dict()}
            for rule, v in get_rules().minimum_wages_for(origin, destination, day, domestic_work)]


def rules_in_force(
    *,
    origin: str,
    destination: str,
    day: dt.date,
    occupation: str = "",
    isco08: str = "",
    domestic_work: bool = False,
    sex: str | None = None,
) -> list[dict[str, Any]]:
    """For a worker's situation: the zero-fee standard and the origin and destination laws in force on ``day``."""
    rs = get_rules()
    journey = {
        "origin": origin,
        "destination": destination,
        "domestic_work": domestic_work,
        "sex": sex,
        "occupation": {"title": occupation, "isco08": isco08},
    }
    out: list[dict[str, Any]] = []
    zero = [rs.principles[p] for p in ZERO_FEE_PRINCIPLES if p in rs.principles]
    zero = [p for p in zero if rs.standards[p.standard_id].start <= day]
    out.append(
        {
            "id": ZERO_FEE_ID,
            "role": "international",
            "title": "International standard: the employer pays",
            "found": bool(zero),
            "principles": zero,
            "summary": "No recruitment fees or related costs should be charged to workers.",
        }
    )
    for role, cc in (("origin", origin), ("destination", destination)):
        law = rs.laws.get(cc)
        entry: dict[str, Any] = {
            "id": f"law-{cc.lower()}",
            "role": role,
            "country": cc,
            "title": f"Law of {_country_name(cc)}",
            "found": False,
        }
        if law is not None and law.role == role:
            picked = select_rule(law, journey, day)
            if picked:
                rule, version = picked
                entry.update(
                    found=True, rule=rule, version=_version_view(rs, version), authority=law.authority
                )
        out.append(entry)
    return out


@lru_cache(maxsize=1)
def example_journeys() -> tuple[dict[str, Any], ...]:
    """The demo journeys shipped in examples/demo_journeys.jsonl (made-up workers on real corridors)."""
    path = Path(__file__).parent / "examples" / "demo_journeys.jsonl"
    return tuple(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def assessments_visible_to(user: User | None) -> QuerySet[Assessment]:
    scope, orgs = scope_for(user, "assessment.view")
    if scope == Scope.ALL:
        return Assessment.objects.all()
    qs = (
        Assessment.objects.filter(created_by=user)
        if user is not None and user.is_authenticated
        else (Assessment.objects.none())
    )
    if scope == Scope.ORGANISATION:
        qs = qs | Assessment.objects.filter(organisation_id__in=orgs)
    return qs


def rates_used(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The exchange rates an assessment used, once each, by currency (the page and the statement word them in the
    reader's language)."""
    seen = {
        (p["currency"], r["per_usd"], r["date"], r["source"])
        for p in result["payments"]
        if (r := p.get("rate")) and p["currency"] != "USD"
    }
    return [{"currency": c, "per_usd": f"{rate:g}", "date": d, "source": s} for c, rate, d, s in sorted(seen)]
