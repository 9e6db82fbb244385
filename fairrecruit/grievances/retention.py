"""What the grievance mechanism keeps only for a while (``core.retention``, run by ``fairrecruit retention``):

* gateway messages already answered (``InboundMessage``: a redelivery gets the same replies), after
  ``FAIRRECRUIT_RETAIN_GATEWAY_MESSAGES_DAYS``;
* conversations abandoned before they became a complaint (their answers may hold a name or a phone number), after
  ``FAIRRECRUIT_RETAIN_ABANDONED_CONVERSATIONS_DAYS`` without a message.

A conversation that became a complaint keeps no answers at all (``services.conversation_handle`` drops them when
the complaint is made, migration 0008 dropped those kept before): only its language, step and case, so that STATUS
still works.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from fairrecruit.core.retention import Rule, register
from fairrecruit.grievances import conf
from fairrecruit.grievances.models import Conversation, InboundMessage


def _gateway_messages(cutoff: dt.datetime) -> models.QuerySet[Any]:
    return InboundMessage.objects.filter(created_at__lt=cutoff)


def _abandoned(cutoff: dt.datetime) -> models.QuerySet[Any]:
    return Conversation.objects.filter(case__isnull=True, last_message_at__lt=cutoff)


def register_rules() -> None:
    register(Rule("gateway_messages", "SMS and chat messages already answered", _gateway_messages, conf.DEFAULTS,
                  "FAIRRECRUIT_RETAIN_GATEWAY_MESSAGES_DAYS"))
    register(Rule("abandoned_conversations", "SMS and chat complaints abandoned before the end", _abandoned,
                  conf.DEFAULTS, "FAIRRECRUIT_RETAIN_ABANDONED_CONVERSATIONS_DAYS"))
