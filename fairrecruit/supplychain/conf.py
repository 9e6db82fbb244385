"""Settings of the supplychain app: Django settings, else the environment, else the default (in README.md)."""

from __future__ import annotations

from typing import Any

from fairrecruit.core.conf import setting

DEFAULTS: dict[str, Any] = {
    # Answers to workforce fee surveys per source (a salted hash of the IP address), so that nobody fills a
    # brand's survey with invented answers from one connection. A workplace sharing one connection may need more.
    "FAIRRECRUIT_FEE_SURVEY_RATE": "60/h",
}


def get(name: str) -> Any:
    return setting(DEFAULTS, name)
