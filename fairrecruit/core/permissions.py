"""Roles and what they may do: a resource plus an action, with a scope (own organisation or all).

Enforced in query scoping (selectors) as well as in views: a selector given a user returns only what that
user's roles allow.
"""

from __future__ import annotations

from enum import StrEnum

from fairrecruit.core.models import Membership, Role, User


class Scope(StrEnum):
    NONE = "none"
    ORGANISATION = "organisation"
    ALL = "all"


# permission -> role -> scope. Anything not listed is NONE.
PERMISSIONS: dict[str, dict[str, Scope]] = {
    "assessment.create": {r.value: Scope.ORGANISATION for r in Role} | {Role.STAFF: Scope.ALL},
    "assessment.view": {
        Role.EMPLOYER: Scope.ORGANISATION,
        Role.RECRUITER: Scope.ORGANISATION,
        Role.UNION_CSO: Scope.ORGANISATION,
        Role.REGULATOR: Scope.ORGANISATION,
        Role.AUDITOR: Scope.ORGANISATION,
        Role.CERTIFICATION_BODY: Scope.ORGANISATION,
        Role.RESEARCHER: Scope.ORGANISATION,
        Role.STAFF: Scope.ALL,
    },
    "audit.view": {Role.STAFF: Scope.ALL, Role.REGULATOR: Scope.ORGANISATION},
    "organisation.manage": {Role.STAFF: Scope.ALL},
    "linkage.review": {Role.STAFF: Scope.ALL, Role.REGULATOR: Scope.ORGANISATION},
    # Running record linkage over the whole registry (it merges across countries): staff only.
    "linkage.run": {Role.STAFF: Scope.ALL},
    "registry.import": {Role.STAFF: Scope.ALL, Role.REGULATOR: Scope.ORGANISATION},
    # Enforcement: record inspections and sanctions, and read inspections' findings. Organisation scope means:
    # in the name of the registry's regulators of the organisation's country (``enforcement.selectors``).
    "enforcement.record": {Role.STAFF: Scope.ALL, Role.REGULATOR: Scope.ORGANISATION},
    # Brands' and employers' due diligence: the list of recruiters they use (supplychain app).
    "supplychain.manage": {Role.STAFF: Scope.ALL, Role.EMPLOYER: Scope.ORGANISATION},
    # Background jobs (imports...): everyone sees the jobs they queued; this is for seeing everyone's.
    "job.view": {Role.STAFF: Scope.ALL},
    # Reviews. Organisation scope for moderation, contact reads and translation: reviews whose actor is in the
    # organisation's country, or whose worker came from or went to it (national union focal points, as the ITUC
    # Recruitment Adviser works). Replies: recruiter/employer users of an organisation that staff linked to the
    # reviewed actor (reviews.RegistryClaim).
    "review.moderate": {Role.STAFF: Scope.ALL, Role.UNION_CSO: Scope.ORGANISATION},
    "review.contact.read": {Role.STAFF: Scope.ALL, Role.UNION_CSO: Scope.ORGANISATION},
    "review.translate": {Role.STAFF: Scope.ALL, Role.UNION_CSO: Scope.ORGANISATION},
    "review.reply": {Role.RECRUITER: Scope.ORGANISATION, Role.EMPLOYER: Scope.ORGANISATION},
    "review.claim.manage": {Role.STAFF: Scope.ALL},
    # Evidence. knowledge.submit is any signed-in user (checked in evidence.permissions).
    "knowledge.review_internal": {Role.STAFF: Scope.ALL},
    "knowledge.review_external": {Role.RESEARCHER: Scope.ALL},
    "knowledge.publish": {Role.STAFF: Scope.ALL},
    "release.create": {Role.STAFF: Scope.ALL},
    "survey.import": {Role.STAFF: Scope.ALL, Role.RESEARCHER: Scope.ALL},
    # Grievances.
    # Organisation scope means: cases referred or transferred to one of the user's organisations (a referral that
    # was sent, accepted or closed), never more. The selectors (``selectors.py``) enforce it in every query.
    #
    # * ``grievance.identity.read``: the worker's name and contact. Organisation scope needs, in addition, a referral
    #   to the organisation that shares identity (with the worker's consent or a recorded override), and is refused
    #   when the case carries the retaliation-risk flag and the organisation is the one complained about (or its
    #   brand). Recruiters are not in the table: they never see a complainant's identity.
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
    # Certification.
    # Organisation scope means: for recruiters, files of their own organisation; for certification bodies, files
    # handled by their body. Auditors have organisation scope on ``certification.audit.conduct`` but the selectors
    # narrow it further to the audits they are assigned to (``selectors.audits_for``).
    "certification.scheme.manage": {Role.STAFF: Scope.ALL},
    "certification.body.manage": {Role.STAFF: Scope.ALL, Role.CERTIFICATION_BODY: Scope.ORGANISATION},
    "certification.apply": {Role.RECRUITER: Scope.ORGANISATION},
    "certification.file.view": {
        Role.RECRUITER: Scope.ORGANISATION,
        Role.CERTIFICATION_BODY: Scope.ORGANISATION,
        Role.STAFF: Scope.ALL,
    },
    "certification.eligibility.review": {Role.CERTIFICATION_BODY: Scope.ORGANISATION},
    "certification.audit.plan": {Role.CERTIFICATION_BODY: Scope.ORGANISATION},
    "certification.audit.conduct": {Role.AUDITOR: Scope.ORGANISATION},
    "certification.decide": {Role.CERTIFICATION_BODY: Scope.ORGANISATION},
    "certification.certificate.manage": {Role.CERTIFICATION_BODY: Scope.ORGANISATION, Role.STAFF: Scope.ALL},
    "certification.monitor.view": {Role.CERTIFICATION_BODY: Scope.ORGANISATION, Role.STAFF: Scope.ALL},
    "certification.invoice.manage": {Role.CERTIFICATION_BODY: Scope.ORGANISATION, Role.STAFF: Scope.ALL},
}


def scope_for(user: User | None, permission: str) -> tuple[Scope, set[int]]:
    """The widest scope the user has for ``permission`` and the organisations it covers."""
    if user is None or not user.is_authenticated:
        return Scope.NONE, set()
    if user.is_superuser:
        return Scope.ALL, set()
    table = PERMISSIONS.get(permission, {})
    best, orgs = Scope.NONE, set()
    for m in Membership.objects.filter(user=user).only("role", "organisation_id"):
        s = table.get(m.role, Scope.NONE)
        if s == Scope.ALL:
            return Scope.ALL, set()
        if s == Scope.ORGANISATION:
            best = Scope.ORGANISATION
            orgs.add(m.organisation_id)
    return best, orgs


def can(user: User | None, permission: str, organisation_id: int | None = None) -> bool:
    scope, orgs = scope_for(user, permission)
    if scope == Scope.ALL:
        return True
    if scope == Scope.ORGANISATION:
        return organisation_id is None or organisation_id in orgs
    return False
