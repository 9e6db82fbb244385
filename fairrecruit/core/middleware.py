from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fairrecruit.core.context import Origin, current_origin


class RequestContextMiddleware:
    """Records the request's origin for audit events. The IP is the socket peer: set a trusted proxy's
    header handling in the web server, not here, so that a client cannot forge it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        origin = Origin(
            channel=channel,
            ip=request.META.get("REMOTE_ADDR") or None,
            user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:300],
            request_id=request.META.get("HTTP_X_REQUEST_ID") or uuid.uuid4().hex,
        )
        token = current_origin.set(origin)
        try:
            return self.get_response(request)
        finally:
            current_origin.reset(token)
