"""JSON API of brands' and employers' due diligence (mounted under /api/v1/), with the token of a user who may
manage a supply chain (employer: its organisation's list; staff: any, with ``organisation``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router

from fairrecruit.core.auth import api_user
from fairrecruit.core.models import Organisation
from fairrecruit.core.openapi import ERROR_SCHEMA, BodyError, json_body, json_response
from fairrecruit.supplychain import selectors, services

router = Router(tags=["supply chain"])
_COMMON = {"401": json_response(ERROR_SCHEMA, "No or bad token"),
           "403": json_response(ERROR_SCHEMA, "The token's user may not manage this supply chain")}


def _errors(status: int, errors: list[dict[str, str]]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


def _organisation(request: HttpRequest, asked: Any) -> Organisation | JsonResponse:
    token = api_user(request)
    if token is None:
        return _errors(401, [{"field": "Authorization", "message": "send 'Bearer <token>'"}])
    allowed = list(selectors.organisations_for(token.user))
    if not allowed:
        return _errors(403, [{"field": "Authorization", "message": "the token's user may not manage a supply chain"}])
    if asked in (None, ""):
        return allowed[0]
    found = next((o for o in allowed if str(o.pk) == str(asked)), None)
    if found is None:
        return _errors(403, [{"field": "organisation", "message": "not an organisation whose list you may see"}])
    return found


def _row_json(r: selectors.Row) -> dict[str, Any]:
    return selectors.csv_row(r) | {"status": r.status.as_dict(), "reviews": r.reviews}


@router.get("/supply-chain", summary="Your recruiters, with what the platform knows of each (token required)",
            description="Each current recruiter of the organisation: licence status, sanctions in force or recent, "
            "certificates, workers' review aggregates (shown from the public threshold up), `flags` (licence, "
            "sanction, certificate, fees, documents, contract) and the changes of the last 90 days; flagged ones "
            "first. Staff may pass `organisation` (its id).",
            openapi_extra={"responses": {"200": json_response({"type": "object"}, "The list"), **_COMMON}})
def supply_chain(request: HttpRequest, organisation: str = "") -> HttpResponse:
    org = _organisation(request, organisation)
    if isinstance(org, JsonResponse):
        return org
    rows = selectors.supply_chain(org)
    return JsonResponse({"organisation": {"id": org.pk, "name": org.name},
                         "suppliers": [_row_json(r) for r in rows]})


@router.post("/supply-chain", summary="Add a recruiter to your supply chain (token required)",
             description="Body: `identifier` (FairRecruit identifier), `relation` (recruitment_agency, sub_agent, "
             "destination_agency, labour_supplier, other), `since` (YYYY-MM-DD, optional), `note`, and for staff "
             "`organisation`. 201 when added; 200 with the same answer when it was already on the list (a retry "
             "stores nothing new). Bad input: 400 naming each field.",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"type": "object", "required": ["identifier", "relation"], "properties": {
                     k: {"type": "string"} for k in ("identifier", "relation", "since", "note", "organisation")}}}}},
                 "responses": {"200": json_response({"type": "object"}, "Already on the list"),
                               "201": json_response({"type": "object"}, "Added"),
                               "400": json_response(ERROR_SCHEMA, "Bad input"), **_COMMON,
                               "415": json_response(ERROR_SCHEMA, "The body is not application/json")}})
def supplier_add(request: HttpRequest) -> HttpResponse:
    try:
        body = json_body(request)
    except BodyError as exc:
        return _errors(exc.status, exc.errors)
    if not isinstance(body, dict):
        return _errors(400, [{"field": "(body)", "message": "must be a JSON object"}])
    org = _organisation(request, body.get("organisation"))
    if isinstance(org, JsonResponse):
        return org
    known = {"identifier", "relation", "since", "note", "organisation"}
    bad = [{"field": k, "message": f"unknown field: use {', '.join(sorted(known))}"} for k in sorted(set(body) - known)]
    bad += [{"field": k, "message": "must be a string"} for k in sorted(set(body) & known)
            if body[k] is not None and not isinstance(body[k], str | int)]
    if bad:
        return _errors(400, bad)
    token = api_user(request)
    assert token is not None
    try:
        s, added = services.supplier_add(user=token.user, organisation=org, identifier=str(body.get("identifier") or ""),
                                         relation=str(body.get("relation") or ""), since=body.get("since"),
                                         note=str(body.get("note") or ""))
    except services.SupplyChainError as exc:
        return _errors(400, exc.errors)
    return JsonResponse({"id": s.pk, "identifier": s.actor.identifier, "name": s.actor.name,
                         "relation": s.relation, "since": s.since.isoformat() if s.since else None,
                         "note": s.note}, status=201 if added else 200)
