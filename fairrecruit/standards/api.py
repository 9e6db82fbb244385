"""JSON API for standards and fee assessments (mounted under /api/v1/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router

from fairrecruit.core.auth import api_user
from fairrecruit.core.openapi import ERROR_SCHEMA, BodyError, json_body, json_response
from fairrecruit.standards import selectors, services, statement
from fairrecruit.standards.engine import journey_schema, validate_journey
from fairrecruit.standards.loader import get_rules

router = Router(tags=["standards"])

_RESULT_SCHEMA = {
    "type": "object",
    "description": "Assessment result: see docs/assessment.md for every field.",
    "required": ["owed", "standards", "payments", "findings", "sdg_10_7_1", "trace", "ruleset_version"],
    "properties": {
        "id": {"type": "string", "format": "uuid", "description": "Present when the assessment was stored."},
        "stored": {"type": "boolean"},
        "ruleset_version": {"type": "string"},
        "reference_date": {"type": "string", "format": "date"},
        "currency": {"type": "string"},
        "owed": {
            "type": "object",
            "description": "Standard id -> amount owed back. amount is null (never 0) where no rule is known.",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "amount": {"type": ["number", "null"]},
                    "currency": {"type": "string"},
                    "amount_usd": {"type": ["number", "null"]},
                    "status": {"type": "string"},
                },
            },
        },
        "standards": {"type": "array", "items": {"type": "object"}},
        "payments": {"type": "array", "items": {"type": "object"}},
        "findings": {"type": "array", "items": {"type": "object"}},
        "sdg_10_7_1": {"type": "object"},
        "trace": {"type": "array", "items": {"type": "object"}},
    },
}

def _errors(status: int, errors: list[dict[str, str]]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


def _journey(request: HttpRequest) -> tuple[Any, JsonResponse | None]:
    """The request's journey, or the answer that refuses it: 400 naming each field, 415 for a form."""
    try:
        journey = json_body(request)
    except BodyError as exc:
        return None, _errors(exc.status, exc.errors)
    errors = validate_journey(journey)
    if errors:
        return None, _errors(400, [e.as_dict() for e in errors])
    return journey, None


@router.post(
    "/assessments",
    summary="Assess a recruitment journey",
    description=(
        "Send one journey (JSON Schema below, also at /api/v1/schema/journey). Returns what was unlawful and "
        "what is owed back under the zero-fee standard and the origin and destination laws. Anonymous calls "
        "are computed and not stored. Calls with a bearer token are stored under the token's organisation; "
        "send an `Idempotency-Key` header so that a retried request is stored once (the retry gets 200 and "
        "the same id). Bad input gets 400 with a list of {field, message}."
    ),
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": journey_schema()}}},
        "responses": {
            "200": json_response(_RESULT_SCHEMA, "Assessed (or the stored result of a retried request)"),
            "201": json_response(_RESULT_SCHEMA, "Assessed and stored"),
            "400": json_response(ERROR_SCHEMA, "Bad input"),
            "409": json_response(ERROR_SCHEMA, "Idempotency key reused with a different journey"),
        },
    },
)
def assessment_create(request: HttpRequest) -> HttpResponse:
    journey, bad = _journey(request)
    if bad is not None:
        return bad
    token = api_user(request)
    if token is None:
        result = services.assessment_compute(journey=journey)
        return JsonResponse({"stored": False, **result}, status=200)
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and len(key) > 100:
        return _errors(400, [{"field": "Idempotency-Key", "message": "must be at most 100 characters"}])
    try:
        a, created = services.assessment_create(
            actor=token.user, organisation=token.organisation, journey=journey, idempotency_key=key
        )
    except services.IdempotencyConflict:
        return _errors(
            409, [{"field": "Idempotency-Key", "message": "was already used with a different journey"}]
        )
    return JsonResponse({"id": str(a.id), "stored": True, **a.result}, status=201 if created else 200)


@router.post(
    "/assessments/statement",
    summary="The worker's fee statement (PDF) of a journey",
    description=(
        "The same input as POST /api/v1/assessments; the answer is the worker's fee statement, the PDF of the page "
        "'Check my fees': what was typed, each payment's verdict under each standard, the amounts owed, the "
        "sources, in `language` (a site language, default en). Nothing is stored. Bad input gets 400 with "
        "{field, message}. Without a token, each connection may make FAIRRECRUIT_STATEMENT_RATE statements (429 "
        "beyond); a partner's token is not limited."
    ),
    openapi_extra=statement.api_openapi(journey_schema()),
)
def assessment_statement(request: HttpRequest) -> HttpResponse:
    language = statement.api_language(request)
    if isinstance(language, JsonResponse):
        return language
    journey, bad = _journey(request)
    if bad is not None:
        return bad
    result = services.assessment_compute(journey=journey)
    data = statement.statement_pdf(journey, result, language, today=dt.date.today(),
                                   complain=statement.complaint_address(request))
    return statement.pdf_response(data, statement.FILENAME)


@router.get(
    "/assessments/{assessment_id}",
    summary="A stored assessment (token required; scoped to your organisation)",
)
def assessment_get(request: HttpRequest, assessment_id: str) -> HttpResponse:
    token = api_user(request)
    if token is None:
        return _errors(401, [{"field": "Authorization", "message": "send 'Authorization: Bearer <token>'"}])
    a = (
        selectors.assessments_visible_to(token.user).filter(pk=assessment_id).first()
        if _is_uuid(assessment_id)
        else None
    )
    if a is None:
        return _errors(404, [{"field": "assessment_id", "message": "no such assessment visible to you"}])
    return JsonResponse({"id": str(a.id), "stored": True, **a.result})


def _is_uuid(v: str) -> bool:
    import uuid

    try:
        uuid.UUID(v)
    except ValueError:
        return False
    return True


@router.get("/schema/journey", summary="JSON Schema of the assessment input")
def schema_journey(request: HttpRequest) -> dict[str, Any]:
    return journey_schema()


@router.get("/standards", summary="Standards and principles, with sources and verified flags")
def standards_list(request: HttpRequest) -> list[dict[str, Any]]:
    rs = get_rules()
    return [_standard(s, deep=False) for s in rs.standards.values()]


@router.get("/standards/{standard_id}", summary="One standard with all its items")
def standard_get(request: HttpRequest, standard_id: str) -> HttpResponse:
    st = get_rules().standards.get(standard_id)
    if st is None:
        return _errors(404, [{"field": "standard_id", "message": f"no standard {standard_id!r}"}])
    return JsonResponse(_standard(st, deep=True))


def _standard(s: Any, deep: bool) -> dict[str, Any]:
    def item(p: Any) -> dict[str, Any]:
        return {
            "id": p.id,
            "number": p.number,
            "label": p.label,
            "text": p.text,
            "plain": p.plain,
            "topics": sorted(p.topics),
            "source": p.source.as_dict(),
            "items": [item(c) for c in p.children],
        }

    out = {
        "id": s.id,
        "title": s.title,
        "publisher": s.publisher,
        "kind": s.kind,
        "binding": s.binding,
        "from": s.start.isoformat(),
        "until": s.until.isoformat() if s.until else None,
        "summary": s.summary,
        "source": s.source.as_dict(),
    }
    if deep:
        out["items"] = [item(p) for p in s.items]
    return out


@router.get("/rules", summary="Rules in force for a worker's situation ('What may a recruiter charge me?')")
def rules_get(
    request: HttpRequest,
    origin: str,
    destination: str,
    date: str | None = None,
    occupation: str = "",
    domestic_work: bool = False,
    sex: str | None = None,
) -> HttpResponse:
    errs = []
    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        errs.append({"field": "date", "message": f"impossible date {date!r}: write YYYY-MM-DD"})
    for k, v in (("origin", origin), ("destination", destination)):
        import pycountry

        if not pycountry.countries.get(alpha_2=v.upper()):
            errs.append({"field": k, "message": f"unknown country code {v!r}: use ISO 3166 alpha-2"})
    if errs:
        return _errors(400, errs)
    out = []
    for r in selectors.rules_in_force(
        origin=origin.upper(),
        destination=destination.upper(),
        day=day,
        occupation=occupation,
        domestic_work=domestic_work,
        sex=sex,
    ):
        e: dict[str, Any] = {"id": r["id"], "role": r["role"], "title": r["title"], "found": r["found"]}
        if r.get("rule"):
            v = r["version"]
            e["rule"] = {
                "id": r["rule"].id,
                "title": r["rule"].title,
                "summary": r["rule"].summary,
                "from": v["from"].isoformat(),
                "until": v["until"].isoformat() if v["until"] else None,
                "cap": v["cap"],
                "sub_caps": [{"cap": sc["cap"], "items": sc["items"], "source": sc["source"].as_dict()}
                             for sc in v["sub_caps"]],
                "capped": v["capped"],
                "allowed": v["allowed"],
                "prohibited": v["prohibited"],
                "source": v["source"].as_dict(),
            }
        if r.get("principles"):
            e["principles"] = [
                {"id": p.id, "label": p.label, "source": p.source.as_dict()} for p in r["principles"]
            ]
        out.append(e)
    minimums = selectors.minimum_wages_in_force(origin.upper(), destination.upper(), day, domestic_work)
    return JsonResponse({"date": day.isoformat(), "ruleset_version": get_rules().version, "standards": out,
                         "minimum_wages": [{k: v for k, v in m.items() if k not in ("rule", "version")}
                                           for m in minimums]})
