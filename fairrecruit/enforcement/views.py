"""Pages. Public: the register of sanctions (no account). The regulator's (staff, and regulators for their own
country's regulators): record inspections and sanctions, lift a sanction. Thin: forms collect, services decide."""

from __future__ import annotations

import csv
import io
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from fairrecruit.core.countries import country_name
from fairrecruit.core.models import User
from fairrecruit.core.permissions import can
from fairrecruit.enforcement import selectors, services
from fairrecruit.enforcement.forms import ImportForm, InspectionForm, LiftForm, PublicationForm, SanctionForm
from fairrecruit.enforcement.imports import COLUMNS, import_sanctions
from fairrecruit.enforcement.mappings import list_sanction_mappings
from fairrecruit.enforcement.models import SanctionKind
from fairrecruit.enforcement.targeting import inspection_targets
from fairrecruit.registry.forms import errors_named


def register(request: HttpRequest) -> HttpResponse:
    """The public register of sanctions: who was fined, suspended, revoked or banned, by whom and why."""
    country = request.GET.get("country", "").upper()[:2]
    kind = request.GET.get("kind", "")
    kind = kind if kind in SanctionKind.values else ""
    current = request.GET.get("current") == "1"
    rows = selectors.register(country=country, kind=kind, current_only=current)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    countries = sorted(((c, country_name(c)) for c in selectors.register_countries()), key=lambda t: t[1])
    return render(request, "enforcement/register.html", {
        "page": page, "rows": selectors.views(page.object_list), "country": country, "kind": kind, "current": current, "countries": countries,
        "kinds": SanctionKind.choices, "total": page.paginator.count,
    })


def _user(request: HttpRequest) -> User:
    user = cast(User, request.user)
    if not can(user, selectors.PERMISSION):
        raise PermissionDenied("recording inspections and sanctions needs the regulator role (or staff)")
    return user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(request, "enforcement/home.html", {
        "counts": selectors.counts(user),
        "sanctions": Paginator(selectors.sanctions_for(user), 25).get_page(request.GET.get("s")),
        "inspections": Paginator(selectors.inspections_for(user).order_by("-inspected_on", "-id"), 25).get_page(
            request.GET.get("i")),
        "regulators": selectors.regulators_for(user),
    })


def _record_page(request: HttpRequest, form_class: Any, template: str, done_url: str,
                 initial: dict[str, Any] | None = None) -> HttpResponse:
    """A form that records an inspection or a sanction: on success, the record's page; else the form, 400 with
    every error named."""
    user = _user(request)
    regulators = selectors.regulators_for(user)
    form = form_class(request.POST or None, regulators=regulators, initial=initial or {})
    if request.method == "POST" and form.is_valid() and (done := form.submit(user)) is not None:
        return redirect(done_url, done[0].pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, template, {"form": form, "errors": errors_named(form) if form.is_bound else [],
                                      "no_regulator": not regulators.exists()}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest) -> HttpResponse:
    return _record_page(request, InspectionForm, "enforcement/inspection_form.html", "enforcement:inspection",
                        {"subject": request.GET.get("subject", "")[:80]})


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    ins = get_object_or_404(selectors.inspections_for(user), pk=pk)
    return render(request, "enforcement/inspection.html", {
        "ins": ins, "breaches": selectors.breach_labels(ins.breaches),
        "sanctions": [selectors.view(s, selectors.today()) for s in ins.sanctions.select_related("subject")],
    })


@login_required
@require_http_methods(["GET", "POST"])
def sanction_new(request: HttpRequest) -> HttpResponse:
    asked = request.GET.get("inspection", "")
    ins = (selectors.inspections_for(_user(request)).filter(pk=int(asked)).first()
           if asked.isdigit() and len(asked) < 10 else None)
    initial = {}
    if ins is not None:
        initial = {"regulator": ins.regulator_id, "subject": ins.subject.identifier, "inspection": ins.code,
                   "breaches": ins.breaches}
    return _record_page(request, SanctionForm, "enforcement/sanction_form.html", "enforcement:sanction", initial)


@login_required
@require_http_methods(["GET", "POST"])
def sanction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    s = get_object_or_404(selectors.sanctions_for(user), pk=pk)
    publishing = "published" in request.POST  # the second form: withdraw from publication, or publish again
    form = LiftForm(request.POST if request.method == "POST" and not publishing else None)
    publication = PublicationForm(request.POST if publishing else None,
                                  initial={"published": "yes" if s.withdrawn_on else "no"})
    bound = publication if publishing else form
    if request.method == "POST" and bound.is_valid():
        organisation = selectors.organisation_for(user, s.regulator)
        try:
            if publishing:
                services.sanction_publication(user=user, organisation=organisation, sanction=s,
                                              published=publication.cleaned_data["published"],
                                              reason=publication.cleaned_data["reason"])
            else:
                services.sanction_lift(user=user, organisation=organisation, sanction=s,
                                       lifted_on=form.cleaned_data["lifted_on"], reason=form.cleaned_data["reason"])
        except services.EnforcementError as exc:
            bound.add_service_errors(exc.errors)
        else:
            return redirect("enforcement:sanction", s.pk)
    status = 400 if bound.is_bound and bound.errors else 200
    return render(request, "enforcement/sanction.html", {
        "v": selectors.view(s, selectors.today()), "s": s, "form": form, "publication": publication,
        "errors": errors_named(form) if form.is_bound else [],
        "publication_errors": errors_named(publication) if publication.is_bound else [],
    }, status=status)



@login_required
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    """Upload a regulator's published list of sanctions: all or nothing, every bad row listed."""
    user = _user(request)
    form = ImportForm(request.POST or None, request.FILES or None, regulators=selectors.regulators_for(user))
    result = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        result = import_sanctions(d["file"].read(), filename=d["file"].name, regulator=d["regulator"], user=user,
                                  organisation=selectors.organisation_for(user, d["regulator"]),
                                  dry_run=d["dry_run"], mapping=d["mapping"])
    status = 400 if (form.is_bound and form.errors) or (result and result.problems) else 200
    return render(request, "enforcement/import.html", {
        "form": form, "errors": errors_named(form) if form.is_bound else [], "result": result,
        "columns": COLUMNS, "layouts": list_sanction_mappings()}, status=status)


TARGET_COLUMNS = ["identifier", "name", "kind", "country", "complaints", "substantiated", "reviews", "fee_reports",
                  "documents_taken", "sanctions_5y", "last_inspection"]


@login_required
def targets(request: HttpRequest) -> HttpResponse:
    """Which recruiters to inspect first: the worker evidence per recruiter (see ``targeting.py``)."""
    user = _user(request)
    choices = sorted(set(selectors.regulators_for(user).values_list("country", flat=True)) - {""})
    country = request.GET.get("country", "").upper()[:2]
    rows = inspection_targets(user, country=country)
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(TARGET_COLUMNS)
        for t in rows:
            w.writerow([t.actor.identifier, t.actor.name, t.actor.kind, t.actor.country, t.complaints,
                        t.substantiated, t.reviews, t.fee_reports, t.documents_taken, t.sanctions,
                        t.last_inspection.isoformat() if t.last_inspection else ""])
        resp = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        resp["Content-Disposition"] = 'attachment; filename="fairrecruit-inspection-targets.csv"'
        return resp
    return render(request, "enforcement/targets.html", {
        "rows": rows, "country": country, "countries": [(c, country_name(c)) for c in choices]})
