"""What a complaint can be about, the principles each kind of abuse breaches, the ILO forced labour indicators,
and how severe and urgent a case is. Plain Python (no Django): data, and small functions over it.

Every principle id cited here must exist in the standards rule files (``fairrecruit/standards/rules``);
``test_taxonomy_cites_known_principles`` checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Category:
    code: str
    label: str  # English; pages translate through ``labels.CATEGORY_LABELS``
    principles: tuple[str, ...]
    severity: str  # the least severity a case of this category has


# Access to remedy itself (ILO General Principle 13, IRIS Principle 5) is cited by every case.
REMEDY_PRINCIPLES = ("ILO-FR/GP13", "IRIS/5")

CATEGORIES: tuple[Category, ...] = (
    Category(
        "fees",
        "Recruitment fees or related costs charged",
        ("ILO-FR/GP07", "IRIS/1", "EPP/1", "DHAKA/1"),
        "medium",
    ),
    Category("deception", "Deceived about the job", ("ILO-FR/GP09", "ILO-FR/GP10"), "medium"),
    Category(
        "contract_substitution", "Contract substituted or changed", ("ILO-FR/GP08", "IRIS/3.3"), "medium"
    ),
    Category(
        "documents_retained", "Passport or documents retained", ("ILO-FR/GP11", "IRIS/2.1", "DHAKA/4"), "high"
    ),
    Category("wages", "Wages unpaid or below the contract", ("ILO-FR/GP08", "DHAKA/5"), "medium"),
    Category(
        "restricted_movement",
        "Not free to move, leave the job or return home",
        ("ILO-FR/GP12", "IRIS/2.3", "DHAKA/10"),
        "high",
    ),
    Category("forced_labour", "Forced labour (ILO indicators)", ("IRIS/A.2", "ILO-FR/GP01"), "high"),
    Category("harassment_violence", "Harassment or violence", ("ILO-FR/GP01", "DHAKA/7"), "high"),
    Category("other", "Something else", (), "low"),
)
CATEGORY_BY_CODE = {c.code: c for c in CATEGORIES}
CATEGORY_CODES = tuple(c.code for c in CATEGORIES)


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str


# The eleven ILO indicators of forced labour (ILO Special Action Programme to Combat Forced Labour, "ILO
# Indicators of Forced Labour", 2012). Recalled: the wording has not been checked against the ILO text here.
FORCED_LABOUR_SOURCE = {
    "title": "ILO Indicators of Forced Labour (ILO, 2012)",
    "url": "https://www.ilo.org/publications/ilo-indicators-forced-labour",
    "verified": False,
}
FORCED_LABOUR_INDICATORS: tuple[Indicator, ...] = (
    Indicator("abuse_of_vulnerability", "Abuse of vulnerability"),
    Indicator("deception", "Deception"),
    Indicator("restriction_of_movement", "Restriction of movement"),
    Indicator("isolation", "Isolation"),
    Indicator("physical_sexual_violence", "Physical and sexual violence"),
    Indicator("intimidation_threats", "Intimidation and threats"),
    Indicator("retention_of_documents", "Retention of identity documents"),
    Indicator("withholding_of_wages", "Withholding of wages"),
    Indicator("debt_bondage", "Debt bondage"),
    Indicator("abusive_conditions", "Abusive working and living conditions"),
    Indicator("excessive_overtime", "Excessive overtime"),
)
INDICATOR_CODES = tuple(i.code for i in FORCED_LABOUR_INDICATORS)
# Indicators that a category implies (a worker does not need to know the indicator list).
CATEGORY_INDICATORS = {
    "deception": "deception",
    "documents_retained": "retention_of_documents",
    "restricted_movement": "restriction_of_movement",
    "wages": "withholding_of_wages",
    "harassment_violence": "physical_sexual_violence",
}


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Urgency(StrEnum):
    NORMAL = "normal"
    HIGH = "high"
    IMMEDIATE = "immediate"


SEVERITY_ORDER = {s: i for i, s in enumerate(Severity)}


@dataclass(frozen=True)
class Triage:
    severity: Severity
    urgency: Urgency
    indicators: tuple[str, ...]
    reasons: tuple[str, ...]


def triage(*, categories: list[str], indicators: list[str], in_danger: bool) -> Triage:
    """Severity and urgency of a case from what the worker said.

    * a worker in danger now: critical, immediate (escalated at once);
    * two or more forced labour indicators (reported or implied by the categories), or a forced labour,
      violence, documents or movement category: high;
    * otherwise the highest severity of the categories (fees, deception, contract, wages: medium)."""
    implied = [CATEGORY_INDICATORS[c] for c in categories if c in CATEGORY_INDICATORS]
    found = tuple(i for i in INDICATOR_CODES if i in set(indicators) | set(implied))
    reasons: list[str] = []
    if in_danger:
        return Triage(Severity.CRITICAL, Urgency.IMMEDIATE, found, ("worker in danger",))
    sev = Severity.LOW
    for c in categories:
        cat = CATEGORY_BY_CODE.get(c)
        if cat and SEVERITY_ORDER[Severity(cat.severity)] > SEVERITY_ORDER[sev]:
            sev = Severity(cat.severity)
            reasons.append(f"category {c}")
    if len(found) >= 2 and SEVERITY_ORDER[sev] < SEVERITY_ORDER[Severity.HIGH]:
        sev = Severity.HIGH
        reasons.append(f"{len(found)} forced labour indicators")
    urgency = Urgency.HIGH if sev == Severity.HIGH else Urgency.NORMAL
    return Triage(sev, urgency, found, tuple(reasons))


def principles_for(categories: list[str]) -> list[str]:
    """The principle ids a case cites, in a stable order, without repeats."""
    out: list[str] = []
    for c in categories:
        for p in CATEGORY_BY_CODE[c].principles if c in CATEGORY_BY_CODE else ():
            if p not in out:
                out.append(p)
    return out + [p for p in REMEDY_PRINCIPLES if p not in out]
