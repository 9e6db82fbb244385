"""The database cache of the rate-limit counters: increments are atomic across connections (processes) and keep
the counter's expiry (Django's DatabaseCache.incr does neither)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import connection

from fairrecruit.core.cache import AtomicDatabaseCache
from tests.concurrency import race, retry_when_locked

pytestmark = pytest.mark.django_db


def _expires(key: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT expires FROM {settings.CACHE_TABLE} WHERE cache_key = %s", [cache.make_key(key)])
        return cursor.fetchone()[0]


def test_the_configured_cache_is_the_atomic_one() -> None:
    assert isinstance(caches["default"], AtomicDatabaseCache)


def test_incr_and_decr_count_and_keep_the_expiry() -> None:
    assert cache.add("hits", 0, timeout=3600)
    before = _expires("hits")
    assert cache.incr("hits") == 1 and cache.incr("hits", 5) == 6 and cache.decr("hits", 2) == 4
    assert cache.get("hits") == 4
    assert _expires("hits") == before  # still an hour, not the default five minutes


def test_incr_of_a_missing_or_expired_key_fails_as_djangos_does() -> None:
    with pytest.raises(ValueError, match="not found"):
        cache.incr("never-set")
    cache.set("gone", 3, timeout=1)
    time.sleep(1.1)
    with pytest.raises(ValueError, match="not found"):
        cache.incr("gone")


@pytest.mark.django_db(transaction=True)
def test_increments_from_many_connections_at_once_are_all_counted() -> None:
    cache.add("burst", 0, timeout=600)
    n, each = 4, 25

    def count(_i: int) -> None:
        for _ in range(each):
            retry_when_locked(lambda: cache.incr("burst"), attempts=100, pause=0.005)

    errors = [r for r in race(count, n) if isinstance(r, BaseException)]
    assert not errors, errors
    assert cache.get("burst") == n * each
