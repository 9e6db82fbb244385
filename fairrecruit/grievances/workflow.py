"""Stages of a case, which moves are allowed, and the deadline of each stage. Plain Python (no Django).

Deadlines depend on the urgency found at triage (``taxonomy.triage``): a worker in danger is escalated at
intake and every stage of their case runs in hours, not weeks. A missed deadline escalates the case (see
``services.grievances_tick``) and starts the same stage's clock again, so a case left alone escalates again.
"""

from __future__ import annotations

import datetime as dt

RECEIVED, TRIAGED, REFERRED, INVESTIGATING, REMEDIATION, CLOSED = (
    "received",
    "triaged",
    "referred",
    "investigating",
    "remediation",
    "closed",
)

# Hours allowed in each stage, by urgency (normal, high, immediate).
STAGE_HOURS: dict[str, dict[str, int]] = {
    RECEIVED: {"normal": 72, "high": 24, "immediate": 4},  # first look by a handler (triage)
    TRIAGED: {"normal": 7 * 24, "high": 48, "immediate": 12},  # send to the competent body
    REFERRED: {"normal": 30 * 24, "high": 14 * 24, "immediate": 72},  # the body accepts and acts
    INVESTIGATING: {"normal": 60 * 24, "high": 30 * 24, "immediate": 7 * 24},  # findings
    REMEDIATION: {"normal": 90 * 24, "high": 60 * 24, "immediate": 30 * 24},  # besides each plan's due date
}

ALLOWED_MOVES: dict[str, tuple[str, ...]] = {
    RECEIVED: (TRIAGED, REFERRED, INVESTIGATING, CLOSED),
    TRIAGED: (REFERRED, INVESTIGATING, CLOSED),
    REFERRED: (TRIAGED, INVESTIGATING, REMEDIATION, CLOSED),
    INVESTIGATING: (REFERRED, REMEDIATION, CLOSED),
    REMEDIATION: (INVESTIGATING, CLOSED),
    CLOSED: (TRIAGED,),  # reopen
}


def stage_due(stage: str, urgency: str, start: dt.datetime) -> dt.datetime | None:
    hours = STAGE_HOURS.get(stage)
    if hours is None:
        return None
    return start + dt.timedelta(hours=hours.get(urgency, hours["normal"]))


def can_move(old: str, new: str) -> bool:
    return new in ALLOWED_MOVES.get(old, ())
