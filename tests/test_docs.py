"""Fails when a setting, command or API endpoint is not documented in README.md (Datasette's habit)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_environment_variable_is_documented() -> None:
    names: set[str] = set()
    for f in [*ROOT.joinpath("fairrecruit").rglob("*.py"), ROOT / "Makefile", ROOT / ".ci" / "run"]:
        names |= set(re.findall(r"FAIRRECRUIT_[A-Z_]+", f.read_text(encoding="utf-8")))
    assert names, "no settings found: the scan is broken"
    missing = sorted(n for n in names if f"`{n}`" not in README)
    assert not missing, f"undocumented settings: {missing}"


def test_every_command_is_documented() -> None:
    cmds = sorted(p.stem for p in ROOT.joinpath("fairrecruit").glob("*/management/commands/*.py") if p.stem != "__init__")
    assert "assess" in cmds
    missing = [c for c in cmds if f"`fairrecruit {c}" not in README]
    assert not missing, f"undocumented commands: {missing}"


@pytest.mark.django_db
def test_every_api_endpoint_is_documented(client: Client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    missing = []
    for path, ops in paths.items():
        for method in ops:
            shown = re.sub(r"\{[^}]+\}", "{id}", path)
            if f"{method.upper()} {shown}" not in README:
                missing.append(f"{method.upper()} {path}")
    assert not missing, f"undocumented endpoints: {missing}"


def test_every_app_has_a_readme() -> None:
    apps = [p.parent for p in ROOT.joinpath("fairrecruit").glob("*/apps.py")]
    assert len(apps) >= 2
    assert all((a / "README.md").exists() for a in apps), [a.name for a in apps if not (a / "README.md").exists()]
