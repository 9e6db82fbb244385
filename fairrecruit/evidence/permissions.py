"""Who may do what in the evidence app: a permission name -> the roles that have it, with the same scopes as
``core.permissions`` (the table lives there).

* ``knowledge.submit``: any signed-in user.
* ``knowledge.review_internal``: FairRecruit staff (the internal reviewer).
* ``knowledge.review_external``: researchers (the external reviewers' roster).
* ``knowledge.publish``, ``release.create``, ``survey.import``: staff (``survey.import`` also researchers).
"""

from __future__ import annotations

from fairrecruit.core import permissions as core
from fairrecruit.core.models import User


def can(user: User | None, permission: str) -> bool:
    if permission == "knowledge.submit":
        return user is not None and user.is_authenticated
    return core.can(user, permission)


def reviewer_kind(user: User | None) -> str | None:
    """'internal' for staff, 'external' for researchers (staff first when both), None otherwise."""
    if can(user, "knowledge.review_internal"):
        return "internal"
    if can(user, "knowledge.review_external"):
        return "external"
    return None
