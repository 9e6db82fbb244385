"""Reading an app's settings: each ``FAIRRECRUIT_*`` setting comes from Django settings, else from the environment,
else the app's default, and is converted to the default's type (every one is documented in README.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from django.conf import settings


def setting(defaults: Mapping[str, Any], name: str) -> Any:
    """The value of ``name`` (a key of ``defaults``): Django settings, else the environment, else the default. A
    list or tuple given for a text setting is joined with commas."""
    default = defaults[name]
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, list | tuple) and isinstance(default, str):
        return ",".join(str(v) for v in value)
    return type(default)(value)
