"""A worker's repayment by SMS or chat: a worker on a basic phone sends the receipt code they got when answering a
fee survey (``FS-XXXX-XXXX-XXXX``, alone or after one word such as "REPAY") to the complaint number and gets what
the repayment programme owes them, what was paid and the next instalment — the page
``/fee-survey/<code>/repayment/`` in a few text messages, built from the same translated texts. Nothing is
stored; never the employee number. Called by the grievances conversation engine (``conversation_handle``)."""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext as _

from fairrecruit.core import crypto
from fairrecruit.core.money import money
from fairrecruit.supplychain import surveys
from fairrecruit.supplychain.models import FeeSurveyAnswer

_RECEIPT_RE = re.compile(
    r"\s*(?:\S{1,20}\s+)?(FS[\s-]*[0-9A-Z]{4}[\s-]*[0-9A-Z]{4}[\s-]*[0-9A-Z]{4})\s*[.!]?\s*", re.IGNORECASE)


def parse(text: str) -> str | None:
    """The receipt code (printed form) when the message is one, else None."""
    m = _RECEIPT_RE.fullmatch(text or "")
    return surveys.normalise_receipt(m.group(1)) or None if m else None


def _amount(value: object) -> str:
    """As the repayment page writes it (the reader's language's digits grouping, no ".00")."""
    return money(value, sms=True)


def replies(receipt: str, lang: str) -> list[str]:
    """The answer to a receipt code, in ``lang``: one or two messages."""
    hashes = crypto.lookup_hashes(receipt, purpose=surveys.RECEIPT_PURPOSE)
    answer = (FeeSurveyAnswer.objects.filter(receipt_hash__in=hashes)
              .select_related("survey__organisation", "programme_worker__programme").first())
    with translation.override(lang):
        if answer is None:
            return [_("No fee-survey answer has the receipt code %(code)s. Check the code and send it again.")
                    % {"code": receipt}]
        org = answer.survey.organisation.name
        s = surveys.repayment_status(answer)
        if s["withdrawn"]:
            return [_("%(org)s withdrew this answer (for example, because someone else used your employee number). "
                      "Ask %(org)s why.") % {"org": org}]
        p = s["programme"]
        if p is None:
            out = [_("%(org)s has not started paying back fees from this survey yet. Come back later with the same "
                     "code.") % {"org": org}]
            if s["owed"]:
                out.append(_("What the rules say you should get back: %(amount)s %(cur)s.")
                           % {"amount": _amount(s["owed"]), "cur": s["currency"]})
            return out
        cur = p["currency"]
        lines = [p["name"] + ":"]
        if p["repaid"]:
            lines.append(_("You have been repaid in full."))
        if p["owed"] is not None:
            lines.append(f"{_('Owed to you')}: {_amount(p['owed'])} {cur}.")
        lines.append(f"{_('Paid to you so far')}: {_amount(p['paid'])} {cur}.")
        if p["outstanding"]:
            lines.append(f"{_('Still to be paid')}: {_amount(p['outstanding'])} {cur}.")
        if p["next"]:
            nxt = _("Next payment: %(amount)s %(cur)s, due on %(day)s.") % {
                "amount": _amount(p["next"]["amount"]), "cur": cur, "day": p["next"]["due_date"].isoformat()}
            lines.append(nxt + (" " + _("It is late.") if p["next"]["late"] else ""))
        return [" ".join(lines)]
