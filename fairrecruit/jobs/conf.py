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
    # Seconds between two signs of life of a running job's worker. A job whose worker runs on another machine and
    # has given none for four such periods is marked failed (its worker is taken to have ended). Jobs of this
    # machine are checked by their process id instead.
    "FAIRRECRUIT_JOBS_HEARTBEAT_SECONDS": 30.0,
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


def heartbeat_seconds() -> float:
    value = get("FAIRRECRUIT_JOBS_HEARTBEAT_SECONDS")
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = 0.0
    if not seconds > 0:
        raise ValueError(f"FAIRRECRUIT_JOBS_HEARTBEAT_SECONDS must be a number of seconds above 0, not {value!r}")
    return seconds


STALE_HEARTBEATS = 4  # periods without a sign of life after which a worker of another machine is taken as ended
