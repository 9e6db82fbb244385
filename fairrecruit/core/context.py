"""Where the current action comes from (channel, IP, user agent, request id), for audit events."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    channel: str = "system"
    ip: str | None = None
    user_agent: str = ""
    request_id: str = ""


current_origin: contextvars.ContextVar[Origin] = contextvars.ContextVar("current_origin", default=Origin())  # noqa: B039 - frozen
