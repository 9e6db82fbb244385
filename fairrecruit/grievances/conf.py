"""Settings of the grievances app. Each is read from Django settings, else from the environment, else the
default (documented in docs/grievances.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from fairrecruit.core.conf import setting

DEFAULTS: dict[str, Any] = {
    # Public statistics: a cell (count, median, amount) based on fewer cases than this shows "fewer than N".
    "FAIRRECRUIT_GRIEVANCE_MIN_CELL": 5,
    # Where evidence files are kept (encrypted). Never under a static or media URL. Default: <project>/var/...
    "FAIRRECRUIT_GRIEVANCE_EVIDENCE_DIR": "",
    # Largest evidence file accepted, in bytes.
    "FAIRRECRUIT_GRIEVANCE_EVIDENCE_MAX_BYTES": 10 * 1024 * 1024,
    # Evidence files per case.
    "FAIRRECRUIT_GRIEVANCE_EVIDENCE_MAX_FILES": 20,
    # Complaints per source (salted hash of the IP address) through the web form and anonymous API.
    "FAIRRECRUIT_GRIEVANCE_RATE": "30/h",
    # Complaints per API token (hotlines entering complaints in bulk).
    "FAIRRECRUIT_GRIEVANCE_PARTNER_RATE": "2000/h",
    # Case code + PIN attempts per source.
    "FAIRRECRUIT_GRIEVANCE_PIN_RATE": "20/h",
    # When set, the SMS/chat webhook answers only requests carrying ?token=<this value>.
    "FAIRRECRUIT_GRIEVANCE_WEBHOOK_TOKEN": "",
    # When set, form-encoded (Twilio) webhook requests must carry a valid X-Twilio-Signature made with this
    # auth token (HMAC-SHA1 of the full URL and the sorted POST parameters); RapidPro JSON keeps the shared token.
    "FAIRRECRUIT_TWILIO_AUTH_TOKEN": "",
    # Base address of the site (https://fairrecruit.example.org) put before links in escalation e-mails.
    "FAIRRECRUIT_GRIEVANCE_PUBLIC_URL": "",
    # A conversation silent for longer than this many minutes greets the worker back and repeats the question.
    "FAIRRECRUIT_GRIEVANCE_RESUME_MINUTES": 30,
    # Lookups answered by SMS or chat without a complaint (CHECK <agency>, a fee-survey receipt code) per sender.
    "FAIRRECRUIT_SMS_LOOKUP_RATE": "20/h",
    # `fairrecruit retention`: days an SMS/chat message already answered is kept (a gateway's redelivery within them
    # gets the same replies, and is not answered twice); 0 keeps them for ever.
    "FAIRRECRUIT_RETAIN_GATEWAY_MESSAGES_DAYS": 30,
    # `fairrecruit retention`: days after its last message that an SMS/chat complaint abandoned before the end is
    # deleted (its answers may hold a name); 0 keeps them for ever.
    "FAIRRECRUIT_RETAIN_ABANDONED_CONVERSATIONS_DAYS": 30,
    # `fairrecruit retention`: days after which an evidence file no case names (an upload whose case was never
    # stored) is deleted; 0 never.
    "FAIRRECRUIT_RETAIN_ORPHAN_FILES_DAYS": 1,
}


def get(name: str) -> Any:
    return setting(DEFAULTS, name)


def evidence_dir() -> Path:
    configured = get("FAIRRECRUIT_GRIEVANCE_EVIDENCE_DIR")
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR) / "var" / "grievance-evidence"


def min_cell() -> int:
    return max(1, int(get("FAIRRECRUIT_GRIEVANCE_MIN_CELL")))
