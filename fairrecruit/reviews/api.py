"""JSON API for worker reviews (mounted under /api/v1/)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router

from fairrecruit.core import idempotency
from fairrecruit.core.auth import api_user, submission_limited
from fairrecruit.core.openapi import ERROR_SCHEMA, BodyError, json_body, json_response
from fairrecruit.reviews import conf, selectors, services
from fairrecruit.reviews.forms import api_input, new_token
from fairrecruit.reviews.models import Answer

router = Router(tags=["reviews"])

_ANSWER = {"type": "string", "enum": [*Answer.values, ""]}
_REVIEW_INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "One worker's review. Name the actor either by `actor` (a registry identifier) or by `reported_actor` "
        "(an actor not in the registry: it becomes a reported actor, FR-R-<n>). Only `rating` and the actor "
        "are required. With payments, `recruitment_year`, `origin`, `destination` and a wage are required: "
        "the payments are assessed like a fee check (docs/assessment.md)."
    ),
    "required": ["rating"],
    "properties": {
        "actor": {"type": "string", "description": "Registry identifier, e.g. NP-DOFE-1234"},
        "reported_actor": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "maxLength": 300},
                "phone": {"type": "string", "maxLength": 40},
                "place": {"type": "string", "maxLength": 120},
                "role": {
                    "type": "string",
                    "enum": ["sub_agent", "licensed_agency", "destination_agency", "employer", "other", ""],
                },
            },
        },
        "rating": {
            "type": "integer",
            "minimum": 1,
            "maximum": 5,
            "description": "Overall, 1 (bad) to 5 (good)",
        },
        "paid_fees": _ANSWER,
        "payments": {
            "type": "array",
            "maxItems": 10,
            "items": {
                "type": "object",
                "required": ["amount", "currency"],
                "properties": {
                    "amount": {"type": "number", "exclusiveMinimum": 0},
                    "currency": {"type": "string", "pattern": "^[A-Za-z]{3}$"},
                    "purpose": {"type": "string", "maxLength": 300, "description": "Any language"},
                    "paid_to": {
                        "type": "string",
                        "enum": [
                            "sub_agent",
                            "licensed_agency",
                            "destination_agency",
                            "employer",
                            "government",
                            "other",
                            "",
                        ],
                    },
                },
            },
        },
        "wage_promised_amount": {"type": "number", "minimum": 0},
        "wage_promised_currency": {"type": "string"},
        "wage_received_amount": {"type": "number", "minimum": 0, "description": "First full month"},
        "wage_received_currency": {"type": "string"},
        "origin": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "destination": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "recruitment_year": {"type": "integer", "description": "The year only (never a full date)"},
        "contract_months": {"type": "integer", "minimum": 1, "maximum": 120},
        "contract_matched": _ANSWER,
        "documents_taken": _ANSWER,
        "info_before_departure": _ANSWER,
        "wage_as_promised": _ANSWER,
        "free_to_change": _ANSWER,
        "treatment": {"type": "integer", "minimum": 1, "maximum": 5},
        "text": {
            "type": "string",
            "maxLength": 5000,
            "description": "Any language; personal data is redacted",
        },
        "language": {"type": "string", "description": "Language code of the text (en, ne, bn...)"},
        "contact": {
            "type": "object",
            "description": "Optional, encrypted at rest, never returned by any endpoint",
            "properties": {"name": {"type": "string"}, "how": {"type": "string"}},
        },
    },
}
_SUBMITTED_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "status": {"type": "string", "enum": ["pending", "published", "rejected", "withdrawn"]},
        "edit_code": {"type": "string", "description": "Give it to the worker: it opens /reviews/my/"},
        "actor": {"type": "string", "description": "Identifier of the reviewed actor (FR-R-<n> if reported)"},
        "checks": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Codes of automatic findings",
        },
    },
}
_PUBLIC_SCHEMA = {
    "type": "object",
    "properties": {
        "actor": {
            "type": "object",
            "properties": {
                "identifier": {"type": "string"},
                "name": {"type": "string"},
                "kind": {"type": "string"},
            },
        },
        "aggregate": {
            "type": "object",
            "description": (
                "count and threshold always; shown is true from `threshold` published reviews "
                "(FAIRRECRUIT_REVIEW_MIN_AGGREGATE), and only then rating, questions, treatment and fees. "
                "Each question's share and each median also need `threshold` answers (else null)."
            ),
        },
        "reviews": {
            "type": "array",
            "items": {"type": "object"},
            "description": "Published reviews: text shown, year and countries, month published, replies",
        },
        "page": {"type": "integer"},
        "has_next": {"type": "boolean"},
    },
}


def _errors(status: int, errors: list[dict[str, str]]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


def _source(group: str, request: HttpRequest) -> str:
    return services.source_for_ip(request.META.get("REMOTE_ADDR"))


@router.post(
    "/reviews",
    summary="Submit a worker review",
    description=(
        "Anonymous (no token needed), for apps and partners that collect reviews, e.g. offline. Send an "
        "`Idempotency-Key` header (a random value, 16 to 100 letters, digits, - or _) so that a retried "
        "request is stored once: the retry gets 200 with the same id and edit code; the same key with other "
        "answers gets 409. Every review waits for a moderator (status `pending`). The `edit_code` is the "
        "worker's only way to edit or withdraw: show it to them; it is not stored in clear. "
        "Rate limited per connection (429); with a bearer token, per token at a higher rate."
    ),
    openapi_extra={
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "minLength": 16, "maxLength": 100},
            }
        ],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _REVIEW_INPUT_SCHEMA}}},
        "responses": {
            "201": json_response(_SUBMITTED_SCHEMA, "Stored, waiting for a moderator"),
            "200": json_response(_SUBMITTED_SCHEMA, "A retry of a stored submission"),
            "400": json_response(ERROR_SCHEMA, "Bad input"),
            "404": json_response(ERROR_SCHEMA, "Unknown actor"),
            "409": json_response(ERROR_SCHEMA, "Idempotency key reused with other answers"),
            "429": json_response(ERROR_SCHEMA, "Too many submissions"),
        },
    },
)
def review_submit(request: HttpRequest) -> HttpResponse:
    token = api_user(request)
    limited = submission_limited(
        request,
        app="reviews",
        token=token,
        partner_rate=conf.get("FAIRRECRUIT_REVIEW_PARTNER_RATE"),
        rate=conf.get("FAIRRECRUIT_REVIEW_RATE"),
        source=_source,
    )
    if limited:
        return _errors(
            429, [{"field": "(request)", "message": "too many submissions: wait an hour and try again"}]
        )
    key, bad_key = idempotency.header_key(request)
    if bad_key is not None:
        return _errors(400, [bad_key])
    try:
        body = json_body(request)
    except BodyError as exc:
        return _errors(exc.status, exc.errors)
    data, errors = api_input(body)
    if data is None:
        return _errors(400, [e.as_dict() for e in errors])
    try:
        done = services.review_submit(
            data=data,
            token=key or new_token(),
            source=None if token is not None else _source("", request),
            actor_user=token.user if token is not None else None,
            organisation=token.organisation if token is not None else None,
        )
    except services.IdempotencyConflict:
        return _errors(409, [{"field": "Idempotency-Key", "message": "was already used with other answers"}])
    except services.ReviewInputError as exc:
        status = 404 if any(e.field == "actor" for e in exc.errors) else 400
        return _errors(status, [e.as_dict() for e in exc.errors])
    r = done.review
    return JsonResponse(
        {
            "id": str(r.pk),
            "status": r.status,
            "edit_code": done.edit_code,
            "actor": r.actor.identifier,
            "checks": [f["code"] for f in r.check_flags],
        },
        status=201 if done.created else 200,
    )


@router.get(
    "/actors/{identifier}/reviews",
    summary="Published reviews of an actor, with aggregates",
    description=(
        "Published reviews only, newest first, 20 a page (`page`), texts in `lang` where a translation exists "
        "(`original_text` then holds the text as published). Aggregates appear only from "
        "FAIRRECRUIT_REVIEW_MIN_AGGREGATE published reviews. Nothing here can trace a review to its author: "
        "no contact, no exact dates (month and year at most), no hashes."
    ),
    openapi_extra={
        "responses": {
            "200": json_response(_PUBLIC_SCHEMA, "Reviews"),
            "404": json_response(ERROR_SCHEMA, "Unknown actor"),
        }
    },
)
def actor_reviews(request: HttpRequest, identifier: str, lang: str = "", page: int = 1) -> HttpResponse:
    actor = selectors.actor_canonical(identifier)
    if actor is None:
        return _errors(404, [{"field": "identifier", "message": f"no actor {identifier!r}"}])
    section = selectors.actor_review_section(actor, language=lang or None, page=page)
    return JsonResponse(
        {
            "actor": {"identifier": actor.identifier, "name": actor.name, "kind": actor.kind},
            "aggregate": section["aggregate"],
            "reviews": [r.as_dict() for r in section["reviews"]],
            "page": section["page"],
            "has_next": section["has_next"],
        },
        json_dumps_params={"ensure_ascii": False},
    )
