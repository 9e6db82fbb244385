"""Plain words for the codes the engine returns (cost items, verdicts, statuses)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

VERDICTS = {
    "unlawful": _("not allowed: all of it is owed to you"),
    "over_cap": _("more than the limit: the extra is owed to you"),
    "within_cap": _("within the legal limit"),
    "lawful": _("you may have to pay this"),
    "not_addressed": _("this law says nothing about it"),
    "out_of_scope": _("this rule does not cover this payee"),
    "unclassified": _("unknown purpose: a person must check it"),
}
ITEMS = {
    "service_fee": _("service fee"), "placement_fee": _("placement fee"),
    "sub_agent_commission": _("sub-agent commission"), "medical": _("medical test"), "insurance": _("insurance"),
    "welfare_fund": _("welfare fund"), "skills_test": _("skills test"), "language_test": _("language test"),
    "training": _("training"), "orientation": _("orientation"), "equipment": _("equipment"),
    "air_ticket": _("air ticket"), "local_travel": _("local travel"), "lodging": _("lodging"),
    "passport": _("passport"), "visa": _("visa"), "work_permit": _("work permit"),
    "police_clearance": _("police clearance"), "government_registration": _("government registration"),
    "document_processing": _("document processing"), "contract_attestation": _("contract attestation"),
    "bribe": _("bribe"), "kickback": _("kickback"), "deposit": _("deposit"), "collateral": _("collateral"),
    "unclassified": _("unknown"),
}


@register.filter
def verdict_label(code: str) -> str:
    return str(VERDICTS.get(code, code))


@register.filter
def item_label(code: str) -> str:
    return str(ITEMS.get(code, code.replace("_", " ")))
