"""Who may do what in the evidence app: a permission name -> the roles that have it, with the same scopes as
``core.permissions`` (the table lives there).

* ``knowledge.submit``: any signed-in user.
* ``knowledge.review_internal``: FairRecruit staff (the internal reviewer).
* ``knowledge.review_external``: researchers (the external reviewers' roster), each independent of the product
  under review: not of the submitter's organisation, nor of one of the product's partners
  (:func:`external_conflict`).
* ``knowledge.publish``, ``release.create``, ``survey.import``: staff (``survey.import`` also researchers).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fairrecruit.core import permissions as core
from fairrecruit.core.models import Membership, User
from fairrecruit.evidence.models import KnowledgeProduct


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


def _same(name: str) -> str:
    return " ".join(name.casefold().split())


# Whose organisation a conflicted reviewer belongs to: marked for translation, worded in the reader's language by
# external_conflict and left in English in the review section's notes (services.approvals).
WHOSE = {
    "submitter": gettext_noop("the submitter's organisation"),
    "partner": gettext_noop("one of the product's partners"),
}


def conflict_of(user: User, product: KnowledgeProduct) -> tuple[str, str] | None:
    """The organisation (its name) that keeps ``user`` from being an external reviewer of ``product`` today, and
    whose it is (a key of :data:`WHOSE`), or None. External means from outside the work: not a member (in any role)
    of an organisation the submitter belongs to, nor of one of the product's partners. A partner is matched by the
    platform organisation staff linked to it (``Partner.organisation``) or, as partners are named in free text when
    a product is submitted, by its name (case and spaces aside)."""
    mine = list(Membership.objects.filter(user=user).values_list("organisation_id", "organisation__name"))
    if not mine:
        return None
    by = product.submitted_by_id
    submitter = (
        []
        if by is None
        else list(Membership.objects.filter(user_id=by).values_list("organisation_id", "organisation__name"))
    )
    partners = list(product.partners.values_list("partner__organisation_id", "partner__name"))
    for others, whose in ((submitter, "submitter"), (partners, "partner")):
        ids = {i for i, _n in others if i is not None}
        names = {_same(n) for _i, n in others}
        for org_id, name in sorted(mine, key=lambda m: m[1]):
            if org_id in ids or _same(name) in names:
                return name, whose
    return None


def external_conflict(user: User, product: KnowledgeProduct) -> str | None:
    """Why ``user`` cannot review ``product`` as an external reviewer (:func:`conflict_of`), in the reader's
    language, or None."""
    conflict = conflict_of(user, product)
    if conflict is None:
        return None
    name, whose = conflict
    return _("external reviewers must be independent of the work: you belong to %(organisation)s, %(whose)s") % {
        "organisation": name,
        "whose": _(WHOSE[whose]),
    }
