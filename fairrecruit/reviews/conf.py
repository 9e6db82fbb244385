"""Settings of the reviews app. Each is read from Django settings, else from the environment, else the default
(documented in docs/reviews.md and README.md)."""

from __future__ import annotations

from typing import Any

from fairrecruit.core.conf import setting

DEFAULTS: dict[str, Any] = {
    # Minimum number of published reviews (and of answers to a question) before any aggregate is shown.
    "FAIRRECRUIT_REVIEW_MIN_AGGREGATE": 5,
    # Submissions (web form and anonymous API) per source (salted hash of the IP address), django-ratelimit syntax.
    "FAIRRECRUIT_REVIEW_RATE": "20/h",
    # Submissions per API token (partners entering reviews collected offline).
    "FAIRRECRUIT_REVIEW_PARTNER_RATE": "500/h",
    # Edit-code attempts and reader flags per source.
    "FAIRRECRUIT_REVIEW_CODE_RATE": "20/h",
    # More than this many reviews of one actor from one source within FAIRRECRUIT_REVIEW_BURST_HOURS is a burst.
    "FAIRRECRUIT_REVIEW_BURST_LIMIT": 3,
    "FAIRRECRUIT_REVIEW_BURST_HOURS": 24,
}


def get(name: str) -> Any:
    return setting(DEFAULTS, name)
