"""Key rotation for everything encrypted at rest, in every app: ``fairrecruit rekey``.

To rotate the field key: put a new key first in ``FAIRRECRUIT_FIELD_KEYS`` (keep the old one after it), run
``fairrecruit rekey``, check that ``fairrecruit rekey --check`` finds nothing left under an old key, then remove
the old key once no lookup hash made under it is needed (see below).

* **Values**: every ``EncryptedTextField`` of every installed model is found by its field class (a new model
  with an encrypted field is covered without being listed here) and re-encrypted under the first key, in one
  transaction.
* **Lookup hashes that can be made again**: a model whose keyed hash is of a value it keeps encrypted defines
  ``rekey_hashes(self) -> {hash field: new hash}`` (a programme worker's reference, a fee survey's employee
  number); those are recomputed under the first key in the same transaction, so they are found without the old
  key. Hashes of values that are not kept (a case's PIN, an edit code, an SMS sender) cannot be: they are found
  under every configured key, and a PIN is hashed again when used; keep the old key while they may be needed.
* **Files**: apps register a rotator for their encrypted files (``register_files``; grievances' evidence), run
  after the transaction, each file replaced atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.db import models, transaction

from fairrecruit.core import crypto
from fairrecruit.core.services import audit_record

# (dry_run) -> (files rotated or counted, names of files missing)
FileRotator = Callable[[bool], tuple[int, list[str]]]
_FILE_ROTATORS: dict[str, FileRotator] = {}


def register_files(name: str, rotator: FileRotator) -> None:
    """Register an app's rotator of encrypted files (call from ``AppConfig.ready``)."""
    _FILE_ROTATORS[name] = rotator


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every installed model with encrypted fields, and those fields' names."""
    out = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, crypto.EncryptedTextField)]
        if names:
            out.append((model, names))
    return out


@dataclass
class Rekeyed:
    values: dict[str, int] = field(default_factory=dict)  # model label -> values re-encrypted
    hashes: dict[str, int] = field(default_factory=dict)  # model label -> rows whose lookup hashes were remade
    files: dict[str, int] = field(default_factory=dict)
    missing_files: list[str] = field(default_factory=list)


def rekey(*, dry_run: bool = False) -> Rekeyed:
    """Re-encrypt every encrypted value and file under the first key, and remake the lookup hashes that can be
    remade. ``dry_run`` counts without writing."""
    out = Rekeyed()
    with transaction.atomic():
        for model, names in encrypted_fields():
            label = model._meta.label_lower
            remakes = callable(getattr(model, "rekey_hashes", None))
            for obj in model._default_manager.all().order_by("pk").iterator():
                changed: dict[str, Any] = {}
                for name in names:
                    sealed = getattr(obj, name)
                    if sealed:
                        changed[name] = crypto.Sealed(crypto.rotate(sealed.token))
                if not changed:
                    continue
                out.values[label] = out.values.get(label, 0) + len(changed)
                if remakes:
                    changed |= obj.rekey_hashes()  # type: ignore[attr-defined]
                    out.hashes[label] = out.hashes.get(label, 0) + 1
                if not dry_run:
                    model._default_manager.filter(pk=obj.pk).update(**changed)
        if not dry_run:
            audit_record(
                actor=None,
                action="crypto.rekey",
                target=("core.fieldkey", "*"),
                new={"values": out.values, "hashes": out.hashes},
            )
    for name, rotator in sorted(_FILE_ROTATORS.items()):
        n, missing = rotator(dry_run)
        out.files[name] = n
        out.missing_files += missing
    return out


def stale() -> dict[str, int]:
    """How many stored values each model still holds under a key other than the first (0 everywhere: the
    values no longer need an old key)."""
    first = Fernet(crypto.configured_keys()[0])
    out = {}
    for model, names in encrypted_fields():
        n = 0
        for values in model._default_manager.values_list(*names).iterator():
            for raw in values:
                token = raw.token if isinstance(raw, crypto.Sealed) else raw
                if not token:
                    continue
                try:
                    first.decrypt(token.encode("ascii"))
                except (InvalidToken, ValueError):
                    n += 1
        out[model._meta.label_lower] = n
    return out
