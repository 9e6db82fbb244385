"""Shared test fixtures. Tests run on SQLite by default and on PostgreSQL when FAIRRECRUIT_DATABASE_URL
points at one (as `make test` does in CI)."""

from typing import Any

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Each test starts with no rate-limit or burst counters. They live in the database cache table, which neither a
    transactional test's flush (not a model's table) nor, for tests without database access, a rollback empties."""
    with django_db_blocker.unblock():
        cache.clear()
