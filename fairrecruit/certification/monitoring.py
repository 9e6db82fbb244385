"""Continuous monitoring: what workers report about a certified recruiter, checked against the scheme's
thresholds between audits.

Evidence (within ``window_days`` before the day of the run, over the recruiter's registry record and every
record merged into it):

``fees_reported``       share of the published reviews reporting recruitment fees paid (``paid_fees`` yes or
                        partly); only computed when there are at least ``min_reviews`` published reviews.
``documents_taken``     number of published reviews reporting passports or documents taken (yes or partly).
``substantiated_cases`` grievance cases against the recruiter that were substantiated: in remediation, or
                        closed as remedied or resolved (``grievances``; skipped when that app is absent).
``fees_owed_usd``       US dollars owed back under the zero-fee standard: the latest fee assessment of each
                        grievance case, plus what published reviews reporting fees said was paid (``paid_usd``).
``regulator_sanctions`` sanctions a regulator imposed on the recruiter (``enforcement``; not lifted): those that
                        took effect in the window, and suspensions, revocations and bans still in force.

A metric crosses its threshold when its value is at least the threshold (``null`` switches a metric off).
Crossing raises one open :class:`Alert` per certificate and metric for the certification body, with the
scheme's action for that metric: ``notify``, ``special_audit`` (a special audit is created, to be planned) or
``suspension_review`` (the body reviews, and may suspend citing the alert). Nothing is suspended automatically.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import DatabaseError, transaction
from django.utils import timezone

from fairrecruit.certification.models import (
    Alert,
    AlertAction,
    AlertStatus,
    AuditKind,
    AuditStatus,
    Certificate,
    CertificateStatus,
    Scheme,
)
from fairrecruit.core.models import User
from fairrecruit.core.services import audit_record

METRICS = ("fees_reported", "documents_taken", "substantiated_cases", "fees_owed_usd", "regulator_sanctions")

DEFAULT_THRESHOLDS: dict[str, Any] = {
    "window_days": 365,
    "min_reviews": 3,
    "fees_reported": 0.2,
    "documents_taken": 2,
    "substantiated_cases": 1,
    "fees_owed_usd": 1000,
    "regulator_sanctions": 1,
    "actions": {
        "fees_reported": AlertAction.SPECIAL_AUDIT.value,
        "documents_taken": AlertAction.SPECIAL_AUDIT.value,
        "substantiated_cases": AlertAction.SUSPENSION_REVIEW.value,
        "fees_owed_usd": AlertAction.SUSPENSION_REVIEW.value,
        "regulator_sanctions": AlertAction.SUSPENSION_REVIEW.value,
    },
}

_YES = ("yes", "partly")


class ThresholdError(ValueError):
    pass


def validate_thresholds(t: dict[str, Any]) -> None:
    unknown = set(t) - set(DEFAULT_THRESHOLDS)
    if unknown:
        raise ThresholdError(f"unknown threshold: {sorted(unknown)[0]}")
    for k in ("window_days", "min_reviews"):
        if not isinstance(t.get(k), int) or t[k] < 1:
            raise ThresholdError(f"{k} must be a whole number of at least 1")
    for m in METRICS:
        v = t.get(m)
        if v is not None and (not isinstance(v, int | float) or v <= 0):
            raise ThresholdError(f"{m} must be a positive number or null (off)")
    if t.get("fees_reported") is not None and t["fees_reported"] > 1:
        raise ThresholdError("fees_reported is a share between 0 and 1")
    actions = t.get("actions", {})
    for m, a in actions.items():
        if m not in METRICS or a not in AlertAction.values:
            raise ThresholdError(f"actions.{m}: must be one of {', '.join(AlertAction.values)}")


def thresholds_of(scheme: Scheme) -> dict[str, Any]:
    t = {**DEFAULT_THRESHOLDS, **(scheme.thresholds or {})}
    t["actions"] = {**DEFAULT_THRESHOLDS["actions"], **t.get("actions", {})}
    return t


@dataclass
class Reading:
    metric: str
    value: float
    threshold: float | None
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def crossed(self) -> bool:
        return self.threshold is not None and self.value >= self.threshold


def _family(cert: Certificate) -> list[int]:
    from fairrecruit.reviews.selectors import actor_family

    return actor_family(cert.actor)


def _grievance_evidence(actor_ids: list[int], since: dt.datetime) -> tuple[list[str], Decimal] | None:
    """Substantiated case codes and the zero-fee amount owed; None when the grievances app is absent."""
    if not apps.is_installed("fairrecruit.grievances"):
        return None
    try:
        from django.db.models import Q

        from fairrecruit.grievances.models import RESOLVED_OUTCOMES, Case, FeeAssessment, Status

        with transaction.atomic():  # a missing table must not break the caller's transaction
            cases = Case.objects.filter(respondent_id__in=actor_ids, received_at__gte=since)
            substantiated = list(
                cases.filter(
                    Q(status=Status.REMEDIATION)
                    | Q(status=Status.CLOSED, outcome__in=list(RESOLVED_OUTCOMES))
                ).values_list("code", flat=True)
            )
            owed = Decimal(0)
            for case_id in cases.values_list("pk", flat=True):
                fa = FeeAssessment.objects.filter(case_id=case_id).order_by("-created_at").first()
                if fa is not None and fa.owed_zero_fee_usd:
                    owed += fa.owed_zero_fee_usd
    except (ImportError, LookupError, DatabaseError, AttributeError):
        return None
    return substantiated, owed


def _sanctions(actor_ids: list[int], since: dt.date, day: dt.date) -> list[str] | None:
    """Codes and kinds of the regulators' sanctions on the recruiter that count (see the module's docstring);
    None when the enforcement app is absent."""
    if not apps.is_installed("fairrecruit.enforcement"):
        return None
    from django.db.models import Q

    from fairrecruit.enforcement.models import LICENCE_STATUS_OF, Sanction

    qs = Sanction.objects.filter(subject_id__in=actor_ids, effective_from__lte=day).filter(
        Q(lifted_on__isnull=True) | Q(lifted_on__gt=day)
    ).filter(
        Q(effective_from__gte=since)
        | Q(kind__in=list(LICENCE_STATUS_OF)) & (Q(effective_until__isnull=True) | Q(effective_until__gte=day))
    )
    return [f"{s.code} {s.kind}" for s in qs.order_by("effective_from", "id")]


def readings(cert: Certificate, day: dt.date | None = None) -> list[Reading]:
    from fairrecruit.reviews.models import Review, ReviewStatus

    t = thresholds_of(cert.scheme)
    day = day or timezone.localdate()
    since = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=t["window_days"]), dt.time.min))
    ids = _family(cert)
    reviews = Review.objects.filter(actor_id__in=ids, status=ReviewStatus.PUBLISHED, published_at__gte=since)
    n = reviews.count()
    fees = reviews.filter(paid_fees__in=_YES)
    n_fees = fees.count()
    docs = reviews.filter(documents_taken__in=_YES).count()
    paid = sum((r or Decimal(0) for r in fees.values_list("paid_usd", flat=True)), Decimal(0))
    out = [
        Reading(
            "fees_reported",
            round(n_fees / n, 3) if n >= t["min_reviews"] else 0.0,
            t["fees_reported"],
            {"reviews": n, "reporting_fees": n_fees, "min_reviews": t["min_reviews"]},
        ),
        Reading("documents_taken", float(docs), t["documents_taken"], {"reviews": n, "reporting": docs}),
    ]
    g = _grievance_evidence(ids, since)
    if g is None:
        out.append(
            Reading("substantiated_cases", 0.0, t["substantiated_cases"], {"grievances": "unavailable"})
        )
        owed = paid
        detail: dict[str, Any] = {"reviews_paid_usd": float(paid), "grievances": "unavailable"}
    else:
        codes, case_owed = g
        out.append(
            Reading("substantiated_cases", float(len(codes)), t["substantiated_cases"], {"cases": codes})
        )
        owed = paid + case_owed
        detail = {"reviews_paid_usd": float(paid), "cases_owed_usd": float(case_owed)}
    out.append(Reading("fees_owed_usd", float(owed), t["fees_owed_usd"], detail))
    sanctions = _sanctions(ids, since.date(), day)
    out.append(Reading("regulator_sanctions", float(len(sanctions or [])), t["regulator_sanctions"],
                       {"sanctions": sanctions} if sanctions is not None else {"enforcement": "unavailable"}))
    return out


@dataclass
class RunResult:
    certificates: int = 0
    alerts: list[Alert] = field(default_factory=list)
    special_audits: int = 0
    scheduled: int = 0
    dry_run: bool = False


class _DryRun(Exception):
    pass


def monitor_run(
    *,
    user: User | None = None,
    scheme: Scheme | None = None,
    day: dt.date | None = None,
    dry_run: bool = False,
) -> RunResult:
    """Check every active certificate (of ``scheme``, or all) and raise alerts; also schedule surveillance
    audits falling due. One transaction; ``dry_run`` computes everything and writes nothing."""
    result = RunResult(dry_run=dry_run)
    try:
        with transaction.atomic():
            _run(result, user, scheme, day or timezone.localdate())
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _run(result: RunResult, user: User | None, scheme: Scheme | None, day: dt.date) -> None:
    from fairrecruit.certification.services import _follow_up_audit, surveillance_schedule

    certs = Certificate.objects.filter(status=CertificateStatus.ACTIVE).select_related(
        "scheme", "actor", "body__organisation", "application"
    )
    if scheme is not None:
        certs = certs.filter(scheme=scheme)
    for cert in certs:
        result.certificates += 1
        actions = thresholds_of(cert.scheme)["actions"]
        for r in readings(cert, day):
            if not r.crossed or r.threshold is None:
                continue
            if Alert.objects.filter(certificate=cert, metric=r.metric, status=AlertStatus.OPEN).exists():
                continue
            action = actions.get(r.metric, AlertAction.NOTIFY)
            alert = Alert.objects.create(
                scheme=cert.scheme,
                certificate=cert,
                metric=r.metric,
                value=r.value,
                threshold=float(r.threshold),
                evidence=r.evidence,
                action=action,
            )
            if action == AlertAction.SPECIAL_AUDIT:
                open_special = (
                    cert.audits.filter(kind=AuditKind.SPECIAL).exclude(status=AuditStatus.DECIDED).first()
                )
                if open_special is None:
                    open_special = _follow_up_audit(
                        cert,
                        AuditKind.SPECIAL,
                        f"monitoring alert {alert.pk}: {r.metric}",
                        day + dt.timedelta(days=30),
                    )
                    result.special_audits += 1
                alert.special_audit = open_special
                alert.save(update_fields=["special_audit"])
            result.alerts.append(alert)
            audit_record(
                actor=user,
                action="certification.alert.raise",
                target=alert,
                new={"certificate": cert.number, "metric": r.metric, "value": r.value, "action": action},
                organisation=cert.body.organisation,
            )
    result.scheduled = len(surveillance_schedule(user=user, day=day))
