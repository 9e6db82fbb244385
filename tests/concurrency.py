"""Threads released together on the live test database (shared by the race tests)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import OperationalError, connection


def race(target: Callable[[int], Any], n: int) -> list[Any]:
    """Run ``target(i)`` in ``n`` threads released together; return their results or exceptions."""
    barrier = threading.Barrier(n)
    out: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            out[i] = target(i)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            out[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return out


def retry_when_locked(fn: Callable[[], Any], attempts: int = 20, pause: float = 0.05) -> Any:
    """``fn()``, tried again while SQLite says another writer holds the database (the in-memory test database
    answers "locked" at once instead of waiting), backing off a little more each time; anything else is raised."""
    for attempt in range(attempts):
        try:
            return fn()
        except OperationalError as exc:
            if connection.vendor != "sqlite" or "locked" not in str(exc):
                raise
            connection.close()
            time.sleep(pause * (attempt + 1))
    raise AssertionError("database stayed locked")
