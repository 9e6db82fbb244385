"""Settings of the jobs app. Each is read from Django settings, else from the environment, else the default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from fairrecruit.core.conf import setting

DEFAULTS: dict[str, Any] = {
    # Where a job's input file (an uploaded list or survey) is kept until the job ends. Never under a static or
    # media URL. Default: <project>/var/jobs.
    "FAIRRECRUIT_JOBS_DIR": "",
    # "thread": the web process runs queued jobs in a background thread after the enqueuing transaction commits
    # (the one-command demo). "external": only `fairrecruit jobs work` runs them (production).
    "FAIRRECRUIT_JOBS_WORKER": "thread",
}

WORKER_MODES = ("thread", "external")


def get(name: str) -> Any:
    return setting(DEFAULTS, name)


def jobs_dir() -> Path:
    configured = get("FAIRRECRUIT_JOBS_DIR")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "jobs"


def worker_mode() -> str:
    mode = str(get("FAIRRECRUIT_JOBS_WORKER")).strip().lower()
    if mode not in WORKER_MODES:
        raise ValueError(f"FAIRRECRUIT_JOBS_WORKER must be one of {', '.join(WORKER_MODES)}, not {mode!r}")
    return mode
