"""JSON API of "Compare my contract" (mounted under /api/v1/): the same form and comparison as the page
/contract/. Nothing is stored; no token needed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from ninja import Router, Schema

from fairrecruit.contracts import selectors, statement
from fairrecruit.contracts.forms import ContractForm, errors_for_json, form_data_from_json
from fairrecruit.core.openapi import ERROR_SCHEMA, BodyError, json_body, json_response
from fairrecruit.standards import statement as fee_statement

router = Router(tags=["contracts"])


class SideIn(Schema):
    employer: str = ""
    occupation: str = ""
    wage_amount: str | float | None = None
    wage_currency: str = ""
    deductions_amount: str | float | None = None
    hours_per_day: str | float | None = None
    rest_days_per_week: str | int | None = None
    annual_leave_days: str | int | None = None
    contract_months: str | int | None = None
    food: bool | None = None
    accommodation: bool | None = None
    return_ticket: bool | None = None


class ContractIn(Schema):
    """What the worker was promised (or the approved job order's number) and what they have now."""

    job_order_number: str = ""
    destination: str = ""
    start: str = ""
    months_worked: str | int | None = None
    received: str = ""  # before_departure | after_arrival | never
    language_understood: bool | None = None
    signed_again: bool | None = None
    promised: SideIn | None = None
    actual: SideIn | None = None


def comparison_json(check: selectors.ContractCheck) -> dict[str, Any]:
    c = check.comparison
    jo = check.job_order
    return {
        "verdict": c.verdict,
        "day": c.day.isoformat() if c.day else None,
        "terms": [t.as_dict() for t in c.terms],
        "findings": [{"type": f["type"], "message": f["text"], "principles": f["principles"]}
                     for f in check.findings],
        "wage_gap": c.wage_gap.as_dict() if c.wage_gap else None,
        "minimum_wages": [m.as_dict() for m in c.minimums],
        "job_order": None if jo is None else {
            "number": jo.number, "employer": {"identifier": jo.employer.identifier, "name": jo.employer.name},
            "occupation": jo.occupation, "destination": jo.destination, "wage_amount": f"{jo.wage_amount:.2f}",
            "wage_currency": jo.wage_currency, "valid_from": jo.valid_from.isoformat(),
            "valid_until": jo.valid_until.isoformat(), "state": check.job_order_state,
        },
        "job_order_notes": check.job_order_notes,
    }


def compare_json(body: Any) -> tuple[int, dict[str, Any]]:
    """(status, answer) for a JSON input: the API's and the command line's one path."""
    check, errors = _check(body)
    if check is None:
        return 400, {"errors": errors}
    return 200, comparison_json(check)


def _check(body: Any) -> tuple[selectors.ContractCheck | None, list[dict[str, str]]]:
    """The comparison of a JSON input, or None and the errors naming each field."""
    data, errors = form_data_from_json(body)
    if errors:
        return None, errors
    form = ContractForm(data)
    if not form.is_valid():
        return None, errors_for_json(form)
    try:
        return selectors.compare_contract(form), []
    except selectors.JobOrderNotFound as exc:
        return None, [{"field": "job_order_number", "message": f"no approved job order has the number {exc.args[0]}"}]


@router.post(
    "/contracts/compare",
    summary="Compare the terms a worker was promised with the terms they have now (contract substitution)",
    description=(
        "The same comparison as the page /contract/. `promised` and `actual` each hold any of: employer, "
        "occupation, workplace (city or site), wage_amount and wage_currency (monthly basic wage), deductions_amount "
        "(taken from the wage each month, in the wage's currency; 0 for none), hours_per_day, overtime_percent (an "
        "overtime hour's pay in % of a normal hour's), rest_days_per_week, "
        "annual_leave_days, contract_months, and food, accommodation, return_ticket (true when the employer "
        "provides them). With `job_order_number`, the approved job order fills the promised employer, job and wage "
        "left out. Each term's `verdict`: same, better, worse, different or not_compared; the overall `verdict`: "
        "substituted (a term is worse or different, or a new contract was signed on arrival), better_only, same, "
        "not_enough. `wage_gap` is how much less than promised is paid (net: a lower wage plus deductions beyond the "
        "promised ones, less any raise or fewer deductions; `extra_deductions` is the part deductions explain), a month, so far (`months_worked`) and over "
        "the contract, in the promised wage's currency (a wage in another currency is converted at the reference "
        "rate of `start`, or today). `minimum_wages`, one for each legal minimum wage the rule files know that covers the worker on `start`: "
        "the one of `destination` (or of the job order's country), and the one `origin` sets for its workers abroad "
        "(with `domestic_work`: the Philippines' household service workers). Each gives the rule with its source and `verified` flag, the wage now in its "
        "currency, `verdict` below, not_below or not_compared, the `shortfall` a month, and the allowances due where "
        "food or accommodation is not given (finding `wage_below_minimum`). `findings` cite the principles they breach, each with its `verified` flag. "
        "Nothing is stored. Bad input: 400 with the field (e.g. `actual.hours_per_day`) and the message."
    ),
    openapi_extra={
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": ContractIn.model_json_schema()}}},
        "responses": {"200": json_response({"type": "object"}, "The comparison"),
                      "400": json_response(ERROR_SCHEMA, "Bad input"),
                      "415": json_response(ERROR_SCHEMA, "The body is not application/json")},
    },
)
def contract_compare(request: HttpRequest) -> HttpResponse:
    try:
        body = json_body(request)
    except BodyError as exc:
        return JsonResponse({"errors": exc.errors}, status=exc.status)
    status, answer = compare_json(body)
    return JsonResponse(answer, status=status)


@router.post(
    "/contracts/statement",
    summary="The worker's contract statement (PDF)",
    description=(
        "The same input as POST /api/v1/contracts/compare; the answer is the comparison as the worker's PDF "
        "statement (the page's 'Download this as a PDF') in `language` (a site language, default en). Nothing is "
        "stored. Bad input: 400 naming each field. Without a token, counted with the fee statements against "
        "FAIRRECRUIT_STATEMENT_RATE per connection (429 beyond); a partner's token is not limited."
    ),
    openapi_extra=fee_statement.api_openapi(ContractIn.model_json_schema()),
)
def contract_statement(request: HttpRequest) -> HttpResponse:
    language = fee_statement.api_language(request)
    if isinstance(language, JsonResponse):
        return language
    try:
        body = json_body(request)
    except BodyError as exc:
        return JsonResponse({"errors": exc.errors}, status=exc.status)
    with translation.override(language):  # the rules' summaries are chosen as the terms are compared
        check, errors = _check(body)
        if check is None:
            return JsonResponse({"errors": errors}, status=400)
        data = statement.statement_pdf(check, today=dt.date.today(), complain=fee_statement.complaint_address(request))
    return fee_statement.pdf_response(data, statement.FILENAME)
