"""API authentication: 'Authorization: Bearer <token>' (tokens from `fairrecruit token create`)."""

from __future__ import annotations

from django.http import HttpRequest

from fairrecruit.core.models import ApiToken
from fairrecruit.core.services import api_token_user


def api_user(request: HttpRequest) -> ApiToken | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    return api_token_user(header[7:].strip())
