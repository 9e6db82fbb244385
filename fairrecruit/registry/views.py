"""Public verification pages: no account, no JavaScript, small pages. Thin: forms collect, selectors decide.
Nothing typed here is stored."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from fairrecruit.core.fx import COMMON_CURRENCIES
from fairrecruit.registry import selectors
from fairrecruit.registry.forms import JobOfferForm, VerifySearchForm, errors_named


def verify(request: HttpRequest) -> HttpResponse:
    form = VerifySearchForm(request.GET if "q" in request.GET else None)
    results = None
    if form.is_bound and form.is_valid():
        results = selectors.verify_search(form.cleaned_data["q"])
        from fairrecruit.enforcement.selectors import current_by_actor

        current = current_by_actor([r.actor for r in results])
        for r in results:
            r.sanctions = current.get(r.actor.pk, [])
    failed = form.is_bound and not form.is_valid()
    return render(
        request,
        "registry/verify.html",
        {
            "form": form,
            "results": results,
            "errors": errors_named(form) if failed else [],
            "next_steps": selectors.NOT_FOUND_STEPS,
        },
        status=400 if failed else 200,
    )


def profile(request: HttpRequest, identifier: str) -> HttpResponse:
    actor, merged = selectors.actor_by_identifier(identifier)
    if actor is None:
        return render(
            request,
            "registry/not_found.html",
            {"identifier": identifier, "next_steps": selectors.NOT_FOUND_STEPS},
            status=404,
        )
    if merged is not None:
        url = reverse("registry:profile", args=[actor.identifier])
        return redirect(f"{url}?{urlencode({'from': merged.identifier})}")
    ctx = selectors.actor_profile(actor)
    from fairrecruit.certification.selectors import profile_section

    ctx["certification_certificates"] = profile_section(actor)
    from fairrecruit.enforcement.selectors import for_actor

    ctx["sanctions"] = for_actor(actor)
    ctx["merged_from"] = request.GET.get("from", "")[:80]
    return render(request, "registry/profile.html", ctx)


def job_offer(request: HttpRequest) -> HttpResponse:
    asked = "check" in request.GET or any(request.GET.get(k) for k in JobOfferForm.base_fields)
    form = JobOfferForm(request.GET if asked else None)
    result = None
    if asked and form.is_valid():
        result = selectors.check_job_offer(**form.cleaned_data)
    failed = asked and not form.is_valid()
    return render(
        request,
        "registry/job_offer.html",
        {
            "form": form,
            "result": result,
            "errors": errors_named(form) if failed else [],
            "currencies": COMMON_CURRENCIES,
        },
        status=400 if failed else 200,
    )
