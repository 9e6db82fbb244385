"""Workforce fee surveys: the worker's page (no account, in the worker's language, the fee check's form with the
employee number) and the organisation's pages (create, follow, download for a repayment programme)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fairrecruit.core import idempotency, links, posters
from fairrecruit.core.auth import member
from fairrecruit.core.fx import COMMON_CURRENCIES
from fairrecruit.core.models import Organisation
from fairrecruit.grievances.programmes import ProgrammeError
from fairrecruit.registry.selectors import today
from fairrecruit.standards.forms import (
    MAX_PAYMENTS_ON_PAGE,
    JourneyForm,
    PaymentFormSet,
    valid_journey,
    with_one_more_payment,
)
from fairrecruit.standards.statement import resend_fields
from fairrecruit.supplychain import surveys
from fairrecruit.supplychain.forms import (
    CorrectForm,
    ReceiptForm,
    SurveyForm,
    SurveyProgrammeForm,
    WorkerRefForm,
)
from fairrecruit.supplychain.models import FeeSurvey
from fairrecruit.supplychain.services import SupplyChainError
from fairrecruit.supplychain.views import _organisation


@never_cache
def answer(request: HttpRequest, code: str) -> HttpResponse:
    survey = get_object_or_404(FeeSurvey.objects.select_related("organisation"), code=code)
    ctx: dict[str, Any] = {"survey": survey, "currencies": COMMON_CURRENCIES}
    if not surveys.is_open(survey):
        return render(request, "supplychain/survey_closed.html", ctx, status=410)
    more = request.method == "POST" and "more_payments" in request.POST
    if more:  # "Add another payment" without scripts: the same answers and one empty row more; nothing stored
        ref = WorkerRefForm(initial={"token": request.POST.get("token") or secrets.token_urlsafe(24),
                                     "worker_ref": request.POST.get("worker_ref", "")})
        form, payments = with_one_more_payment(request.POST)
    elif request.method == "POST":
        if surveys.over_rate(request):
            return render(request, "grievances/429.html", status=429)
        ref = WorkerRefForm(request.POST)
        form = JourneyForm(request.POST)
        payments = PaymentFormSet(request.POST, prefix="p")
        valid = [ref.is_valid(), form.is_valid(), payments.is_valid()]
        if all(valid):
            clean = valid_journey(form, payments)
            if clean is not None:
                try:
                    done = surveys.answer_submit(survey=survey, worker_ref=ref.cleaned_data["worker_ref"],
                                                 journey=clean, token=ref.cleaned_data["token"])
                except surveys.TokenReused:
                    ref.add_error(None, _("This form was already sent with other answers. Reload the page."))
                except surveys.AlreadyAnswered:
                    ref.add_error("worker_ref", _("An answer with this employee number is already recorded. If it "
                                                  "needs correcting, ask %(org)s.") % {"org": survey.organisation.name})
                else:
                    return render(request, "supplychain/survey_answer.html",
                                  ctx | {"result": done.answer.result, "stored": True, "again": not done.created,
                                         "receipt": surveys.receipt_for(ref.cleaned_data["token"]),
                                         # the answers again, for the worker's statement; not the employee number
                                         "posted": resend_fields(request, leave_out=("token", "worker_ref"))})
    else:
        ref = WorkerRefForm(initial={"token": secrets.token_urlsafe(24)})
        form = JourneyForm()
        payments = PaymentFormSet(prefix="p")
    ctx.update(ref=ref, form=form, payments=payments, can_add_payment=payments.total_form_count() < MAX_PAYMENTS_ON_PAGE)
    failed = request.method == "POST" and not more
    return render(request, "supplychain/survey_answer.html", ctx, status=400 if failed else 200)


@never_cache
def repayment(request: HttpRequest, code: str) -> HttpResponse:
    """The worker's own answer and repayment, with the receipt code they got when answering: no account, nothing
    about anyone else, never the employee number. Each try counts against the survey's rate limit."""
    survey = get_object_or_404(FeeSurvey.objects.select_related("organisation"), code=code)
    ctx: dict[str, Any] = {"survey": survey}
    form = ReceiptForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if surveys.over_rate(request):
            return render(request, "grievances/429.html", status=429)
        answer = surveys.answer_by_receipt(survey, form.data.get("receipt", "")) if form.is_valid() else None
        if answer is not None:
            ctx["status"] = surveys.repayment_status(answer)
        else:
            if form.is_valid():
                form.add_error("receipt", _("No answer to this survey has this receipt code. Check it and try "
                                            "again."))
            status = 400
    ctx["form"] = form
    return render(request, "supplychain/repayment.html", ctx, status=status)


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    org, _allowed = _organisation(request)
    form = SurveyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                s = idempotency.form_once(request, purpose="supplychain.survey", model=FeeSurvey, create=lambda: (
                    surveys.survey_create(user=member(request), organisation=org, title=form.cleaned_data["title"],
                                          closes=form.cleaned_data["closes"]))).obj
            except SupplyChainError as exc:
                for e in exc.errors:
                    form.add_error(e["field"], e["message"])
            except idempotency.IdempotencyMismatch:
                form.add_error(None, _(idempotency.FORM_RESENT))
            else:
                return redirect("supplychain:survey", pk=s.pk)
        status = 400
    return render(request, "supplychain/surveys.html",
                  {"organisation": org, "form": form, "surveys": FeeSurvey.objects.filter(organisation=org).annotate(
                      n=Count("answers", filter=Q(answers__withdrawn_at__isnull=True)))},
                  status=status)


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org, _allowed = _organisation(request)
    survey = get_object_or_404(FeeSurvey, pk=pk, organisation=org)
    if request.GET.get("format") == "csv":
        body = surveys.programme_csv(survey, user=member(request), purpose="fee survey download for repayment")
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{surveys.programme_file(survey)}"'
        return response
    return _detail(request, org, survey)


def _detail(request: HttpRequest, org: Organisation, survey: FeeSurvey, correct: CorrectForm | None = None,
            programme: SurveyProgrammeForm | None = None, status: int = 200) -> HttpResponse:
    link = links.absolute(request, reverse("supplychain:answer", args=[survey.code]))
    programme = programme or SurveyProgrammeForm(initial={
        "name": f"Repayment: {survey.title}"[:200], "first_due": today() + dt.timedelta(days=30)})
    return render(request, "supplychain/survey.html", {
        "organisation": org, "survey": survey, "link": link, "summary": surveys.summary(survey),
        "open": surveys.is_open(survey), "correct": correct or CorrectForm(), "programme": programme,
        "programmes": surveys.programmes_from(survey), "corrected": request.GET.get("corrected", "")}, status=status)


@login_required
@require_POST
def survey_programme(request: HttpRequest, pk: int) -> HttpResponse:
    org, _allowed = _organisation(request)
    survey = get_object_or_404(FeeSurvey, pk=pk, organisation=org)
    form = SurveyProgrammeForm(request.POST)
    if form.is_valid():
        try:
            done = surveys.programme_start(survey=survey, user=member(request), **form.cleaned_data)
        except SupplyChainError as exc:
            for e in exc.errors:
                form.add_error(None, f"{e['field']}: {e['message']}")
        except ProgrammeError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("grievances:programme", programme_id=done.programme.pk)
    return _detail(request, org, survey, programme=form, status=400)


@login_required
@require_POST
def survey_correct(request: HttpRequest, pk: int) -> HttpResponse:
    org, _allowed = _organisation(request)
    survey = get_object_or_404(FeeSurvey, pk=pk, organisation=org)
    form = CorrectForm(request.POST)
    if form.is_valid():
        try:
            done = surveys.answer_correct(survey=survey, user=member(request), **form.cleaned_data)
        except SupplyChainError as exc:
            for e in exc.errors:
                form.add_error(e["field"], e["message"])
        else:
            return redirect(f"{reverse('supplychain:survey', args=[survey.pk])}?organisation={org.pk}"
                            f"&corrected={done.action}")
    return _detail(request, org, survey, correct=form, status=400)


@login_required
def survey_poster(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable poster of the survey's link (QR code and address) in up to four of the workers' languages, for a
    notice board or a canteen; ``?lang=ne&lang=bn``, English when none is asked."""
    org, _allowed = _organisation(request)
    survey = get_object_or_404(FeeSurvey, pk=pk, organisation=org)
    sections, errors = posters.languages(request.GET.getlist("lang"))
    link = links.absolute(request, reverse("supplychain:answer", args=[survey.code]))
    return render(request, "supplychain/poster.html", {
        "organisation": org, "survey": survey, "link": link, "errors": errors, "languages": dict(settings.LANGUAGES),
        "sections": sections, "open": surveys.is_open(survey), "qr": posters.qr_svg(link),
    }, status=400 if errors else 200)
