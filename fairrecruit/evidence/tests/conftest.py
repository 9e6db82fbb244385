"""Fixtures of the evidence tests: a small synthetic survey stored in the database, releases in a temporary
folder, users with roles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from fairrecruit.core.models import Organisation, Role
from fairrecruit.core.services import membership_grant
from fairrecruit.evidence import generate, services
from fairrecruit.evidence.models import Survey


@pytest.fixture(autouse=True)
def releases_root(settings: Any, tmp_path: Path) -> Path:
    settings.EVIDENCE_RELEASES_ROOT = str(tmp_path / "releases")
    return tmp_path / "releases"


@pytest.fixture
def stored_survey(tmp_path: Path, db: None) -> Survey:
    path = generate.write_csv(tmp_path / "demo.csv", generate.survey_rows(400, seed=5))
    s = services.survey_import(actor=None, path=path, title="Test survey (synthetic)", synthetic=True)
    assert s.status == "imported", s.report
    return s


def make_user(username: str, role: str | None = None, org: str = "Org") -> Any:
    user = get_user_model().objects.create_user(username=username, password="pw-12345678")
    if role:
        o, _ = Organisation.objects.get_or_create(name=org, kind="research", country="")
        membership_grant(actor=None, user=user, organisation=o, role=role)
    return user


@pytest.fixture
def people(db: None) -> dict[str, Any]:
    return {
        "staff": make_user("staff1", Role.STAFF, "Operator"),
        "res1": make_user("res1", Role.RESEARCHER, "Institute A"),
        "res2": make_user("res2", Role.RESEARCHER, "Institute B"),
        "res3": make_user("res3", Role.RESEARCHER, "Institute C"),
        "author": make_user("author"),
        "brand": make_user("brand1", Role.EMPLOYER, "Brand"),
    }
