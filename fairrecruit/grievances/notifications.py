"""E-mail to the people who must act when a case escalates (worker in danger, stage deadline missed,
remediation overdue), through Django's e-mail framework (``EMAIL_BACKEND``, ``DEFAULT_FROM_EMAIL``).

Who: the handler the case is assigned to, and the contacts of every organisation the case is with (its lead
after a transfer, and the organisations it was sent to and that have not declined it): their members with a
handling role (regulator, union/CSO, certification body, employer/brand; never the recruiter role) and an
e-mail address. When nobody is found, the platform's staff, so that no escalation goes unheard.

What: the case code, the reason, the level, the stage and the deadline missed, severity, urgency, category and
corridor, and the address of the case page. **Never the complainant's identity**: no name, no contact, and
no free text the worker wrote (it may name them). The mail is sent after the transaction commits, so a rolled
back escalation sends nothing, and a mail failure never undoes an escalation (it is logged)."""

from __future__ import annotations

import datetime as dt
import functools
import logging

from django.core.mail import send_mail
from django.db import transaction

from fairrecruit.core import links
from fairrecruit.core.models import Membership, Role
from fairrecruit.grievances import conf
from fairrecruit.grievances.models import VISIBLE_REFERRAL, Case

log = logging.getLogger(__name__)

HANDLING_ROLES = (Role.REGULATOR, Role.UNION_CSO, Role.CERTIFICATION_BODY, Role.EMPLOYER)
REASONS = {
    "danger": "the worker says they are in danger",
    "stage_overdue": "the deadline of the stage was missed",
    "remedy_overdue": "the remediation payment is overdue",
}


def recipients(case: Case) -> list[str]:
    """E-mail addresses to tell about an escalation of ``case`` (sorted, without duplicates)."""
    out: set[str] = set()
    if case.assigned_to is not None and case.assigned_to.is_active and case.assigned_to.email:
        out.add(case.assigned_to.email)
    orgs = set(case.referrals.filter(status__in=VISIBLE_REFERRAL).values_list("organisation_id", flat=True))
    if case.lead_organisation_id:
        orgs.add(case.lead_organisation_id)
    members = Membership.objects.filter(
        organisation_id__in=orgs, role__in=HANDLING_ROLES, user__is_active=True
    ).exclude(user__email="")
    out.update(members.values_list("user__email", flat=True))
    if not out:
        staff = Membership.objects.filter(role=Role.STAFF, user__is_active=True).exclude(user__email="")
        out.update(staff.values_list("user__email", flat=True))
    return sorted(out)


def escalation_message(case: Case, *, reason: str, level: int, missed: dt.datetime | None) -> tuple[str, str]:
    subject = f"[FairRecruit] Case {case.code} escalated (level {level}): {REASONS.get(reason, reason)}"
    corridor = f"{case.origin or '?'}-{case.destination or '?'}"
    lines = [
        f"Case {case.code} was escalated to level {level}: {REASONS.get(reason, reason)}.",
        "",
        f"Stage: {case.status}",
    ]
    if missed is not None:
        lines.append(f"Deadline missed: {missed.strftime('%Y-%m-%d %H:%M')} UTC")
    lines += [
        f"Severity: {case.severity}, urgency: {case.urgency}",
        f"Category: {case.primary_category}",
        f"Corridor: {corridor}",
        "",
        f"Open the case: {public_base()}/grievances/cases/{case.code}/",
        "",
        "This message does not contain the worker's identity. Read it on the case page if your role allows it;",
        "each read is logged.",
    ]
    return subject, "\n".join(lines)


def public_base() -> str:
    """The address before case links in e-mails and SMS replies: FAIRRECRUIT_GRIEVANCE_PUBLIC_URL, else the
    site's FAIRRECRUIT_PUBLIC_URL (``core.links``); "" when neither is set."""
    return links.public_base(str(conf.get("FAIRRECRUIT_GRIEVANCE_PUBLIC_URL") or ""))


def escalation_notify(case: Case, *, reason: str, level: int, missed: dt.datetime | None = None) -> list[str]:
    """Queue the e-mail about an escalation, sent when the current transaction commits. Returns the
    recipients (for the audit event)."""
    to = recipients(case)
    if not to:
        return []
    subject, body = escalation_message(case, reason=reason, level=level, missed=missed)
    transaction.on_commit(functools.partial(_send, subject, body, to))
    return to


def _send(subject: str, body: str, to: list[str]) -> None:
    try:
        send_mail(subject, body, None, to, fail_silently=False)
    except Exception:  # a mail server down must not break the tick or the intake
        log.exception("escalation e-mail not sent to %d recipients", len(to))
