"""Check an agency by SMS or chat: a worker on a basic phone sends ``CHECK <name, licence number or phone>`` to the
complaint number and gets, for the best matches, the licence status and the sanctions in force, in their language,
with the address of the recruiter's page. Nothing is stored (as on the web page ``/verify/``).

The keyword picks the language of the answer: ``CHECK`` (English; or the script of what follows: Nepali,
Bengali, Arabic...), ``CEK`` (Indonesian), ``SURIIN`` (Filipino), ``VERIFICAR`` (Spanish), ``KIỂM TRA`` or ``KIEM TRA`` (Vietnamese),
``जाँच`` (Nepali), ``जांच`` (Hindi), ``যাচাই`` (Bengali), ``تحقق`` (Arabic), ``ПРОВЕРКА`` (Russian), ``စစ်ဆေး``
(Burmese). Each answer is one message per recruiter (at most three), built from the same translated texts as the
page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.utils import translation
from django.utils.translation import gettext as _

from fairrecruit.core.money import money
from fairrecruit.registry import selectors

KEYWORDS: dict[str, str] = {
    "check": "en", "verify": "en", "cek": "id", "suriin": "fil", "verificar": "es", "kiem tra": "vi",
    "kiểm tra": "vi",
    "जाँच": "ne", "जांच": "hi", "যাচাই": "bn", "تحقق": "ar", "проверка": "ru", "စစ်ဆေး": "my",
}
MAX_RESULTS = 3
MAX_QUERY = 200
_KEYWORD_RE = re.compile(
    r"^\s*(?P<kw>" + "|".join(sorted((re.escape(k) for k in KEYWORDS), key=len, reverse=True)) + r")(?=[\s:,.-]|$)[\s:,.-]*(?P<q>.*)$",
    re.IGNORECASE | re.DOTALL,
)


def parse(text: str) -> tuple[str, str] | None:
    """(language, query) when the message asks to check a recruiter, else None. An empty query is ''."""
    m = _KEYWORD_RE.match(text or "")
    if m is None:
        return None
    return KEYWORDS[m.group("kw").casefold()], m.group("q").strip()[:MAX_QUERY]


def replies(query: str, lang: str, *, base_url: str = "", script_language: Callable[[str], str | None] | None = None
            ) -> list[str]:
    """The answer to ``CHECK <query>``: one message per recruiter found (status, sanctions in force, address),
    or what to do when none is found. English keyword with a query in another script answers in that script's
    language (``script_language``)."""
    if lang == "en" and script_language is not None:
        lang = script_language(query) or "en"
    with translation.override(lang):
        if not query:
            return [_("Send CHECK and the name, licence number or phone number of the agency.")]
        results = selectors.verify_search(query, limit=MAX_RESULTS)
        if not results:
            return [_("We found no agency, recruiter or employer matching “%(q)s”. This does not mean they are "
                      "safe: most brokers and sub-agents are on no list.") % {"q": query}]
        current: dict[int, list[Any]] = {}
        if apps.is_installed("fairrecruit.enforcement"):
            from fairrecruit.enforcement.selectors import current_by_actor

            current = current_by_actor([r.actor for r in results])
        out = []
        for r in results[:MAX_RESULTS]:
            parts = [f"{r.actor.name} ({r.actor.identifier}): {r.status.message}"]
            for v in current.get(r.actor.pk, []):
                s = v.sanction
                amount = f" {money(round(s.amount), s.currency, sms=True)}" if s.amount is not None else ""
                # GSM characters only ("!", ":"), so that a Latin-script answer is not sent as UCS-2 (70 a part)
                parts.append(f"! {s.get_kind_display()}{amount}: {s.regulator.name}, {s.effective_from.isoformat()}")
            if base_url:
                parts.append(f"{base_url}/verify/{r.actor.identifier}/")
            out.append("\n".join(parts))
        return out
