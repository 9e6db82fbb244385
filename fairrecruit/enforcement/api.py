"""JSON API for enforcement (mounted under /api/v1/). Public: the register of sanctions (JSON or CSV) and an
organisation's sanctions. With a token of a regulator (or staff): record inspections and sanctions, lift a
sanction, list your inspections. Bad input: 400 ``{"errors": [{"field", "message"}]}``, the same messages as the
pages; a retried POST with the same ``Idempotency-Key`` is stored once."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import override
from ninja import Router

from fairrecruit.core import idempotency
from fairrecruit.core.auth import api_user
from fairrecruit.core.openapi import ERROR_SCHEMA, BodyError, json_body, json_response
from fairrecruit.core.permissions import can
from fairrecruit.enforcement import selectors, services
from fairrecruit.enforcement.forms import InspectionForm, LiftForm, PublicationForm, SanctionForm
from fairrecruit.enforcement.models import Inspection, Sanction, SanctionKind
from fairrecruit.registry.forms import errors_named
from fairrecruit.registry.selectors import actor_by_identifier

router = Router(tags=["enforcement"])

PAGE_SIZE = 100
_UNAUTH = json_response(ERROR_SCHEMA, "No or bad token")
_FORBIDDEN = json_response(ERROR_SCHEMA, "The token's user may not record inspections or sanctions")
FIELDS = ["code", "subject", "subject_name", "subject_country", "regulator", "regulator_name", "regulator_country",
          "kind", "state", "breaches", "legal_basis", "decided_on", "effective_from", "effective_until", "amount",
          "currency", "licence", "lifted_on", "lifted_reason", "summary", "source_note"]


def _errors(status: int, errors: list[dict[str, str]]) -> JsonResponse:
    return JsonResponse({"errors": errors}, status=status)


def sanction_json(v: selectors.SanctionView) -> dict[str, Any]:
    s = v.sanction
    return {
        "code": s.code, "subject": s.subject.identifier, "subject_name": s.subject.name,
        "subject_country": s.subject.country, "regulator": s.regulator.identifier,
        "regulator_name": s.regulator.name, "regulator_country": s.regulator.country, "kind": s.kind,
        "state": v.state, "breaches": list(s.breaches), "legal_basis": s.legal_basis,
        "decided_on": s.decided_on.isoformat(), "effective_from": s.effective_from.isoformat(),
        "effective_until": s.effective_until.isoformat() if s.effective_until else None,
        "amount": f"{s.amount:.2f}" if s.amount is not None else None, "currency": s.currency or None,
        "licence": s.licence.number if s.licence else None,
        "lifted_on": s.lifted_on.isoformat() if s.lifted_on else None, "lifted_reason": s.lifted_reason,
        "summary": s.summary, "source_note": s.source_note,
        "withdrawn_on": s.withdrawn_on.isoformat() if s.withdrawn_on else None, "withdrawn_reason": s.withdrawn_reason,
    }


def _change_of_own_sanction(done: str) -> dict[str, Any]:
    """The OpenAPI body and answers of a change to one of the regulator's sanctions."""
    return {"requestBody": _JSON_BODY, "responses": {
        "200": json_response({"type": "object"}, done), "400": json_response(ERROR_SCHEMA, "Bad input"),
        "401": _UNAUTH, "403": _FORBIDDEN, "404": json_response(ERROR_SCHEMA, "No such sanction of yours"),
        "415": json_response(ERROR_SCHEMA, "The body is not application/json")}}


def _own_sanction(request: HttpRequest, code: str) -> tuple[Any, Sanction | None, dict[str, Any] | None,
                                                             JsonResponse | None]:
    """(user, sanction, the body as form data, or the error answer): the token's user may record sanctions and the
    sanction is one of the regulators they act for."""
    user, denied = _recorder(request)
    if denied is not None:
        return user, None, None, denied
    number = code.upper().removeprefix("SAN-")
    s: Sanction | None = (selectors.sanctions_for(user).filter(pk=int(number)).first()
                          if number.isdigit() and len(number) < 10 else None)
    if s is None:
        return user, None, None, _errors(404, [{"field": "code",
                                                "message": f"no sanction {code} of the regulators you act for"}])
    data, bad = _form_data(request, user)
    return user, s, data, bad


def inspection_json(ins: Inspection) -> dict[str, Any]:
    return {"code": ins.code, "regulator": ins.regulator.identifier, "subject": ins.subject.identifier,
            "kind": ins.kind, "inspected_on": ins.inspected_on.isoformat(), "outcome": ins.outcome,
            "breaches": list(ins.breaches), "findings": ins.findings,
            "sanctions": [f"SAN-{pk}" for pk in ins.sanctions.values_list("pk", flat=True)]}


@router.get(
    "/sanctions",
    summary="The public register of sanctions (JSON, or CSV with format=csv)",
    description=(
        "Sanctions regulators imposed on recruiters: warnings, fines, orders to repay workers, suspensions, "
        "revocations and bans, newest first, with the breaches, the legal basis, the dates and the state today "
        "(`in_force`, `upcoming`, `ended`, `lifted`, or `recorded` for those without a period). Filters: "
        "`country` (of the regulator), `kind`, `current=true` (in force or to come). JSON is paged by 100; CSV "
        "has every row (breaches joined with ' | ')."
    ),
    openapi_extra={"responses": {"200": json_response({"type": "object"}, "Sanctions"),
                                 "400": json_response(ERROR_SCHEMA, "Bad filter")}},
)
def sanction_list(request: HttpRequest, country: str = "", kind: str = "", current: bool = False, page: int = 1,
                  format: str = "json") -> HttpResponse:
    errors = []
    if country and (len(country) != 2 or not country.isalpha()):
        errors.append({"field": "country", "message": "use an ISO 3166 alpha-2 code, e.g. NP"})
    if kind and kind not in SanctionKind.values:
        errors.append({"field": "kind", "message": "use one of " + ", ".join(SanctionKind.values)})
    if format not in ("json", "csv"):
        errors.append({"field": "format", "message": "use json or csv"})
    if page < 1:
        errors.append({"field": "page", "message": "must be 1 or more"})
    if errors:
        return _errors(400, errors)
    rows = selectors.register(country=country.upper(), kind=kind, current_only=current)
    if format == "csv":
        out = io.StringIO()
        w = csv.DictWriter(out, fieldnames=FIELDS, extrasaction="ignore")  # (withdrawn_*: never public)
        w.writeheader()
        for v in selectors.views(rows.iterator(chunk_size=2000)):
            d = sanction_json(v)
            w.writerow(d | {"breaches": " | ".join(d["breaches"])})
        resp = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = 'attachment; filename="fairrecruit-sanctions.csv"'
        return resp
    page = min(page, 100_000)
    count = rows.count()
    chunk = selectors.views(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE])
    return JsonResponse({"count": count, "page": page, "has_next": page * PAGE_SIZE < count,
                         "sanctions": [sanction_json(v) for v in chunk]}, json_dumps_params={"ensure_ascii": False})


@router.get(
    "/organisations/{identifier}/sanctions",
    summary="An organisation's sanctions (and those of records merged into it)",
    openapi_extra={"responses": {"200": json_response({"type": "object"}, "Sanctions"),
                                 "404": json_response(ERROR_SCHEMA, "Unknown registry actor")}},
)
def organisation_sanctions(request: HttpRequest, identifier: str) -> HttpResponse:
    actor, _merged = actor_by_identifier(identifier)
    if actor is None:
        return _errors(404, [{"field": "identifier", "message": f"no organisation {identifier!r} in the registry"}])
    return JsonResponse({"identifier": actor.identifier,
                         "sanctions": [sanction_json(v) for v in selectors.for_actor(actor)]},
                        json_dumps_params={"ensure_ascii": False})


def _recorder(request: HttpRequest) -> tuple[Any, JsonResponse | None]:
    token = api_user(request)
    if token is None:
        return None, _errors(401, [{"field": "Authorization", "message": "send 'Authorization: Bearer <token>'"}])
    if not can(token.user, selectors.PERMISSION):
        return None, _errors(403, [{"field": "Authorization", "message": "this token's user may not record "
                                    "inspections or sanctions (needs the regulator role, or staff)"}])
    return token.user, None


def _form_data(request: HttpRequest, user: Any) -> tuple[dict[str, Any] | None, JsonResponse | None]:
    """The JSON body as form data: the regulator by its registry identifier, lists kept, the Idempotency-Key as
    the form's token."""
    key, bad_key = idempotency.header_key(request)
    if bad_key is not None:
        return None, _errors(400, [bad_key])
    try:
        body = json_body(request)
    except BodyError as exc:
        return None, _errors(exc.status, exc.errors)
    if not isinstance(body, dict):
        return None, _errors(400, [{"field": "(body)", "message": "send a JSON object"}])
    data = {k: v for k, v in body.items() if v is not None}
    if "regulator" in data:
        reg = selectors.regulators_for(user).filter(identifier=str(data["regulator"])).first()
        data["regulator"] = reg.pk if reg is not None else "-1"
    data["token"] = key
    return data, None


class _Multi(dict):  # type: ignore[type-arg]
    """A JSON object as a form's data: lists for the multiple-choice fields."""

    def getlist(self, key: str) -> list[Any]:
        v = self.get(key, [])
        return v if isinstance(v, list) else [v]


def _record(request: HttpRequest, form_class: Any, as_json: Any) -> HttpResponse:
    """A POST that records through a page's form: 201 with the record, 200 for a retry, 400/401/403/409."""
    user, denied = _recorder(request)
    if denied is not None:
        return denied
    data, bad = _form_data(request, user)
    if bad is not None or data is None:
        return bad or _errors(400, [])
    form = form_class(_Multi(data), regulators=selectors.regulators_for(user))
    done = form.submit(user) if form.is_valid() else None
    if done is None:
        return _conflict(form) or _errors(400, errors_named(form))
    obj, created = done
    return JsonResponse(as_json(obj), status=201 if created else 200, json_dumps_params={"ensure_ascii": False})


_JSON_BODY = {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
_POST_RESPONSES = {"201": json_response({"type": "object"}, "Recorded"),
                   "200": json_response({"type": "object"}, "Already recorded with this Idempotency-Key"),
                   "400": json_response(ERROR_SCHEMA, "Bad input"), "401": _UNAUTH, "403": _FORBIDDEN,
                   "409": json_response(ERROR_SCHEMA, "Idempotency-Key used before with another body"),
                   "415": json_response(ERROR_SCHEMA, "The body is not application/json")}


def _conflict(form: Any) -> JsonResponse | None:
    if "token" in form.errors:
        return _errors(409, [{"field": idempotency.HEADER, "message": "was used before with another body: send a "
                              "new key for a new record"}])
    return None


@router.post(
    "/inspections",
    summary="Record an inspection (regulator or staff token)",
    description="Body: `regulator` (its registry identifier; one you act for), `subject` (registry identifier), "
    "`kind` (routine, complaint, follow_up), `inspected_on` (YYYY-MM-DD), `outcome` (no_breach, breaches), "
    "`breaches` (list of codes), `findings` (text, never published). Send an `Idempotency-Key` header.",
    openapi_extra={"requestBody": _JSON_BODY, "responses": _POST_RESPONSES},
)
def inspection_create(request: HttpRequest) -> HttpResponse:
    return _record(request, InspectionForm, inspection_json)


@router.get(
    "/inspections",
    summary="Inspections of the regulators you act for (regulator or staff token)",
    openapi_extra={"responses": {"200": json_response({"type": "object"}, "Inspections"), "401": _UNAUTH,
                                 "403": _FORBIDDEN}},
)
def inspection_list(request: HttpRequest, subject: str = "", page: int = 1) -> HttpResponse:
    user, denied = _recorder(request)
    if denied is not None:
        return denied
    qs = selectors.inspections_for(user).order_by("-inspected_on", "-id")
    if subject:
        qs = qs.filter(subject__identifier=subject)
    page = max(1, min(page, 100_000))
    rows = list(qs[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    return JsonResponse({"page": page, "has_next": len(rows) > PAGE_SIZE,
                         "inspections": [inspection_json(i) for i in rows[:PAGE_SIZE]]},
                        json_dumps_params={"ensure_ascii": False})


@router.post(
    "/sanctions",
    summary="Impose a sanction (regulator or staff token)",
    description="Body: `regulator` (registry identifier), `subject`, `kind` (warning, fine, compensation, "
    "suspension, revocation, ban), `breaches` (codes), `legal_basis`, `decided_on`, `effective_from`, "
    "`effective_until` (suspensions), `amount` and `currency` (fines, compensation), `licence` (number, when the "
    "recruiter holds several from the regulator), `inspection` (INS-…), `summary`, `source_note`. A suspension, "
    "revocation or ban also changes the licence's status on its first day. Send an `Idempotency-Key` header.",
    openapi_extra={"requestBody": _JSON_BODY, "responses": _POST_RESPONSES},
)
def sanction_create(request: HttpRequest) -> HttpResponse:
    def as_json(s: Sanction) -> dict[str, Any]:
        with override("en"):
            return sanction_json(selectors.view(s, selectors.today()))

    return _record(request, SanctionForm, as_json)


@router.post(
    "/sanctions/{code}/lift",
    summary="Lift a sanction on appeal or review (regulator or staff token)",
    description="Body: `lifted_on` (YYYY-MM-DD), `reason`. The record stays; a licence it changed gets its "
    "earlier status back.",
    openapi_extra=_change_of_own_sanction("Lifted"),
)
def sanction_lift(request: HttpRequest, code: str) -> HttpResponse:
    user, s, data, bad = _own_sanction(request, code)
    if bad is not None:
        return bad
    assert s is not None
    form = LiftForm(data)
    return _changed(form, s, lambda: services.sanction_lift(
        user=user, organisation=selectors.organisation_for(user, s.regulator), sanction=s,
        lifted_on=form.cleaned_data["lifted_on"], reason=form.cleaned_data["reason"]))


def _changed(form: Any, s: Sanction, change: Any) -> HttpResponse:
    """The sanction after ``change`` (called when the form is valid), or 400 naming each field."""
    if form.is_valid():
        try:
            s = change()
        except services.EnforcementError as exc:
            form.add_service_errors(exc.errors)
    if form.errors:
        return _errors(400, errors_named(form))
    return JsonResponse(sanction_json(selectors.view(s, selectors.today())), json_dumps_params={"ensure_ascii": False})


@router.post(
    "/sanctions/{code}/publication",
    summary="Withdraw a sanction from publication, or publish it again (regulator or staff token)",
    description="Body: `published` (false: withdraw, true: publish again) and, to withdraw, `reason` (a court "
    "order, a person's request the regulator granted, an error being checked). Only what the public sees changes: "
    "the public register, profiles, search results, this API's public lists and the downloads leave it out; it stays "
    "in force, with its licence effects, and the regulator still sees it (`withdrawn_on`, `withdrawn_reason`).",
    openapi_extra=_change_of_own_sanction("Changed"),
)
def sanction_publication(request: HttpRequest, code: str) -> HttpResponse:
    user, s, data, bad = _own_sanction(request, code)
    if bad is not None:
        return bad
    assert s is not None and data is not None
    published = data.get("published")
    if not isinstance(published, bool):
        return _errors(400, [{"field": "published", "message": "must be true (publish) or false (withdraw)"}])
    form = PublicationForm({"published": "yes" if published else "no", "reason": data.get("reason", "")})
    return _changed(form, s, lambda: services.sanction_publication(
        user=user, organisation=selectors.organisation_for(user, s.regulator), sanction=s, published=published,
        reason=form.cleaned_data["reason"]))
