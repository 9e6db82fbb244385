"""API authentication: 'Authorization: Bearer <token>' (tokens from `fairrecruit token create`)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from fairrecruit.core.models import ApiToken, User
from fairrecruit.core.services import api_token_user


def api_user(request: HttpRequest) -> ApiToken | None:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    return api_token_user(header[7:].strip())


def submission_limited(
    request: HttpRequest,
    *,
    app: str,
    token: ApiToken | None,
    partner_rate: str,
    rate: str,
    source: Callable[[str, HttpRequest], str],
) -> bool:
    """Count a submission and say whether it is over the limit: per API token at the partner rate (groups
    ``<app>.api.partner``), else per connection (``<app>.submit``, keyed by ``source``, a hash of the IP)."""
    if token is not None:
        return is_ratelimited(request, group=f"{app}.api.partner", key=lambda g, r: f"tok:{token.pk}",
                              rate=partner_rate, method="POST", increment=True)
    return is_ratelimited(request, group=f"{app}.submit", key=source, rate=rate, method="POST", increment=True)


def optional_user(request: HttpRequest) -> User | None:
    """The signed-in user, or None for an anonymous visitor."""
    return request.user if isinstance(request.user, User) else None


def member(request: HttpRequest) -> User:
    """The signed-in user of a ``login_required`` view."""
    assert isinstance(request.user, User)
    return request.user


def key_limited(*, group: str, key: str, rate: str) -> bool:
    """Count one use by ``key`` (a keyed hash, never a phone number in clear: it is kept in the cache) against
    ``rate`` and say whether it is over the limit; for work that comes without a request of its own (an SMS relayed
    by a gateway, where the connection is the gateway's)."""
    return is_ratelimited(None, group=group, key=lambda g, r: key, rate=rate, increment=True)  # type: ignore[arg-type]


def post_limited(request: HttpRequest, *, group: str, rate: str, source: Callable[[str, HttpRequest], str]) -> bool:
    """Count a POST against ``rate`` per ``source`` (a django-ratelimit key: a salted hash of the IP address, kept in
    the cache only) and say whether it is over the limit."""
    return is_ratelimited(request, group=group, key=source, rate=rate, method="POST", increment=True)
