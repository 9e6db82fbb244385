"""Worker-facing pages: standards, "What may a recruiter charge me?", "Check my fees". Thin: the forms
collect, the engine and selectors decide."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from fairrecruit.core.fx import COMMON_CURRENCIES
from fairrecruit.standards import selectors, services
from fairrecruit.standards.forms import ChargesForm, JourneyForm, PaymentFormSet, valid_journey
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
    """Nothing entered here is stored: the page computes and shows the answer, then forgets."""
    ctx: dict[str, Any] = {"currencies": COMMON_CURRENCIES}
    if request.method == "POST":
        form = JourneyForm(request.POST)
        payments = PaymentFormSet(request.POST, prefix="p")
        if form.is_valid() and payments.is_valid():
            clean = valid_journey(form, payments)
            if clean is not None:
                ctx["result"] = services.assessment_compute(journey=clean)
    else:
        form = JourneyForm()
        payments = PaymentFormSet(prefix="p")
    ctx.update(form=form, payments=payments)
    if "result" in ctx:
        ctx["rates_used"] = _rates_used(ctx["result"])
    failed = request.method == "POST" and "result" not in ctx
    return render(request, "standards/check.html", ctx, status=400 if failed else 200)


def examples(request: HttpRequest) -> HttpResponse:
    rows = []
    for j in selectors.example_journeys():
        r = services.assessment_compute(journey=j)
        rows.append({"id": j["id"], "origin": j["origin"], "destination": j["destination"],
                     "occupation": (j.get("occupation") or {}).get("title", ""), "date": j["recruitment_date"],
                     "paid": r["paid"], "owed": r["owed"]["ilo-zero-fee"]})
    return render(request, "standards/examples.html", {"examples": rows})


def example(request: HttpRequest, journey_id: str) -> HttpResponse:
    j = next((x for x in selectors.example_journeys() if x["id"] == journey_id), None)
    if j is None:
        raise Http404("No such example")
    result = services.assessment_compute(journey=j)
    return render(request, "standards/example.html",
                  {"journey": j, "result": result, "example": True, "rates_used": _rates_used(result)})


def _rates_used(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The exchange rates the result used, once each (the page words them in the reader's language)."""
    seen = {
        (p["currency"], r["per_usd"], r["date"], r["source"])
        for p in result["payments"]
        if (r := p.get("rate")) and p["currency"] != "USD"
    }
    return [{"currency": c, "per_usd": f"{rate:g}", "date": d, "source": s} for c, rate, d, s in sorted(seen)]
