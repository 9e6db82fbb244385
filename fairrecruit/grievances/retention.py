"""What the grievance mechanism keeps only for a while (``core.retention``, run by ``fairrecruit retention``):

* gateway messages already answered (``InboundMessage``: a redelivery gets the same replies), after
  ``FAIRRECRUIT_RETAIN_GATEWAY_MESSAGES_DAYS``;
* conversations abandoned before they became a complaint (their answers may hold a name or a phone number), after
  ``FAIRRECRUIT_RETAIN_ABANDONED_CONVERSATIONS_DAYS`` without a message;
* evidence files that no attachment names (an upload whose case was never stored: the process stopped between
  writing the file and the transaction, or a lost race) and left-over temporary files, after
  ``FAIRRECRUIT_RETAIN_ORPHAN_FILES_DAYS`` (so that an upload under way is never touched).

A conversation that became a complaint keeps no answers at all (``services.conversation_handle`` drops them when
the complaint is made, migration 0008 dropped those kept before): only its language, step and case, so that STATUS
still works.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.apps import apps
from django.db import models

from fairrecruit.core.retention import Rule, register
from fairrecruit.grievances import conf
from fairrecruit.grievances.models import Attachment, Conversation, InboundMessage


def _gateway_messages(cutoff: dt.datetime) -> models.QuerySet[Any]:
    return InboundMessage.objects.filter(created_at__lt=cutoff)


def _abandoned(cutoff: dt.datetime) -> models.QuerySet[Any]:
    return Conversation.objects.filter(case__isnull=True, last_message_at__lt=cutoff)


_STORED = re.compile(r"^[0-9a-f]{32}$")  # storage.save's names
_LEFT_OVER = re.compile(r"^\.[0-9a-f]{32}\.(tmp|rotate)$")  # its temporary files, and rotate's


def _orphan_files(cutoff: dt.datetime, dry_run: bool) -> int:
    """Delete (or count) the evidence folder's files older than ``cutoff`` that no attachment names. Names that
    storage does not make are left alone, and so are the certification app's files if it shares the folder."""
    directory = conf.evidence_dir()
    if not directory.is_dir():
        return 0
    named = set(Attachment.objects.values_list("storage_name", flat=True))
    if apps.is_installed("fairrecruit.certification"):
        named |= set(apps.get_model("certification", "EvidenceFile").objects.values_list("storage_name", flat=True))
    n = 0
    for path in directory.iterdir():
        if not path.is_file() or path.stat().st_mtime >= cutoff.timestamp():
            continue
        if (_STORED.match(path.name) and path.name not in named) or _LEFT_OVER.match(path.name):
            if not dry_run:
                path.unlink(missing_ok=True)
            n += 1
    return n


def register_rules() -> None:
    register(Rule("gateway_messages", "SMS and chat messages already answered", _gateway_messages, conf.DEFAULTS,
                  "FAIRRECRUIT_RETAIN_GATEWAY_MESSAGES_DAYS"))
    register(Rule("abandoned_conversations", "SMS and chat complaints abandoned before the end", _abandoned,
                  conf.DEFAULTS, "FAIRRECRUIT_RETAIN_ABANDONED_CONVERSATIONS_DAYS"))
    register(Rule("orphan_evidence_files", "evidence files no case names", None, conf.DEFAULTS,
                  "FAIRRECRUIT_RETAIN_ORPHAN_FILES_DAYS", sweep=_orphan_files, target="grievances.Attachment"))
