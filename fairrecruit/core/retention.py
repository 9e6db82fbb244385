"""Keeping short-lived data only as long as it is needed: ``fairrecruit retention [--dry-run]``.

Some records exist only to make something else safe for a while: the token of a form already sent (so that a double
tap stores nothing new), a gateway message already answered (so that a redelivery is not answered twice), the
half-finished answers of a worker who stopped writing in the middle of a complaint. Kept for ever, they only add to
what could leak. Apps register a rule for each (``register`` in ``AppConfig.ready``): which rows are due after how
many days (a retention setting such as ``FAIRRECRUIT_RETAIN_FORM_TOKENS_DAYS``, ``0`` keeps them for ever), and delete them (or, for files, sweep them). Each rule runs in its own transaction with one audit event ``retention.<rule>`` that
records the count and the cut-off day (never what was removed). Run it daily, beside ``grievances_tick``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from fairrecruit.core.conf import setting
from fairrecruit.core.services import audit_record

DEFAULTS: dict[str, Any] = {
    # Days a sent form's token is kept (core.FormSubmission): a form resent within them stores nothing new.
    "FAIRRECRUIT_RETAIN_FORM_TOKENS_DAYS": 30,
}


@dataclass(frozen=True)
class Rule:
    name: str  # short, lower case: the audit action is retention.<name>
    what: str  # plain words for the command's output
    rows: Callable[[dt.datetime], models.QuerySet[Any]] | None  # the rows due (deleted), given the cut-off time
    defaults: dict[str, Any]  # the app's defaults, where ``setting`` is found
    setting: str  # the name of the setting that gives the days
    # Instead of rows, for what is not rows (files): called with the cut-off time and ``dry_run``; deletes (or
    # counts) and says how many. ``target`` names what it sweeps in the audit event.
    sweep: Callable[[dt.datetime, bool], int] | None = None
    target: str = ""

    def days(self) -> int:
        return int(setting(self.defaults, self.setting))


_RULES: dict[str, Rule] = {}


def register(rule: Rule) -> None:
    _RULES[rule.name] = rule


def rules() -> list[Rule]:
    return [_RULES[k] for k in sorted(_RULES)]


@dataclass
class Applied:
    rule: Rule
    days: int  # 0: kept for ever (nothing done)
    cutoff: dt.datetime | None
    count: int


def apply(*, dry_run: bool = False, now: dt.datetime | None = None) -> list[Applied]:
    """Every registered rule, each in its own transaction; with ``dry_run``, only count."""
    now = now or timezone.now()
    out = []
    for rule in rules():
        days = rule.days()
        if days <= 0:
            out.append(Applied(rule, days, None, 0))
            continue
        cutoff = now - dt.timedelta(days=days)
        with transaction.atomic():
            if rule.sweep is not None:
                n, target = rule.sweep(cutoff, dry_run), rule.target
            else:
                assert rule.rows is not None
                due = rule.rows(cutoff)
                target = due.model._meta.label
                n = due.count() if dry_run else due.delete()[1].get(target, 0)
            if n and not dry_run:
                audit_record(actor=None, action=f"retention.{rule.name}", target=(target, "*"),
                             new={"count": n, "older_than": cutoff.date().isoformat(), "days": days})
        out.append(Applied(rule, days, cutoff, n))
    return out


def _form_tokens(cutoff: dt.datetime) -> models.QuerySet[Any]:
    from fairrecruit.core.models import FormSubmission

    return FormSubmission.objects.filter(created_at__lt=cutoff)


register(Rule("form_tokens", "tokens of sent forms", _form_tokens, DEFAULTS, "FAIRRECRUIT_RETAIN_FORM_TOKENS_DAYS"))
