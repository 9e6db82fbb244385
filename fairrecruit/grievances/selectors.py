"""Reads for grievances, scoped by who asks (permissions are enforced here, in the queries).

* Staff (scope "all") see every case.
* Organisation scope: a case is visible to an organisation only when it was referred or transferred to it
  (referral sent, accepted or closed) or the organisation leads it. A regulator thus sees only the cases
  routed to it; a recruiter only what was referred to it for a response, never the complainant's identity.
* Identity (name, contact): see ``identity_visible``. Evidence: ``evidence_visible``.
* Public statistics suppress every cell based on fewer than ``FAIRRECRUIT_GRIEVANCE_MIN_CELL`` cases.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Q, QuerySet, Sum

from fairrecruit.core.countries import country_name
from fairrecruit.core.models import AuditEvent, Organisation, User
from fairrecruit.core.permissions import Scope, scope_for
from fairrecruit.grievances import conf
from fairrecruit.grievances.models import (
    RESOLVED_OUTCOMES,
    VISIBLE_REFERRAL,
    Case,
    Programme,
    Referral,
    RemediationPayment,
    RemediationPlan,
    Status,
)

if TYPE_CHECKING:
    from fairrecruit.contracts.compare import MinimumCheck

READ_ACTIONS = (
    "grievance.case.read",
    "grievance.case.read_by_worker",
    "grievance.evidence.read",
    "grievance.evidence.read_denied",
    "sensitive.read",
    "sensitive.read_denied",
)


def cases_in_scope(user: User | None, permission: str = "grievance.case.view") -> QuerySet[Case]:
    """The cases ``user`` may act on with ``permission``."""
    scope, orgs = scope_for(user, permission)
    if scope == Scope.ALL:
        return Case.objects.all()
    if scope == Scope.ORGANISATION and orgs:
        referred = Referral.objects.filter(organisation_id__in=orgs, status__in=VISIBLE_REFERRAL).values(
            "case_id"
        )
        return Case.objects.filter(Q(pk__in=referred) | Q(lead_organisation_id__in=orgs))
    return Case.objects.none()


def cases_visible_to(user: User | None) -> QuerySet[Case]:
    return cases_in_scope(user, "grievance.case.view")


def can_act_on(user: User | None, case: Case, permission: str) -> bool:
    return cases_in_scope(user, permission).filter(pk=case.pk).exists()


def _visible_referrals(user: User | None, case: Case, permission: str) -> QuerySet[Referral] | None:
    """None for scope "all"; otherwise the case's visible referrals to the user's organisations."""
    scope, orgs = scope_for(user, permission)
    if scope == Scope.ALL:
        return None
    if scope == Scope.NONE or not orgs:
        return Referral.objects.none()
    return case.referrals.filter(organisation_id__in=orgs, status__in=VISIBLE_REFERRAL)


def identity_visible(user: User | None, case: Case) -> bool:
    """Whether ``user`` may see the worker's name and contact: staff; or a member (with the identity
    permission) of an organisation the case was referred to with identity shared, unless the case carries
    the retaliation-risk flag and that organisation is the one complained about or the brand."""
    refs = _visible_referrals(user, case, "grievance.identity.read")
    if refs is None:
        return True
    refs = refs.filter(shares_identity=True)
    if case.retaliation_risk:
        refs = refs.exclude(
            organisation_id__in=[o for o in (case.respondent_organisation_id, case.brand_id) if o]
        )
    return refs.exists()


def evidence_visible(user: User | None, case: Case) -> bool:
    refs = _visible_referrals(user, case, "grievance.evidence.read")
    if refs is None:
        return True
    refs = refs.filter(shares_evidence=True)
    if case.retaliation_risk:
        refs = refs.exclude(
            organisation_id__in=[o for o in (case.respondent_organisation_id, case.brand_id) if o]
        )
    return refs.exists()


def acting_organisation(user: User | None, case: Case) -> Organisation | None:
    """The organisation through which ``user`` sees the case (None for staff or nobody)."""
    scope, orgs = scope_for(user, "grievance.case.view")
    if scope != Scope.ORGANISATION:
        return None
    ref = (
        case.referrals.filter(organisation_id__in=orgs, status__in=VISIBLE_REFERRAL)
        .select_related("organisation")
        .first()
    )
    if ref is not None:
        return ref.organisation
    if case.lead_organisation_id in orgs:
        return case.lead_organisation
    return None


def may(user: User | None, permission: str) -> bool:
    return scope_for(user, permission)[0] != Scope.NONE


def case_for(user: User | None, code: str, permission: str = "grievance.case.view") -> Case | None:
    return (
        cases_in_scope(user, permission)
        .select_related("respondent", "respondent_organisation", "brand", "assigned_to", "lead_organisation")
        .filter(code=code)
        .first()
    )


def case_summary(case: Case) -> dict[str, Any]:
    """What any viewer of a case sees (never the identity)."""
    return {
        "code": case.code,
        "status": case.status,
        "categories": list(case.categories or []),
        "severity": case.severity,
        "urgency": case.urgency,
        "in_danger": case.in_danger,
        "origin": case.origin,
        "destination": case.destination,
        "received_at": case.received_at.isoformat(),
        "stage_due_at": case.stage_due_at.isoformat() if case.stage_due_at else None,
        "escalation_level": case.escalation_level,
    }


def case_detail(user: User | None, case: Case) -> dict[str, Any]:
    """The case as ``user`` may see it. Identity is never included: it is read one field at a time through
    ``core.crypto.sensitive_read`` (logged); ``identity_visible`` says whether the user may."""
    latest = case.assessments.first()
    out = case_summary(case) | {
        "channel": case.channel,
        "language": case.language,
        "indicators": list(case.indicators or []),
        "principles": list(case.principles or []),
        "description": case.description,
        "respondent": (
            {
                "identifier": case.respondent.identifier,
                "name": case.respondent.name,
                "kind": case.respondent.kind,
            }
            if case.respondent
            else None
        ),
        "brand_name": case.brand_name,
        "facts": case.facts,
        "anonymous": case.anonymous,
        "retaliation_risk": case.retaliation_risk,
        "identity_visible": identity_visible(user, case),
        "outcome": case.outcome or None,
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "assessment": _assessment_out(latest.result) if latest else None,
        "wages_below_minimum": [w.as_dict() for w in wages_below_minimum(case)],
        "referrals": [
            {
                "organisation": r.organisation.name,
                "kind": r.kind,
                "target_kind": r.target_kind,
                "status": r.status,
                "consent": r.consent,
                "shared": r.shared,
                "created_at": r.created_at.isoformat(),
            }
            for r in case.referrals.select_related("organisation")
        ],
        "plans": [
            {
                "payer_kind": p.payer_kind,
                "amount": str(p.amount),
                "currency": p.currency,
                "due_date": p.due_date.isoformat(),
                "status": p.status,
                "paid": str(plan_paid(p)),
            }
            for p in case.plans.all()
        ],
        "status_history": [
            {"from": s.old_status, "to": s.new_status, "at": s.changed_at.isoformat(), "note": s.note}
            for s in case.status_changes.all()
        ],
    }
    return out


def _assessment_out(result: dict[str, Any]) -> dict[str, Any]:
    """Amount owed under each standard with its citations (for the case page and API)."""
    return {
        "ruleset_version": result.get("ruleset_version"),
        "reference_date": result.get("reference_date"),
        "paid": result.get("paid"),
        # each payment as the fee laws counted it (its cost item, or "unclassified": a person must check it)
        "payments": sorted(({k: p.get(k) for k in ("index", "amount", "currency", "date", "item")}
                            for p in result.get("payments") or []), key=lambda p: p["index"]),
        "standards": [
            {
                "id": s["id"],
                "title": s["title"],
                "country": s.get("country"),  # a law's, for pages to name it in the reader's language
                "status": s["status"],
                "owed": s["owed"],
                "message": s.get("message"),
                "gaps": s.get("gaps") or [],  # why only in part, as codes the pages word in the reader's language
                "citations": s.get("citations")
                or (
                    [{"id": s["rule"]["id"], "label": s["rule"]["title"], **s["rule"]["source"]}]
                    if s.get("rule")
                    else []
                ),
            }
            for s in result.get("standards", [])
        ],
    }


def recruitment_day(facts: dict[str, Any]) -> dt.date | None:
    """The day a complaint's recruitment happened: its date, or 1 July of its year (today in the current year)."""
    try:
        if facts.get("recruitment_date"):
            return dt.date.fromisoformat(str(facts["recruitment_date"]))
        if facts.get("recruitment_year"):
            return min(dt.date(int(facts["recruitment_year"]), 7, 1), dt.date.today())
    except (TypeError, ValueError):  # facts are checked when written; a page must not fail on an old one
        return None
    return None


@dataclass(frozen=True)
class WageBelowMinimum:
    """A wage the worker gave (``promised``, or ``received`` in the first month) that is below a legal minimum
    wage covering them on the recruitment day."""

    which: str  # promised | received
    amount: Decimal
    currency: str
    day: dt.date
    destination: str
    check: MinimumCheck

    @property
    def minimum(self) -> Any:
        return self.check.minimum

    @property
    def text(self) -> str:
        """The finding in the active language, as the worker reads it."""
        from fairrecruit.contracts.compare import Money
        from fairrecruit.contracts.selectors import below_minimum_text

        return below_minimum_text(self.which, Money(self.amount, self.currency), self.check.minimum,
                                  self.destination)

    def as_dict(self) -> dict[str, Any]:
        check = self.check.as_dict()  # the minimum with its source, the wage converted, the rate used
        return {"which": self.which, "amount": float(self.amount), "currency": self.currency,
                "day": self.day.isoformat(), "verdict": check["verdict"], "minimum": check["minimum"],
                "wage_in_minimum_currency": check["wage"], "shortfall": check["shortfall"], "rate": check["rate"]}


def wages_below_minimum(case: Case) -> list[WageBelowMinimum]:
    """The case's promised and first-month wages that are below a legal minimum wage covering the worker on the
    recruitment day (the rule files' ``minimum_wages`` through the contracts app's check: converted at the reference
    rate of that day, with its tolerance; never guessed without a rate); those that cover only domestic workers
    when the complaint says it is domestic work. Empty when nothing is known."""
    facts = case.facts or {}
    day = recruitment_day(facts)
    if not case.destination or day is None or not apps.is_installed("fairrecruit.contracts"):
        return []
    from fairrecruit.contracts.compare import Money
    from fairrecruit.contracts.selectors import wages_below_minimum as below

    wages = []
    for which in ("promised", "received"):
        wage = facts.get(f"wage_{which}") or {}
        try:
            amount, currency = Decimal(str(wage["amount"])), str(wage["currency"]).upper()
        except (KeyError, InvalidOperation):
            continue
        if amount > 0:  # "0 if you do not know"
            wages.append((which, Money(amount, currency)))
    return [WageBelowMinimum(which, wage.amount, wage.currency, day, case.destination, check)
            for which, wage, check in below(case.origin, case.destination, day, bool(facts.get("domestic_work")),
                                            wages)]


def assessment_view(case: Case) -> dict[str, Any] | None:
    latest = case.assessments.first()
    return _assessment_out(latest.result) if latest else None


def plan_paid(plan: RemediationPlan) -> Decimal:
    """What has been paid under a remedy plan so far."""
    return plan.payments.aggregate(s=Sum("amount"))["s"] or Decimal("0")


def payments_to_name(case: Case) -> list[dict[str, Any]]:
    """The payments the fee laws could not judge from what the worker wrote (unclassified in the latest
    assessment), which the worker may name from the cost items on the follow page; not a total the worker said
    was for several things (``includes``): only a person who knows the shares can split that."""
    latest = case.assessments.first()
    facts = (case.facts or {}).get("payments") or []
    if latest is None:
        return []
    return [{"index": p["index"], "amount": p["amount"], "currency": p["currency"]}
            for p in sorted(latest.result.get("payments") or [], key=lambda p: p["index"])
            if p.get("item") == "unclassified" and p["index"] < len(facts) and not facts[p["index"]].get("includes")]


def remedy_progress(case: Case) -> list[dict[str, Any]]:
    """Each remedy plan of the case that is not cancelled, oldest first: amount, currency, what was paid so far and
    each payment, due date and status (``status``: open, overdue, settled; ``status_label`` in the reader's
    language). The worker's page, the worker's API and the SMS reply to STATUS all read it."""
    out = []
    for p in case.plans.exclude(status="cancelled").prefetch_related("payments"):
        payments = list(p.payments.all())
        out.append({"amount": p.amount, "currency": p.currency, "due_date": p.due_date, "status": p.status,
                    "status_label": p.get_status_display(), "paid": sum((x.amount for x in payments), Decimal("0")),
                    "payments": [{"amount": x.amount, "paid_on": x.paid_on} for x in payments]})
    return out


def worker_view(case: Case) -> dict[str, Any]:
    """What the worker sees with code and PIN: status and its history (with the notes meant for them), who
    the case went to, the remedy and its payments. No internal notes, no handler names."""
    return {
        "code": case.code,
        "status": case.status,
        "status_label": Status(case.status).label,
        "received_at": case.received_at,
        "history": [
            {"status": Status(s.new_status).label, "at": s.changed_at, "note": s.note}
            for s in case.status_changes.all()
        ],
        "referrals": [
            {"organisation": r.organisation.name, "status": r.get_status_display(), "at": r.created_at}
            for r in case.referrals.select_related("organisation").exclude(status="revoked")
        ],
        "pending_consent": case.referrals.filter(status="proposed").exists() and not case.consent_share,
        "plans": remedy_progress(case),
        "assessment": assessment_view(case),
        "payments_to_name": payments_to_name(case),
        "wages_below_minimum": wages_below_minimum(case),
        "outcome": case.get_outcome_display() if case.outcome else "",
        "my_notes": [n.text for n in case.notes.filter(from_worker=True)],
        "attachments": case.attachments.count(),
        "seen_by": seen_by_organisations(case),
    }


def access_log(case: Case) -> QuerySet[AuditEvent]:
    """Who saw this case: every logged read of it (pages, API, identity reveals, evidence downloads,
    and refusals), newest first."""
    return AuditEvent.objects.filter(
        target_type=Case._meta.label_lower, target_id=str(case.pk), action__in=READ_ACTIONS
    ).select_related("organisation")


def access_log_visible(user: User | None, case: Case) -> bool:
    return can_act_on(user, case, "grievance.access_log.view")


def seen_by_organisations(case: Case) -> list[str]:
    """The organisations whose people opened the case (for the worker: no individual names)."""
    names = (
        access_log(case)
        .filter(action__in=("grievance.case.read", "sensitive.read", "grievance.evidence.read"))
        .exclude(organisation=None)
        .values_list("organisation__name", flat=True)
    )
    return sorted(set(names))


def programmes_visible_to(user: User | None) -> QuerySet[Programme]:
    scope, orgs = scope_for(user, "grievance.programme.manage")
    if scope == Scope.ALL:
        return Programme.objects.all()
    if scope == Scope.ORGANISATION:
        return Programme.objects.filter(organisation_id__in=orgs)
    return Programme.objects.none()


# --- public statistics -----------------------------------------------------------------------------------------


@dataclass
class Cell:
    """A number, or "fewer than N" when based on fewer than N cases."""

    value: Any
    suppressed: bool

    def as_json(self, min_cell: int) -> Any:
        return f"fewer than {min_cell}" if self.suppressed else self.value


def _cell(n_cases: int, value: Any, min_cell: int) -> Cell:
    return Cell(None, True) if n_cases < min_cell else Cell(value, False)


def _row(cases: list[Case], recovered: dict[Any, Decimal], min_cell: int) -> dict[str, Cell]:
    received = len(cases)
    resolved = [
        c for c in cases if c.status == Status.CLOSED and c.outcome in RESOLVED_OUTCOMES and c.closed_at
    ]
    days = [(c.closed_at - c.received_at).total_seconds() / 86400 for c in resolved if c.closed_at]
    paid = [recovered[c.pk] for c in cases if c.pk in recovered]
    return {
        "received": _cell(received, received, min_cell),
        "resolved": _cell(len(resolved), len(resolved), min_cell),
        "median_days_to_resolution": _cell(
            len(days), round(statistics.median(days), 1) if days else None, min_cell
        ),
        "recovered_usd": _cell(len(paid), float(round(sum(paid, Decimal("0")), 2)), min_cell),
    }


def _recovered(payments: QuerySet[RemediationPayment]) -> dict[Any, Decimal]:
    """US dollars recovered per case from ``payments`` (those without a known rate left out)."""
    recovered: dict[Any, Decimal] = {}
    for case_id, usd in payments.exclude(amount_usd=None).values_list("plan__case_id", "amount_usd"):
        recovered[case_id] = recovered.get(case_id, Decimal("0")) + (usd or Decimal("0"))
    return recovered


def public_row_for(owner: dict[int, int]) -> dict[int, dict[str, Any]]:
    """The public statistics' row (received, resolved, median days to resolution, recovered in US dollars; a cell
    of fewer than ``FAIRRECRUIT_GRIEVANCE_MIN_CELL`` cases reads "fewer than N") for each actor of ``owner`` (record
    id -> the actor it counts for: complaints about records merged into an actor count for it). Actors without
    complaints are left out."""
    min_cell = conf.min_cell()
    groups: dict[int, list[Case]] = {}
    for c in Case.objects.filter(respondent_id__in=owner).only(
            "pk", "status", "outcome", "received_at", "closed_at", "respondent_id"):
        assert c.respondent_id is not None
        groups.setdefault(owner[c.respondent_id], []).append(c)
    recovered = _recovered(RemediationPayment.objects.filter(plan__case__respondent_id__in=owner))
    return {a: {k: cell.as_json(min_cell) for k, cell in _row(g, recovered, min_cell).items()}
            for a, g in groups.items()}


def public_statistics(corridor: tuple[str, str] | None = None) -> dict[str, Any]:
    """Complaints received and resolved, median days to resolution and amounts recovered (US dollars at the
    rate of each payment's day), per organisation complained about and per corridor, with small cells
    suppressed: a cell based on fewer than ``FAIRRECRUIT_GRIEVANCE_MIN_CELL`` cases reads "fewer than N".
    ``corridor`` (origin, destination) limits everything to that corridor's cases."""
    min_cell = conf.min_cell()
    scope = Q(origin=corridor[0], destination=corridor[1]) if corridor else Q()
    cases = list(
        Case.objects.filter(scope).select_related("respondent").only(
            "pk",
            "status",
            "outcome",
            "received_at",
            "closed_at",
            "origin",
            "destination",
            "respondent__identifier",
            "respondent__name",
            "respondent__merged_into",
        )
    )
    payments = RemediationPayment.objects.all()
    if corridor:
        payments = payments.filter(plan__case__origin=corridor[0], plan__case__destination=corridor[1])
    recovered = _recovered(payments)
    by_org: dict[str, list[Case]] = {}
    names: dict[str, str] = {}
    by_corridor: dict[str, list[Case]] = {}
    for c in cases:
        if c.respondent is not None:
            key = c.respondent.identifier
            names[key] = c.respondent.name
            by_org.setdefault(key, []).append(c)
        if c.origin and c.destination:
            by_corridor.setdefault(f"{c.origin}-{c.destination}", []).append(c)

    def rows(groups: dict[str, list[Case]], label: Any) -> list[dict[str, Any]]:
        # Largest first; groups below the threshold sort by key only, so the order tells nothing more.
        ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]) if len(kv[1]) >= min_cell else 0, kv[0]))
        return [
            {"key": key, "label": label(key), **_row(group, recovered, min_cell)} for key, group in ordered
        ]

    return {
        "min_cell": min_cell,
        "total": _row(cases, recovered, min_cell),
        "organisations": rows(by_org, lambda k: names[k]),
        "corridors": rows(by_corridor, _corridor_label),
    }


def _corridor_label(key: str) -> str:
    a, b = key.split("-")
    return f"{country_name(a)} → {country_name(b)}"


def statistics_json(stats: dict[str, Any]) -> dict[str, Any]:
    m = stats["min_cell"]

    def row(r: dict[str, Any]) -> dict[str, Any]:
        return {k: (v.as_json(m) if isinstance(v, Cell) else v) for k, v in r.items()}

    return {
        "min_cell": m,
        "total": row(stats["total"]),
        "organisations": [row(r) for r in stats["organisations"]],
        "corridors": [row(r) for r in stats["corridors"]],
    }
