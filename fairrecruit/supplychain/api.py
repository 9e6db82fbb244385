"""JSON API of brands' and employers' due diligence (mounted under /api/v1/), with the token of a user who may
manage a supply chain (employer: its organisation's list; staff: any, with ``organisation``)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from ninja import Router

from fairrecruit.core import idempotency, links
from fairrecruit.core.auth import api_user
from fairrecruit.core.forms import row_id
from fairrecruit.core.models import Organisation
from fairrecruit.core.openapi import ERROR_SCHEMA, BodyError, json_body, json_response
from fairrecruit.grievances.programmes import ProgrammeError
from fairrecruit.standards.engine import validate_journey
from fairrecruit.supplychain import selectors, services, surveys
from fairrecruit.supplychain.forms import SurveyProgrammeForm
from fairrecruit.supplychain.models import FeeSurvey

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


def _body(request: HttpRequest, known: set[str]) -> tuple[dict[str, Any], Organisation] | JsonResponse:
    """The JSON object of a write with the organisation it is for; an error answer for a body that is not an
    object, a field not in ``known`` or a value that is not a string."""
    try:
        body = json_body(request)
    except BodyError as exc:
        return _errors(exc.status, exc.errors)
    if not isinstance(body, dict):
        return _errors(400, [{"field": "(body)", "message": "must be a JSON object"}])
    org = _organisation(request, body.get("organisation"))
    if isinstance(org, JsonResponse):
        return org
    bad = [{"field": k, "message": f"unknown field: use {', '.join(sorted(known))}"} for k in sorted(set(body) - known)]
    bad += [{"field": k, "message": "must be a string"} for k in sorted(set(body) & known)
            if body[k] is not None and not isinstance(body[k], str | int)]
    return _errors(400, bad) if bad else (body, org)


def _survey(org: Organisation, survey_id: str) -> FeeSurvey | JsonResponse:
    pk = row_id(survey_id)  # no query for an id no key can hold
    survey = FeeSurvey.objects.filter(pk=pk, organisation=org).first() if pk else None
    return survey or _errors(404, [{"field": "survey_id", "message": "no such survey of your organisation"}])


def _row_json(r: selectors.Row) -> dict[str, Any]:
    return selectors.csv_row(r) | {"status": r.status.as_dict(), "reviews": r.reviews}


@router.get("/supply-chain", summary="Your recruiters, with what the platform knows of each (token required)",
            description="Each current recruiter of the organisation: licence status, sanctions in force or recent, "
            "certificates, workers' review aggregates (shown from the public threshold up), `flags` (licence, "
            "sanction, certificate, fees, documents, contract) and the changes of the last 90 days; flagged ones "
            "first; and `removed`: the recruiters taken off the list, last first, with the day and who took them "
            "off. Staff may pass `organisation` (its id).",
            openapi_extra={"responses": {"200": json_response({"type": "object"}, "The list"), **_COMMON}})
def supply_chain(request: HttpRequest, organisation: str = "") -> HttpResponse:
    org = _organisation(request, organisation)
    if isinstance(org, JsonResponse):
        return org
    rows = selectors.supply_chain(org)
    removed = [{"identifier": s.actor.identifier, "name": s.actor.name, "relation": s.relation,
                "since": s.since.isoformat() if s.since else None, "removed_at": s.removed_at.isoformat(),
                "removed_by": s.removed_by.get_username() if s.removed_by else None}
               for s in selectors.removed(org) if s.removed_at is not None]
    return JsonResponse({"organisation": {"id": org.pk, "name": org.name},
                         "suppliers": [_row_json(r) for r in rows], "removed": removed})


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
    got = _body(request, {"identifier", "relation", "since", "note", "organisation"})
    if isinstance(got, JsonResponse):
        return got
    body, org = got
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


# ------------------------------------------------------------------------------------------- workforce fee surveys
@router.get("/fee-surveys/{survey_id}", summary="A workforce fee survey's figures (token required)",
            description="Answers, answers by country of origin, and from five answers up the share who paid, the "
            "median paid (USD, and months of first earnings) and the total owed under the zero-fee standard; "
            "`withdrawn` (answers withdrawn by a correction, in no figure) and the repayment `programmes` made from "
            "it. "
            "Employee numbers are not in this answer (the CSV download of the survey page has them, each read logged).",
            openapi_extra={"responses": {"200": json_response({"type": "object"}, "The survey"), **_COMMON,
                                         "404": json_response(ERROR_SCHEMA, "No such survey of yours")}})
def fee_survey_get(request: HttpRequest, survey_id: str, organisation: str = "") -> HttpResponse:
    org = _organisation(request, organisation)
    if isinstance(org, JsonResponse):
        return org
    survey = _survey(org, survey_id)
    if isinstance(survey, JsonResponse):
        return survey
    s = surveys.summary(survey)
    s["by_origin"] = [{"origin": cc, "answers": k if k is not None else f"fewer than {surveys.MIN_CELL}"}
                      for cc, k in s["by_origin"]]
    return JsonResponse({"id": survey.pk, "title": survey.title, "code": survey.code,
                         "closes": survey.closes.isoformat() if survey.closes else None,
                         "open": surveys.is_open(survey), **s,
                         "programmes": [{"id": p.pk, "name": p.name, "workers": p.workers.count()}
                                        for p in surveys.programmes_from(survey)]})


@router.post("/fee-surveys/{survey_id}/corrections", summary="Correct one answer of your fee survey (token required)",
             description="Body: `worker_ref` (the employee number as the worker typed it), `reason` (recorded), "
             "`new_worker_ref` (the right number; leave it out to withdraw the answer: it is kept, counts in no "
             "figure or download, and the number may answer again) and for staff `organisation`. 200 with `action` "
             "(`withdrawn` or `renumbered`); the same request again answers the same with `again: true` and changes "
             "nothing. 400 names each field (an unknown number is `worker_ref`).",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "type": "object", "required": ["worker_ref", "reason"], "properties": {
                     k: {"type": "string"} for k in ("worker_ref", "new_worker_ref", "reason", "organisation")}}}}},
                 "responses": {"200": json_response({"type": "object"}, "Corrected"),
                               "400": json_response(ERROR_SCHEMA, "Bad input"), **_COMMON,
                               "404": json_response(ERROR_SCHEMA, "No such survey of yours"),
                               "415": json_response(ERROR_SCHEMA, "The body is not application/json")}})
def fee_survey_correct(request: HttpRequest, survey_id: str) -> HttpResponse:
    got = _body(request, {"worker_ref", "new_worker_ref", "reason", "organisation"})
    if isinstance(got, JsonResponse):
        return got
    body, org = got
    survey = _survey(org, survey_id)
    if isinstance(survey, JsonResponse):
        return survey
    token = api_user(request)
    assert token is not None
    try:
        done = surveys.answer_correct(survey=survey, user=token.user, worker_ref=str(body.get("worker_ref") or ""),
                                      new_worker_ref=str(body.get("new_worker_ref") or ""),
                                      reason=str(body.get("reason") or ""))
    except services.SupplyChainError as exc:
        return _errors(400, exc.errors)
    return JsonResponse({"action": done.action, "again": done.again, "answers": surveys.current(survey).count()})


@router.post("/fee-surveys/{survey_id}/programme",
             summary="Start a repayment programme from your fee survey's answers (token required)",
             description="Body: `name`, `first_due` (YYYY-MM-DD), and optionally `standard` (ilo-zero-fee, origin, "
             "destination), `instalments` (1-60), `interval_months` (1-12), and for staff `organisation`. The "
             "programme is made from the survey's current answers (withdrawn ones left out) without a file: each "
             "employee number is read, and logged, as for the download. 201 with the programme's `id` and its address "
             "(`GET /api/v1/programmes/{id}`); the same request with the same answers gives 200 and the same programme. "
             "400 names each field; a survey without answers is `(survey)`.",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "type": "object", "required": ["name", "first_due"], "properties": {
                     k: {"type": "string"} for k in ("name", "first_due", "standard", "instalments",
                                                     "interval_months", "organisation")}}}}},
                 "responses": {"200": json_response({"type": "object"}, "Made before with the same answers"),
                               "201": json_response({"type": "object"}, "Made"),
                               "400": json_response(ERROR_SCHEMA, "Bad input"), **_COMMON,
                               "404": json_response(ERROR_SCHEMA, "No such survey of yours"),
                               "415": json_response(ERROR_SCHEMA, "The body is not application/json")}})
def fee_survey_programme(request: HttpRequest, survey_id: str) -> HttpResponse:
    got = _body(request, {"name", "first_due", "standard", "instalments", "interval_months", "organisation"})
    if isinstance(got, JsonResponse):
        return got
    body, org = got
    survey = _survey(org, survey_id)
    if isinstance(survey, JsonResponse):
        return survey
    form = SurveyProgrammeForm({"standard": "ilo-zero-fee", "instalments": 1, "interval_months": 1} | {
        k: v for k, v in body.items() if k != "organisation" and v is not None})
    if not form.is_valid():
        return _errors(400, [{"field": k, "message": str(m)} for k, ms in form.errors.items() for m in ms])
    token = api_user(request)
    assert token is not None
    try:
        done = surveys.programme_start(survey=survey, user=token.user, **form.cleaned_data)
    except services.SupplyChainError as exc:
        return _errors(400, exc.errors)
    except ProgrammeError as exc:
        return _errors(400, [{"field": "(programme)", "message": str(exc)}])
    except PermissionDenied:
        return _errors(403, [{"field": "Authorization", "message": "the token's user may not run repayment programmes"}])
    p = done.programme
    return JsonResponse({"id": p.pk, "name": p.name, "workers": p.workers.count(),
                         "url": f"/api/v1/programmes/{p.pk}"}, status=201 if done.created else 200)


def _survey_and_body(request: HttpRequest, code: str, *, open_only: bool,
                     too_many: str) -> tuple[FeeSurvey, Any] | JsonResponse:
    """The survey of a worker's call (by its code) and the JSON body, or the answer that refuses it: 404 for no
    such survey, 410 when ``open_only`` and it is closed, the body's error, 429 over the connection's rate."""
    survey = FeeSurvey.objects.filter(code=code[:16]).select_related("organisation").first()
    if survey is None:
        return _errors(404, [{"field": "code", "message": "no such survey"}])
    if open_only and not surveys.is_open(survey):
        return _errors(410, [{"field": "code", "message": "this survey is closed"}])
    try:
        body = json_body(request)
    except BodyError as exc:
        return _errors(exc.status, exc.errors)
    if surveys.over_rate(request):
        return _errors(429, [{"field": "(connection)", "message": f"too many {too_many}: wait an hour"}])
    return survey, body


@router.post("/fee-surveys/{code}/answers", summary="Answer a workforce fee survey (no token; partner apps)",
             description="Body: `worker_ref` (the employee number) and `journey` (the assessment input, "
             "/api/v1/schema/journey). Send an `Idempotency-Key` header (16 to 100 letters, digits, - or _): a retry "
             "with it is stored once (200). 201 with the assessment when stored; 409 when an answer with this "
             "employee number is already recorded; 410 when the survey is closed; 400 names each field. "
             "The answer carries the worker's `receipt` code (the same on a retry) and the `repayment_url` where "
             "the worker follows their repayment with it: show both to the worker. "
             "Rate-limited per connection (FAIRRECRUIT_FEE_SURVEY_RATE).",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "type": "object", "required": ["worker_ref", "journey"],
                 "properties": {"worker_ref": {"type": "string", "maxLength": 40}, "journey": {"type": "object"}}}}}},
                 "responses": {"200": json_response({"type": "object"}, "Already stored (a retry)"),
                               "201": json_response({"type": "object"}, "Stored"),
                               "400": json_response(ERROR_SCHEMA, "Bad input"),
                               "404": json_response(ERROR_SCHEMA, "No such survey"),
                               "409": json_response(ERROR_SCHEMA, "This employee number answered already"),
                               "410": json_response(ERROR_SCHEMA, "The survey is closed"),
                               "415": json_response(ERROR_SCHEMA, "The body is not application/json"),
                               "429": json_response(ERROR_SCHEMA, "Too many answers from this connection")}})
def fee_survey_answer(request: HttpRequest, code: str) -> HttpResponse:
    got = _survey_and_body(request, code, open_only=True, too_many="answers")
    if isinstance(got, JsonResponse):
        return got
    survey, body = got
    key, bad_key = idempotency.header_key(request)
    errors = [bad_key] if bad_key else []
    if not key:
        errors.append({"field": idempotency.HEADER, "message": "is required: a random UUID, the same on a retry"})
    if not isinstance(body, dict):
        return _errors(400, [*errors, {"field": "(body)", "message": "must be a JSON object"}])
    errors += [{"field": k, "message": "unknown field: use worker_ref, journey"}
               for k in sorted(set(body) - {"worker_ref", "journey"})]
    ref = body.get("worker_ref")
    if not isinstance(ref, str) or not ref.strip():
        errors.append({"field": "worker_ref", "message": "is required: the worker's employee number"})
    elif len(ref.strip()) > surveys.REF_MAX:
        errors.append({"field": "worker_ref", "message": f"at most {surveys.REF_MAX} characters"})
    journey = body.get("journey")
    if not isinstance(journey, dict):
        errors.append({"field": "journey", "message": "must be an object: the assessment input"})
    else:
        errors += [{"field": f"journey.{e.field}", "message": e.message} for e in validate_journey(journey)]
    if errors:
        return _errors(400, errors)
    assert isinstance(ref, str) and isinstance(journey, dict)
    try:
        done = surveys.answer_submit(survey=survey, worker_ref=ref, journey=journey, token=key)
    except surveys.TokenReused:
        return _errors(409, [{"field": idempotency.HEADER, "message": "was already used with other content"}])
    except surveys.AlreadyAnswered:
        return _errors(409, [{"field": "worker_ref", "message": "an answer with this employee number is already "
                                                               f"recorded; corrections go through {survey.organisation.name}"}])
    return JsonResponse({"stored": True, "result": done.answer.result, "receipt": surveys.receipt_for(key),
                         "repayment_url": links.absolute(request, reverse("supplychain:repayment", args=[survey.code]))},
                        status=201 if done.created else 200)


def _money(v: Any) -> str | None:
    return None if v is None else str(v)


@router.post("/fee-surveys/{code}/repayment",
             summary="A worker's own answer and repayment, by the receipt code (no token; partner apps)",
             description="Body: `receipt` (the code the worker got when answering, `FS-XXXX-XXXX-XXXX`, any case, "
             "dashes optional). 200 with when the answer was recorded, whether the organisation withdrew it, what the "
             "zero-fee standard says is owed, and once a repayment programme was made from the survey: `programme` "
             "with `owed` (null when unknown), `paid`, `outstanding`, `repaid`, `next` (the next instalment not yet "
             "covered: `due_date`, `amount`, `late`) and `payments`. Never the employee number. 404 when no answer "
             "of this survey has the code. In the body, not the address, so that the code stays out of logs. "
             "Each try counts against FAIRRECRUIT_FEE_SURVEY_RATE per connection.",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "type": "object", "required": ["receipt"], "properties": {"receipt": {"type": "string"}}}}}},
                 "responses": {"200": json_response({"type": "object"}, "The worker's answer and repayment"),
                               "400": json_response(ERROR_SCHEMA, "Bad input"),
                               "404": json_response(ERROR_SCHEMA, "No such survey, or no answer with this code"),
                               "415": json_response(ERROR_SCHEMA, "The body is not application/json"),
                               "429": json_response(ERROR_SCHEMA, "Too many tries from this connection")}})
def fee_survey_repayment(request: HttpRequest, code: str) -> HttpResponse:
    got = _survey_and_body(request, code, open_only=False, too_many="tries")
    if isinstance(got, JsonResponse):
        return got
    survey, body = got
    if not isinstance(body, dict):
        return _errors(400, [{"field": "(body)", "message": "must be a JSON object"}])
    errors = [{"field": k, "message": "unknown field: use receipt"} for k in sorted(set(body) - {"receipt"})]
    receipt = body.get("receipt")
    if not isinstance(receipt, str) or not surveys.normalise_receipt(receipt):
        errors.append({"field": "receipt", "message": "is required: the code the worker got when answering "
                       "(FS- and 12 letters and digits)"})
    if errors:
        return _errors(400, errors)
    assert isinstance(receipt, str)
    answer = surveys.answer_by_receipt(survey, receipt)
    if answer is None:
        return _errors(404, [{"field": "receipt", "message": "no answer to this survey has this receipt code"}])
    s = surveys.repayment_status(answer)
    p = s["programme"]
    return JsonResponse({
        "recorded_on": s["recorded_on"].isoformat(), "withdrawn": s["withdrawn"],
        "owed_by_the_rules": {"amount": s["owed"], "currency": s["currency"], "status": s["owed_status"]},
        "programme": None if p is None else {
            "name": p["name"], "currency": p["currency"], "owed": _money(p["owed"]), "paid": _money(p["paid"]),
            "outstanding": _money(p["outstanding"]), "repaid": p["repaid"],
            "next": None if p["next"] is None else {"due_date": p["next"]["due_date"].isoformat(),
                                                    "amount": _money(p["next"]["amount"]), "late": p["next"]["late"]},
            "payments": [{"paid_on": day.isoformat(), "amount": _money(amount)} for day, amount in p["payments"]],
        },
    }, json_dumps_params={"ensure_ascii": False})
