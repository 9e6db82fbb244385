"""Registry imports from the browser (staff, and regulators for their own country's lists): the same
``imports.import_file`` as ``fairrecruit import_register``, all or nothing unless asked. A valid upload is queued
as a background job (``registry/jobs.py``): the answer is its page, with the progress and then the report of every
rejected row. The upload is kept in the job's private folder only until the job ends."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fairrecruit.core.models import User
from fairrecruit.core.permissions import can
from fairrecruit.jobs.views import see_job
from fairrecruit.registry import selectors
from fairrecruit.registry.forms import errors_named
from fairrecruit.registry.forms_import import ImportUploadForm
from fairrecruit.registry.imports import MappingError
from fairrecruit.registry.jobs import import_enqueue


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # login_required has run


@login_required
@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, "registry.import"):
        raise PermissionDenied("importing licence lists needs the staff role, or the regulator role for a country")
    mappings = selectors.import_mappings_for(user)
    if not mappings:  # a regulator of a country without a shipped layout yet
        return render(request, "registry/imports.html", {"mappings": [], "files": []})
    choices = [(m.name, f"{m.title} ({m.regulator_code})") for m in mappings]
    form = ImportUploadForm(request.POST or None, request.FILES or None, mappings=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                job = import_enqueue(actor=user, upload=d["file"], mapping=d["mapping"],
                                     allow_partial=d["allow_partial"], dry_run=d["dry_run"], as_of=d["as_of"])
            except MappingError as exc:  # a shipped mapping that no longer loads: the operator must fix it
                form.add_error("mapping", str(exc))
            else:  # the import runs as a background job; its page shows the progress, then the report
                return see_job(job)
        if form.errors:
            status = 400
    files = Paginator(selectors.import_files_for(user, mappings), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/imports.html",
        {"form": form, "errors": errors_named(form) if form.is_bound else [], "files": files, "mappings": mappings},
        status=status,
    )


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not can(user, "registry.import"):
        raise PermissionDenied(_("You may not see registry imports."))
    f = get_object_or_404(selectors.import_files_for(user, selectors.import_mappings_for(user)), pk=pk)
    report = f.report or {}
    return render(request, "registry/import_detail.html", {
        "f": f, "counts": report.get("counts", {}), "problems": report.get("problems", [])[:1000],
        "n_problems": len(report.get("problems", [])), "not_in_file": report.get("not_in_file", []),
    })
