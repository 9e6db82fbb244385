from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from fairrecruit.core.context import Origin, current_origin

log = logging.getLogger(__name__)


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


class BusyDatabaseMiddleware:
    """A request that fails because the database could not be reached or was busy (SQLite's single writer held
    beyond its 20 s wait, a PostgreSQL lock or statement timeout, a lost connection) gets a 503 with Retry-After,
    saying in the reader's language that nothing was saved and to send it again, instead of a server error. Its
    transaction was rolled back, so nothing is half-written; a retried complaint or review with the same
    idempotency key is stored once. The error is logged for the operators."""

    RETRY_AFTER = 30  # seconds

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError):
            return None
        log.warning("database busy or unreachable: %s %s answered 503", request.method, request.path,
                    exc_info=exception)
        message = _("The service is busy. Nothing you sent was saved: please send it again in a minute.")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"errors": [{"field": "", "message": str(message)}]}, status=503,
                json_dumps_params={"ensure_ascii": False},
            )
        else:
            response = render(request, "core/busy.html", {"message": message}, status=503)
        response["Retry-After"] = str(self.RETRY_AFTER)
        return response
