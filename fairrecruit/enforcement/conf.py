"""Settings of the enforcement app: Django settings, else the environment, else the default (docs/enforcement.md)."""

from __future__ import annotations

from typing import Any

from fairrecruit.core.conf import setting

DEFAULTS: dict[str, Any] = {
    # Public pages and the public API stop showing a sanction this many years after it ended: after its lifting,
    # the last day of a suspension, or the day of a warning, fine or order to repay. Bans and revocations in force
    # stay shown. 0: shown for ever. The regulator's own pages always show every sanction.
    "FAIRRECRUIT_SANCTIONS_PUBLIC_YEARS": 0,
}


def get(name: str) -> Any:
    return setting(DEFAULTS, name)
