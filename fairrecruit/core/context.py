"""Where the current action comes from (channel, IP, user agent, request id), for audit events."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    channel: str = "system"
    ip: str | None = None
    user_agent: str = ""
    request_id: str = ""


current_origin: contextvars.ContextVar[Origin] = contextvars.ContextVar("current_origin", default=Origin())  # noqa: B039 - frozen


@contextmanager
def anonymous_origin() -> Iterator[None]:
    """Audit events written inside carry the channel only: no IP, user agent or request id (a worker's review or
    complaint cannot be traced to its author through the audit log)."""
    token = current_origin.set(Origin(channel=current_origin.get().channel))
    try:
        yield
    finally:
        current_origin.reset(token)
