"""Permissions of the certification app, shaped like ``core.permissions.PERMISSIONS`` (to be merged there).

Organisation scope means: for recruiters, files of their own organisation; for certification bodies, files
handled by their body. Auditors have organisation scope on ``certification.audit.conduct`` but the selectors
narrow it further to the audits they are assigned to (``selectors.audits_for``).
"""

from __future__ import annotations

from fairrecruit.core.models import Role
from fairrecruit.core.permissions import PERMISSIONS as CORE_PERMISSIONS
from fairrecruit.core.permissions import Scope

CERTIFICATION_PERMISSIONS: dict[str, dict[str, Scope]] = {
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


def install() -> None:
    """Add these permissions to the core table (until they are moved there)."""
    for name, table in CERTIFICATION_PERMISSIONS.items():
        CORE_PERMISSIONS.setdefault(name, table)
