"""Writes for the core domain. Each service runs in one transaction and records its audit event in it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction

from fairrecruit.core.context import current_origin
from fairrecruit.core.models import ApiToken, AuditEvent, Membership, Organisation, Role, User

M = TypeVar("M", bound=models.Model)


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | tuple[str, str],
    old: Any = None,
    new: Any = None,
    organisation: Organisation | None = None,
) -> AuditEvent:
    """Write one audit event. Call it inside the transaction of the change it records."""
    event = audit_event(actor=actor, action=action, target=target, old=old, new=new, organisation=organisation)
    event.save()
    return event


def audit_event(
    *,
    actor: User | None,
    action: str,
    target: models.Model | tuple[str, str],
    old: Any = None,
    new: Any = None,
    organisation: Organisation | None = None,
) -> AuditEvent:
    """One audit event, not yet saved: for writing many in one query (``AuditEvent.objects.bulk_create``)."""
    if isinstance(target, tuple):
        target_type, target_id = target
    else:
        target_type, target_id = target._meta.label_lower, str(target.pk)
    origin = current_origin.get()
    authenticated = actor is not None and actor.is_authenticated
    label = actor.get_username() if authenticated and actor is not None else "anonymous"
    if origin.channel == "cli":
        label = f"cli:{label}"
    return AuditEvent(
        actor=actor if authenticated else None,
        actor_label=label,
        organisation=organisation,
        action=action,
        target_type=target_type,
        target_id=target_id,
        old=old,
        new=new,
        channel=origin.channel,
        ip=origin.ip,
        user_agent=origin.user_agent,
        request_id=origin.request_id,
    )


@transaction.atomic
def organisation_create(*, actor: User | None, name: str, kind: str, country: str = "") -> Organisation:
    org = Organisation.objects.create(name=name, kind=kind, country=country)
    audit_record(
        actor=actor,
        action="organisation.create",
        target=org,
        new={"name": name, "kind": kind, "country": country},
        organisation=org,
    )
    return org


@transaction.atomic
def membership_grant(
    *, actor: User | None, user: User, organisation: Organisation, role: Role | str
) -> Membership:
    m, created = Membership.objects.get_or_create(user=user, organisation=organisation, role=str(role))
    if created:
        audit_record(
            actor=actor,
            action="membership.grant",
            target=m,
            new={"user": user.get_username(), "organisation": organisation.pk, "role": str(role)},
            organisation=organisation,
        )
    return m


@transaction.atomic
def membership_revoke(*, actor: User | None, membership: Membership) -> None:
    old = {
        "user": membership.user.get_username(),
        "organisation": membership.organisation_id,
        "role": membership.role,
    }
    target = ("core.membership", str(membership.pk))
    membership.delete()
    audit_record(actor=actor, action="membership.revoke", target=target, old=old)


def _token_hash(key: str) -> str:
    import hashlib

    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, actor: User | None, user: User, name: str, organisation: Organisation | None = None
) -> tuple[ApiToken, str]:
    """Create a token; the clear key is returned once and never stored."""
    import secrets

    key = "frk_" + secrets.token_urlsafe(32)
    tok = ApiToken.objects.create(user=user, organisation=organisation, name=name, key_hash=_token_hash(key))
    audit_record(
        actor=actor,
        action="api_token.create",
        target=tok,
        new={"user": user.get_username(), "name": name},
        organisation=organisation,
    )
    return tok, key


def api_token_user(key: str) -> ApiToken | None:
    from django.utils import timezone

    tok = (
        ApiToken.objects.select_related("user", "organisation")
        .filter(key_hash=_token_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if tok is not None:
        ApiToken.objects.filter(pk=tok.pk).update(last_used_at=timezone.now())
    return tok


def create_numbered(create: Callable[[], M], *, attempts: int = 5) -> M:
    """Insert a row whose unique number was read as "the next free one" (``FR-R-<n>``, ``INV-<year>-<n>``): a
    concurrent insert may take that number first. ``create`` reads the number and inserts; it runs in a savepoint,
    and when the unique number clashes it runs again and reads the number after the winner's."""
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return create()
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("attempts must be at least 1")
