"""Shared test fixtures. Tests run on SQLite by default and on PostgreSQL when FAIRRECRUIT_DATABASE_URL
points at one (as `make test` does in CI)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import translation
from hypothesis import settings as hypothesis_settings

# Property tests check behaviour, not speed (speed lives in bench/): no per-example deadline, which a shared or
# loaded machine (two test workers on two CPUs, as in CI) would otherwise turn into failures.
hypothesis_settings.register_profile("fairrecruit", deadline=None)
hypothesis_settings.load_profile("fairrecruit")


@pytest.fixture(scope="session")
def _jobs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("jobs")


@pytest.fixture(autouse=True)
def _jobs_external(settings: Any, _jobs_dir: Path) -> None:
    """Background jobs run only when a test runs them (``run_pending()`` or ``fairrecruit jobs work``); their
    input files go to a temporary folder. A test of the web process's worker thread sets ``thread`` again."""
    settings.FAIRRECRUIT_JOBS_WORKER = "external"
    settings.FAIRRECRUIT_JOBS_DIR = str(_jobs_dir)


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """Each test starts, and leaves, in the default language: a request in another language activates it for the
    thread (Django's LocaleMiddleware does not switch back), and a service called directly afterwards would
    answer in it."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings: Any) -> None:
    """Passwords are hashed with MD5 in tests, as Django's testing guide advises: the production hasher (PBKDF2,
    1,000,000 iterations) takes half a second per login or new account on a small machine, for nothing a test
    checks. PBKDF2 stays second in the list, so that an account made with it (by a command run in another
    process) can still sign in."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _corridor_figures_not_cached(settings: Any) -> None:
    """Corridor pages are computed at each view, so that a test sees the data it has just written; the cache
    itself is tested in fairrecruit/evidence/tests/test_corridor_cache.py."""
    settings.FAIRRECRUIT_CORRIDOR_CACHE_SECONDS = 0


_DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


@pytest.fixture(scope="session")
def _test_database(request: pytest.FixtureRequest) -> bool:
    """Whether this run has a test database: pytest-django makes one only when a collected test uses it. Without
    one, the connection would reach the configured (development) database."""
    for item in request.session.items:
        if item.get_closest_marker("django_db") or _DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            request.getfixturevalue("django_db_setup")
            return True
    return False


@pytest.fixture(autouse=True)
def _empty_cache(_test_database: bool, django_db_blocker: Any) -> None:
    """Each test starts with no rate-limit or burst counters. They live in the database cache table, which neither a
    transactional test's flush (not a model's table) nor, for tests without database access, a rollback empties.
    A run of tests that never use the database has no test database, and no counter to empty."""
    if not _test_database:
        return
    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture(autouse=True)
def _search_caches_empty() -> None:
    """Each test checks the SQLite search index afresh: the process remembers for a minute that the index and its
    triggers were there, and an earlier test (a migration test, a flush) may have dropped them since, so that the
    actors a test makes would not be found by name."""
    from fairrecruit.registry import search

    search.clear_caches()
