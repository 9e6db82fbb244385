"""Writes for the registry. Each runs in one transaction and records its audit event in it.

Imports (``imports.py``) and record linkage (``linkage.py``) build on these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
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
)
from fairrecruit.registry.names import search_key, standardise_licence, standardise_name, standardise_phone


def actor_refresh_search(actor: Actor) -> None:
    """Recompute the standardised name and the search text (name, aliases, phones, licence numbers)."""
    parts = [search_key(actor.name)] + [search_key(a.name) for a in actor.aliases.all()]
    parts += [standardise_phone(p) for p in actor.phones or []]
    parts += [lic.number_std for lic in actor.licences.all()]
    actor.name_std = standardise_name(actor.name)
    actor.search_text = " | ".join(p for p in dict.fromkeys(parts) if p)
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


def licence_number_std(number: str) -> str:
    return standardise_licence(number)


__all__: list[Any] = [
    "actor_create", "actor_refresh_search", "licence_number_std", "licence_status_record", "relationship_create",
]
