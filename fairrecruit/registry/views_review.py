"""Review queue for record linkage (staff and regulators: permission ``linkage.review``).

- ``/registry/review/``: pairs in the uncertain band, side by side, with the model's reading of each field;
  "Same actor" merges them, "Different actors" rejects the pair.
- ``/registry/review/merged/``: merged records (automatic or confirmed), each with an "Undo" button.
- ``/registry/review/run/`` (POST, staff: permission ``linkage.run``): run record linkage now, as a background job
  (its page shows the steps, then what was merged and queued).

Regulators see pairs and merges involving actors of their organisation's country; staff see everything. Decisions
go through the audited services in ``linkage.py``. Server-rendered forms, no JavaScript.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from fairrecruit.core.models import Organisation, User
from fairrecruit.core.permissions import Scope, can, scope_for
from fairrecruit.jobs.views import see_job
from fairrecruit.registry.jobs import latest_link_job, link_enqueue
from fairrecruit.registry.linkage import actor_unmerge, link_candidate_decide
from fairrecruit.registry.models import Actor, Licence, LinkCandidate

PERMISSION = "linkage.review"
FIELDS = [
    ("name", "Name"),
    ("licence", "Licence number"),
    ("phone", "Phone"),
    ("city", "City"),
    ("address", "Address"),
]


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # login_required has run


def _require_reviewer(request: HttpRequest) -> None:
    if not can(_user(request), PERMISSION):
        raise PermissionDenied("reviewing record linkage needs the staff or regulator role")


def _countries(request: HttpRequest) -> set[str] | None:
    """None: every country. Otherwise the countries of the reviewer's regulator organisations."""
    scope, orgs = scope_for(_user(request), PERMISSION)
    if scope == Scope.ALL:
        return None
    return set(Organisation.objects.filter(pk__in=orgs).exclude(country="").values_list("country", flat=True))


def _visible_candidates(request: HttpRequest) -> QuerySet[LinkCandidate]:
    qs = LinkCandidate.objects.all()
    countries = _countries(request)
    if countries is not None:
        qs = qs.filter(Q(left__country__in=countries) | Q(right__country__in=countries))
    return qs


def _visible_merged(request: HttpRequest) -> QuerySet[Actor]:
    qs = Actor.objects.filter(merged_into__isnull=False)
    countries = _countries(request)
    if countries is not None:
        qs = qs.filter(country__in=countries)
    return qs


def _rows(detail: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for key, label in FIELDS:
        d = detail.get(key) or {}
        weight = d.get("weight")
        rows.append(
            {
                "field": label,
                "level": d.get("level", "—"),
                "weight": weight,
                "direction": "for" if (weight or 0) > 0 else ("against" if (weight or 0) < 0 else "neutral"),
            }
        )
    return rows


@login_required
@require_http_methods(["GET"])
def review_queue(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    pending = (
        _visible_candidates(request)
        .filter(status=LinkCandidate.Status.PENDING)
        .select_related("left", "right")
        .prefetch_related("left__aliases", "right__aliases")
        .order_by("-probability", "id")
    )
    page = Paginator(pending, 20).get_page(request.GET.get("page"))
    ids = {c.left_id for c in page} | {c.right_id for c in page}
    licences: dict[int, list[Licence]] = {}
    for lic in Licence.objects.filter(actor_id__in=ids).select_related("regulator").order_by("-valid_from"):
        licences.setdefault(lic.actor_id, []).append(lic)
    items = [
        {
            "candidate": c,
            "left": c.left,
            "right": c.right,
            "left_licences": licences.get(c.left_id, []),
            "right_licences": licences.get(c.right_id, []),
            "rows": _rows(c.detail),
            "via": c.detail.get("via"),
        }
        for c in page
    ]
    return render(
        request,
        "registry/review.html",
        {
            "page": page,
            "items": items,
            "total": page.paginator.count,
            "scope_countries": sorted(_countries(request) or []),
            "may_run": can(_user(request), "linkage.run"),
            "last_run": latest_link_job() if can(_user(request), "linkage.run") else None,
        },
    )


@login_required
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    """Run record linkage now (or see the run already waiting or running): answered with the job's page."""
    if not can(_user(request), "linkage.run"):
        raise PermissionDenied("running record linkage needs the staff role")
    return see_job(link_enqueue(actor=_user(request), dry_run=request.POST.get("dry_run") == "1"))


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    candidate = get_object_or_404(_visible_candidates(request), pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("same", "different"):
        messages.error(request, "Choose 'Same actor' or 'Different actors'.")
    else:
        try:
            link_candidate_decide(actor_user=_user(request), candidate=candidate, same=decision == "same")
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            if decision == "same":
                messages.success(
                    request, f"Merged: {candidate.left.name} and {candidate.right.name} are one actor."
                )
            else:
                messages.success(request, f"Kept apart: {candidate.left.name} and {candidate.right.name}.")
    url = reverse("linkage:queue")
    page = request.POST.get("page")
    return redirect(f"{url}?page={page}" if page and page.isdigit() else url)


@login_required
@require_http_methods(["GET"])
def merged_list(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    merged = _visible_merged(request).select_related("merged_into").order_by("-updated_at", "-id")
    page = Paginator(merged, 30).get_page(request.GET.get("page"))
    ids = [a.pk for a in page]
    decisions: dict[int, LinkCandidate] = {}
    for c in LinkCandidate.objects.filter(
        status__in=[LinkCandidate.Status.CONFIRMED, LinkCandidate.Status.AUTO_MERGED],
        detail__merged_actor__in=ids,
    ).select_related("decided_by"):
        decisions[c.detail.get("merged_actor")] = c
    items = [{"actor": a, "survivor": a.merged_into, "candidate": decisions.get(a.pk)} for a in page]
    return render(
        request, "registry/review_merged.html", {"page": page, "items": items, "total": page.paginator.count}
    )


@login_required
@require_POST
def merged_undo(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reviewer(request)
    actor = get_object_or_404(_visible_merged(request), pk=pk)
    survivor = actor.merged_into
    try:
        actor_unmerge(actor_user=_user(request), merged=actor)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Undone: {actor.name} is a separate record again (not {survivor}).")
    return redirect("linkage:merged")
