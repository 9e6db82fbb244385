from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fairrecruit.certification.tests.factories import World


@pytest.fixture(autouse=True)
def _dirs(settings: Any, tmp_path: Path) -> None:
    settings.FAIRRECRUIT_CERT_EVIDENCE_DIR = str(tmp_path / "cert-evidence")


@pytest.fixture
def world(db: Any) -> World:
    return World()
