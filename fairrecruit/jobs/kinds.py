"""The registry of job kinds. A domain app registers its kinds in its ``jobs.py``:

    @job_kind("registry.import", label=_("Licence list import"), result_template="registry/_job_import.html")
    def run_import(ctx: JobContext) -> dict[str, Any]:
        ...
        ctx.progress(done, total, "writing")
        return {"import_file": pk, ...}

The function gets the job's parameters, its creator, its input file and a ``progress(done, total, stage="")``
callable; what it returns (JSON) is stored as the job's result. An exception fails the job with its message;
the function must write all or nothing (the import services do)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.utils.functional import Promise

from fairrecruit.core.models import User


class Progress(Protocol):
    def __call__(self, done: int, total: int, stage: str = "") -> None: ...


@dataclass(frozen=True)
class JobContext:
    params: dict[str, Any]
    user: User | None
    input_path: Path | None
    progress: Progress


@dataclass(frozen=True)
class Kind:
    name: str
    label: str | Promise
    run: Callable[[JobContext], dict[str, Any]]
    # Included in the job page when the job is done; gets ``job`` and what ``result_context`` returns.
    result_template: str | None = None
    result_context: Callable[[Any], dict[str, Any]] | None = None
    # The page that shows what the job made (e.g. the stored import report), from the job's result.
    result_url: Callable[[dict[str, Any]], str | None] | None = None


KINDS: dict[str, Kind] = {}


def job_kind(
    name: str,
    *,
    label: str | Promise,
    result_template: str | None = None,
    result_context: Callable[[Any], dict[str, Any]] | None = None,
    result_url: Callable[[dict[str, Any]], str | None] | None = None,
) -> Callable[[Callable[[JobContext], dict[str, Any]]], Callable[[JobContext], dict[str, Any]]]:
    def register(fn: Callable[[JobContext], dict[str, Any]]) -> Callable[[JobContext], dict[str, Any]]:
        if name in KINDS and KINDS[name].run is not fn:
            raise ValueError(f"job kind {name!r} is registered twice")
        KINDS[name] = Kind(name, label, fn, result_template, result_context, result_url)
        return fn

    return register


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown job kind {name!r}; known: {', '.join(sorted(KINDS)) or 'none'}") from None
