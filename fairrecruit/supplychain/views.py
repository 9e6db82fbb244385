"""Brands' and employers' due diligence pages (signed in; permission supplychain.manage). English, like the other
pages for organisations."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fairrecruit.core.auth import member
from fairrecruit.core.models import Organisation
from fairrecruit.supplychain import selectors, services
from fairrecruit.supplychain.forms import AddForm, ImportForm
from fairrecruit.supplychain.models import Supplier

MAX_UPLOAD = 5 * 1024 * 1024


def _organisation(request: HttpRequest) -> tuple[Organisation, list[Organisation]]:
    """The organisation whose list is shown (``?organisation=<id>`` for users who may see several)."""
    allowed = list(selectors.organisations_for(member(request)))
    if not allowed:
        raise PermissionDenied("Your roles do not include managing a supply chain.")
    asked = request.GET.get("organisation") or request.POST.get("organisation") or ""
    if asked:
        found = next((o for o in allowed if str(o.pk) == asked), None)
        if found is None:
            raise PermissionDenied("Not an organisation whose supply chain you may see.")
        return found, allowed
    return allowed[0], allowed


def _back(org: Organisation) -> str:
    return f"{reverse('supplychain:home')}?organisation={org.pk}"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    org, allowed = _organisation(request)
    form = AddForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.supplier_add(user=member(request), organisation=org, identifier=d["identifier"],
                                      relation=d["relation"], since=d["since"], note=d["note"])
            except services.SupplyChainError as exc:
                for e in exc.errors:
                    form.add_error(e["field"] if e["field"] in form.fields else None, e["message"])
            else:
                return redirect(_back(org))
        status = 400
    rows = selectors.supply_chain(org)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="supply-chain-{org.pk}.csv"'
        w = csv.DictWriter(response, fieldnames=selectors.CSV_FIELDS)
        w.writeheader()
        for r in rows:
            w.writerow({k: " | ".join(v) if isinstance(v, list) else v for k, v in selectors.csv_row(r).items()})
        return response
    ctx: dict[str, Any] = {"organisation": org, "organisations": allowed, "rows": rows, "form": form,
                           "import_form": ImportForm(), "flagged": sum(1 for r in rows if r.flags),
                           "window": selectors.WINDOW_DAYS, "removed": selectors.removed(org)}
    return render(request, "supplychain/home.html", ctx, status=status)


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    org, _allowed = _organisation(request)
    supplier = get_object_or_404(Supplier, pk=pk, organisation=org)
    services.supplier_remove(user=member(request), supplier=supplier)
    return redirect(_back(org))


@login_required
def import_file(request: HttpRequest) -> HttpResponse:
    org, _allowed = _organisation(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            f = form.cleaned_data["file"]
            if f.size > MAX_UPLOAD:
                form.add_error("file", "is larger than 5 MB: split the list")
            else:
                result = services.suppliers_import(f.read(), user=member(request), organisation=org)
        status = 200 if result is not None and not result.problems else 400
    return render(request, "supplychain/import.html", {"organisation": org, "form": form, "result": result},
                  status=status)
