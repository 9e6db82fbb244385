"""Worker-facing pages: standards, "What may a recruiter charge me?", "Check my fees". Thin: the forms
collect, the engine and selectors decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fairrecruit.core.fx import COMMON_CURRENCIES
from fairrecruit.standards import selectors, services, statement
from fairrecruit.standards.forms import (
    MAX_PAYMENTS_ON_PAGE,
    ChargesForm,
    JourneyForm,
    PaymentFormSet,
    valid_journey,
    with_one_more_payment,
)
from fairrecruit.standards.loader import get_rules


def standards_list(request: HttpRequest) -> HttpResponse:
    rs = get_rules()
    return render(
        request,
        "standards/list.html",
        {
            "standards": list(rs.standards.values()),
            "laws": sorted(rs.laws.values(), key=lambda x: x.name),
            "ruleset_version": rs.version,
        },
    )


def standard_detail(request: HttpRequest, standard_id: str) -> HttpResponse:
    st = get_rules().standards.get(standard_id)
    if st is None:
        raise Http404("No such standard")
    return render(request, "standards/detail.html", {"standard": st})


def law_detail(request: HttpRequest, country: str) -> HttpResponse:
    rs = get_rules()
    law = rs.laws.get(country.upper())
    if law is None:
        raise Http404("No rules known for this country")
    rules = [{"rule": r, "versions": [selectors._version_view(rs, v) for v in r.versions]} for r in law.rules]
    return render(request, "standards/law.html", {"law": law, "rules": rules})


def charges(request: HttpRequest) -> HttpResponse:
    form = ChargesForm(request.GET or None)
    results = None
    minimums: list[dict[str, Any]] = []
    if request.GET and form.is_valid():
        d = form.cleaned_data
        results = selectors.rules_in_force(
            origin=d["origin"],
            destination=d["destination"],
            day=d["date"],
            occupation=d["occupation"],
            domestic_work=d["domestic_work"],
            sex=d["sex"] or None,
        )
        minimums = selectors.minimum_wages_in_force(d["origin"], d["destination"], d["date"], d["domestic_work"])
    return render(request, "standards/charges.html", {"form": form, "results": results, "minimums": minimums})


@never_cache
def check_fees(request: HttpRequest) -> HttpResponse:
    """Nothing entered here is stored: the page computes and shows the answer, then forgets. The answer offers
    the same as a PDF statement: a form of hidden fields that sends the same answers again."""
    ctx: dict[str, Any] = {"currencies": COMMON_CURRENCIES}
    more = request.method == "POST" and "more_payments" in request.POST
    if more:
        form, payments = with_one_more_payment(request.POST)
    elif request.method == "POST":
        form, payments, journey = _posted_journey(request)
        if journey is not None:
            ctx["result"] = services.assessment_compute(journey=journey)
            ctx["posted"] = statement.resend_fields(request)
    else:
        form = JourneyForm()
        payments = PaymentFormSet(prefix="p")
    ctx.update(form=form, payments=payments, can_add_payment=payments.total_form_count() < MAX_PAYMENTS_ON_PAGE)
    if "result" in ctx:
        ctx["rates_used"] = selectors.rates_used(ctx["result"])
    failed = request.method == "POST" and not more and "result" not in ctx
    return render(request, "standards/check.html", ctx, status=400 if failed else 200)


def _posted_journey(request: HttpRequest) -> tuple[JourneyForm, Any, dict[str, Any] | None]:
    """The fee check's forms bound to the POST, and the journey when they and the engine accept it."""
    form = JourneyForm(request.POST)
    payments = PaymentFormSet(request.POST, prefix="p")
    journey = valid_journey(form, payments) if form.is_valid() and payments.is_valid() else None
    return form, payments, journey


@require_POST
def check_statement(request: HttpRequest) -> HttpResponse:
    """The fee check's answer as a PDF statement in the reader's language (``statement.py``); nothing stored. Bad
    answers get the check page with its field errors; each connection may make FAIRRECRUIT_STATEMENT_RATE of
    them (laying one out takes about a second)."""
    if statement.over_rate(request):
        return render(request, "standards/429.html", status=429)
    form, payments, journey = _posted_journey(request)
    if journey is None:
        ctx = {"currencies": COMMON_CURRENCIES, "form": form, "payments": payments}
        return render(request, "standards/check.html", ctx, status=400)
    return _statement(request, journey)


def example_statement(request: HttpRequest, journey_id: str) -> HttpResponse:
    return _statement(request, _example_journey(journey_id))


def _statement(request: HttpRequest, journey: dict[str, Any]) -> HttpResponse:
    result = services.assessment_compute(journey=journey)
    data = statement.statement_pdf(journey, result, get_language() or "en", today=dt.date.today(),
                                   complain=statement.complaint_address(request))
    return statement.pdf_response(data, statement.FILENAME)


def examples(request: HttpRequest) -> HttpResponse:
    rows = []
    for j in selectors.example_journeys():
        r = services.assessment_compute(journey=j)
        rows.append({"id": j["id"], "origin": j["origin"], "destination": j["destination"],
                     "occupation": (j.get("occupation") or {}).get("title", ""), "date": j["recruitment_date"],
                     "paid": r["paid"], "owed": r["owed"]["ilo-zero-fee"]})
    return render(request, "standards/examples.html", {"examples": rows})


def _example_journey(journey_id: str) -> dict[str, Any]:
    j = next((x for x in selectors.example_journeys() if x["id"] == journey_id), None)
    if j is None:
        raise Http404("No such example")
    return j


def example(request: HttpRequest, journey_id: str) -> HttpResponse:
    j = _example_journey(journey_id)
    result = services.assessment_compute(journey=j)
    return render(request, "standards/example.html",
                  {"journey": j, "result": result, "example": True, "rates_used": selectors.rates_used(result)})


