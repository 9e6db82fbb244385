"""JSON API for grievances (mounted under /api/v1/): complaints from partner hotlines and apps, the worker's
follow-up with code and PIN, scoped case reads for organisations (logged), and public statistics."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django_ratelimit.core import is_ratelimited
from ninja import Router

from fairrecruit.core import idempotency
from fairrecruit.core.auth import api_user, submission_limited
from fairrecruit.core.forms import row_id
from fairrecruit.core.openapi import ERROR_SCHEMA, BodyError, json_body, json_response
from fairrecruit.grievances import conf, programmes, selectors, services, taxonomy
from fairrecruit.grievances.forms import new_token, uploads
from fairrecruit.grievances.models import Channel, Status
from fairrecruit.grievances.programmes import PAGE, programme_progress, workers_page
from fairrecruit.standards.engine import FieldError

router = Router(tags=["grievances"])

_MONEY = {
    "type": "object",
    "required": ["amount", "currency"],
    "properties": {
        "amount": {"type": "number", "exclusiveMinimum": 0},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
    },
}
_PAYEE = {"type": "string", "enum": [*services.PAYEES, ""]}
_COMPLAINT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "One worker's complaint. Only `categories` is required: a complaint is never refused for missing "
        "facts. With payments, origin, destination, a recruitment date (or year) and a monthly wage, the "
        "payments are assessed against the fee standards (docs/assessment.md). `worker` is encrypted at rest "
        "and never returned by any endpoint."
    ),
    "required": ["categories"],
    "properties": {
        "categories": {
            "type": "array",
            "minItems": 1,
            "maxItems": 9,
            "items": {"type": "string", "enum": list(taxonomy.CATEGORY_CODES)},
        },
        "indicators": {
            "type": "array",
            "maxItems": 11,
            "description": "ILO forced labour indicators",
            "items": {"type": "string", "enum": list(taxonomy.INDICATOR_CODES)},
        },
        "in_danger": {"type": "boolean", "description": "The worker is in danger now: escalated at once"},
        "description": {"type": "string", "maxLength": 5000},
        "respondent": {
            "type": "object",
            "description": "Who the complaint is about: a registry `identifier`, or a `name` (a reported actor)",
            "properties": {
                "identifier": {"type": "string", "maxLength": 80},
                "name": {"type": "string", "maxLength": 300},
                "phone": {"type": "string", "maxLength": 40},
                "place": {"type": "string", "maxLength": 120},
                "role": _PAYEE,
            },
        },
        "brand_name": {"type": "string", "maxLength": 200},
        "origin": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "destination": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "recruitment_date": {"type": "string", "format": "date"},
        "recruitment_year": {"type": "integer", "minimum": 1980, "maximum": 2100},
        "contract_months": {"type": "integer", "minimum": 1, "maximum": 120},
        "domestic_work": {"type": "boolean", "description": "work in a household (rules and minimum wages of its own)"},
        "wage_promised": _MONEY,
        "wage_received": _MONEY,
        "payments": {
            "type": "array",
            "maxItems": 50,
            "items": {
                "type": "object",
                "required": ["amount", "currency"],
                "properties": {
                    "amount": {"type": "number", "exclusiveMinimum": 0},
                    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
                    "date": {"type": "string", "format": "date"},
                    "purpose": {"type": "string", "maxLength": 300, "description": "Any language"},
                    "category": {"type": "string", "description": "A cost item of the fee standards (e.g. "
                                 "service_fee, air_ticket, visa, medical, training): overrides the purpose"},
                    "paid_to": _PAYEE,
                },
            },
        },
        "worker": {
            "type": "object",
            "description": "Optional. Encrypted at rest; seen only by roles that need it, each read logged",
            "properties": {
                "anonymous": {"type": "boolean"},
                "name": {"type": "string", "maxLength": 200},
                "phone": {"type": "string", "maxLength": 40},
                "email": {"type": "string", "maxLength": 200},
            },
        },
        "consent": {
            "type": "object",
            "properties": {
                "share": {"type": "boolean", "description": "Send the case to the bodies that can act"},
                "identity": {"type": "boolean", "description": "... with the worker's name and contact"},
            },
        },
        "retaliation_fear": {"type": "boolean"},
        "language": {"type": "string", "maxLength": 16},
    },
}
_ACK_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "The case code: give it to the worker"},
        "pin": {"type": "string", "description": "The PIN: give it to the worker; stored only as a hash"},
        "status": {"type": "string", "enum": list(Status.values)},
        "severity": {"type": "string"},
        "urgency": {"type": "string"},
    },
}
_CODE_PIN = {
    "type": "object",
    "required": ["code", "pin"],
    "properties": {"code": {"type": "string", "maxLength": 20}, "pin": {"type": "string", "maxLength": 6}},
}
_INFO = {
    "type": "object",
    "required": ["code", "pin", "text"],
    "properties": {
        "code": {"type": "string", "maxLength": 20},
        "pin": {"type": "string", "maxLength": 6},
        "text": {"type": "string", "minLength": 1, "maxLength": 5000},
    },
}


def _errors(status: int, errors: list[dict[str, str]]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


def _no_token() -> JsonResponse:
    return _errors(401, [{"field": "Authorization", "message": "send 'Authorization: Bearer <token>'"}])


def _body(request: HttpRequest) -> tuple[Any, JsonResponse | None]:
    try:
        return json_body(request), None
    except BodyError as exc:
        return None, _errors(exc.status, exc.errors)


def _source(group: str, request: HttpRequest) -> str:
    return services.source_for_ip(request.META.get("REMOTE_ADDR"))


def _typed(d: dict[str, Any], key: str, kind: Any, default: Any, name: str, errors: list[FieldError]) -> Any:
    """``d[key]`` when it is a ``kind`` (a bool is not a number), else ``default``, with an error naming ``name``
    when it was there with the wrong type."""
    v = d.get(key, default)
    if v is None:
        return default
    if not isinstance(v, kind) or (kind in (int, float, (int, float)) and isinstance(v, bool)):
        errors.append(FieldError(name, "has the wrong type"))
        return default
    return v


def payment_rows(items: list[Any], errors: list[FieldError]) -> list[dict[str, Any]]:
    """Type-check a body's ``payments`` (their values are then checked by ``services.payment_errors``)."""
    rows = []
    for i, p in enumerate(items[:60]):
        if not isinstance(p, dict):
            errors.append(FieldError(f"payments[{i}]", "must be an object"))
            continue
        rows.append({k: _typed(p, k, kind, default, f"payments[{i}].{k}", errors) for k, kind, default in (
            ("amount", (int, float), None), ("currency", str, ""), ("date", str, ""), ("purpose", str, ""),
            ("category", str, ""), ("paid_to", str, ""))})
        rows[-1]["purpose"] = rows[-1]["purpose"][:300]
    return rows


def complaint_input(body: Any) -> tuple[services.ComplaintInput | None, list[FieldError]]:
    """Type-check an API body into a ComplaintInput (values are then checked by the service)."""
    if not isinstance(body, dict):
        return None, [FieldError("(body)", "must be a JSON object")]
    errors: list[FieldError] = []

    def get(d: dict[str, Any], key: str, kind: Any, default: Any, name: str | None = None) -> Any:
        return _typed(d, key, kind, default, name or key, errors)

    def obj(key: str) -> dict[str, Any]:
        v = get(body, key, dict, {})
        return v if isinstance(v, dict) else {}

    cats = get(body, "categories", list, [])
    inds = get(body, "indicators", list, [])
    if not all(isinstance(c, str) for c in cats):
        errors.append(FieldError("categories", "must be a list of category codes"))
    if not all(isinstance(c, str) for c in inds):
        errors.append(FieldError("indicators", "must be a list of indicator codes"))
    resp, worker, consent = obj("respondent"), obj("worker"), obj("consent")
    money: dict[str, tuple[float | None, str]] = {}
    for key in ("wage_promised", "wage_received"):
        m = obj(key)
        amount = get(m, "amount", (int, float), None, f"{key}.amount")
        money[key] = (
            None if amount is None else float(amount),
            str(get(m, "currency", str, "", f"{key}.currency")),
        )
    payments = payment_rows(get(body, "payments", list, []), errors)
    year = get(body, "recruitment_year", int, None)
    months = get(body, "contract_months", int, None)
    data = services.ComplaintInput(
        categories=[c for c in cats if isinstance(c, str)],
        indicators=[c for c in inds if isinstance(c, str)],
        in_danger=bool(get(body, "in_danger", bool, False)),
        description=get(body, "description", str, ""),
        respondent_identifier=get(resp, "identifier", str, "", "respondent.identifier")[:80],
        respondent_name=get(resp, "name", str, "", "respondent.name"),
        respondent_phone=get(resp, "phone", str, "", "respondent.phone")[:40],
        respondent_place=get(resp, "place", str, "", "respondent.place")[:120],
        respondent_role=get(resp, "role", str, "", "respondent.role"),
        brand_name=get(body, "brand_name", str, ""),
        origin=get(body, "origin", str, ""),
        destination=get(body, "destination", str, ""),
        recruitment_date=get(body, "recruitment_date", str, ""),
        recruitment_year=year,
        contract_months=months,
        domestic_work=bool(get(body, "domestic_work", bool, False)),
        wage_promised_amount=money["wage_promised"][0],
        wage_promised_currency=money["wage_promised"][1],
        wage_received_amount=money["wage_received"][0],
        wage_received_currency=money["wage_received"][1],
        payments=payments,
        anonymous=bool(get(worker, "anonymous", bool, False, "worker.anonymous")),
        worker_name=get(worker, "name", str, "", "worker.name"),
        worker_phone=get(worker, "phone", str, "", "worker.phone")[:40],
        worker_email=get(worker, "email", str, "", "worker.email")[:200],
        consent_share=bool(get(consent, "share", bool, False, "consent.share")),
        consent_identity=bool(get(consent, "identity", bool, False, "consent.identity")),
        retaliation_fear=bool(get(body, "retaliation_fear", bool, False)),
        language=get(body, "language", str, "")[:16],
    )
    return (None, errors) if errors else (data, [])


_IDEMPOTENCY_KEY_HEADER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 16, "maxLength": 100, "pattern": "^[A-Za-z0-9_-]+$"},
}


@router.post(
    "/complaints",
    summary="Submit a complaint",
    description=(
        "For partner hotlines and apps; anonymous calls are allowed. Send an `Idempotency-Key` header (16 to "
        "100 letters, digits, - or _; a random UUID) so that a retried request is stored once: the retry gets "
        "200 with the same code and PIN; the same key with another complaint gets 409. The answer (201) is "
        "sent only after the complaint is committed. Give the worker the `code` and `pin`: with them they "
        "follow the case (page /complain/follow/ or POST /api/v1/complaints/status). Rate limited per "
        "connection (429), or per bearer token at a higher rate."
    ),
    openapi_extra={
        "parameters": [_IDEMPOTENCY_KEY_HEADER],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _COMPLAINT_SCHEMA}}},
        "responses": {
            "201": json_response(_ACK_SCHEMA, "Stored"),
            "200": json_response(_ACK_SCHEMA, "A retry of a stored complaint"),
            "400": json_response(ERROR_SCHEMA, "Bad input"),
            "404": json_response(ERROR_SCHEMA, "Unknown registry actor"),
            "409": json_response(ERROR_SCHEMA, "Idempotency key reused with another complaint"),
            "429": json_response(ERROR_SCHEMA, "Too many complaints"),
        },
    },
)
def complaint_submit(request: HttpRequest) -> HttpResponse:
    token = api_user(request)
    limited = submission_limited(
        request,
        app="grievances",
        token=token,
        partner_rate=conf.get("FAIRRECRUIT_GRIEVANCE_PARTNER_RATE"),
        rate=conf.get("FAIRRECRUIT_GRIEVANCE_RATE"),
        source=_source,
    )
    if limited:
        return _errors(429, [{"field": "(request)", "message": "too many complaints: wait and try again"}])
    key, bad_key = idempotency.header_key(request)
    if bad_key is not None:
        return _errors(400, [bad_key])
    body, bad = _body(request)
    if bad is not None:
        return bad
    data, errors = complaint_input(body)
    if data is None:
        return _errors(400, [e.as_dict() for e in errors])
    try:
        done = services.complaint_submit(
            data=data,
            token=key or new_token(),
            channel=Channel.API,
            actor_user=token.user if token is not None else None,
            organisation=token.organisation if token is not None else None,
        )
    except services.IdempotencyConflict:
        return _errors(
            409, [{"field": "Idempotency-Key", "message": "was already used with another complaint"}]
        )
    except services.GrievanceInputError as exc:
        status = 404 if any(e.field == "respondent" for e in exc.errors) else 400
        return _errors(status, [e.as_dict() for e in exc.errors])
    c = done.case
    return JsonResponse(
        {
            "code": done.code,
            "pin": done.pin,
            "status": c.status,
            "severity": c.severity,
            "urgency": c.urgency,
        },
        status=201 if done.created else 200,
    )


def _worker_case(request: HttpRequest, schema_fields: tuple[str, ...]) -> tuple[Any, JsonResponse | None]:
    if is_ratelimited(
        request,
        group="grievances.pin",
        key=_source,
        rate=conf.get("FAIRRECRUIT_GRIEVANCE_PIN_RATE"),
        method="POST",
        increment=True,
    ):
        return None, _errors(
            429, [{"field": "(request)", "message": "too many attempts: wait and try again"}]
        )
    body, bad = _body(request)
    if bad is not None:
        return None, bad
    if not isinstance(body, dict) or not all(isinstance(body.get(f), str) for f in schema_fields):
        return None, _errors(400, [{"field": f, "message": "is required (text)"} for f in schema_fields])
    case = services.case_by_code_pin(body["code"], body["pin"])
    if case is None:
        return None, _errors(404, [{"field": "code", "message": "this code and PIN do not open any case"}])
    return (case, body), None


def _worker_json(case: Any) -> dict[str, Any]:
    v = selectors.worker_view(case)
    return {
        "code": v["code"],
        "status": v["status"],
        "received_at": v["received_at"].isoformat(),
        "history": [
            {"status": h["status"], "at": h["at"].isoformat(), "note": h["note"]} for h in v["history"]
        ],
        "referrals": [
            {"organisation": r["organisation"], "status": r["status"], "at": r["at"].isoformat()}
            for r in v["referrals"]
        ],
        "plans": [
            {
                "amount": str(p["amount"]),
                "currency": p["currency"],
                "due_date": p["due_date"].isoformat(),
                "status": p["status_label"],
                "payments": [
                    {"amount": str(x["amount"]), "paid_on": x["paid_on"].isoformat()} for x in p["payments"]
                ],
            }
            for p in v["plans"]
        ],
        "assessment": v["assessment"],
        "payments_to_name": v["payments_to_name"],  # POST /api/v1/complaints/payment-purpose names them
        "wages_below_minimum": [w.as_dict() for w in v["wages_below_minimum"]],
        "outcome": v["outcome"] or None,
        "seen_by": v["seen_by"],
    }


_WORKER_SCHEMA = {
    "type": "object",
    "description": "The case as the worker sees it: status, history, referrals, "
    "remedy, the organisations that opened it; never internal notes or handlers' names",
}


@router.post(
    "/complaints/status",
    summary="The worker follows their case (code and PIN)",
    description="Code and PIN in the body, never in the address. Rate limited per connection.",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": _CODE_PIN}}},
        "responses": {
            "200": json_response(_WORKER_SCHEMA, "The case"),
            "400": json_response(ERROR_SCHEMA, "Bad input"),
            "404": json_response(ERROR_SCHEMA, "Wrong code or PIN"),
            "429": json_response(ERROR_SCHEMA, "Too many"),
        },
    },
)
def complaint_status(request: HttpRequest) -> HttpResponse:
    found, bad = _worker_case(request, ("code", "pin"))
    if bad is not None:
        return bad
    case, _body_ = found
    services.worker_case_read(case=case)
    return JsonResponse(_worker_json(case), json_dumps_params={"ensure_ascii": False})


@router.post(
    "/complaints/information",
    summary="The worker adds information to their case (code and PIN)",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": _INFO}}},
        "responses": {
            "201": json_response({"type": "object"}, "Added"),
            "400": json_response(ERROR_SCHEMA, "Bad input"),
            "404": json_response(ERROR_SCHEMA, "Wrong code or PIN"),
            "429": json_response(ERROR_SCHEMA, "Too many"),
        },
    },
)
def complaint_information(request: HttpRequest) -> HttpResponse:
    found, bad = _worker_case(request, ("code", "pin", "text"))
    if bad is not None:
        return bad
    case, body = found
    try:
        services.worker_information_add(case=case, text=body["text"])
    except services.GrievanceInputError as exc:
        return _errors(400, [e.as_dict() for e in exc.errors])
    return JsonResponse({"code": case.code, "added": True}, status=201)


_PAYMENT_PURPOSE = {
    "type": "object",
    "required": ["code", "pin", "index", "category"],
    "properties": {
        "code": {"type": "string", "maxLength": 20},
        "pin": {"type": "string", "maxLength": 6},
        "index": {"type": "integer", "minimum": 0, "description": "`index` of one of `payments_to_name`"},
        "category": {"type": "string", "description": "A cost item of the fee standards, e.g. service_fee"},
    },
}


@router.post(
    "/complaints/payment-purpose",
    summary="The worker says what a payment the fee laws could not judge was for (code and PIN)",
    description="Only a payment listed in `payments_to_name` of `POST /api/v1/complaints/status` (one whose "
    "words the fee laws could not judge, not a total the worker said was for several things). The case is "
    "assessed again and the worker's words are kept; the same answer sent again changes nothing. 200 with the "
    "case as the status call shows it; 400 names the field.",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": _PAYMENT_PURPOSE}}},
        "responses": {
            "200": json_response({"type": "object"}, "The case, assessed again"),
            "400": json_response(ERROR_SCHEMA, "Bad input, named by field"),
            "404": json_response(ERROR_SCHEMA, "Wrong code or PIN"),
            "429": json_response(ERROR_SCHEMA, "Too many"),
        },
    },
)
def complaint_payment_purpose(request: HttpRequest) -> HttpResponse:
    found, bad = _worker_case(request, ("code", "pin", "category"))
    if bad is not None:
        return bad
    case, body = found
    index = body.get("index")
    if not isinstance(index, int) or isinstance(index, bool):
        return _errors(400, [{"field": "index", "message": "is required: the index of a payment to name"}])
    try:
        services.worker_payment_name(case=case, index=index, category=body["category"])
    except services.GrievanceInputError as exc:
        return _errors(400, [e.as_dict() for e in exc.errors])
    services.worker_case_read(case=case)
    case.refresh_from_db()
    return JsonResponse(_worker_json(case), json_dumps_params={"ensure_ascii": False})


_EVIDENCE_FORM = {
    "type": "object",
    "required": ["code", "pin", "file"],
    "properties": {
        "code": {"type": "string", "maxLength": 20, "description": "The case code"},
        "pin": {"type": "string", "maxLength": 6, "description": "The case PIN"},
        "file": {
            "type": "array",
            "minItems": 1,
            "maxItems": 20,
            "description": "Photos (JPEG, PNG, WebP, HEIC) or PDF, recognised by their first bytes, each at most "
            "FAIRRECRUIT_GRIEVANCE_EVIDENCE_MAX_BYTES; at most FAIRRECRUIT_GRIEVANCE_EVIDENCE_MAX_FILES per case",
            "items": {"type": "string", "format": "binary"},
        },
    },
}
_EVIDENCE_ACK = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "attachments": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "content_type": {"type": "string"},
                    "size": {"type": "integer"},
                    "sha256": {"type": "string"},
                },
            },
        },
    },
}


@router.post(
    "/complaints/evidence",
    summary="The worker adds evidence files to their case (code and PIN)",
    description=(
        "`multipart/form-data` with `code`, `pin` and one or more `file` parts. The same checks as the follow "
        "page: type from the file's first bytes (not its name), size, files per case. Files are encrypted on "
        "disk and never served publicly; the addition is logged (without the worker's IP). Send an "
        "`Idempotency-Key` header (16 to 100 letters, digits, - or _): a retry gets 200 with the same "
        "attachments and stores nothing; the same key with other files is 409. Rate limited per connection "
        "like the other code and PIN calls."
    ),
    openapi_extra={
        "parameters": [_IDEMPOTENCY_KEY_HEADER],
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _EVIDENCE_FORM}}},
        "responses": {
            "201": json_response(_EVIDENCE_ACK, "Stored"),
            "200": json_response(_EVIDENCE_ACK, "A retry of a stored upload"),
            "400": json_response(ERROR_SCHEMA, "Bad input: `{errors: [{field, message}]}`, e.g. field `file[0]`"),
            "404": json_response(ERROR_SCHEMA, "Wrong code or PIN"),
            "409": json_response(ERROR_SCHEMA, "Idempotency key reused with other files"),
            "429": json_response(ERROR_SCHEMA, "Too many attempts"),
        },
    },
)
def complaint_evidence(request: HttpRequest) -> HttpResponse:
    if is_ratelimited(
        request,
        group="grievances.pin",
        key=_source,
        rate=conf.get("FAIRRECRUIT_GRIEVANCE_PIN_RATE"),
        method="POST",
        increment=True,
    ):
        return _errors(429, [{"field": "(request)", "message": "too many attempts: wait and try again"}])
    key, bad_key = idempotency.header_key(request)
    if bad_key is not None:
        return _errors(400, [bad_key])
    if not request.META.get("CONTENT_TYPE", "").startswith("multipart/form-data"):
        return _errors(
            400, [{"field": "(body)", "message": "send multipart/form-data with code, pin and file"}]
        )
    missing = [
        {"field": f, "message": "is required (text)"} for f in ("code", "pin") if not request.POST.get(f)
    ]
    files = request.FILES.getlist("file")
    if not files:
        missing.append({"field": "file", "message": "attach at least one file"})
    if missing:
        return _errors(400, missing)
    case = services.case_by_code_pin(request.POST["code"], request.POST["pin"])
    if case is None:
        return _errors(404, [{"field": "code", "message": "this code and PIN do not open any case"}])
    limit = int(conf.get("FAIRRECRUIT_GRIEVANCE_EVIDENCE_MAX_FILES"))
    if len(files) > limit:
        return _errors(400, [{"field": "file", "message": f"at most {limit} files"}])
    try:
        receipt = services.worker_evidence_upload(case=case, uploads=uploads(files), token=key or new_token())
    except services.IdempotencyConflict:
        return _errors(409, [{"field": "Idempotency-Key", "message": "was already used with other files"}])
    except services.GrievanceInputError as exc:
        return _errors(400, [e.as_dict() for e in exc.errors])
    return JsonResponse(
        {
            "code": case.code,
            "attachments": [
                {"id": str(a.pk), "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
                for a in receipt.attachments
            ],
        },
        status=201 if receipt.created else 200,
    )


def _token_user(request: HttpRequest) -> Any:
    token = api_user(request)
    return token.user if token is not None else None


_UNAUTH = json_response(ERROR_SCHEMA, "No or bad token")


@router.get(
    "/cases",
    summary="Cases visible to your organisation (token required)",
    description=(
        "Scoped like the pages: staff see every case; other organisations only the cases referred or "
        "transferred to them. Summary fields only (no identity); opening a case is `GET /cases/{code}`."
    ),
    openapi_extra={"responses": {"200": json_response({"type": "object"}, "Cases"), "401": _UNAUTH}},
)
def case_list(request: HttpRequest, status: str = "", page: int = 1) -> HttpResponse:
    user = _token_user(request)
    if user is None:
        return _no_token()
    qs = selectors.cases_visible_to(user).order_by("-received_at")
    if status:
        qs = qs.filter(status=status)
    page = max(1, min(page, 10_000))
    rows = list(qs[(page - 1) * 50 : page * 50 + 1])
    return JsonResponse(
        {"cases": [selectors.case_summary(c) for c in rows[:50]], "page": page, "has_next": len(rows) > 50}
    )


@router.get(
    "/cases/{code}",
    summary="One case (token required; the read is logged)",
    description="Never includes the worker's identity: `identity_visible` says whether you may reveal it on the "
    "case page (each reveal is logged with its purpose).",
    openapi_extra={
        "responses": {
            "200": json_response({"type": "object"}, "The case"),
            "401": _UNAUTH,
            "404": json_response(ERROR_SCHEMA, "No such case visible to you"),
        }
    },
)
def case_get(request: HttpRequest, code: str) -> HttpResponse:
    user = _token_user(request)
    if user is None:
        return _no_token()
    case = selectors.case_for(user, code)
    if case is None:
        return _errors(404, [{"field": "code", "message": "no such case visible to you"}])
    services.case_read_log(user=user, case=case, via="api")
    return JsonResponse(selectors.case_detail(user, case), json_dumps_params={"ensure_ascii": False})


@router.put(
    "/cases/{code}/payments",
    summary="Say what each payment of a case was for, and assess it again (token required)",
    description=(
        "Body: `{\"payments\": [...]}`, each as in `POST /api/v1/complaints` (`amount`, `currency`, optionally "
        "`date`, `purpose`, `category` — a cost item such as `service_fee` or `air_ticket` that overrides the "
        "purpose — and `paid_to`). It replaces the case's payments: give a payment whose purpose the fee laws "
        "cannot judge (\"total paid\") its cost item, or split it into its parts. The worker's own account stays "
        "in the facts (`payments_reported`); the change is audited with the old and new payments. The same "
        "payments sent again change nothing. 200 with the case as `GET /api/v1/cases/{code}` shows it; 400 names "
        "every field; 403 without the right to manage the case."
    ),
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["payments"],
            "properties": {"payments": _COMPLAINT_SCHEMA["properties"]["payments"] | {"minItems": 1}}}}}},
        "responses": {
            "200": json_response({"type": "object"}, "The case, assessed again"),
            "400": json_response(ERROR_SCHEMA, "Bad input, named by field"),
            "401": _UNAUTH,
            "403": json_response(ERROR_SCHEMA, "You may not manage this case"),
            "404": json_response(ERROR_SCHEMA, "No such case visible to you"),
            "415": json_response(ERROR_SCHEMA, "The body is not application/json"),
        },
    },
)
def case_payments_put(request: HttpRequest, code: str) -> HttpResponse:
    user = _token_user(request)
    if user is None:
        return _no_token()
    case = selectors.case_for(user, code)
    if case is None:
        return _errors(404, [{"field": "code", "message": "no such case visible to you"}])
    body, bad = _body(request)
    if bad is not None:
        return bad
    errors: list[FieldError] = []
    if not isinstance(body, dict) or not isinstance(body.get("payments"), list):
        return _errors(400, [{"field": "payments", "message": "is required: a list of payments"}])
    rows = payment_rows(body["payments"], errors)
    if errors:
        return _errors(400, [e.as_dict() for e in errors])
    try:
        services.case_payments_update(actor=user, case=case, payments=rows)
    except PermissionDenied:
        return _errors(403, [{"field": "code", "message": "you may not manage this case"}])
    except services.GrievanceInputError as exc:
        return _errors(400, [e.as_dict() for e in exc.errors])
    case.refresh_from_db()
    services.case_read_log(user=user, case=case, via="api")
    return JsonResponse(selectors.case_detail(user, case), json_dumps_params={"ensure_ascii": False})


@router.get(
    "/cases/{code}/access-log",
    summary="Who saw this case (token required)",
    openapi_extra={
        "responses": {
            "200": json_response({"type": "object"}, "Reads of the case"),
            "401": _UNAUTH,
            "404": json_response(ERROR_SCHEMA, "No such case visible to you"),
        }
    },
)
def case_access_log(request: HttpRequest, code: str) -> HttpResponse:
    user = _token_user(request)
    if user is None:
        return _no_token()
    case = selectors.case_for(user, code)
    if case is None or not selectors.access_log_visible(user, case):
        return _errors(404, [{"field": "code", "message": "no such case visible to you"}])
    events = [
        {
            "at": e.created_at.isoformat(),
            "who": e.actor_label,
            "organisation": e.organisation.name if e.organisation else None,
            "action": e.action,
            "channel": e.channel,
            "detail": e.new,
        }
        for e in selectors.access_log(case)[:500]
    ]
    return JsonResponse({"code": case.code, "reads": events})


def _programme_summary(p: Any, prog: dict[str, Any]) -> dict[str, Any]:
    """A programme with its progress (``programme_progress``)."""
    return {
        "id": p.pk,
        "name": p.name,
        "organisation": {"id": p.organisation_id, "name": p.organisation.name},
        "standard": p.standard,
        "instalments": p.instalments,
        "first_due": p.first_due.isoformat(),
        "interval_months": p.interval_months,
        "ruleset_version": p.ruleset_version,
        "created_at": p.created_at.isoformat(),
        "workers": prog["workers"],
        "workers_owed_unknown": prog["owed_unknown"],
        "workers_settled": prog["settled"],
        "workers_behind_schedule": len(prog["overdue"]),
        "complete": prog["complete"],
        "owed": {k: str(v) for k, v in prog["owed"].items()},
        "paid": {k: str(v) for k, v in prog["paid"].items()},
    }


_PROGRAMME = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "organisation": {"type": "object"},
        "standard": {"type": "string"},
        "workers": {"type": "integer"},
        "workers_settled": {"type": "integer"},
        "workers_behind_schedule": {"type": "integer"},
        "complete": {"type": "boolean"},
        "owed": {"type": "object", "description": "total owed per currency (decimal strings)"},
        "paid": {"type": "object", "description": "total paid per currency (decimal strings)"},
    },
}
_PROGRAMME_WORKER = {
    "type": "object",
    "properties": {
        "worker_ref": {"type": "string", "description": "the employer's own reference, never a name"},
        "origin": {"type": "string"},
        "destination": {"type": "string"},
        "status": {"type": "string", "description": "assessed, incomplete or no_rule under the standard"},
        "owed": {"type": ["string", "null"], "description": "null when unknown (no rule), never zero"},
        "currency": {"type": "string"},
        "owed_usd": {"type": ["string", "null"]},
        "paid": {"type": "string"},
        "outstanding": {"type": ["string", "null"]},
        "behind_schedule": {"type": "boolean"},
        "settled_at": {"type": ["string", "null"]},
        "instalments": {"type": "array", "items": {"type": "object"}},
    },
}


@router.get(
    "/programmes",
    summary="Remediation programmes your organisation runs (token required)",
    description=(
        "Brands' and employers' programmes repaying recruitment fees to their workforce, with totals owed and "
        "paid per currency and how many workers are repaid or behind schedule. Needs a token of a user with "
        "`grievance.programme.manage`: an employer/brand sees its own organisation's programmes, staff all; "
        "anyone else gets an empty list."
    ),
    openapi_extra={
        "responses": {
            "200": json_response(
                {"type": "object", "properties": {"programmes": {"type": "array", "items": _PROGRAMME}}},
                "Programmes",
            ),
            "401": _UNAUTH,
        }
    },
)
def programme_list(request: HttpRequest) -> HttpResponse:
    user = _token_user(request)
    if user is None:
        return _no_token()
    today = dt.date.today()
    rows = selectors.programmes_visible_to(user).select_related("organisation").order_by("-created_at")[:200]
    return JsonResponse(
        {"programmes": [_programme_summary(p, programme_progress(p, today=today)) for p in rows]},
        json_dumps_params={"ensure_ascii": False},
    )


@router.get(
    "/programmes/{programme_id}",
    summary="One remediation programme with each worker's amount owed and paid (token required)",
    description=(
        "Per worker (the employer's reference, never a name): the amount owed under the programme's standard "
        "(null when no rule is known, never zero), paid, outstanding, the instalment schedule and whether the "
        "worker is behind it. Workers are paged, 500 a page (`page`, from 1), in the imported file's order; "
        "`behind_schedule=true` lists only the workers behind their schedule. The references are stored "
        "encrypted: each one returned is logged as read by the token's user."
    ),
    openapi_extra={
        "responses": {
            "200": json_response(
                {
                    "type": "object",
                    "properties": {
                        "programme": _PROGRAMME,
                        "workers": {"type": "array", "items": _PROGRAMME_WORKER},
                        "page": {"type": "integer"},
                        "has_next": {"type": "boolean"},
                    },
                },
                "The programme",
            ),
            "401": _UNAUTH,
            "404": json_response(ERROR_SCHEMA, "No such programme visible to you"),
        }
    },
)
def programme_get(
    request: HttpRequest, programme_id: int, page: int = 1, behind_schedule: bool = False
) -> HttpResponse:
    user = _token_user(request)
    if user is None:
        return _no_token()
    visible = selectors.programmes_visible_to(user).select_related("organisation")
    p = visible.filter(pk=programme_id).first() if row_id(programme_id) else None  # no query for 2**63 or more
    if p is None:
        return _errors(404, [{"field": "programme_id", "message": "no such programme visible to you"}])
    today = dt.date.today()
    page = max(1, min(page, 100_000))
    progress = programme_progress(p, today=today)
    rows, has_next = workers_page(
        p, user=user, page=page, only=progress["overdue"] if behind_schedule else None, today=today,
        purpose="programme API",
    )

    def worker(r: Any) -> dict[str, Any]:
        w = r.worker
        return {
            "worker_ref": r.ref,
            "origin": w.origin,
            "destination": w.destination,
            "status": w.status,
            "owed": None if w.owed is None else str(w.owed),
            "currency": w.currency,
            "owed_usd": None if w.owed_usd is None else str(w.owed_usd),
            "paid": str(w.paid),
            "outstanding": None if w.owed is None else str(max(w.owed - w.paid, Decimal("0"))),
            "behind_schedule": r.behind,
            "settled_at": w.settled_at.isoformat() if w.settled_at else None,
            "instalments": [
                {"number": i.number, "due_date": i.due_date.isoformat(), "amount": str(i.amount)}
                for i in w.instalments.all()
            ],
        }

    return JsonResponse(
        {
            "programme": _programme_summary(p, progress),
            "workers": [worker(r) for r in rows],
            "page": page,
            "page_size": PAGE,
            "has_next": has_next,
        },
        json_dumps_params={"ensure_ascii": False},
    )


_PAYMENT_FIELDS = ("worker_ref", "amount", "paid_on", "reference")


@router.post(
    "/programmes/{programme_id}/payments",
    summary="Record a payment to one worker of a remediation programme (token required)",
    description=(
        "Body: `worker_ref` (the employer's reference, as imported), `amount` (a number more than 0 with at most "
        "two decimals, in the worker's currency), `paid_on` (YYYY-MM-DD, not in the future), optionally "
        "`reference` (the bank's transaction reference). The `Idempotency-Key` header is required: the same "
        "payment sent again answers 200 with the same payment and stores nothing; the same key with other values "
        "is 409. 201 with the worker's total paid, outstanding and whether they are repaid. 400 names every field "
        "(an unknown reference is `worker_ref`). Many payments at once: the programme's page takes a CSV or XLSX "
        "file."
    ),
    openapi_extra={
        "parameters": [_IDEMPOTENCY_KEY_HEADER | {"required": True}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["worker_ref", "amount", "paid_on"], "properties": {
                "worker_ref": {"type": "string", "maxLength": 100},
                "amount": {"type": ["number", "string"]},
                "paid_on": {"type": "string", "format": "date"},
                "reference": {"type": "string", "maxLength": 200},
            }}}}},
        "responses": {
            "200": json_response({"type": "object"}, "Recorded before with this key (nothing new stored)"),
            "201": json_response({"type": "object"}, "Recorded"),
            "400": json_response(ERROR_SCHEMA, "Bad input, named by field"),
            "401": _UNAUTH,
            "404": json_response(ERROR_SCHEMA, "No such programme visible to you"),
            "409": json_response(ERROR_SCHEMA, "Idempotency key reused with another payment"),
            "415": json_response(ERROR_SCHEMA, "The body is not application/json"),
        },
    },
)
def programme_payment(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = _token_user(request)
    if user is None:
        return _no_token()
    visible = selectors.programmes_visible_to(user).select_related("organisation")
    prog = visible.filter(pk=programme_id).first() if row_id(programme_id) else None
    if prog is None:
        return _errors(404, [{"field": "programme_id", "message": "no such programme visible to you"}])
    key, bad_key = idempotency.header_key(request)
    errors = [bad_key] if bad_key else []
    if not key:
        errors.append({"field": "Idempotency-Key", "message": "is required: a random UUID per payment, sent again "
                       "unchanged when you retry"})
    body, bad = _body(request)
    if bad is not None:
        return bad
    if not isinstance(body, dict):
        return _errors(400, [*errors, {"field": "(body)", "message": "must be a JSON object"}])
    errors += [{"field": k, "message": "unknown field: use " + ", ".join(_PAYMENT_FIELDS)}
               for k in sorted(set(body) - set(_PAYMENT_FIELDS))]
    ref = body.get("worker_ref")
    worker = None
    if not isinstance(ref, str) or not ref.strip():
        errors.append({"field": "worker_ref", "message": "is required: the worker's reference, as imported"})
    else:
        worker = programmes.worker_by_ref(prog, ref)
        if worker is None:
            errors.append({"field": "worker_ref", "message": "no worker with this reference in the programme"})
    try:
        paid_on = dt.date.fromisoformat(body["paid_on"]) if isinstance(body.get("paid_on"), str) else None
    except ValueError:
        paid_on = None
    reference = body.get("reference") or ""
    if not isinstance(reference, str):
        errors.append({"field": "reference", "message": "must be a string"})
        reference = ""
    amount = body.get("amount")
    if isinstance(amount, bool):
        amount = None
    errors += [{"field": f, "message": str(m)} for f, m in programmes.payment_problems(
        amount=amount, paid_on=paid_on, reference=reference.strip(), today=dt.date.today())]
    if errors:
        return _errors(400, errors)
    assert worker is not None and paid_on is not None
    try:
        done = programmes.programme_payment_record(actor=user, worker=worker, amount=amount, paid_on=paid_on,
                                                   reference=reference, token=key)
    except idempotency.IdempotencyMismatch:
        return _errors(409, [{"field": "Idempotency-Key", "message": "was already used with another payment"}])
    worker.refresh_from_db()
    return JsonResponse(
        {
            "payment": {"id": done.payment.pk, "amount": str(done.payment.amount), "currency": worker.currency,
                        "paid_on": done.payment.paid_on.isoformat(), "reference": done.payment.reference},
            "worker": {"paid": str(worker.paid),
                       "outstanding": None if worker.owed is None else str(max(worker.owed - worker.paid, Decimal(0))),
                       "repaid": worker.settled_at is not None},
            "again": not done.created,
        },
        status=201 if done.created else 200,
    )


@router.get(
    "/grievance-statistics",
    summary="Public statistics per organisation complained about and per corridor",
    description="Complaints received and resolved, median days to resolution, amounts recovered (USD). A cell "
    'based on fewer than FAIRRECRUIT_GRIEVANCE_MIN_CELL cases reads "fewer than N".',
    openapi_extra={"responses": {"200": json_response({"type": "object"}, "Statistics")}},
)
def grievance_statistics(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        selectors.statistics_json(selectors.public_statistics()), json_dumps_params={"ensure_ascii": False}
    )
