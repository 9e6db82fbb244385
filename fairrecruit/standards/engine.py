"""The recruitment-fee assessment engine: one journey in, what was unlawful and what is owed back out.

Plain Python (no Django). ``validate_journey`` answers bad input with field errors; ``assess`` computes,
for each applicable standard (the ILO/Employer Pays zero-fee standard, the origin country's law, the
destination country's law), the verdict on every payment, the amount owed back in the journey's currency and
in US dollars, findings for events with the principles they breach, the SDG 10.7.1 cost indicator, and a
trace of which rule, value and date produced each number.

The law that applies is the one in force on the journey's ``recruitment_date`` (the day the worker was
recruited). Payments are converted with the rate of their own date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from fairrecruit.core import fx
from fairrecruit.core.countries import country_name
from fairrecruit.standards.classify import UNCLASSIFIED, Classifier, normalise
from fairrecruit.standards.isco import is_isco08
from fairrecruit.standards.loader import CountryLaw, Rule, RuleSet, RuleVersion, SubCap, get_rules, is_country

ENGINE_VERSION = "1.0"
SCHEMA_PATH = Path(__file__).parent / "schema" / "journey.schema.json"
ZERO_FEE_ID = "ilo-zero-fee"
# The principles that together make the zero-fee standard; it is in force from the earliest of them.
ZERO_FEE_PRINCIPLES = ("ILO-FR/GP07", "ILO-FEES/DEF", "EPP/1", "DHAKA/1")
EVENT_TOPICS = {  # the topics (of the standards' items) whose principles a finding cites
    "documents_retained": ("documents",),
    "contract_substituted": ("contract",),
    # a wage below the promised one breaks the agreed terms of employment (ILO GP8, IRIS 3) as well as the
    # Dhaka Principle on wages
    "wage_lower_than_promised": ("wages", "contract"),
    "debt": ("fees",),
    "deception": ("deception",),
    "fees_charged": ("fees",),
}
EVENT_TEXT = {
    "documents_retained": "Your passport or other documents were kept by someone else.",
    "contract_substituted": "The contract was changed or replaced with worse terms than you were promised.",
    "wage_lower_than_promised": "You were paid less than the wage you were promised.",
    "debt": "You borrowed money to pay for your recruitment.",
    "deception": "You were deceived about the job.",
    "fees_charged": "You were charged recruitment fees or costs that the employer should pay.",
}
CITED_STANDARDS = ("ilo-fr", "iris", "dhaka", "employer-pays")  # principles; the fee definition is cited by the zero-fee standard
# Every amount (a payment, the promised wage, the first month's earnings, a loan) must be below this, in any
# currency. The largest real amounts are in the currencies with the most units to the dollar: a recruitment
# fee of USD 100,000 is at most about 10^11 Iranian rials (open-market rate) or 2.5 * 10^9 Vietnamese dong, so
# 10^12 refuses no real amount. It refuses a slip (a phone number typed as an amount, 1e300) before it overflows
# a sum or a cap, and keeps every amount exact to the cent in a double (below 2^53 / 100, about 9 * 10^13); the
# sum of the 200 payments a journey may have stays within a few cents. The schema's "exclusiveMaximum" is the
# same number (tests check it).
MAX_AMOUNT = 10**12


# --- input validation ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str  # English, for the API and the CLI
    code: str = ""  # what is wrong, for pages to word it in the reader's language (``standards.wording``)
    params: dict[str, Any] = dataclasses.field(default_factory=dict)  # the values the wording quotes

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class JourneyError(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))


@lru_cache(maxsize=1)
def journey_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(journey_schema())


def _path(parts: Any) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(journey)"


def _schema_message(err: jsonschema.ValidationError) -> tuple[str, str, str, dict[str, Any]]:
    """(field, English message, code, params) of a JSON Schema error."""
    field = _path(err.absolute_path)
    v = err.validator
    shown = json.dumps(err.instance, ensure_ascii=False)[:40]
    if v == "required":
        missing = err.message.split("'")[1] if "'" in err.message else "a field"
        return (_path([*err.absolute_path, missing]), "is required", "required", {})
    if v == "additionalProperties":  # one error per unknown key: see _unknown_fields
        return field, "has an unknown field", "", {}
    if v == "exclusiveMinimum":
        return field, f"must be more than {err.validator_value}", "more_than", {"limit": err.validator_value}
    if v == "minimum":
        return field, f"must be at least {err.validator_value}", "at_least", {"limit": err.validator_value}
    if v == "maximum":
        return field, f"must be at most {err.validator_value}", "at_most", {"limit": err.validator_value}
    if v == "exclusiveMaximum":
        return field, *less_than(err.validator_value)
    if v == "type":
        want = {
            "number": "a number",
            "integer": "a whole number",
            "string": "text",
            "array": "a list",
            "object": "an object",
            "boolean": "true or false",
        }.get(str(err.validator_value), err.validator_value)
        code = {"number": "not_number", "integer": "not_whole"}.get(str(err.validator_value), "")
        return field, f"must be {want}, not {shown}", code, {"value": shown}
    if v == "pattern":
        hint, code = {
            "^[A-Z]{2}$": ("a two-letter country code such as NP", "country_form"),
            "^[A-Z]{3}$": ("a three-letter currency code such as NPR", "currency_form"),
            "^[0-9]{1,4}$": ("an ISCO-08 code of 1 to 4 digits", ""),
        }.get(str(err.validator_value), ("in the right format", ""))
        return field, f"must be {hint}, not {shown}", code, {"value": shown}
    if v == "enum":
        options: Any = err.validator_value
        return field, f"must be one of {', '.join(str(x) for x in options)}", "", {}
    if v == "anyOf" and field.startswith("payments"):
        return f"{field}.purpose", "is required: say what the payment was for (or give a category)", "purpose", {}
    if v in ("maxItems", "maxLength"):
        return field, "is too long", "too_long", {}
    return field, err.message, "", {}


def less_than(limit: Any) -> tuple[str, str, dict[str, Any]]:
    """(English message, code, params) of an amount that is not below ``limit`` (``MAX_AMOUNT``)."""
    return f"must be less than {limit:,}", "less_than", {"limit": limit}


def unknown_country(code: str) -> str:
    return f"unknown country code {code!r}: use ISO 3166 alpha-2, e.g. NP, QA"


def unknown_isco(code: str) -> str:
    message = f"{code} is not an ISCO-08 code: use a major, sub-major, minor or unit group, e.g. 9313 or 93"
    if is_isco08(f"0{code}"):  # 0110 (commissioned armed forces officers) read as a number by a spreadsheet
        message += f"; 0{code} is one: keep its leading zero (store the codes as text)"
    return message


def _unknown_fields(err: jsonschema.ValidationError) -> list[tuple[str, str]]:
    """``additionalProperties`` as one error per unknown key, named by its own path:
    ``payments[0].colour: unknown field; allowed fields are amount, category, ...``."""
    allowed = sorted((err.schema.get("properties") or {}) if isinstance(err.schema, dict) else {})
    keys = sorted(k for k in err.instance if k not in allowed) if isinstance(err.instance, dict) else []
    msg = f"unknown field; allowed fields are {', '.join(allowed)}"
    return [(_path([*err.absolute_path, k]), msg) for k in keys] or [(_path(err.absolute_path), msg)]


def _non_finite(value: Any, parts: list[Any]) -> Iterator[tuple[list[Any], float]]:
    """The paths of the numbers in a decoded JSON value that are NaN or infinite."""
    if isinstance(value, float) and not math.isfinite(value):
        yield parts, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _non_finite(item, [*parts, key])
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _non_finite(item, [*parts, i])


_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
DATE_FORM = "YYYY-MM-DD, e.g. 2024-03-15"


def _parse_day(value: Any) -> dt.date | None:
    """A day written exactly ``YYYY-MM-DD`` (not the other forms ``date.fromisoformat`` takes)."""
    if not isinstance(value, str) or not _DAY.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def validate_journey(
    data: Any, *, today: dt.date | None = None, rules: RuleSet | None = None
) -> list[FieldError]:
    """Every problem with ``data`` as a field error; empty when the journey can be assessed."""
    if not isinstance(data, dict):
        return [FieldError("(journey)", "must be a JSON object")]
    errors: dict[str, FieldError] = {}

    def add(at: str, message: str, code: str = "", **params: Any) -> None:
        errors.setdefault(at, FieldError(at, message, code, params))

    for err in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        if err.validator == "additionalProperties":
            for f, m in _unknown_fields(err):
                add(f, m)
        else:
            f, m, kind, params = _schema_message(err)
            add(f, m, kind, **params)
    for parts, value in _non_finite(data, []):  # JSON Schema lets NaN and Infinity through (1e400 reads as inf)
        at = _path(parts)
        errors[at] = FieldError(at, f"must be a number, not {json.dumps(value)}", "not_number",
                                {"value": json.dumps(value)})
    today = today or dt.date.today()

    def check_country(field: str, code: Any) -> None:  # the form (two capitals) is the schema's to check
        if isinstance(code, str) and len(code) == 2 and code.isupper() and not is_country(code):
            add(field, unknown_country(code), "unknown_country", value=code)

    for key in ("origin", "destination"):
        check_country(key, data.get(key))
    recruiters = data.get("recruiters")
    for i, r in enumerate(recruiters if isinstance(recruiters, list) else []):
        if isinstance(r, dict):
            check_country(f"recruiters[{i}].country", r.get("country"))
    occupation = data.get("occupation")
    isco = occupation.get("isco08") if isinstance(occupation, dict) else None
    if isinstance(isco, str) and isco.isascii() and isco.isdigit() and len(isco) <= 4 and not is_isco08(isco):
        add("occupation.isco08", unknown_isco(isco), "unknown_isco", value=isco)

    def check_day(field: str, value: Any) -> dt.date | None:
        if value is None:
            return None
        day = _parse_day(value)
        if day is None and isinstance(value, str) and not _DAY.match(value):
            shown = json.dumps(value, ensure_ascii=False)[:40]
            add(field, f"must be a date written {DATE_FORM}, not {shown}", "date_form", value=shown)
        elif day is None:
            add(field, f"impossible date {value!r}: write {DATE_FORM}", "impossible_date", value=value)
        elif day > today:
            add(field, f"{day} is in the future", "future", day=day.isoformat())
        elif day.year < 1980:
            add(field, f"{day} is too long ago (before 1980)", "too_old", day=day.isoformat())
        return day

    rec = check_day("recruitment_date", data.get("recruitment_date"))
    dep = check_day("departure_date", data.get("departure_date"))
    if rec and dep and dep < rec:
        add("departure_date", f"{dep} is before the recruitment date {rec}", "before_recruitment",
            day=dep.isoformat(), recruited=rec.isoformat())

    def check_cur(field: str, code: Any) -> None:
        if isinstance(code, str) and len(code) == 3 and code.isupper() and not fx.is_currency(code):
            add(field, f"unknown currency {code!r}: use an ISO 4217 code such as NPR, QAR, USD", "unknown_currency",
                value=code)

    for key in ("promised_wage", "first_month_earnings"):
        if isinstance(data.get(key), dict):
            check_cur(f"{key}.currency", data[key].get("currency"))
    rs = rules or get_rules()
    for i, p in enumerate(data.get("payments") or []):
        if isinstance(p, dict):
            check_cur(f"payments[{i}].currency", p.get("currency"))
            check_day(f"payments[{i}].date", p.get("date"))
            cat = p.get("category")
            if isinstance(cat, str) and cat not in rs.item_category and cat not in rs.categories:
                add(f"payments[{i}].category", f"unknown category {cat!r}: see the cost categories list")
    for i, e in enumerate(data.get("events") or []):
        if isinstance(e, dict):
            check_day(f"events[{i}].date", e.get("date"))
            check_cur(f"events[{i}].currency", e.get("currency"))
    return list(errors.values())


# --- assessment ------------------------------------------------------------------------------------------


def _money(amount: float | None, currency: str, amount_usd: float | None, **extra: Any) -> dict[str, Any]:
    return {
        "amount": None if amount is None else round(amount, 2),
        "currency": currency,
        "amount_usd": None if amount_usd is None else round(amount_usd, 2),
        **extra,
    }


def rule_applies(rule: Rule, j: dict[str, Any]) -> bool:
    a = rule.applies_to
    if "destinations" in a and j["destination"] not in a["destinations"]:
        return False
    if "origins" in a and j["origin"] not in a["origins"]:
        return False
    if "domestic_work" in a and bool(j.get("domestic_work", False)) != bool(a["domestic_work"]):
        return False
    if "sex" in a and j.get("sex") != a["sex"]:
        return False
    if "occupations" in a or "occupation_keywords" in a:
        occ = j.get("occupation") or {}
        code = str(occ.get("isco08") or "")
        title = f" {normalise(str(occ.get('title') or ''))} "
        by_code = bool(code) and any(code.startswith(str(c)) for c in a.get("occupations") or [])
        by_word = any(f" {normalise(str(k))} " in title for k in a.get("occupation_keywords") or [])
        if not (by_code or by_word):
            return False
    return True


def select_rule(law: CountryLaw, j: dict[str, Any], day: dt.date) -> tuple[Rule, RuleVersion] | None:
    """The first rule of the country that applies to the journey and is in force on ``day``."""
    for rule in law.rules:
        if rule_applies(rule, j):
            v = rule.version_on(day)
            if v is not None:
                return rule, v
    return None


@dataclass
class _Payment:
    index: int
    amount: float
    currency: str
    day: dt.date
    paid_to: str | None
    item: str
    category: str
    usd: float | None
    rate: fx.Rate | None


class Assessor:
    """Assess journeys against one rule set. Reuse one instance for many journeys (it caches lookups)."""

    def __init__(self, rules: RuleSet | None = None) -> None:
        self.rules = rules or get_rules()
        self.classifier = Classifier(self.rules)
        self._zero_fee_sources = [
            self.rules.principles[p] for p in ZERO_FEE_PRINCIPLES if p in self.rules.principles
        ]

    # -- public ---------------------------------------------------------------------------------------------

    def assess(self, journey: dict[str, Any], *, validate: bool = True) -> dict[str, Any]:
        if validate:
            errors = validate_journey(journey, rules=self.rules)
            if errors:
                raise JourneyError(errors)
        j = journey
        day = dt.date.fromisoformat(j["recruitment_date"])
        trace: list[dict[str, Any]] = []
        payments = self._payments(j, trace)
        currency = self._journey_currency(j, payments)
        paid = sum(self._in(p.amount, p.currency, currency, p.day) or 0.0 for p in payments)
        paid_usd = self._sum_usd(payments)

        standards = [self._zero_fee(j, day, payments, currency, trace)]
        # One law entry per country: when origin and destination are the same country its law is assessed
        # once, as the law of the destination (the country where the work is done).
        roles = [("destination", j["destination"])] if j["origin"] == j["destination"] else [
            ("origin", j["origin"]), ("destination", j["destination"])]
        for role, cc in roles:
            standards.append(self._law(role, cc, j, day, payments, currency, trace))

        owed = {s["id"]: s["owed"] for s in standards}
        return {
            "journey_id": j.get("id"),
            "engine_version": ENGINE_VERSION,
            "ruleset_version": self.rules.version,
            "reference_date": day.isoformat(),
            "corridor": f"{j['origin']}-{j['destination']}",
            "currency": currency,
            "paid": _money(paid, currency, paid_usd),
            "owed": owed,
            "standards": standards,
            "payments": [self._payment_out(p, j["payments"][p.index]) for p in payments],
            "unclassified": [p.index for p in payments if p.item == UNCLASSIFIED],
            "findings": self._findings(j, standards),
            "sdg_10_7_1": self._sdg(j, payments, trace),
            "trace": trace,
        }

    # -- payments -----------------------------------------------------------------------------------------

    def _payments(self, j: dict[str, Any], trace: list[dict[str, Any]]) -> list[_Payment]:
        out = []
        for i, p in enumerate(j.get("payments") or []):
            c = self.classifier.classify(p.get("purpose"), p.get("category"))
            day = dt.date.fromisoformat(p["date"])
            usd, rate = fx.to_usd(float(p["amount"]), p["currency"], day)
            out.append(
                _Payment(
                    i, float(p["amount"]), p["currency"], day, p.get("paid_to"), c.item, c.category, usd, rate
                )
            )
            trace.append(
                {
                    "step": "classify",
                    "payment": i,
                    "purpose": p.get("purpose"),
                    "item": c.item,
                    "category": c.category,
                    "method": c.method,
                    "matched": c.matched,
                    "language": c.language,
                    **({"candidates": list(c.candidates)} if c.candidates else {}),
                }
            )
            trace.append(
                {
                    "step": "fx",
                    "payment": i,
                    "currency": p["currency"],
                    **(
                        rate.as_dict()
                        if rate
                        else {"rate": None, "note": f"no USD rate known for {p['currency']} on {day}"}
                    ),
                }
            )
        # Deterministic order, independent of the order payments were listed in.
        out.sort(key=lambda p: (p.day, -p.amount, p.currency, p.item, p.paid_to or "", p.index))
        return out

    @staticmethod
    def _payment_out(p: _Payment, raw: dict[str, Any]) -> dict[str, Any]:
        return {
            "index": p.index,
            "amount": p.amount,
            "currency": p.currency,
            "date": p.day.isoformat(),
            "paid_to": p.paid_to,
            "purpose": raw.get("purpose"),
            "item": p.item,
            "category": p.category,
            "amount_usd": None if p.usd is None else round(p.usd, 2),
            "rate": p.rate.as_dict() if p.rate else None,
        }

    @staticmethod
    def _journey_currency(j: dict[str, Any], payments: list[_Payment]) -> str:
        if not payments:
            return str(j["first_month_earnings"]["currency"])
        totals: dict[str, float] = {}
        for p in payments:
            totals[p.currency] = totals.get(p.currency, 0.0) + (p.usd if p.usd is not None else 0.0)
        return min(totals, key=lambda c: (-totals[c], c))

    @staticmethod
    def _in(amount: float, src: str, dst: str, day: dt.date) -> float | None:
        return fx.convert(amount, src, dst, day)

    @staticmethod
    def _sum_usd(payments: list[_Payment]) -> float | None:
        if any(p.usd is None for p in payments):
            return None
        return sum(p.usd or 0.0 for p in payments)

    def _totals(self, owed: list[tuple[_Payment, float]], currency: str) -> tuple[float | None, float | None]:
        amount = 0.0
        usd: float | None = 0.0
        for p, a in owed:
            conv = self._in(a, p.currency, currency, p.day)
            if conv is None:
                return None, None
            amount += conv
            if usd is not None:
                usd = None if p.rate is None else usd + a / p.rate.per_usd
        return amount, usd

    # -- standards ----------------------------------------------------------------------------------------

    def _zero_fee(
        self,
        j: dict[str, Any],
        day: dt.date,
        payments: list[_Payment],
        currency: str,
        trace: list[dict[str, Any]],
    ) -> dict[str, Any]:
        in_force = [p for p in self._zero_fee_sources if self.rules.standards[p.standard_id].start <= day]
        base = {
            "id": ZERO_FEE_ID,
            "title": "Employer pays: no recruitment fees or costs for workers",
            "role": "international",
            "citations": [self._cite(p) for p in in_force],
        }
        if not in_force:
            msg = f"No international zero-fee standard was published yet on {day}."
            return {
                **base,
                "status": "no_rule",
                "message": msg,
                "payments": [],
                "owed": _money(None, currency, None, status="no_rule"),
            }
        verdicts = []
        owed_pairs = []
        for p in payments:
            review = p.item == UNCLASSIFIED
            verdicts.append(
                {
                    "index": p.index,
                    "item": p.item,
                    "verdict": "unlawful",
                    "owed": p.amount,
                    "currency": p.currency,
                    "needs_review": review,
                }
            )
            owed_pairs.append((p, p.amount))
            trace.append(
                {
                    "step": "verdict",
                    "standard": ZERO_FEE_ID,
                    "payment": p.index,
                    "verdict": "unlawful",
                    "owed": p.amount,
                    "currency": p.currency,
                    "rule": in_force[0].id,
                    "value": "worker pays nothing",
                    "date": day.isoformat(),
                }
            )
        amount, usd = self._totals(owed_pairs, currency)
        status = "assessed" if amount is not None else "incomplete"
        return {
            **base,
            "status": status,
            "message": "Workers should pay nothing for their recruitment; every payment is owed back.",
            "payments": verdicts,
            "owed": _money(amount, currency, usd, status=status),
        }

    def _law(
        self,
        role: str,
        cc: str,
        j: dict[str, Any],
        day: dt.date,
        payments: list[_Payment],
        currency: str,
        trace: list[dict[str, Any]],
    ) -> dict[str, Any]:
        law = self.rules.laws.get(cc)
        sid = f"law-{cc.lower()}"
        name = _country_name(cc)
        base: dict[str, Any] = {"id": sid, "title": f"Law of {name}", "role": role, "country": cc}
        if law is None or law.role != role:
            msg = f"No rule is known to FairRecruit for what {name} allows recruiters to charge."
            return {
                **base,
                "status": "no_rule",
                "message": msg,
                "payments": [],
                "owed": _money(None, currency, None, status="no_rule"),
            }
        picked = select_rule(law, j, day)
        if picked is None:
            msg = (
                f"No rule of {name} known to FairRecruit applies to this journey on {day} "
                f"({j['origin']} to {j['destination']})."
            )
            trace.append({"step": "select_rule", "standard": sid, "rule": None, "date": day.isoformat()})
            return {
                **base,
                "status": "no_rule",
                "message": msg,
                "payments": [],
                "owed": _money(None, currency, None, status="no_rule"),
            }
        rule, version = picked
        trace.append(
            {
                "step": "select_rule",
                "standard": sid,
                "rule": rule.id,
                "version_from": version.start.isoformat(),
                "date": day.isoformat(),
                "source": version.source.as_dict(),
            }
        )
        base["rule"] = {
            "id": rule.id,
            "title": rule.title,
            "summary": rule.summary,
            "from": version.start.isoformat(),
            "until": version.until.isoformat() if version.until else None,
            "source": version.source.as_dict(),
            "note": version.note,
        }
        verdicts: dict[int, dict[str, Any]] = {}
        owed_pairs: list[tuple[_Payment, float]] = []
        capped: list[_Payment] = []
        problems: list[str] = []
        gaps: list[dict[str, Any]] = []  # the same, as codes, for pages to word in the reader's language
        for p in payments:
            v: dict[str, Any] = {"index": p.index, "item": p.item, "owed": 0.0, "currency": p.currency}
            if p.item == UNCLASSIFIED:
                v["verdict"] = "unclassified"
                problems.append(f"payment {p.index + 1} could not be classified; a person must review it")
                gaps.append({"code": "unclassified", "payment": p.index})
            elif version.payees is not None and (p.paid_to or "other") not in version.payees:
                v["verdict"] = "out_of_scope"
            elif p.item in version.prohibited:
                v.update(verdict="unlawful", owed=p.amount)
                owed_pairs.append((p, p.amount))
            elif p.item in version.allowed:
                v["verdict"] = "lawful"
            elif p.item in version.capped:
                v["verdict"] = "within_cap"
                if (k := version.sub_cap_of(p.item)) is not None:
                    v["sub_cap"] = k  # the index of its limit in cap.sub_caps
                capped.append(p)
            else:
                v["verdict"] = "not_addressed"
            verdicts[p.index] = v
            trace.append(
                {
                    "step": "verdict",
                    "standard": sid,
                    "payment": p.index,
                    "verdict": v["verdict"],
                    "rule": rule.id,
                    "date": day.isoformat(),
                }
            )
        cap_out = None
        if capped:
            cap_out, cap_owed, cap_problem = self._apply_cap(version, capped, j, day, sid, rule.id, trace)
            if cap_problem:
                problems.append(cap_problem[0])
                gaps.append({"code": cap_problem[1]})
            for p, over in cap_owed:
                if over > 0:
                    verdicts[p.index].update(verdict="over_cap", owed=over)
                    owed_pairs.append((p, over))
        amount, usd = self._totals(owed_pairs, currency)
        if amount is None:
            problems.append("an exchange rate needed to add up the amounts is not known")
            gaps.append({"code": "rate_unknown"})
        status = "incomplete" if problems else "assessed"
        message = rule.summary if not problems else "Assessed in part: " + "; ".join(problems) + "."
        return {
            **base,
            "status": status,
            "message": message,
            "gaps": gaps,
            "cap": cap_out,
            "payments": [verdicts[p.index] for p in sorted(payments, key=lambda p: p.index)],
            "owed": _money(amount, currency, usd, status=status),
        }

    def _apply_cap(
        self,
        version: RuleVersion,
        capped: list[_Payment],
        j: dict[str, Any],
        day: dt.date,
        sid: str,
        rule_id: str,
        trace: list[dict[str, Any]],
    ) -> tuple[dict[str, Any] | None, list[tuple[_Payment, float]], tuple[str, str] | None]:
        """The cap's figures, the part of each capped payment owed back, and what stopped the assessment (text,
        code) if anything did."""
        cap = version.cap
        assert cap is not None
        if cap.kind == "unknown":
            return (
                {"kind": "unknown"},
                [],
                ("the law caps these charges but the amount of the cap is not known", "cap_unknown"),
            )
        if cap.kind == "zero":
            trace.append({"step": "cap", "standard": sid, "rule": rule_id, "kind": "zero", "value": 0})
            return ({"kind": "zero", "amount": 0}, [(p, p.amount) for p in capped], None)
        wage = j["promised_wage"]
        months_of_wage: float | None = None  # the limit in months of the promised wage, unless a maximum applies
        if cap.kind == "fixed":
            assert cap.amount is not None and cap.currency is not None
            limit, cur, basis = cap.amount, cap.currency, f"{cap.amount:g} {cap.currency}"
        else:
            months = cap.months or 0.0
            if cap.per_contract_months:
                months = months * j["contract_months"] / cap.per_contract_months
            if cap.max_months is not None:
                months = min(months, cap.max_months)
            cur = wage["currency"]
            limit = float(wage["amount"]) * months
            basis = f"{months:g} month(s) of the promised wage {wage['amount']:g} {cur}"
            months_of_wage = months
            if cap.max_amount is not None and cap.currency:
                max_in = fx.convert(cap.max_amount, cap.currency, cur, day)
                if max_in is None:
                    return ({"kind": cap.kind}, [], (f"no exchange rate known for {cap.currency} on {day}", "rate_unknown"))
                if max_in < limit:
                    limit, basis = max_in, f"maximum {cap.max_amount:g} {cap.currency}"
                    months_of_wage = None
        # Add capped payments in date order; whatever passes the cap is owed, later payments first. A payment of an
        # item under a sub-cap first meets its sub-cap the same way: what passes the sub-cap is owed, and only the
        # part within it counts towards the cap.
        sub_used = [0.0] * len(version.sub_caps)
        used = charged = 0.0
        out: list[tuple[_Payment, float]] = []
        sub_steps: list[dict[str, Any]] = []
        for p in capped:
            a = fx.convert(p.amount, p.currency, cur, p.day)
            k = version.sub_cap_of(p.item)
            sa = None if k is None else fx.convert(p.amount, p.currency, version.sub_caps[k].cap.currency or "", p.day)
            if a is None or (k is not None and sa is None):
                return ({"kind": cap.kind}, [], (f"no exchange rate known for {p.currency} on {p.day}", "rate_unknown"))
            share_over = 0.0  # the share of the payment above its sub-cap
            if k is not None and sa:
                sub_over = max(0.0, sa - max(0.0, (version.sub_caps[k].cap.amount or 0.0) - sub_used[k]))
                sub_used[k] += sa
                share_over = sub_over / sa
                if sub_over > 0:
                    sub_steps.append({"payment": p.index, "owed": share_over * p.amount, "sub_cap": k})
            within = a * (1.0 - share_over)
            room = max(0.0, limit - used)
            over = max(0.0, within - room)
            used += within
            charged += a
            owed_native = (share_over + over / a) * p.amount if a else 0.0
            out.append((p, owed_native))
        trace.append(
            {
                "step": "cap",
                "standard": sid,
                "rule": rule_id,
                "kind": cap.kind,
                "value": round(limit, 2),
                "currency": cur,
                "basis": basis,
                "charged": round(charged, 2),
                **({"counted": round(used, 2)} if version.sub_caps else {}),
                "date": day.isoformat(),
                "source": version.source.as_dict(),
            }
        )
        subs = [self._sub_cap_out(sc, sub_used[k], sid, rule_id, day, trace) for k, sc in enumerate(version.sub_caps)]
        for step in sub_steps:
            sc = version.sub_caps[step["sub_cap"]]
            trace.append({"step": "over_sub_cap", "standard": sid, "rule": rule_id, "payment": step["payment"],
                          "owed": round(step["owed"], 2), "items": sorted(sc.items), "value": sc.cap.amount,
                          "currency": sc.cap.currency, "date": day.isoformat()})
        return (
            {
                "kind": cap.kind,
                "amount": round(limit, 2),
                "currency": cur,
                "basis": basis,
                "months_of_wage": months_of_wage,
                "charged": round(charged, 2),
                **({"counted": round(used, 2), "sub_caps": subs} if version.sub_caps else {}),
            },
            out,
            None,
        )

    @staticmethod
    def _sub_cap_out(sc: SubCap, charged: float, sid: str, rule_id: str, day: dt.date,
                     trace: list[dict[str, Any]]) -> dict[str, Any]:
        """A sub-cap's figures (as a cap's: limit, currency, what was charged for its items), traced."""
        amount, cur = sc.cap.amount or 0.0, sc.cap.currency or ""
        figures = {"kind": "fixed", "items": sorted(sc.items), "amount": round(amount, 2), "currency": cur,
                   "basis": f"{amount:g} {cur}", "charged": round(charged, 2), "over": round(max(0.0, charged - amount), 2)}
        trace.append({"step": "sub_cap", "standard": sid, "rule": rule_id, **figures, "value": figures["amount"],
                      "date": day.isoformat(), "source": sc.source.as_dict()})
        return figures

    # -- findings and indicator -------------------------------------------------------------------------------

    def _cite(self, p: Any) -> dict[str, Any]:
        st = self.rules.standards[p.standard_id]
        return {
            "id": p.id,
            "label": p.label,
            "standard": st.short_title,
            "plain": p.plain,
            "verified": p.source.verified,
            "url": p.source.url,
            "article": p.source.article,
        }

    def _principles(self, topics: tuple[str, ...]) -> list[dict[str, Any]]:
        """The highest-level items carrying one of ``topics`` (a principle rather than its criteria, which repeat
        it), each once."""
        out: list[dict[str, Any]] = []
        cited: set[str] = set()

        def visit(p: Any) -> None:
            if any(t in p.topics for t in topics):
                if p.id not in cited:
                    cited.add(p.id)
                    out.append(self._cite(p))
            else:
                for c in p.children:
                    visit(c)

        for sid in CITED_STANDARDS:
            st = self.rules.standards.get(sid)
            for p in st.items if st else ():
                visit(p)
        return out

    def _findings(self, j: dict[str, Any], standards: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        seen: set[str] = set()
        events = j.get("events") or []
        for e in events:
            t = e["type"]
            if t in seen:
                continue
            seen.add(t)
            msg = EVENT_TEXT[t]
            finding: dict[str, Any] = {"type": t, "source": "reported"}
            if t == "debt":  # every loan, with what the worker said of it
                loans = [{k: d[k] for k in ("amount", "currency", "interest_rate_percent_per_month", "date")
                          if d.get(k) is not None} for d in events if d["type"] == "debt"]
                finding["loans"] = loans
                rates = [x["interest_rate_percent_per_month"] for x in loans if "interest_rate_percent_per_month" in x]
                if rates:
                    finding["interest_rate_percent_per_month"] = max(rates)  # the dearest loan
                for x in loans:
                    if "amount" in x and "currency" in x:
                        msg += f" Borrowed {x['amount']:g} {x['currency']}."
                    if "interest_rate_percent_per_month" in x:
                        msg += f" Interest: {x['interest_rate_percent_per_month']:g}% a month."
            found.append({**finding, "message": msg, "principles": self._principles(EVENT_TOPICS[t])})
        if "wage_lower_than_promised" not in seen:
            w, e = j["promised_wage"], j["first_month_earnings"]
            day = _parse_day(j.get("departure_date")) or dt.date.fromisoformat(j["recruitment_date"])
            got = fx.convert(float(e["amount"]), e["currency"], w["currency"], day)
            if got is not None and got < 0.95 * float(w["amount"]):
                found.append(
                    {
                        "type": "wage_lower_than_promised",
                        "source": "detected",
                        "message": EVENT_TEXT["wage_lower_than_promised"]
                        + f" Promised {w['amount']:g} {w['currency']}, first month {e['amount']:g} {e['currency']}.",
                        "promised": {"amount": w["amount"], "currency": w["currency"]},
                        "first_month": {"amount": e["amount"], "currency": e["currency"]},
                        "principles": self._principles(EVENT_TOPICS["wage_lower_than_promised"]),
                    }
                )
        zero = standards[0]
        if (zero["owed"]["amount"] or 0) > 0:
            found.append(
                {
                    "type": "fees_charged",
                    "source": "detected",
                    "message": EVENT_TEXT["fees_charged"],
                    "principles": self._principles(EVENT_TOPICS["fees_charged"]),
                }
            )
        return found

    def _sdg(
        self, j: dict[str, Any], payments: list[_Payment], trace: list[dict[str, Any]]
    ) -> dict[str, Any]:
        e = j["first_month_earnings"]
        cur = e["currency"]
        if not float(e["amount"]):
            return {"months": None, "currency": cur, "earnings": 0.0,
                    "note": "nothing was earned in the first month: the ratio is not defined"}
        costs = 0.0
        for p in payments:
            a = fx.convert(p.amount, p.currency, cur, p.day)
            if a is None:
                return {
                    "months": None,
                    "currency": cur,
                    "note": f"no exchange rate for {p.currency} on {p.day}",
                }
            costs += a
        months = costs / float(e["amount"])
        trace.append(
            {
                "step": "sdg_10_7_1",
                "costs": round(costs, 2),
                "earnings": e["amount"],
                "currency": cur,
                "months": round(months, 3),
                "source": "https://worldbank.github.io/sdg-metadata/metadata/en/10-7-1",
            }
        )
        return {
            "costs": round(costs, 2),
            "earnings": float(e["amount"]),
            "currency": cur,
            "months": round(months, 3),
            "definition": "Recruitment costs paid by the worker divided by first-month earnings in the destination "
            "(SDG indicator 10.7.1, metadata 2022-05-18).",
        }


def _country_name(cc: str) -> str:
    """In English: the engine's messages (API, CLI) are English; pages name countries in the reader's language."""
    return country_name(cc, "en")


def principles_for(topic: str) -> list[dict[str, Any]]:
    """The principles (ILO GP, IRIS, Dhaka, Employer Pays) about ``topic`` ("contract", "wages", "documents"...),
    cited as the engine cites them in its findings, with their ``verified`` flags."""
    return default_assessor()._principles((topic,))


@lru_cache(maxsize=1)
def default_assessor() -> Assessor:
    return Assessor()


def assess(journey: dict[str, Any]) -> dict[str, Any]:
    """Validate and assess one journey with the process-wide rule set. Raises :class:`JourneyError`."""
    return default_assessor().assess(journey)
