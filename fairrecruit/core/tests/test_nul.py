"""A NUL character (0x00) in a query, a form field or a JSON body is refused with 400 and the field named, in the
reader's language, and nothing is stored: PostgreSQL cannot store it in text (a server error before, on pages that
read fields without a Django form), and SQLite would, so the two databases would hold different data."""

from __future__ import annotations

import copy
import json

import pytest
from django.test import Client

from fairrecruit.core.models import User
from fairrecruit.core.tests.test_busy import BODY
from fairrecruit.grievances.models import Case

pytestmark = pytest.mark.django_db


def _complaint(client: Client, body: dict, key: str) -> tuple[int, dict]:
    r = client.post("/api/v1/complaints", json.dumps(body), content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY=key)
    return r.status_code, r.json()


def test_api_names_the_json_field_that_holds_a_nul_and_stores_nothing(client: Client) -> None:
    for field, change in (
        ("description", lambda b: b.update(description="I paid\x00 150,000")),
        ("payments[0].purpose", lambda b: b["payments"][0].update(purpose="visa\x00")),
    ):
        body = copy.deepcopy(BODY)
        change(body)
        status, answer = _complaint(client, body, f"nul-check-{field[:8]}-0001")
        assert status == 400 and answer["errors"][0]["field"] == field, answer
        assert "NUL" in answer["errors"][0]["message"]
    assert Case.objects.count() == 0
    # the same complaint without it is stored (the check does not consume the body the API reads)
    status, answer = _complaint(client, copy.deepcopy(BODY), "nul-check-clean-0001")
    assert status == 201, answer
    assert Case.objects.count() == 1


def test_a_form_field_or_query_with_a_nul_gets_a_page_naming_it_in_the_readers_language(client: Client) -> None:
    r = client.get("/verify/", {"q": "Himalaya\x00"}, HTTP_ACCEPT_LANGUAGE="en")
    page = r.content.decode()
    assert r.status_code == 400 and "“q” holds an invisible NUL character" in page and "<title>" in page
    r = client.get("/verify/", {"q": "Himalaya\x00"}, HTTP_ACCEPT_LANGUAGE="ne")
    assert r.status_code == 400 and 'lang="ne"' in r.content.decode()
    assert "holds an invisible NUL character" not in r.content.decode()  # translated
    r = client.post("/accounts/login/", {"username": "ana\x00", "password": "x"})
    assert r.status_code == 400 and "“username”" in r.content.decode()
    assert not User.objects.exists()
    assert client.get("/verify/", {"q": "Himalaya"}).status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/verify/NP-DOFE-1%00/", "/certification/verify/AB%00C/", "/api/v1/organisations/NP%00X",
     "/api/v1/actors/x%00/reviews"],
)
def test_an_address_with_a_nul_is_a_missing_page(client: Client, url: str) -> None:
    """Each of these looked the address up and ended in a database error on PostgreSQL."""
    r = client.get(url)
    assert r.status_code == 404
    if url.startswith("/api/"):
        assert r.json()["errors"][0]["field"] == "path"
