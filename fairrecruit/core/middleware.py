from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render, resolve_url
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
        if request.path == resolve_url(settings.LOGIN_URL):
            # the sign-in was not saved (no session is stored with an answer of 500 or more): do not show the page
            # as signed in
            request.user = AnonymousUser()
        message = _("The service is busy. Nothing you sent was saved: please send it again in a minute.")
        response = _refusal(request, 503, "", str(message), "core/busy.html")
        response["Retry-After"] = str(self.RETRY_AFTER)
        return response


def _refusal(request: HttpRequest, status: int, field: str, message: str, template: str) -> HttpResponse:
    """The answer of a request refused before or instead of its view: ``{"errors": [...]}`` under /api/, else the
    template's page in the reader's language."""
    if request.path.startswith("/api/"):
        return JsonResponse({"errors": [{"field": field, "message": message}]}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    return render(request, template, {"message": message}, status=status)


def _nul_fields(value: Any, path: str = "") -> Iterator[str]:
    """The paths ('payments[0].purpose') of the strings in a decoded JSON value that hold a NUL character."""
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}".lstrip(".")
            if "\x00" in str(key):
                yield where.replace("\x00", "\\u0000")
            yield from _nul_fields(item, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _nul_fields(item, f"{path}[{i}]")


class NulInputMiddleware:
    """Refuses, with 400 and the field named, a request whose query, form fields, upload names or JSON body hold a
    NUL character (0x00), and answers an address that holds one (``%00``) as a missing page (404). No one types
    it; it arrives from a tampered or broken client, and PostgreSQL cannot store it in text or look it up (SQLite
    would, so the two databases would differ): the request would otherwise end in a server error after part of its
    work, or store what the other database refuses. Nothing is written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:  # '%00' in an address: no page has one (a lookup by it would fail on PostgreSQL)
            if request.path.startswith("/api/"):
                return JsonResponse({"errors": [{"field": "path", "message": "no such resource"}]}, status=404)
            raise Http404("no page has a NUL character in its address")
        field = self._first_nul_field(request)
        if field is None:
            return self.get_response(request)
        message = _("“%(field)s” holds an invisible NUL character (0x00), which cannot be stored: remove it and "
                    "send again.") % {"field": field}
        return _refusal(request, 400, field, str(message), "core/refused.html")

    @staticmethod
    def _first_nul_field(request: HttpRequest) -> str | None:
        forms: list[Any] = [request.GET]
        if request.method == "POST":
            forms += [request.POST, request.FILES]
        for data in forms:
            for key in data:
                if "\x00" in key:
                    return key.replace("\x00", "\\u0000")
                values = data.getlist(key)
                if any("\x00" in (getattr(v, "name", None) or str(v)) for v in values):
                    return key
        if request.content_type == "application/json" and request.method in ("POST", "PUT", "PATCH"):
            body = request.body
            if b"\\u0000" in body:
                try:
                    return next(_nul_fields(json.loads(body)), None)
                except ValueError:
                    return None  # not JSON: the view names what is wrong with it
        return None
