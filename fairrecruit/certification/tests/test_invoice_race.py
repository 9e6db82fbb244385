"""Two invoices issued at the same moment get two numbers, not a server error. Real threads on the live test
database: SQLite serialises writers, so the race itself happens on PostgreSQL (where both threads read the same
highest number and the loser of the unique number retries with the next)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import OperationalError, connection

from fairrecruit.certification import services as svc
from fairrecruit.certification.models import Invoice
from fairrecruit.certification.tests.factories import World

pytestmark = pytest.mark.django_db(transaction=True)


def _issue(world: World, audit: Any, kind: str) -> Any:
    for _attempt in range(20):
        try:
            return svc.invoice_issue(user=world.manager, application=audit.application, kind=kind,
                                     audit=audit if kind == "audit" else None)
        except OperationalError as exc:  # SQLite: database is locked, the client retries
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            connection.close()
            time.sleep(0.05 * (_attempt + 1))  # back off: the other writer holds the lock
    raise AssertionError("database stayed locked")


def test_two_invoices_at_once_get_two_numbers() -> None:
    world = World()
    audit = world.planned_audit()
    barrier = threading.Barrier(2)
    out: list[Any] = [None, None]

    def run(i: int, kind: str) -> None:
        try:
            barrier.wait(timeout=10)
            out[i] = _issue(world, audit, kind)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            out[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, k)) for i, k in enumerate(("application", "audit"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [r for r in out if isinstance(r, BaseException)] == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert len(numbers) == 2 and len(set(numbers)) == 2
    assert [n[-6:] for n in numbers] == ["000001", "000002"]
