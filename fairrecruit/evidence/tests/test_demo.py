"""`fairrecruit evidence_demo` loads the synthetic survey, a release and knowledge products, once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from fairrecruit.evidence.models import KnowledgeProduct, Release, Survey

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_pages_show_it(client: Client) -> None:
    out = io.StringIO()
    call_command("evidence_demo", "--dry-run", stdout=out)
    assert "dry run, nothing stored" in out.getvalue() and not Survey.objects.exists()
    call_command("evidence_demo", stdout=out)
    s = Survey.objects.get()
    assert s.synthetic and s.rows_imported == 1600 and "DEMO DATA" in s.title
    assert Release.objects.count() == 1
    assert set(KnowledgeProduct.objects.values_list("status", flat=True)) == {"published", "submitted"}
    out = io.StringIO()
    call_command("evidence_demo", stdout=out)
    assert "nothing new" in out.getvalue() and Survey.objects.count() == 1
    html = client.get("/corridors/BD-SA/").content.decode()
    assert "Demo data: the survey behind these numbers is synthetic" in html
    assert "a synthetic survey (demo)" in client.get("/knowledge/").content.decode()
