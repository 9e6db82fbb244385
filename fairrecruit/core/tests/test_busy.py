"""When the database is busy beyond its wait (another writer holds it), a request is answered 503 with Retry-After
and a message in the reader's language that nothing was saved, not a server error; nothing is half-written, and the
retry with the same idempotency key stores the complaint once."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client

from fairrecruit.core.models import User
from fairrecruit.grievances.models import Case

pytestmark = pytest.mark.django_db(transaction=True)

BODY = {
    "categories": ["fees"],
    "description": "I paid 150,000 rupees for a job in Qatar",
    "origin": "NP",
    "destination": "QA",
    "recruitment_year": 2024,
    "payments": [{"amount": 150000, "currency": "NPR", "purpose": "service charge"}],
}


@contextmanager
def _database_held(table: str) -> Iterator[None]:
    """Another connection holds the write lock (SQLite: its one writer; PostgreSQL: the table, with this
    connection waiting at most 0.3 s for it, as a busy server's waits run out)."""
    locked, release = threading.Event(), threading.Event()
    failed: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
                else:  # BEGIN IMMEDIATE (settings) took the write lock; write to be sure
                    cursor.execute(f"UPDATE {table} SET id = id WHERE 1 = 0")
                locked.set()
                release.wait(30)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            failed.append(exc)
            locked.set()
        finally:
            connection.close()

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(10) and not failed, failed
    try:
        yield
    finally:
        release.set()
        holder.join(30)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")


def test_a_complaint_sent_while_the_database_is_busy_gets_503_and_its_retry_is_stored_once(
    settings: Any, tmp_path: Path
) -> None:
    settings.FAIRRECRUIT_GRIEVANCE_EVIDENCE_DIR = str(tmp_path)
    client = Client()
    send = lambda: client.post(  # noqa: E731
        "/api/v1/complaints", json.dumps(BODY), content_type="application/json", HTTP_IDEMPOTENCY_KEY="busy-complaint-0001"
    )
    with _database_held(Case._meta.db_table):
        busy = send()
    assert busy.status_code == 503 and busy["Retry-After"] == "30"
    assert busy.json()["errors"][0]["message"].startswith("The service is busy. Nothing you sent was saved")
    assert Case.objects.count() == 0
    first, again = send(), send()
    assert first.status_code == 201 and again.status_code in (200, 201), first.content
    assert first.json()["code"] == again.json()["code"] and Case.objects.count() == 1


def test_a_page_answers_busy_in_the_readers_language() -> None:
    User.objects.create_user("ana", password="pw-ana-123456")
    client = Client()
    with _database_held(User._meta.db_table):
        page = client.post("/accounts/login/", {"username": "ana", "password": "pw-ana-123456"},
                           HTTP_ACCEPT_LANGUAGE="ne")
    assert page.status_code == 503 and page["Retry-After"] == "30"
    html = page.content.decode()
    assert '<html lang="ne"' in html and "The service is busy" not in html  # said in Nepali
    # not shown signed in: the sign-in was not saved (on PostgreSQL it fails at the last-login update, after the
    # request's user was set)
    assert 'action="/accounts/logout/"' not in html and 'href="/accounts/login/"' in html
    assert client.post("/accounts/login/", {"username": "ana", "password": "pw-ana-123456"}).status_code == 302
