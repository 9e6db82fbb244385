"""JSON API for the registry (mounted under /api/v1/): organisations, licences, job orders, the job-offer check
and the public register. Public, no token needed; nothing about workers. Bad input: 400
``{"errors": [{"field", "message"}]}``, the same messages as the pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pycountry
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from ninja import Router, Schema

from fairrecruit.core.exports import csv_cell
from fairrecruit.core.openapi import BodyError, json_body
from fairrecruit.registry import search, selectors
from fairrecruit.registry.forms import QUERY_MAX, JobOfferForm, errors_named
from fairrecruit.registry.models import Actor, ActorKind, JobOrder
from fairrecruit.registry.names import licence_keys

router = Router(tags=["registry"])

PAGE_SIZE = 20
PAGE_SIZE_MAX = 100
SEARCH_MAX = 200  # a name search returns at most this many organisations (in pages)


# ---------------------------------------------------------------------------------------------- schemas
class FieldError(Schema):
    field: str
    message: str


class Errors(Schema):
    errors: list[FieldError]


class Source(Schema):
    """Where a fact came from: an imported file and its row, and/or a note."""

    file: str | None = None
    row: int | None = None
    note: str = ""
    imported_at: dt.datetime | None = None


class StatusOut(Schema):
    """What a worker needs to know first. ``code``: active, suspended, banned, revoked, cancelled, expired
    (also when ``valid_until`` has passed though the list says active), sub_agent (not licensed), reported,
    no_licence, employer, regulator. ``level``: ok, bad, unknown, info."""

    code: str
    level: str
    message: str
    licence_number: str | None = None
    regulator: str | None = None
    valid_until: dt.date | None = None
    since: dt.date | None = None
    via: str | None = None


class ActorRef(Schema):
    identifier: str
    name: str
    kind: str


class MatchOut(Schema):
    score: float
    by: str  # identifier | licence | phone | handle (website or social-media account) | name
    matched: str
    via: str | None = None  # identifier of the merged record that matched


class OrganisationSummary(Schema):
    identifier: str
    name: str
    kind: str
    kind_label: str
    country: str
    city: str
    status: StatusOut
    match: MatchOut | None = None
    url: str


class OrganisationPage(Schema):
    q: str
    page: int
    page_size: int
    count: int
    results: list[OrganisationSummary]


class HistoryOut(Schema):
    status: str
    effective_date: dt.date
    valid_until: dt.date | None = None
    reason: str
    source: Source


class LicenceOut(Schema):
    number: str
    regulator: ActorRef
    holder: ActorRef
    status_listed: str
    status: str
    expired_by_date: bool
    since: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    source: Source
    history: list[HistoryOut]


class RelationOut(Schema):
    group: str
    heading: str
    kind: str
    organisation: ActorRef
    status: StatusOut
    start: dt.date | None = None
    end: dt.date | None = None
    current: bool
    source: Source


class JobOrderOut(Schema):
    number: str
    state: str  # valid | expired | not_yet_valid
    employer: ActorRef
    agency: ActorRef | None = None
    approved_by: ActorRef | None = None
    destination: str
    occupation: str
    isco08: str
    positions: int
    wage_amount: Decimal
    wage_currency: str
    valid_from: dt.date
    valid_until: dt.date
    source: Source


class AliasOut(Schema):
    name: str
    source: Source


class CertificateOut(Schema):
    """A certificate under a FairRecruit scheme (certified, suspended or withdrawn), as the profile page and the
    certification register show it."""

    number: str
    holder: str
    registry_identifier: str
    scheme: str
    scheme_name: str
    standard: str
    certification_body: str
    corridors: list[str]
    sectors: list[str]
    issued_on: dt.date
    valid_until: dt.date
    status: str  # active | suspended | withdrawn
    status_reason: str
    status_changed_at: dt.date | None = None


class ReviewsOut(Schema):
    """Workers' reviews in aggregate, as on the profile page: ``count``, ``threshold``, ``shown``; from
    ``threshold`` published reviews also ``rating`` {average, distribution}, ``treatment``, ``questions`` and
    ``fees`` (each figure withheld below the threshold). The reviews themselves: ``url``."""

    aggregate: dict[str, Any]
    url: str


class ComplaintsOut(Schema):
    """The organisation's row of the public complaint statistics (received, resolved,
    median_days_to_resolution, recovered_usd; a cell of fewer than FAIRRECRUIT_GRIEVANCE_MIN_CELL cases reads
    "fewer than N"), null when no complaint names it; where to find all statistics and to file a complaint."""

    statistics: dict[str, Any] | None = None
    statistics_url: str
    submit_url: str


class OrganisationProfile(Schema):
    identifier: str
    requested_identifier: str | None = None
    name: str
    kind: str
    kind_label: str
    country: str
    city: str
    address: str
    phones: list[str]
    websites: list[str]
    social_handles: list[str]
    aliases: list[AliasOut]
    merged_records: list[str]
    status: StatusOut
    licences: list[LicenceOut]
    relationships: list[RelationOut]
    job_orders: list[JobOrderOut]
    source: Source
    sanctions: list[dict[str, Any]]  # as GET /api/v1/organisations/{identifier}/sanctions
    certification: list[CertificateOut]
    reviews: ReviewsOut
    complaints: ComplaintsOut


class JobOfferIn(Schema):
    """A job offer as a worker has it: a job order number, or employer and destination (and job and wage)."""

    job_order_number: str = ""
    employer: str = ""
    destination: str = ""
    occupation: str = ""
    wage_amount: str | float | None = None
    wage_currency: str = ""
    origin: str = ""  # the worker's country: its minimum wage for its workers abroad is checked too
    domestic_work: bool | None = None


class RateOut(Schema):
    currency: str
    per_usd: float  # units of `currency` for one US dollar
    date: dt.date  # the day the rate was published for (the closest earlier one)
    source: str
    latest_available: bool  # the day asked is after the rates shipped: the last published rate


class WageConversionOut(Schema):
    """The wage offered and the approved wage in US dollars, when their currencies differ."""

    date: dt.date  # the day of the check
    offered_usd: Decimal | None = None
    approved_usd: Decimal | None = None
    rates: list[RateOut]
    missing_rates: list[str]  # currencies without a known rate: the wages were not compared


class JobOfferOut(Schema):
    verdict: str  # ok | warning | not_found
    job_order: JobOrderOut | None = None
    employer: ActorRef | None = None
    wage: str  # same | higher | much_higher | lower | not_compared | not_given
    wage_conversion: WageConversionOut | None = None
    agency_status: StatusOut | None = None
    warnings: list[str]
    notes: list[str]
    next_steps: list[str]
    other_matches: list[JobOrderOut]


# ---------------------------------------------------------------------------------------------- helpers
def _errors(status: int, errors: list[dict[str, str]]) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"field": e["field"], "message": e["message"]} for e in errors]}, status=status
    )


def _ref(a: Actor | None) -> dict[str, Any] | None:
    return {"identifier": a.identifier, "name": a.name, "kind": a.kind} if a is not None else None


def _licence(lv: selectors.LicenceView) -> dict[str, Any]:
    lic = lv.licence
    return {
        "number": lic.number,
        "regulator": _ref(lic.regulator),
        "holder": _ref(lic.actor),
        "status_listed": lic.status,
        "status": lv.state,
        "expired_by_date": lv.expired_by_date,
        "since": lv.since,
        "valid_from": lic.valid_from,
        "valid_until": lic.valid_until,
        "source": lv.source,
        "history": [
            {
                "status": h.status,
                "effective_date": h.effective_date,
                "valid_until": h.valid_until,
                "reason": h.reason,
                "source": selectors.source_of(h),
            }
            for h in lv.history
        ],
    }


def _job_order(jo: JobOrder, day: dt.date) -> dict[str, Any]:
    return {
        "number": jo.number,
        "state": selectors.job_order_view(jo, day)["state"],
        "employer": _ref(jo.employer),
        "agency": _ref(jo.agency),
        "approved_by": _ref(jo.approved_by),
        "destination": jo.destination,
        "occupation": jo.occupation,
        "isco08": jo.isco08,
        "positions": jo.positions,
        "wage_amount": jo.wage_amount,
        "wage_currency": jo.wage_currency,
        "valid_from": jo.valid_from,
        "valid_until": jo.valid_until,
        "source": selectors.source_of(jo),
    }


def _summary(
    a: Actor, st: selectors.Status, m: search.Match | None, vias: dict[int, Actor]
) -> dict[str, Any]:
    return {
        "identifier": a.identifier,
        "name": a.name,
        "kind": a.kind,
        "kind_label": str(a.get_kind_display()),
        "country": a.country,
        "city": a.city,
        "status": st.as_dict(),
        "match": {
            "score": m.score,
            "by": m.how,
            "matched": m.matched,
            "via": vias[m.via_id].identifier if m.via_id and m.via_id in vias else None,
        }
        if m
        else None,
        "url": reverse("registry:profile", args=[a.identifier]),
    }


def _country_error(field: str, value: str) -> dict[str, str] | None:
    if value and not pycountry.countries.get(alpha_2=value.upper()):
        return {
            "field": field,
            "message": f"unknown country code {value!r}: use ISO 3166 alpha-2, like NP or QA",
        }
    return None


def _int(field: str, value: str, lo: int, hi: int, errs: list[dict[str, str]]) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        errs.append({"field": field, "message": f"must be a whole number, not {value!r}"})
        return lo
    if not lo <= n <= hi:
        errs.append({"field": field, "message": f"must be between {lo} and {hi}"})
    return n


_ERR = {400: Errors}


# ---------------------------------------------------------------------------------------------- organisations
@router.get(
    "/organisations",
    summary="Search organisations: agencies, sub-agents, brokers, reported actors, employers",
    description=(
        "`q` is a name (typo-tolerant, any script: Devanagari, Bengali, Arabic... are compared in Latin letters), "
        "a licence number (punctuation and 'Lic. No.' ignored), a phone number (matched on its last 7+ digits; a "
        "WhatsApp link counts as its number), a website or social-media account (`facebook.com/aakash374`, "
        "`https://www.facebook.com/aakash374/`, `@aakash374`: `match.by` is `handle`) or an identifier such as "
        "`NP-DOFE-1234`. Records merged by record linkage are returned as the record "
        "they were merged into (`match.via` names the merged one). Without `q`, lists organisations by name. "
        "Filters: `country` (ISO alpha-2), `kind` (licensed_agency, branch, sub_agent, individual_broker, "
        "reported, destination_agency, employer, regulator). Each result carries its licence `status` judged "
        "today: a licence past its `valid_until` is `expired` even when the regulator's list says active. "
        "A name search returns at most 200 organisations, best first, in pages."
    ),
    response={200: OrganisationPage, **_ERR},
)
def organisations(
    request: HttpRequest,
    q: str = "",
    country: str = "",
    kind: str = "",
    page: str = "1",
    page_size: str = str(PAGE_SIZE),
) -> Any:
    errs: list[dict[str, str]] = []
    q = " ".join(q.split())
    if len(q) > QUERY_MAX:
        errs.append({"field": "q", "message": f"type at most {QUERY_MAX} characters"})
    if (e := _country_error("country", country)) is not None:
        errs.append(e)
    if kind and kind not in ActorKind.values:
        errs.append(
            {"field": "kind", "message": f"unknown kind {kind!r}: one of {', '.join(ActorKind.values)}"}
        )
    n = _int("page", page, 1, 100_000, errs)
    size = _int("page_size", page_size, 1, PAGE_SIZE_MAX, errs)
    if errs:
        return _errors(400, errs)
    country = country.upper()
    start = (n - 1) * size
    matches: list[search.Match] = []
    if q:
        matches = search.search(q, limit=SEARCH_MAX, country=country, kind=kind)
        count = len(matches)
        matches = matches[start : start + size]
        actors = Actor.objects.in_bulk(
            [m.actor_id for m in matches] + [m.via_id for m in matches if m.via_id]
        )
        shown = [actors[m.actor_id] for m in matches]
    else:
        qs = selectors.organisations_browse(country=country, kind=kind)
        count = qs.count()
        shown = list(qs[start : start + size])
        actors = {a.pk: a for a in shown}
    st = selectors.statuses(shown)
    results = [_summary(a, st[a.pk], matches[i] if matches else None, actors) for i, a in enumerate(shown)]
    return {"q": q, "page": n, "page_size": size, "count": count, "results": results}


def _profile_sections(actor: Actor, ids: list[int]) -> dict[str, Any]:
    """The sections of the profile page from the other apps, with the page's selectors: sanctions, certificates,
    workers' reviews in aggregate, complaint statistics (``ids``: the actor and the records merged into it)."""
    from fairrecruit.certification.selectors import profile_section, public_certificate
    from fairrecruit.enforcement.api import sanction_json
    from fairrecruit.enforcement.selectors import for_actor
    from fairrecruit.grievances.selectors import public_row_for
    from fairrecruit.reviews.selectors import aggregate

    ident = {"identifier": actor.identifier}
    return {
        "sanctions": [sanction_json(v) for v in for_actor(actor)],
        "certification": [public_certificate(c) for c in profile_section(actor)],
        "reviews": {"aggregate": aggregate(actor), "url": reverse("api-v1:actor_reviews", kwargs=ident)},
        "complaints": {
            "statistics": public_row_for(dict.fromkeys(ids, actor.pk)).get(actor.pk),
            "statistics_url": reverse("api-v1:grievance_statistics"),
            "submit_url": reverse("api-v1:complaint_submit"),
        },
    }


@router.get(
    "/organisations/{identifier}",
    summary="One organisation: names, licences with full history and sources, relationships, job orders",
    description=(
        "The identifier of a record that was merged into another returns the surviving record, with "
        "`requested_identifier` set to what was asked for. Licences include records merged into this one. "
        "Relationships are grouped as on the profile page: sub_agents (working for it), works_for, branch_of, "
        "branches, partners, recruits_through, employers. Then what the profile page shows further down: "
        "`sanctions` (as `/organisations/{identifier}/sanctions`), `certification` (certified, suspended and "
        "withdrawn certificates), `reviews` (the workers' reviews in aggregate, figures withheld below the "
        "public threshold, and the `url` of the reviews) and `complaints` (this organisation's row of the "
        "public complaint statistics, small cells suppressed, and where to file one)."
    ),
    response={200: OrganisationProfile, 404: Errors},
)
def organisation(request: HttpRequest, identifier: str) -> Any:
    actor, merged = selectors.actor_by_identifier(identifier)
    if actor is None:
        return _errors(404, [{"field": "identifier", "message": f"no organisation {identifier!r}"}])
    p = selectors.actor_profile(actor)
    day = p["day"]
    return {
        "identifier": actor.identifier,
        "requested_identifier": merged.identifier if merged else None,
        "name": actor.name,
        "kind": actor.kind,
        "kind_label": str(actor.get_kind_display()),
        "country": actor.country,
        "city": actor.city,
        "address": actor.address,
        "phones": actor.phones or [],
        "websites": actor.websites or [],
        "social_handles": actor.social_handles or [],
        "aliases": p["aliases"],
        "merged_records": [m.identifier for m in p["merged"]],
        "status": p["status"].as_dict(),
        "licences": [_licence(lv) for lv in p["licences"]],
        "relationships": [
            {
                "group": g["key"],
                "heading": g["heading"],
                "kind": r.relationship.kind,
                "organisation": _ref(r.actor),
                "status": r.status.as_dict(),
                "start": r.relationship.start,
                "end": r.relationship.end,
                "current": r.current,
                "source": r.source,
            }
            for g in p["relations"]
            for r in g["items"]
        ],
        "job_orders": [_job_order(j["job_order"], day) for j in p["job_orders"]],
        "source": p["source"],
        **_profile_sections(actor, [actor.pk, *(m.pk for m in p["merged"])]),
    }


# ---------------------------------------------------------------------------------------------- licences, job orders
@router.get(
    "/licences",
    summary="Look up a licence by its number",
    description=(
        "`number` is compared standardised (case, spaces and punctuation ignored: `1001/2019` = `1001-2019`), "
        "with and without words such as 'Lic. No.' in front, as the organisation search does. "
        "`regulator`: the regulator's identifier (`NP-DOFE`) or part of its name. Each licence has the status "
        "listed by the regulator (`status_listed`), the status today (`status`: expired when `valid_until` has "
        "passed) and its full history with sources."
    ),
    response={200: list[LicenceOut], **_ERR},
)
def licences(request: HttpRequest, number: str = "", regulator: str = "") -> Any:
    if not licence_keys(number):
        return _errors(400, [{"field": "number", "message": "give a licence number"}])
    return [_licence(lv) for lv in selectors.licences_by_number(number, regulator=regulator.strip())]


@router.get(
    "/job-orders",
    summary="Look up approved job orders (demand letters)",
    description=(
        "By `number` (standardised), and/or `employer` (name, typo-tolerant) and `destination` (ISO alpha-2). "
        "Give a number or an employer. `state`: valid, expired or not_yet_valid today."
    ),
    response={200: list[JobOrderOut], **_ERR},
)
def job_orders(request: HttpRequest, number: str = "", employer: str = "", destination: str = "") -> Any:
    errs = []
    if not number.strip() and not employer.strip():
        errs.append({"field": "number", "message": "give a job order number or an employer's name"})
    if (e := _country_error("destination", destination)) is not None:
        errs.append(e)
    if errs:
        return _errors(400, errs)
    day = selectors.today()
    found = selectors.job_orders_find(
        number=number.strip(), employer=employer.strip(), destination=destination.upper()
    )
    return [_job_order(jo, day) for jo in found]


@router.post(
    "/job-offers/check",
    summary="Check a job offer against approved job orders",
    description=(
        "The same check as the page /verify/job-offer/. Send a job order number, or employer and destination "
        "(and occupation), and optionally the monthly wage offered with its currency. `verdict`: ok (an "
        "approved, valid job order matches and nothing is wrong), warning (one matches but: it expired, the "
        "wage offered is lower than approved or much higher — a common lure —, the agency's licence is not "
        "active...), not_found. A wage in another currency than the job order's is compared in US dollars at "
        "the reference rates of the day (`wage_conversion`: both amounts and the rates used, with their dates "
        "and sources); where no rate is known the wages are not compared (`wage`: not_compared) and that is a "
        "warning. Nothing is stored. Bad input: 400 with the field and the message."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": JobOfferIn.model_json_schema()}},
        },
    },
    response={200: JobOfferOut, **_ERR},
)
def job_offer_check(request: HttpRequest) -> Any:
    try:
        body = json_body(request)
    except BodyError as exc:
        return _errors(exc.status, exc.errors)
    if not isinstance(body, dict):
        return _errors(400, [{"field": "(body)", "message": "must be a JSON object"}])
    unknown = sorted(set(body) - set(JobOfferForm.base_fields))
    if unknown:
        return _errors(400, [{"field": k, "message": "unknown field"} for k in unknown])
    bad = [k for k, v in body.items() if v is not None and not isinstance(v, str | int | float)]
    if bad:
        return _errors(400, [{"field": k, "message": "must be a string or a number"} for k in bad])
    form = JobOfferForm({k: "" if v is None else ({True: "yes", False: "no"}[v] if isinstance(v, bool) else str(v))
                         for k, v in body.items()})
    if not form.is_valid():
        return _errors(400, errors_named(form))
    day = selectors.today()
    res = selectors.check_job_offer(**form.cleaned_data, day=day)
    return {
        "verdict": res.verdict,
        "job_order": _job_order(res.job_order, day) if res.job_order else None,
        "employer": _ref(res.employer),
        "wage": res.wage,
        "wage_conversion": res.wage_conversion.as_dict() if res.wage_conversion else None,
        "agency_status": res.agency_status.as_dict() if res.agency_status else None,
        "warnings": res.warnings,
        "notes": res.notes,
        "next_steps": res.next_steps,
        "other_matches": [_job_order(jo, day) for jo in res.other_matches],
    }


# ---------------------------------------------------------------------------------------------- public register
_REGISTER_DOC = (
    "One row per licence of every organisation that holds one (records merged by record linkage appear as the "
    "organisation they were merged into): identifier, name, aliases, kind, country, city, address, phones, "
    "websites, regulator, licence number, `status_listed` (as the regulator lists it), `status` (today: expired "
    "when `valid_until` has passed), `status_since`, `valid_from`, `valid_until`. Streamed. Organisation data only; "
    "nothing about workers."
)


def _csv_lines(day: dt.date) -> Iterator[str]:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(selectors.REGISTER_FIELDS)
    for i, row in enumerate(selectors.register_rows(day), start=1):
        w.writerow([csv_cell(row[k]) for k in selectors.REGISTER_FIELDS])
        if i % 500 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def _json_chunks(day: dt.date) -> Iterator[str]:
    yield (
        json.dumps({"status_on": day.isoformat(), "fields": selectors.REGISTER_FIELDS})[:-1]
        + ', "licences": ['
    )
    for i, row in enumerate(selectors.register_rows(day)):
        yield ("," if i else "") + "\n" + json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)
    yield "\n]}\n"


@router.get(
    "/register.csv",
    summary="The public register of licensed organisations, as CSV (streamed)",
    description=_REGISTER_DOC + " Lists are joined with ' | '.",
    openapi_extra={
        "responses": {
            "200": {
                "description": "CSV, UTF-8, header row first",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def register_csv(request: HttpRequest) -> HttpResponse:
    day = selectors.today()
    resp = StreamingHttpResponse(_csv_lines(day), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="fairrecruit-register-{day.isoformat()}.csv"'
    return resp  # type: ignore[return-value]


@router.get(
    "/register.json",
    summary="The public register of licensed organisations, as JSON (streamed)",
    description=_REGISTER_DOC + ' Shape: {"status_on": date, "fields": [...], "licences": [{...}, ...]}.',
    openapi_extra={
        "responses": {
            "200": {
                "description": "JSON object with the licences",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        }
    },
)
def register_json(request: HttpRequest) -> HttpResponse:
    day = selectors.today()
    resp = StreamingHttpResponse(_json_chunks(day), content_type="application/json; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="fairrecruit-register-{day.isoformat()}.json"'
    return resp  # type: ignore[return-value]
