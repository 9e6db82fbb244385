"""Permissions of the grievances app (resource.action -> role -> scope), merged into ``core.permissions`` when
the app loads. To be moved into ``core/permissions.py`` by the integrator.

Organisation scope means: cases referred or transferred to one of the user's organisations (a referral that
was sent, accepted or closed), never more. The selectors (``selectors.py``) enforce it in every query.

* ``grievance.identity.read``: the worker's name and contact. Organisation scope needs, in addition, a referral
  to the organisation that shares identity (with the worker's consent or a recorded override), and is refused
  when the case carries the retaliation-risk flag and the organisation is the one complained about (or its
  brand). Recruiters are not in the table: they never see a complainant's identity.
"""

from __future__ import annotations

from fairrecruit.core.models import Role
from fairrecruit.core.permissions import PERMISSIONS, Scope

GRIEVANCE_PERMISSIONS: dict[str, dict[str, Scope]] = {
    "grievance.case.view": {
        Role.STAFF: Scope.ALL,
        Role.REGULATOR: Scope.ORGANISATION,
        Role.UNION_CSO: Scope.ORGANISATION,
        Role.CERTIFICATION_BODY: Scope.ORGANISATION,
        Role.EMPLOYER: Scope.ORGANISATION,
        Role.RECRUITER: Scope.ORGANISATION,
    },
    "grievance.case.manage": {
        Role.STAFF: Scope.ALL,
        Role.REGULATOR: Scope.ORGANISATION,
        Role.UNION_CSO: Scope.ORGANISATION,
    },
    "grievance.case.respond": {
        Role.STAFF: Scope.ALL,
        Role.REGULATOR: Scope.ORGANISATION,
        Role.UNION_CSO: Scope.ORGANISATION,
        Role.CERTIFICATION_BODY: Scope.ORGANISATION,
        Role.EMPLOYER: Scope.ORGANISATION,
        Role.RECRUITER: Scope.ORGANISATION,
    },
    "grievance.identity.read": {
        Role.STAFF: Scope.ALL,
        Role.REGULATOR: Scope.ORGANISATION,
        Role.UNION_CSO: Scope.ORGANISATION,
        Role.CERTIFICATION_BODY: Scope.ORGANISATION,
        Role.EMPLOYER: Scope.ORGANISATION,
    },
    "grievance.evidence.read": {
        Role.STAFF: Scope.ALL,
        Role.REGULATOR: Scope.ORGANISATION,
        Role.UNION_CSO: Scope.ORGANISATION,
        Role.CERTIFICATION_BODY: Scope.ORGANISATION,
    },
    "grievance.remedy.manage": {
        Role.STAFF: Scope.ALL,
        Role.REGULATOR: Scope.ORGANISATION,
        Role.UNION_CSO: Scope.ORGANISATION,
        Role.EMPLOYER: Scope.ORGANISATION,
    },
    "grievance.access_log.view": {
        Role.STAFF: Scope.ALL,
        Role.REGULATOR: Scope.ORGANISATION,
        Role.UNION_CSO: Scope.ORGANISATION,
    },
    "grievance.routing.manage": {Role.STAFF: Scope.ALL},
    "grievance.programme.manage": {Role.STAFF: Scope.ALL, Role.EMPLOYER: Scope.ORGANISATION},
}


def register() -> None:
    """Add the grievance permissions to the project table (never overriding an entry already there)."""
    for name, table in GRIEVANCE_PERMISSIONS.items():
        PERMISSIONS.setdefault(name, table)
