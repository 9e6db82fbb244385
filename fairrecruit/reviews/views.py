"""Review pages. Thin: forms collect, services write, selectors read. Worker pages need no account and no
JavaScript; moderation and replies need a login."""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from fairrecruit.core import crypto, idempotency
from fairrecruit.core.auth import member, optional_user, post_limited
from fairrecruit.core.fx import COMMON_CURRENCIES
from fairrecruit.reviews import conf, selectors, services
from fairrecruit.reviews.forms import (
    CodeForm,
    EditForm,
    FlagForm,
    ModerationForm,
    PaymentFormSet,
    ReplyForm,
    ReviewForm,
    SensitiveReadForm,
    TranslationForm,
    attach_errors,
    error_summary,
    new_token,
    to_input,
)
from fairrecruit.reviews.models import Flag, Review, ReviewStatus

LOGIN_URL = reverse_lazy("reviews:login")


def _source(group: str, request: HttpRequest) -> str:
    """Rate-limit key: a salted hash of the IP address (kept in the cache only, never stored)."""
    return services.source_for_ip(request.META.get("REMOTE_ADDR"))


def _limited(request: HttpRequest, group: str, rate_setting: str) -> bool:
    return post_limited(request, group=group, rate=conf.get(rate_setting), source=_source)


def too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "reviews/429.html", status=429)


# --- worker pages --------------------------------------------------------------------------------------------


@never_cache
def review_new(request: HttpRequest) -> HttpResponse:
    """Write a review of a registry actor (``?actor=<identifier>``) or of one the worker names."""
    identifier = (request.POST.get("actor") if request.method == "POST" else request.GET.get("actor")) or ""
    actor = selectors.actor_canonical(identifier) if identifier else None
    if identifier and actor is None:
        raise Http404("No such actor")
    query = request.GET.get("q", "").strip()
    ctx: dict[str, Any] = {"actor": actor, "query": query}
    if query and actor is None:
        ctx["matches"] = selectors.actor_search(query)
    if request.method == "POST":
        if _limited(request, "reviews.submit", "FAIRRECRUIT_REVIEW_RATE"):
            return too_many(request)
        form = ReviewForm(request.POST)
        payments = PaymentFormSet(request.POST, prefix="p")
        if form.is_valid() and payments.is_valid():
            data = to_input(form, list(payments.forms))
            if actor is not None:
                data.actor_identifier = actor.identifier
            token = form.cleaned_data.get("token") or ""
            try:
                done = services.review_submit(data=data, token=token, source=_source("", request))
            except services.IdempotencyConflict as exc:
                return _thanks(request, exc.review, exc.edit_code, again=True)
            except services.ReviewInputError as exc:
                if any(e.field == "token" for e in exc.errors):
                    fresh = request.POST.copy()
                    fresh["token"] = new_token()
                    form = ReviewForm(fresh)
                    form.is_valid()
                    form.add_error(None, _("The form had expired. Check your answers and send again."))
                attach_errors(form, list(payments.forms), [e for e in exc.errors if e.field != "token"])
            else:
                return _thanks(request, done.review, done.edit_code, again=not done.created)
    else:
        form = ReviewForm(
            initial={
                "token": new_token(),
                "actor": actor.identifier if actor else "",
                "language": (get_language() or "en").split("-")[0],
            }
        )
        payments = PaymentFormSet(prefix="p")
    ctx.update(
        form=form, payments=payments, errors=error_summary(form, list(payments.forms)), currencies=COMMON_CURRENCIES
    )
    failed = request.method == "POST"
    return render(request, "reviews/new.html", ctx, status=400 if failed else 200)


def _thanks(request: HttpRequest, review: Review, code: str, *, again: bool) -> HttpResponse:
    owed = ((review.assessment or {}).get("owed") or {}).get("ilo-zero-fee") or {}
    return render(
        request,
        "reviews/thanks.html",
        {
            "review": review,
            "code": code,
            "again": again,
            "owed": owed if owed.get("amount") else None,
        },
    )


@never_cache
def review_my(request: HttpRequest) -> HttpResponse:
    """Come back with the edit code: see the status, edit or withdraw."""
    if request.method != "POST":
        return render(request, "reviews/my.html", {"code_form": CodeForm()})
    if _limited(request, "reviews.code", "FAIRRECRUIT_REVIEW_CODE_RATE"):
        return too_many(request)
    code = request.POST.get("code", "")
    review = services.review_by_code(code)
    if review is None:
        form = CodeForm(request.POST)
        form.is_valid()
        form.add_error("code", _("This code does not open any review. Check it and try again."))
        return render(request, "reviews/my.html", {"code_form": form}, status=400)
    code = services.normalise_code(code)
    step = request.POST.get("step", "")
    if step == "withdraw":
        services.review_withdraw(review=review)
        return render(request, "reviews/my.html", {"withdrawn": True, "code_form": CodeForm()})
    payments_list: list[Any]
    if step == "edit":
        edit_form = EditForm(request.POST)
        payments = PaymentFormSet(request.POST, prefix="p")
        payments_list = list(payments.forms)
        if edit_form.is_valid() and payments.is_valid():
            try:
                services.review_edit(
                    review=review,
                    data=to_input(edit_form, payments_list),
                    remove_contact=bool(edit_form.cleaned_data.get("remove_contact")),
                )
            except services.ReviewInputError as exc:
                attach_errors(edit_form, payments_list, exc.errors)
            else:
                return render(request, "reviews/my.html", {"review": review, "code": code, "saved": True})
        status = 400
    else:
        edit_form = EditForm(initial=_initial(review, code))
        payments = PaymentFormSet(prefix="p", initial=review.payments or None)
        payments_list = list(payments.forms)
        status = 200
    return render(
        request,
        "reviews/my.html",
        {
            "review": review,
            "code": code,
            "form": edit_form,
            "payments": payments,
            "currencies": COMMON_CURRENCIES,
            "errors": error_summary(edit_form, payments_list) if status == 400 else [],
        },
        status=status,
    )


def _initial(review: Review, code: str) -> dict[str, Any]:
    out: dict[str, Any] = {"code": code}
    for f in (
        "rating",
        "paid_fees",
        "origin",
        "destination",
        "recruitment_year",
        "contract_matched",
        "documents_taken",
        "info_before_departure",
        "wage_as_promised",
        "free_to_change",
        "treatment",
        "text",
        "language",
    ):
        out[f] = getattr(review, f)
    j = review.journey or {}
    if j:
        out["contract_months"] = j.get("contract_months")
        out["wage_promised_amount"] = (j.get("promised_wage") or {}).get("amount")
        out["wage_promised_currency"] = (j.get("promised_wage") or {}).get("currency")
        out["wage_received_amount"] = (j.get("first_month_earnings") or {}).get("amount")
        out["wage_received_currency"] = (j.get("first_month_earnings") or {}).get("currency")
    return out


def actor_reviews(request: HttpRequest, identifier: str) -> HttpResponse:
    actor = selectors.actor_canonical(identifier)
    if actor is None:
        raise Http404("No such actor")
    if actor.identifier != identifier:
        return redirect("reviews:actor", identifier=actor.identifier)
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        page = 1
    section = selectors.actor_review_section(actor, user=optional_user(request), page=page)
    return render(request, "reviews/actor.html", {"actor": actor, "review_section": section})


def review_flag(request: HttpRequest, review_id: str) -> HttpResponse:
    review = get_object_or_404(
        Review.objects.select_related("actor"), pk=review_id, status=ReviewStatus.PUBLISHED
    )
    if request.method != "POST":
        return render(request, "reviews/flag.html", {"review": review, "form": FlagForm()})
    if _limited(request, "reviews.flag", "FAIRRECRUIT_REVIEW_CODE_RATE"):
        return too_many(request)
    form = FlagForm(request.POST)
    if not form.is_valid():
        return render(request, "reviews/flag.html", {"review": review, "form": form}, status=400)
    try:  # a flag sent again on a bad connection counts once
        idempotency.form_once(request, purpose="reviews.flag", model=Flag, create=lambda: services.flag_create(
            review=review, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]))
    except idempotency.IdempotencyMismatch:
        form.add_error(None, _(idempotency.FORM_RESENT))
        return render(request, "reviews/flag.html", {"review": review, "form": form}, status=400)
    return render(request, "reviews/flag.html", {"review": review, "done": True})


# --- organisations: right of reply ---------------------------------------------------------------------------


@login_required(login_url=LOGIN_URL)
def review_reply(request: HttpRequest, review_id: str) -> HttpResponse:
    review = get_object_or_404(
        Review.objects.select_related("actor"), pk=review_id, status=ReviewStatus.PUBLISHED
    )
    orgs = services.reply_organisations(optional_user(request), review)
    if not orgs:
        raise PermissionDenied(_("Only the reviewed organisation may reply."))
    form = ReplyForm(request.POST or None)
    cast(forms.ChoiceField, form.fields["organisation"]).choices = [(o.pk, o.name) for o in orgs]
    if request.method == "POST" and form.is_valid():
        org = next(o for o in orgs if o.pk == form.cleaned_data["organisation"])
        services.reply_save(
            user=member(request),
            review=review,
            organisation=org,
            text=form.cleaned_data["text"],
        )
        return redirect(reverse("reviews:actor", args=[review.actor.identifier]) + f"#r-{review.pk}")
    public = next((r for r in selectors.public_reviews(review.actor) if r.id == str(review.pk)), None)
    return render(
        request,
        "reviews/reply.html",
        {"review": review, "public": public, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- moderators ------------------------------------------------------------------------------------------------


class ReviewsLoginView(LoginView):
    template_name = "reviews/login.html"

    def get_default_redirect_url(self) -> str:
        return reverse("reviews:moderate")


@login_required(login_url=LOGIN_URL)
def moderate_list(request: HttpRequest) -> HttpResponse:
    if not _may_moderate(request):
        raise PermissionDenied(_("You may not moderate reviews."))
    return render(request, "reviews/moderate_list.html", selectors.moderation_queue(optional_user(request)))


def _may_moderate(request: HttpRequest) -> bool:
    from fairrecruit.core.permissions import Scope, scope_for

    return scope_for(optional_user(request), "review.moderate")[0] != Scope.NONE


@login_required(login_url=LOGIN_URL)
def moderate_detail(request: HttpRequest, review_id: str) -> HttpResponse:
    review = get_object_or_404(
        selectors.reviews_in_scope(optional_user(request), "review.moderate").select_related("actor"),
        pk=review_id,
    )
    ctx: dict[str, Any] = {"review": review, "read_form": SensitiveReadForm()}
    status = 200
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "read":
            read = SensitiveReadForm(request.POST)
            ctx["read_form"] = read
            if read.is_valid():
                field = read.cleaned_data["field"]
                try:
                    value = crypto.sensitive_read(
                        actor_user=optional_user(request),
                        obj=review,
                        field=field,
                        purpose=read.cleaned_data["purpose"],
                    )
                except PermissionDenied:
                    read.add_error(None, _("You may not see this."))
                    status = 403
                else:
                    ctx["revealed"] = {"field": field, "value": _pretty(field, value)}
            else:
                status = 400
        elif step == "translate":
            tform = TranslationForm(request.POST)
            ctx["translation_form"] = tform
            if tform.is_valid():
                try:
                    services.translation_save(
                        user=member(request),
                        review=review,
                        language=tform.cleaned_data["language"],
                        text=tform.cleaned_data["text"],
                    )
                except services.ReviewInputError as exc:
                    attach_errors(tform, [], exc.errors)
                    status = 400
                except PermissionDenied:
                    tform.add_error(None, _("You may not translate this review."))
                    status = 403
                else:
                    return redirect("reviews:moderate_detail", review_id=review.pk)
            else:
                status = 400
        else:
            mform = ModerationForm(request.POST)
            if mform.is_valid():
                d = mform.cleaned_data
                try:
                    services.review_moderate(
                        moderator=member(request),
                        review=review,
                        action=d["action"],
                        reason=d["reason"],
                        new_text=d["new_text"] if d["action"] == "edit" else None,
                    )
                except services.ReviewInputError as exc:
                    attach_errors(mform, [], exc.errors)
                    status = 400
                else:
                    return redirect("reviews:moderate")
            else:
                status = 400
            ctx["moderation_form"] = mform
    ctx.setdefault("moderation_form", ModerationForm(initial={"new_text": review.text}))
    ctx.setdefault("translation_form", TranslationForm())
    ctx["decisions"] = review.decisions.select_related("moderator")
    ctx["open_flags"] = review.flags.filter(resolved_at__isnull=True)
    ctx["translations"] = review.translations.all()
    ctx["payments"] = review.payments
    return render(request, "reviews/moderate_detail.html", ctx, status=status)


def _pretty(field: str, value: str) -> Any:
    if field == "contact" and value:
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return {"how": value}
    return value
