"""Writes for the registry. Each runs in one transaction and records its audit event in it.

Imports (``imports.py``) and record linkage (``linkage.py``) build on these."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from fairrecruit.core.models import User
from fairrecruit.core.services import audit_record, create_numbered
from fairrecruit.registry.models import (
    Actor,
    ActorKind,
    Alias,
    ImportFile,
    Licence,
    LicenceStatusChange,
    Relationship,
    ReportedActorKey,
)
from fairrecruit.registry.names import search_text, standardise_licence, standardise_name, standardise_phone


def actor_refresh_search(actor: Actor) -> None:
    """Recompute the standardised name and the search text (name, aliases, phones, licence numbers, websites and
    social-media accounts: ``names.search_text``)."""
    actor.name_std = standardise_name(actor.name)
    actor.search_text = search_text(
        [actor.name, *(a.name for a in actor.aliases.all())],
        actor.phones or [],
        [lic.number_std for lic in actor.licences.all()],
        [*(actor.websites or []), *(actor.social_handles or [])],
    )
    Actor.objects.filter(pk=actor.pk).update(name_std=actor.name_std, search_text=actor.search_text)


def next_reported_identifier() -> str:
    last = Actor.objects.filter(identifier__startswith="FR-R-").aggregate(m=Max("id"))["m"] or 0
    n = last + 1
    while Actor.objects.filter(identifier=f"FR-R-{n}").exists():
        n += 1
    return f"FR-R-{n}"


@transaction.atomic
def actor_create(
    *,
    actor_user: User | None,
    name: str,
    kind: str,
    identifier: str | None = None,
    country: str = "",
    city: str = "",
    address: str = "",
    phones: list[str] | None = None,
    websites: list[str] | None = None,
    social_handles: list[str] | None = None,
    aliases: list[str] | None = None,
    source_file: ImportFile | None = None,
    source_row: int | None = None,
    source_note: str = "",
) -> Actor:
    """Create an actor. Without ``identifier`` it gets the next free ``FR-R-<n>``; two concurrent creations may
    pick the same number, so the insert runs in a savepoint and the loser takes the next one."""
    if kind not in ActorKind.values:
        raise ValueError(f"kind: unknown actor kind {kind!r}")
    fields: dict[str, Any] = dict(
        kind=kind,
        name=name.strip(),
        name_std=standardise_name(name),
        country=country,
        city=city,
        address=address,
        phones=phones or [],
        websites=websites or [],
        social_handles=social_handles or [],
        source_file=source_file,
        source_row=source_row,
        source_note=source_note,
    )
    if identifier:
        a = Actor.objects.create(identifier=identifier, **fields)
    else:
        a = create_numbered(lambda: Actor.objects.create(identifier=next_reported_identifier(), **fields))
    for al in aliases or []:
        if al and al != a.name:
            Alias.objects.get_or_create(
                actor=a, name=al, defaults={"name_std": standardise_name(al), "source_file": source_file,
                                            "source_row": source_row, "source_note": source_note})
    actor_refresh_search(a)
    audit_record(actor=actor_user, action="actor.create", target=a,
                 new={"identifier": a.identifier, "name": a.name, "kind": kind, "country": country})
    return a


@transaction.atomic
def licence_status_record(
    *,
    actor_user: User | None,
    licence: Licence,
    status: str,
    effective_date: dt.date,
    reason: str = "",
    valid_until: dt.date | None = None,
    source_file: ImportFile | None = None,
    source_row: int | None = None,
    source_note: str = "",
) -> LicenceStatusChange | None:
    """Add a status to a licence's history when it differs from the current one. Never overwrites history.
    Returns the new history entry, or None when nothing changed."""
    if licence.status == status and licence.valid_until == valid_until and licence.history.exists():
        return None
    old = {"status": licence.status, "valid_until": str(licence.valid_until) if licence.valid_until else None}
    change = LicenceStatusChange.objects.create(
        licence=licence, status=status, valid_until=valid_until, effective_date=effective_date, reason=reason,
        source_file=source_file, source_row=source_row, source_note=source_note,
    )
    licence.status = status
    licence.valid_until = valid_until
    licence.save(update_fields=["status", "valid_until"])
    audit_record(actor=actor_user, action="licence.status", target=licence, old=old,
                 new={"status": status, "valid_until": str(valid_until) if valid_until else None,
                      "effective_date": str(effective_date), "reason": reason})
    return change


@transaction.atomic
def relationship_create(
    *, actor_user: User | None, source: Actor, target: Actor, kind: str, start: dt.date | None = None,
    end: dt.date | None = None, source_note: str = "", source_file: ImportFile | None = None,
    source_row: int | None = None,
) -> Relationship:
    rel, created = Relationship.objects.get_or_create(
        source=source, target=target, kind=kind, start=start,
        defaults={"end": end, "source_note": source_note, "source_file": source_file, "source_row": source_row},
    )
    if created:
        audit_record(actor=actor_user, action="relationship.create", target=rel,
                     new={"source": source.identifier, "target": target.identifier, "kind": kind})
    return rel


def canonical_actor(actor: Actor | None) -> Actor | None:
    """The registry record an actor stands for now: record linkage may have merged it into another one."""
    for _i in range(10):
        if actor is None or actor.merged_into_id is None:
            break
        actor = actor.merged_into
    return actor


def reported_actor_key(name: str, phone: str, place: str) -> str:
    """What makes two namings of an unregistered actor the same one: the standardised name and phone, or the
    name and place when no phone was given."""
    parts = [standardise_name(name), standardise_phone(phone)]
    if not parts[1]:
        parts.append(place.strip().casefold())
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def reported_actor(*, name: str, phone: str, place: str, source_note: str) -> Actor:
    """The actor a worker named (in a complaint or a review) without a registry identifier, followed to the record
    linkage merged it into: the one named before with the same name and phone (or place, without a phone), or a
    new actor of kind "reported" (``FR-R-<n>``) that record linkage can later join to a known organisation.
    Concurrent namings of the same new actor make one: the key is unique and the loser takes the winner's."""
    name, place = name.strip(), place.strip()[:120]
    std_phone = standardise_phone(phone)
    key = reported_actor_key(name, phone, place)
    found = ReportedActorKey.objects.filter(key=key).select_related("actor").first()
    if found is not None:
        return canonical_actor(found.actor) or found.actor
    for a in Actor.objects.filter(
        kind=ActorKind.REPORTED, name_std=standardise_name(name), merged_into__isnull=True
    ):  # reported actors made before the keys existed
        phones = {standardise_phone(p) for p in a.phones or []}
        if (std_phone and std_phone in phones) or (
            not std_phone and not phones and a.city.casefold() == place.casefold()
        ):
            ReportedActorKey.objects.get_or_create(key=key, defaults={"actor": a})
            return a
    try:
        with transaction.atomic():  # a savepoint: losing the race rolls back only the new actor
            actor = actor_create(
                actor_user=None,
                name=name,
                kind=ActorKind.REPORTED,
                city=place,
                phones=[phone.strip()] if phone.strip() else [],
                source_note=source_note,
            )
            ReportedActorKey.objects.create(key=key, actor=actor)
        return actor
    except IntegrityError:  # a concurrent submission named the same new actor first: take its actor
        found = ReportedActorKey.objects.filter(key=key).select_related("actor").first()
        if found is None:
            raise
        return canonical_actor(found.actor) or found.actor


def licence_number_std(number: str) -> str:
    return standardise_licence(number)


__all__: list[Any] = [
    "actor_create", "actor_refresh_search", "canonical_actor", "licence_number_std", "licence_status_record",
    "relationship_create", "reported_actor", "reported_actor_key",
]
