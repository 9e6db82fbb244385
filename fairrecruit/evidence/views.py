"""Pages: corridor profiles (with CSV and PDF), open-data releases, knowledge products. Thin: selectors read,
services write, templates show."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fairrecruit.core import idempotency
from fairrecruit.core.countries import country_name, sort_key
from fairrecruit.core.models import User
from fairrecruit.evidence import charts, gcm, sdg, selectors, services
from fairrecruit.evidence.forms import (
    ReleaseForm,
    ReviewForm,
    SdgForm,
    SearchForm,
    SubmitForm,
    SurveyUploadForm,
)
from fairrecruit.evidence.jobs import release_enqueue, sdg_enqueue, sdg_job_for, survey_import_enqueue
from fairrecruit.evidence.models import KnowledgeProduct, Partner, Release, Survey, Tag
from fairrecruit.evidence.permissions import can, reviewer_kind
from fairrecruit.jobs.models import Job
from fairrecruit.jobs.views import see_job

SEX_LEVELS = ("F", "M", "X")


# --- corridors --------------------------------------------------------------------------------------------


def corridors(request: HttpRequest) -> HttpResponse:
    # by origin, then destination, as named in the reader's language
    rows = sorted(
        selectors.corridors(),
        key=lambda r: (sort_key(country_name(r["origin"])), sort_key(country_name(r["destination"]))),
    )
    top = max((r["median"] or 0 for r in rows), default=0) or 1
    for r in rows:
        r["bar"] = None if r["median"] is None else round(100 * r["median"] / top)
    chart = None
    shown = [r for r in rows if r["median"] is not None]
    if shown:
        chart = mark_safe(  # noqa: S308 - built from escaped parts in charts.py
            charts.bar_chart(
                [(r["code"], r["median"]) for r in shown],
                title=_("Median months of earnings paid for the job, by corridor (survey data)"),
            )
        )
    return render(
        request,
        "evidence/corridors.html",
        {"corridors": rows, "chart": chart, "min_cell": selectors.MIN_CELL},
    )


def _corridor(code: str) -> tuple[str, str]:
    parsed = selectors.parse_corridor(code)
    if parsed is None:
        raise Http404("Write the corridor as ORIGIN-DESTINATION with ISO country codes, e.g. NP-QA")
    return parsed


def _profile(code: str) -> dict[str, Any]:
    return selectors.corridor_profile(*_corridor(code))


def corridor(request: HttpRequest, code: str) -> HttpResponse:
    if code != code.upper():
        return redirect("evidence:corridor", code=code.upper(), permanent=True)
    p = _profile(code)
    ctx: dict[str, Any] = {
        "p": p,
        "charts": _charts(p),
        "sdg_url": sdg.METADATA_URL,
    }
    ctx["overall"] = [r for r in p["stats"] if r["by"] == "all"]
    ctx["tables"] = [
        (d, [r for r in p["stats"] if r["by"] == d and r["zero_costs"] == "include"])
        for d in selectors.PROFILE_DIMENSIONS
    ]
    ctx["platform"] = [r for r in p["platform_stats"] if r["zero_costs"] == "include"]
    return render(request, "evidence/corridor.html", ctx)


def _charts(p: dict[str, Any]) -> dict[str, str]:
    dist = p["distributions"]
    if not dist:
        return {}
    out = {}
    # One bar per published bin: bins of fewer than MIN_CELL workers come merged (selectors._safe_bins).
    ratio = selectors.histogram_bars("ratio", dist["ratio"], dist["ratio_by_sex"])
    cost = selectors.histogram_bars("cost", dist["cost"], dist["cost_by_sex"])

    def shares(rows: list[dict[str, Any]], level: str, bars: list[tuple[int, str]]) -> list[float | None]:
        s = {d["bin"]: d["share"] for d in rows if d["level"] == level}
        return [s.get(b, 0.0) for b, _label in bars]

    def labels(bars: list[tuple[int, str]]) -> list[str]:
        return [label for _b, label in bars]

    # The distributions hold only the groups whose statistics are published (selectors.withheld).
    if dist["ratio"]:
        out["ratio"] = charts.bar_chart(
            list(zip(labels(ratio), shares(dist["ratio"], sdg.ALL, ratio), strict=True)),
            unit="%",
            title=_("Share of workers by months of earnings paid for the job"),
        )
    if dist["cost"]:
        out["cost"] = charts.bar_chart(
            list(zip(labels(cost), shares(dist["cost"], sdg.ALL, cost), strict=True)),
            unit="%",
            title=_("Share of workers by recruitment costs paid (US dollars)"),
        )
    sexes = [s for s in SEX_LEVELS if any(d["level"] == s for d in dist["ratio_by_sex"])]
    if sexes:
        out["ratio_by_sex"] = charts.grouped_bar_chart(
            labels(ratio),
            {s: shares(dist["ratio_by_sex"], s, ratio) for s in sexes},
            unit="%",
            title=_("Months of earnings paid for the job, women and men"),
        )
    medians = [
        (r["group"], r["median"]) for r in p["stats"] if r["by"] == "sex" and r["zero_costs"] == "include"
    ]
    if any(m is not None for _g, m in medians):
        out["median_by_sex"] = charts.bar_chart(
            [(charts.series_name(g), m) for g, m in medians],
            title=_("Median months of earnings paid, by sex"),
            bar_colours=[charts.SERIES_COLOURS.get(g, charts.DEFAULT_COLOUR) for g, _median in medians],
        )
    return {k: mark_safe(v) for k, v in out.items()}  # noqa: S308 - built from escaped parts in charts.py


CSV_COLUMNS = ("source", "corridor", "synthetic", "suppressed", "suppressed_reason", *sdg.RESULT_COLUMNS)


def corridor_csv(request: HttpRequest, code: str) -> HttpResponse:
    p = _profile(code)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for source, rows, synthetic in (
        ("survey", p["stats"], p["synthetic"]),
        ("platform_assessments", p["platform_stats"], False),
    ):
        for r in rows:
            w.writerow(
                {
                    "source": source,
                    "corridor": p["code"],
                    "synthetic": str(synthetic).lower(),
                    **{k: _csv(v) for k, v in r.items()},
                }
            )
    resp = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="fairrecruit-{p["code"]}-sdg-10-7-1.csv"'
    return resp


def _csv(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return round(v, 6)
    return v


def corridor_pdf(request: HttpRequest, code: str) -> HttpResponse:
    parsed = _corridor(code)
    data = selectors.corridor_report(*parsed, translation.get_language() or "en")
    resp = HttpResponse(data, content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="fairrecruit-{"-".join(parsed)}-profile.pdf"'
    return resp


# --- open data --------------------------------------------------------------------------------------------


def releases(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ReleaseForm() if can(user, "release.create") else None
    return render(request, "evidence/releases.html", {"releases": selectors.releases(), "form": form})


@require_POST
def release_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can(user, "release.create"):
        raise PermissionDenied("creating releases needs the staff role")
    form = ReleaseForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            job = idempotency.form_once(request, purpose="evidence.release", model=Job, create=lambda: release_enqueue(
                actor=_me(request), title=d["title"], k=d["k"], rounding=d["rounding"], notes=d["notes"])).obj
        except services.EvidenceError as exc:
            form.add_error(None, str(exc))
        except idempotency.IdempotencyMismatch:
            form.add_error(None, idempotency.FORM_RESENT)
        else:
            return see_job(job)
    return render(
        request, "evidence/releases.html", {"releases": selectors.releases(), "form": form}, status=400
    )


def release(request: HttpRequest, slug: str) -> HttpResponse:
    r = get_object_or_404(Release, slug=slug)
    return render(
        request,
        "evidence/release.html",
        {"r": r, "products": r.products.filter(status=KnowledgeProduct.Status.PUBLISHED)},
    )


def release_file(request: HttpRequest, slug: str, name: str) -> HttpResponseBase:
    r = get_object_or_404(Release, slug=slug)
    if name == f"{r.slug}.zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for f in r.files:
                path = services.release_file(r, f["name"])
                if path is None:
                    raise Http404("A file of this release is missing on the server")
                z.write(path, f"{r.slug}/{f['name']}")
        resp = HttpResponse(buf.getvalue(), content_type="application/zip")
        resp["Content-Disposition"] = f'attachment; filename="{r.slug}.zip"'
        return resp
    path = services.release_file(r, name)
    if path is None:
        raise Http404("No such file in this release")
    types = {
        ".csv": "text/csv; charset=utf-8",
        ".json": "application/json",
        ".md": "text/markdown; charset=utf-8",
    }
    return FileResponse(
        path.open("rb"),
        content_type=types.get(path.suffix, "application/octet-stream"),
        as_attachment=path.suffix == ".csv",
        filename=name,
    )


# --- surveys (staff and researchers) ---------------------------------------------------------------------


def _survey_user(request: HttpRequest) -> User:
    """The signed-in user of the survey pages, who must be staff or a researcher (permission survey.import)."""
    user = _me(request)
    if not can(user, "survey.import"):
        raise PermissionDenied("working with survey microdata needs the staff or researcher role")
    return user


@login_required
def surveys(request: HttpRequest) -> HttpResponse:
    """Survey microdata: the list, and an upload form; a valid upload is imported by a background job whose
    page shows its progress and then the validation report."""
    user = _survey_user(request)
    form = SurveyUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                job = survey_import_enqueue(
                    actor=user,
                    upload=d["file"],
                    title=d["title"],
                    producer=d["producer"],
                    synthetic=d["synthetic"],
                    partial=d["partial"],
                    earnings_rule=d["earnings_rule"],
                    dry_run=d["dry_run"],
                )
            except services.EvidenceError as exc:
                form.add_error(exc.field, exc.message)
                status = 400
            else:  # the import runs as a background job; its page shows the progress, then the report
                return see_job(job)
        else:
            status = 400
    return render(
        request, "evidence/surveys.html", {"surveys": selectors.surveys(), "form": form}, status=status
    )


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _survey_user(request)
    s = get_object_or_404(Survey, pk=pk)
    if request.method == "POST" and s.status != Survey.Status.REJECTED:
        services.survey_set_published(actor=user, survey_obj=s, published=request.POST.get("published") == "1")
        messages.success(request, "Shown on corridor profiles." if s.published else "Hidden from corridor profiles.")
        return redirect("evidence:survey", pk=s.pk)
    return render(request, "evidence/survey.html", {"s": s, "dry_run": False, "sdg_form": SdgForm()})


@login_required
@require_POST
def survey_sdg(request: HttpRequest, pk: int) -> HttpResponse:
    """SDG 10.7.1 of this survey with the options asked: queued as a background job, answered with its page."""
    user = _survey_user(request)
    s = get_object_or_404(Survey, pk=pk)
    form = SdgForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            job = sdg_enqueue(actor=user, survey_obj=s, by=form.by_spec(), zero_costs=d["zero_costs"],
                              confidence=d["confidence"], bootstrap=d["bootstrap"])
        except services.EvidenceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return see_job(job)
    return render(request, "evidence/survey.html", {"s": s, "dry_run": False, "sdg_form": form}, status=400)


@login_required
def survey_sdg_file(request: HttpRequest, pk: int, job: str, ext: str) -> HttpResponse:
    """The table of a finished SDG job as CSV or Parquet (the creator of the job, or staff)."""
    found = sdg_job_for(_me(request), pk, job)
    if found is None or ext not in ("csv", "parquet"):
        raise Http404("no such table")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"sdg-10-7-1.{ext}"
        level = found.result.get("confidence")
        rows = [{**r, "confidence": r.get("confidence", level)} for r in found.result.get("rows", [])]
        s = Survey.objects.filter(pk=pk).first()
        sdg.write_table(rows, path, conversions=s.conversions if s is not None else None)
        data = path.read_bytes()
    response = HttpResponse(data, content_type="text/csv; charset=utf-8" if ext == "csv" else "application/vnd.apache.parquet")
    response["Content-Disposition"] = f'attachment; filename="sdg-10-7-1-survey-{pk}.{ext}"'
    return response


# --- knowledge products -----------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User | None:
    return cast(User, request.user) if request.user.is_authenticated else None


def _me(request: HttpRequest) -> User:
    """The signed-in user (views that call this are behind login_required)."""
    return cast(User, request.user)


def knowledge(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    user = _user(request)
    products = selectors.products_search(
        user,
        q=d.get("q", ""),
        kind=d.get("kind", ""),
        gcm=d.get("gcm", ""),
        corridor=d.get("corridor", ""),
        theme=d.get("theme", ""),
        status=KnowledgeProduct.Status.PUBLISHED,
    )
    mine = (
        KnowledgeProduct.objects.filter(submitted_by=user).exclude(status=KnowledgeProduct.Status.PUBLISHED)
        if user
        else KnowledgeProduct.objects.none()
    )
    return render(
        request,
        "evidence/knowledge.html",
        {
            "form": form,
            "products": products[:100],
            "mine": mine,
            "can_submit": user is not None,
            "reviewer": reviewer_kind(user) if user else None,
            "searched": bool(request.GET),
        },
    )


def product(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    p = get_object_or_404(
        selectors.products_visible_to(user).prefetch_related("tags", "partners__partner"), pk=pk
    )
    state = services.approvals(p)
    kind = reviewer_kind(user) if user else None
    may_review = (
        user is not None
        and kind is not None
        and p.status == KnowledgeProduct.Status.SUBMITTED
        and p.submitted_by_id != user.pk
        and not any(r.reviewer_id == user.pk for r in state["reviews"])
    )
    objectives = [
        gcm.BY_NUMBER[int(t.code)]
        for t in p.tags.all()
        if t.kind == Tag.Kind.GCM and int(t.code) in gcm.BY_NUMBER
    ]
    return render(
        request,
        "evidence/product.html",
        {
            "p": p,
            "state": state,
            "objectives": objectives,
            "review_form": ReviewForm() if may_review else None,
            "reviewer_kind": kind,
            "may_publish": can(user, "knowledge.publish") and state["ready"],
            "may_resubmit": user is not None
            and p.submitted_by_id == user.pk
            and p.status == KnowledgeProduct.Status.CHANGES_REQUESTED,
            "show_reviews": user is not None and (kind is not None or p.submitted_by_id == user.pk),
            "gcm_source": (gcm.SOURCE_TITLE, gcm.SOURCE_URL),
        },
    )


@login_required
def submit(request: HttpRequest) -> HttpResponse:
    form = SubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            p = idempotency.form_once(request, purpose="evidence.product", model=KnowledgeProduct, create=lambda: services.product_submit(
                actor=_me(request),
                kind=d["kind"],
                title=d["title"],
                summary=d["summary"],
                year=d["year"],
                url=d["url"],
                release_obj=d["release"],
                data_url=d["data_url"],
                gcm_numbers=[int(x) for x in d["gcm"]],
                corridors=form.split("corridors"),
                themes=form.split("themes"),
                partners=d["partners"],
            )).obj
        except services.EvidenceError as exc:
            form.add_error(None, str(exc))
        except idempotency.IdempotencyMismatch:
            form.add_error(None, idempotency.FORM_RESENT)
        else:
            messages.success(request, "Submitted. One internal and two external reviewers will look at it.")
            return redirect("evidence:product", pk=p.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "evidence/submit.html", {"form": form}, status=status)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    kind = reviewer_kind(_me(request))
    if kind is None:
        raise PermissionDenied("reviews need the staff (internal) or researcher (external) role")
    rows = [(p, services.approvals(p)) for p in selectors.review_queue(_me(request))]
    return render(request, "evidence/review_queue.html", {"rows": rows, "kind": kind})


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(KnowledgeProduct, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a decision.")
        return redirect("evidence:product", pk=pk)
    try:
        services.product_review(
            actor=_me(request),
            product=p,
            decision=form.cleaned_data["decision"],
            comments=form.cleaned_data["comments"],
        )
    except services.EvidenceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Your decision is recorded.")
    return redirect("evidence:product", pk=pk)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(KnowledgeProduct, pk=pk)
    try:
        services.product_publish(actor=_me(request), product=p)
    except services.EvidenceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Published.")
    return redirect("evidence:product", pk=pk)


@login_required
@require_POST
def resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_object_or_404(KnowledgeProduct, pk=pk)
    try:
        services.product_resubmit(
            actor=_me(request),
            product=p,
            summary=request.POST.get("summary") or None,
        )
    except services.EvidenceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Resubmitted: a new review round has started.")
    return redirect("evidence:product", pk=pk)


def partner(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Partner, pk=pk)
    roles = org.roles.filter(product__status=KnowledgeProduct.Status.PUBLISHED).select_related("product")
    return render(request, "evidence/partner.html", {"org": org, "roles": roles})
