"""The clock that deadlines and escalations read. Services take ``clock=`` so tests move time by hand
(``FixedClock.advance``) instead of sleeping."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.utils import timezone


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return timezone.now()


class FixedClock:
    """A clock that stands still until moved."""

    def __init__(self, start: dt.datetime) -> None:
        if timezone.is_naive(start):
            start = timezone.make_aware(start, dt.UTC)
        self._now = start

    def now(self) -> dt.datetime:
        return self._now

    def set(self, when: dt.datetime) -> None:
        self._now = when if timezone.is_aware(when) else timezone.make_aware(when, dt.UTC)

    def advance(self, **delta: float) -> dt.datetime:
        self._now += dt.timedelta(**delta)
        return self._now


SYSTEM_CLOCK: Clock = SystemClock()
