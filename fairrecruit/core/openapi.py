"""OpenAPI pieces every app's API declares the same way (the JSON API answers bad input with ``{"errors":
[{"field", "message"}]}`` everywhere)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        }
    },
}


def json_response(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """An OpenAPI response object with a JSON body of ``schema``."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


class BodyError(ValueError):
    """A request body that is not JSON: ``status`` (400 or 415) and ``errors`` to answer."""

    def __init__(self, status: int, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.status = status
        self.errors = [{"field": field, "message": message}]


def json_body(request: HttpRequest) -> Any:
    """The JSON body of an API request (``None`` when empty). Raises BodyError: 415 for a form, multipart (its
    stream was read by the NUL check) or URL-encoded (a JSON endpoint has no use for either), 400 for JSON that
    does not parse."""
    kind = request.content_type or ""
    if kind.startswith("multipart/") or kind == "application/x-www-form-urlencoded":
        raise BodyError(415, "Content-Type", "send the body as application/json, not as a form")
    try:
        return json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BodyError(400, "(body)", f"is not valid JSON: {exc}") from None
