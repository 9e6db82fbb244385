"""Grievance pages. Thin: forms collect, services write, selectors read (and scope). Worker pages need no
account and no JavaScript; handler pages need a login. The SMS/chat webhook is at the end."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from fairrecruit.core import crypto, idempotency
from fairrecruit.core.auth import member, optional_user, post_limited
from fairrecruit.core.fx import COMMON_CURRENCIES
from fairrecruit.core.idempotency import IdempotencyMismatch
from fairrecruit.core.models import User
from fairrecruit.grievances import conf, forms, programmes, selectors, services
from fairrecruit.grievances.models import Attachment, Case, Channel, RoutingRule
from fairrecruit.grievances.taxonomy import CATEGORY_CODES
from fairrecruit.registry.models import Actor


def _source(group: str, request: HttpRequest) -> str:
    return services.source_for_ip(request.META.get("REMOTE_ADDR"))


def _limited(request: HttpRequest, group: str, setting: str) -> bool:
    return post_limited(request, group=group, rate=conf.get(setting), source=_source)


def too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "grievances/429.html", status=429)


# --- worker pages ------------------------------------------------------------------------------------------------


@never_cache
def complaint_new(request: HttpRequest) -> HttpResponse:
    """Make a complaint: anonymous or with a name, no account; photos or PDF as evidence."""
    if request.method == "POST":
        if _limited(request, "grievances.submit", "FAIRRECRUIT_GRIEVANCE_RATE"):
            return too_many(request)
        form = forms.ComplaintForm(request.POST, request.FILES)
        payments = forms.PaymentFormSet(request.POST, prefix="p")
        if form.is_valid() and payments.is_valid():
            data = forms.to_input(form, list(payments.forms))
            try:
                done = services.complaint_submit(
                    data=data,
                    token=form.cleaned_data["token"],
                    channel=Channel.WEB,
                    uploads=forms.uploads(form.cleaned_data.get("evidence") or []),
                )
            except services.IdempotencyConflict:
                form.add_error(None, _("This form was already sent with other answers. Reload the page."))
            except services.GrievanceInputError as exc:
                forms.attach_errors(form, list(payments.forms), exc.errors)
            else:
                return render(
                    request,
                    "grievances/received.html",
                    {"case": done.case, "code": done.code, "pin": done.pin, "again": not done.created,
                     "assessment": selectors.assessment_view(done.case),
                     "wages_below_minimum": selectors.wages_below_minimum(done.case)},
                )
        status = 400
    else:
        form = forms.ComplaintForm(
            initial={
                "respondent": request.GET.get("actor", "")[:80],
                # pages that send the worker here say what the complaint is about (e.g. Compare my contract)
                "categories": [c for c in request.GET.getlist("category") if c in CATEGORY_CODES],
                "token": forms.new_token(),
                "language": (get_language() or "en").split("-")[0],
                "in_danger": "no",
            }
        )
        payments = forms.PaymentFormSet(prefix="p")
        status = 200
    identifier = str(form["respondent"].value() or "")
    actor = Actor.objects.filter(identifier=identifier).first() if identifier else None
    return render(
        request,
        "grievances/new.html",
        {
            "actor": actor,
            "form": form,
            "payments": payments,
            "currencies": COMMON_CURRENCIES,
            "errors": forms.error_summary(form, list(payments.forms)) if status == 400 else [],
        },
        status=status,
    )


@never_cache
def complaint_follow(request: HttpRequest) -> HttpResponse:
    """Follow a case with its code and PIN: status, history, who it went to, remedy; add information and
    evidence; give consent to send it on."""
    if request.method != "POST":
        return render(request, "grievances/follow.html", {"form": forms.FollowForm()})
    if _limited(request, "grievances.pin", "FAIRRECRUIT_GRIEVANCE_PIN_RATE"):
        return too_many(request)
    login = forms.FollowForm(request.POST)
    case = (
        services.case_by_code_pin(request.POST.get("code", ""), request.POST.get("pin", ""))
        if login.is_valid()
        else None
    )
    if case is None:
        if login.is_valid():
            login.add_error(None, _("This code and PIN do not open any case. Check them and try again."))
        return render(request, "grievances/follow.html", {"form": login}, status=400)
    ctx: dict[str, Any] = {"case": case, "code": case.code, "pin": request.POST.get("pin", "").strip()}
    step = request.POST.get("step", "")
    status = 200
    add_form = forms.AddInformationForm()
    consent_form = forms.ConsentForm()
    if step == "add":
        add_form = forms.AddInformationForm(request.POST, request.FILES)
        if add_form.is_valid():
            def add() -> Case:
                services.worker_information_add(
                    case=case,
                    text=add_form.cleaned_data["text"],
                    uploads=forms.uploads(add_form.cleaned_data.get("evidence") or []),
                )
                return case

            try:  # the same form sent again on a bad connection adds nothing twice
                idempotency.form_once(request, purpose="grievances.worker.add", model=Case, create=add)
            except services.GrievanceInputError as exc:
                forms.attach_errors(add_form, [], exc.errors)
                status = 400
            except IdempotencyMismatch:
                add_form.add_error(None, _(idempotency.FORM_RESENT))
                status = 400
            else:
                ctx["added"] = True
                add_form = forms.AddInformationForm()
        else:
            status = 400
    elif step == "name_payment":
        name_form = forms.PaymentNameForm(request.POST)
        if name_form.is_valid():
            try:
                services.worker_payment_name(case=case, index=name_form.cleaned_data["index"],
                                             category=name_form.cleaned_data["category"])
                ctx["named"] = True
            except services.GrievanceInputError as exc:
                ctx["name_errors"] = [e.message for e in exc.errors]
        else:
            ctx["name_errors"] = [str(e) for errs in name_form.errors.values() for e in errs]
        status = 400 if "name_errors" in ctx else 200
    elif step == "consent":
        consent_form = forms.ConsentForm(request.POST)
        if consent_form.is_valid():
            services.worker_consent_give(
                case=case, share=True, identity=bool(consent_form.cleaned_data.get("identity"))
            )
            ctx["consented"] = True
        else:
            status = 400
    services.worker_case_read(case=case)
    case.refresh_from_db()
    ctx.update(view=selectors.worker_view(case), add_form=add_form, consent_form=consent_form,
               cost_items=forms.cost_items())
    return render(request, "grievances/follow.html", ctx, status=status)


def statistics(request: HttpRequest) -> HttpResponse:
    return render(request, "grievances/statistics.html", {"stats": selectors.public_statistics()})


# --- handlers ----------------------------------------------------------------------------------------------------


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    user = optional_user(request)
    if not selectors.may(user, "grievance.case.view"):
        raise PermissionDenied(_("You may not see grievance cases."))
    qs = selectors.cases_visible_to(user).order_by("-escalation_level", "stage_due_at")
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    else:
        qs = qs.exclude(status="closed")
    return render(
        request,
        "grievances/case_list.html",
        {
            "cases": qs[:200],
            "status": status,
            "can_route": selectors.may(user, "grievance.routing.manage"),
            "can_run_programmes": selectors.may(user, "grievance.programme.manage"),
        },
    )


Handler = Callable[[HttpRequest, Case, dict[str, Any]], int]


def _fail(form: Any, exc: services.GrievanceInputError) -> int:
    forms.attach_errors(form, [], exc.errors)
    return 400


def _h_reveal(request: HttpRequest, case: Case, ctx: dict[str, Any]) -> int:
    f = ctx["reveal_form"] = forms.RevealForm(request.POST)
    if not f.is_valid():
        return 400
    try:
        value = crypto.sensitive_read(
            actor_user=optional_user(request),
            obj=case,
            field=f.cleaned_data["field"],
            purpose=f.cleaned_data["purpose"],
        )
    except PermissionDenied:
        f.add_error(None, _("You may not see the worker's identity."))
        return 403
    if f.cleaned_data["field"] == "worker_contact" and value:
        try:
            value = ", ".join(f"{k}: {v}" for k, v in json.loads(value).items())
        except (json.JSONDecodeError, AttributeError):
            pass
    ctx["revealed"] = {"field": f.cleaned_data["field"], "value": value or _("(not given)")}
    return 200


def _h_note(request: HttpRequest, case: Case, ctx: dict[str, Any]) -> int:
    f = ctx["note_form"] = forms.NoteForm(request.POST)
    if not f.is_valid():
        return 400
    services.case_note_add(actor=member(request), case=case, text=f.cleaned_data["text"])
    return 302


def _h_status(request: HttpRequest, case: Case, ctx: dict[str, Any]) -> int:
    f = ctx["status_form"] = forms.StatusForm(request.POST)
    if not f.is_valid():
        return 400
    try:
        services.case_status_change(
            actor=member(request), case=case, status=f.cleaned_data["status"], note=f.cleaned_data["note"]
        )
    except services.GrievanceInputError as exc:
        return _fail(f, exc)
    return 302


def _h_close(request: HttpRequest, case: Case, ctx: dict[str, Any]) -> int:
    f = ctx["close_form"] = forms.CloseForm(request.POST)
    if not f.is_valid():
        return 400
    try:
        services.case_close(
            actor=member(request), case=case, outcome=f.cleaned_data["outcome"], note=f.cleaned_data["note"]
        )
    except services.GrievanceInputError as exc:
        return _fail(f, exc)
    return 302


def _h_assign(request: HttpRequest, case: Case, ctx: dict[str, Any]) -> int:
    f = ctx["assign_form"] = forms.AssignForm(request.POST)
    if not f.is_valid():
        return 400
    name = f.cleaned_data["username"].strip()
    assignee = User.objects.filter(username=name).first() if name else None
    if name and assignee is None:
        f.add_error("username", _("No such user."))
        return 400
    try:
        services.case_assign(actor=member(request), case=case, assignee=assignee)
    except services.GrievanceInputError as exc:
        return _fail(f, exc)
    return 302


def _h_refer(request: HttpRequest, case: Case, ctx: dict[str, Any]) -> int:
    f = ctx["referral_form"] = forms.ReferralForm(request.POST)
    if not f.is_valid():
        return 400
    d = f.cleaned_data
    try:
        services.referral_create(
            actor=member(request),
            case=case,
            organisation=d["organisation"],
            kind=d["kind"],
            target_kind=d["target_kind"],
            consent=d["consent"],
            override_reason=d["override_reason"],
            share_identity=d["share_identity"],
            share_evidence=d["share_evidence"],
        )
    except services.GrievanceInputError as exc:
        return _fail(f, exc)
    return 302


def _h_send(request: HttpRequest, case: Case, ctx: dict[str, Any]) -> int:
    f = forms.SendProposedForm(request.POST)
    if not f.is_valid():
        return 400
    ref = get_object_or_404(case.referrals, pk=f.cleaned_data["referral"])
    try:
        services.referral_send(
            actor=member(request),
            referral=ref,
            consent=f.cleaned_data["consent"],
            override_reason=f.cleaned_data["override_reason"],
        )
    except services.GrievanceInputError as exc:
        ctx["send_errors"] = [e.message for e in exc.errors]
        return 400
    return 302


def _h_respond(request: HttpRequest, case: Case, ctx: dict[str, Any]) -> int:
    f = forms.RespondForm(request.POST)
    if not f.is_valid():
        return 400
    ref = get_object_or_404(case.referrals, pk=f.cleaned_data["referral"])
    try:
        services.referral_respond(
            actor=member(request), referral=ref, accept=f.cleaned_data["accept"], note=f.cleaned_data["note"]
        )
    except services.GrievanceInputError as exc:
        ctx["send_errors"] = [e.message for e in exc.errors]
        return 400
    return 302


def _h_parties(request: HttpRequest, case: Case, ctx: dict[str, Any]) -> int:
    f = ctx["parties_form"] = forms.PartiesForm(request.POST)
    if not f.is_valid():
        return 400
    d = f.cleaned_data
    services.case_parties_update(
        actor=member(request),
        case=case,
        respondent_organisation=d["respondent_organisation"],
        brand=d["brand"],
        retaliation_risk=d["retaliation_risk"],
        reason=d["reason"],
    )
    return 302


def _h_facts(request: HttpRequest, case: Case, ctx: dict[str, Any]) -> int:
    f = ctx["facts_form"] = forms.FactsForm(request.POST)
    if not f.is_valid():
        return 400
    try:
        services.case_facts_update(actor=member(request), case=case, facts=f.facts())
    except services.GrievanceInputError as exc:
        f.add_error(None, "; ".join(e.message for e in exc.errors))
        return 400
    return 302


def _h_payments(request: HttpRequest, case: Case, ctx: dict[str, Any]) -> int:
    fs = ctx["payments_formset"] = forms.CasePaymentFormSet(request.POST, prefix="pay")
    if not fs.is_valid():
        return 400
    try:
        services.case_payments_update(actor=member(request), case=case, payments=forms.payments_of(fs.forms))
    except services.GrievanceInputError as exc:
        ctx["payments_errors"] = [f"{e.field}: {e.message}" for e in exc.errors]
        return 400
    return 302


def _h_plan(request: HttpRequest, case: Case, ctx: dict[str, Any]) -> int:
    f = ctx["plan_form"] = forms.PlanForm(request.POST)
    if not f.is_valid():
        return 400
    d = f.cleaned_data
    try:
        services.remediation_plan_create(
            actor=member(request),
            case=case,
            payer_kind=d["payer_kind"],
            amount=d["amount"],
            currency=d["currency"],
            due_date=d["due_date"],
            payer_organisation=d["payer_organisation"],
            payer_name=d["payer_name"],
            standard=d["standard"],
        )
    except services.GrievanceInputError as exc:
        return _fail(f, exc)
    return 302


def _h_payment(request: HttpRequest, case: Case, ctx: dict[str, Any]) -> int:
    f = ctx["payment_form"] = forms.PaymentRecordForm(request.POST, request.FILES)
    if not f.is_valid():
        return 400
    d = f.cleaned_data
    plan = get_object_or_404(case.plans, pk=d["plan"])
    proof = forms.uploads([d["proof"]])[0] if d.get("proof") else None
    try:
        services.remediation_payment_record(
            actor=member(request),
            plan=plan,
            amount=d["amount"],
            paid_on=d["paid_on"],
            reference=d["reference"],
            proof=proof,
        )
    except services.GrievanceInputError as exc:
        return _fail(f, exc)
    return 302


def _h_evidence(request: HttpRequest, case: Case, ctx: dict[str, Any]) -> int:
    f = ctx["evidence_form"] = forms.EvidenceForm(request.POST, request.FILES)
    if not f.is_valid():
        return 400
    try:
        services.attachment_add(
            actor=member(request), case=case, upload=forms.uploads([f.cleaned_data["file"]])[0]
        )
    except services.GrievanceInputError as exc:
        return _fail(f, exc)
    return 302


def _h_reroute(request: HttpRequest, case: Case, ctx: dict[str, Any]) -> int:
    services.case_reroute(actor=member(request), case=case)
    return 302


class _NotDone(Exception):
    """A step's handler answered with an error: nothing of the step is kept (its form token neither)."""

    def __init__(self, status: int) -> None:
        self.status = status


def _once(request: HttpRequest, case: Case, step: str, handler: Handler, ctx: dict[str, Any]) -> int:
    """Run a writing step once per form token (``{% form_token %}``): the same form sent again (a double tap, a
    page resent after a lost answer) changes nothing and answers as the first time did."""

    def run() -> Case:
        status = handler(request, case, ctx)
        if status != 302:
            raise _NotDone(status)
        return case

    try:
        idempotency.form_once(request, purpose=f"grievances.case.{step}", model=Case, create=run)
    except _NotDone as not_done:
        return not_done.status
    except IdempotencyMismatch:
        ctx["send_errors"] = [_(idempotency.FORM_RESENT)]
        return 409
    return 302


HANDLERS: dict[str, tuple[str, Handler]] = {
    "reveal": ("grievance.identity.read", _h_reveal),
    "note": ("grievance.case.respond", _h_note),
    "status": ("grievance.case.manage", _h_status),
    "close": ("grievance.case.manage", _h_close),
    "assign": ("grievance.case.manage", _h_assign),
    "refer": ("grievance.case.manage", _h_refer),
    "send": ("grievance.case.manage", _h_send),
    "respond": ("grievance.case.respond", _h_respond),
    "parties": ("grievance.case.manage", _h_parties),
    "facts": ("grievance.case.manage", _h_facts),
    "payments": ("grievance.case.manage", _h_payments),
    "plan": ("grievance.remedy.manage", _h_plan),
    "payment": ("grievance.remedy.manage", _h_payment),
    "evidence": ("grievance.case.respond", _h_evidence),
    "reroute": ("grievance.case.manage", _h_reroute),
}


@login_required
@never_cache
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One case. Opening it is logged; identity is revealed one field at a time, with a purpose (logged)."""
    user = optional_user(request)
    case = selectors.case_for(user, code)
    if case is None:
        raise Http404("No such case visible to you")
    ctx: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        step = request.POST.get("step", "")
        if step not in HANDLERS:
            return HttpResponse(status=400)
        permission, handler = HANDLERS[step]
        if permission != "grievance.identity.read" and not selectors.can_act_on(user, case, permission):
            raise PermissionDenied(_("You may not do this on this case."))
        try:
            status = handler(request, case, ctx) if step == "reveal" else _once(request, case, step, handler, ctx)
        except PermissionDenied:
            status = 403
            ctx["send_errors"] = [_("You may not do this on this case.")]
        if status == 302:
            return redirect("grievances:case", code=case.code)
        case.refresh_from_db()
    services.case_read_log(user=user, case=case, via="page")
    acting = selectors.acting_organisation(user, case)
    ctx.setdefault("reveal_form", forms.RevealForm())
    ctx.setdefault("note_form", forms.NoteForm())
    ctx.setdefault("status_form", forms.StatusForm())
    ctx.setdefault("close_form", forms.CloseForm())
    ctx.setdefault("assign_form", forms.AssignForm())
    ctx.setdefault("referral_form", forms.ReferralForm())
    ctx.setdefault(
        "parties_form",
        forms.PartiesForm(
            initial={
                "respondent_organisation": case.respondent_organisation,
                "brand": case.brand,
                "retaliation_risk": case.retaliation_risk,
            }
        ),
    )
    ctx.setdefault("facts_form", forms.FactsForm())
    ctx.setdefault("payments_formset", forms.CasePaymentFormSet(
        prefix="pay", initial=forms.case_payments_initial(case.facts or {})))
    ctx.setdefault("plan_form", forms.PlanForm())
    ctx.setdefault("evidence_form", forms.EvidenceForm())
    ctx.update(
        case=case,
        detail=selectors.case_detail(user, case),
        wages_below_minimum=selectors.wages_below_minimum(case),
        acting=acting,
        notes=case.notes.select_related("author", "organisation"),
        referrals=case.referrals.select_related("organisation"),
        plans=[
            {"plan": p, "paid": selectors.plan_paid(p), "payments": p.payments.all()} for p in case.plans.all()
        ],
        escalations=case.escalations.all(),
        attachments=case.attachments.all() if selectors.evidence_visible(user, case) else None,
        can_manage=selectors.can_act_on(user, case, "grievance.case.manage"),
        can_remedy=selectors.can_act_on(user, case, "grievance.remedy.manage"),
        can_respond=selectors.can_act_on(user, case, "grievance.case.respond"),
        can_see_log=selectors.access_log_visible(user, case),
        my_orgs={
            r.organisation_id for r in case.referrals.all() if acting and r.organisation_id == acting.pk
        },
    )
    return render(request, "grievances/case_detail.html", ctx, status=status)


@login_required
def evidence_download(request: HttpRequest, code: str, attachment_id: str) -> HttpResponse:
    user = optional_user(request)
    case = selectors.case_for(user, code)
    if case is None:
        raise Http404("No such case visible to you")
    attachment = get_object_or_404(Attachment, pk=attachment_id, case=case)
    data = services.attachment_read(user=user, attachment=attachment, purpose="download")
    from fairrecruit.grievances.storage import ALLOWED

    resp = HttpResponse(data, content_type=attachment.content_type)
    resp["Content-Disposition"] = (
        f'attachment; filename="evidence-{attachment.pk}{ALLOWED.get(attachment.content_type, "")}"'
    )
    resp["Cache-Control"] = "private, no-store"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@login_required
def case_access(request: HttpRequest, code: str) -> HttpResponse:
    """Who saw this case."""
    user = optional_user(request)
    case = selectors.case_for(user, code)
    if case is None or not selectors.access_log_visible(user, case):
        raise Http404("No such case visible to you")
    return render(
        request, "grievances/access.html", {"case": case, "events": selectors.access_log(case)[:500]}
    )


# --- routing rules (staff) ---------------------------------------------------------------------------------------


@login_required
def routing(request: HttpRequest, rule_id: int | None = None) -> HttpResponse:
    user = optional_user(request)
    if not selectors.may(user, "grievance.routing.manage"):
        raise PermissionDenied(_("Only staff edit routing rules."))
    rule = get_object_or_404(RoutingRule, pk=rule_id) if rule_id else None
    status = 200
    if request.method == "POST":
        form = forms.RoutingRuleForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:  # a new rule sent twice would route every case twice: stored once
                idempotency.form_once(request, purpose="grievances.routing", model=RoutingRule, create=lambda: (
                    services.routing_rule_save(
                        actor=user,
                        rule=rule,
                        origin=d["origin"].upper(),
                        destination=d["destination"].upper(),
                        category=d["category"],
                        target_kind=d["target_kind"],
                        organisation=d["organisation"],
                        priority=d["priority"],
                        active=d["active"],
                        note=d["note"],
                    )))
            except services.GrievanceInputError as exc:
                forms.attach_errors(form, [], exc.errors)
                status = 400
            except IdempotencyMismatch:
                form.add_error(None, _(idempotency.FORM_RESENT))
                status = 400
            else:
                return redirect("grievances:routing")
        else:
            status = 400
    elif rule is not None:
        form = forms.RoutingRuleForm(
            initial={
                "origin": rule.origin,
                "destination": rule.destination,
                "category": rule.category,
                "target_kind": rule.target_kind,
                "organisation": rule.organisation,
                "priority": rule.priority,
                "active": rule.active,
                "note": rule.note,
            }
        )
    else:
        form = forms.RoutingRuleForm()
    rules = RoutingRule.objects.select_related("organisation")
    return render(
        request, "grievances/routing.html", {"form": form, "rules": rules, "rule": rule}, status=status
    )


# --- brand remediation programmes --------------------------------------------------------------------------------


def _programme_orgs(user: User | None) -> Any:
    from fairrecruit.core.models import Organisation
    from fairrecruit.core.permissions import Scope, scope_for

    scope, orgs = scope_for(user, "grievance.programme.manage")
    if scope == Scope.ALL:
        return Organisation.objects.filter(kind="employer")
    return Organisation.objects.filter(pk__in=orgs)


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    user = optional_user(request)
    if not selectors.may(user, "grievance.programme.manage"):
        raise PermissionDenied(_("You may not run remediation programmes."))
    form = forms.ProgrammeForm()
    form.fields["organisation"].queryset = _programme_orgs(user)  # type: ignore[attr-defined]
    status = 200
    problems: list[tuple[int, str, str]] = []
    if request.method == "POST":
        form = forms.ProgrammeForm(request.POST, request.FILES)
        form.fields["organisation"].queryset = _programme_orgs(user)  # type: ignore[attr-defined]
        if form.is_valid():
            d = form.cleaned_data
            f = d["file"]
            try:
                done = programmes.programme_import(
                    actor=member(request),
                    organisation=d["organisation"],
                    name=d["name"],
                    data=f.read(),
                    filename=f.name or "",
                    standard=d["standard"],
                    instalments=d["instalments"],
                    first_due=d["first_due"],
                    interval_months=d["interval_months"],
                )
            except programmes.ProgrammeError as exc:
                form.add_error(None, str(exc))
                problems = exc.rows[:100]
                status = 400
            else:
                return redirect("grievances:programme", programme_id=done.programme.pk)
        else:
            status = 400
    return render(
        request,
        "grievances/programmes.html",
        {"form": form, "programmes": selectors.programmes_visible_to(user), "problems": problems},
        status=status,
    )


@login_required
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = optional_user(request)
    prog = get_object_or_404(selectors.programmes_visible_to(user), pk=programme_id)
    if request.GET.get("format") == "csv":
        return _programme_csv(request, prog)
    form = forms.ProgrammePaymentForm()
    file_form = forms.ProgrammePaymentsFileForm()
    status, problems = 200, []
    if request.method == "POST" and request.POST.get("step") == "file":
        file_form = forms.ProgrammePaymentsFileForm(request.POST, request.FILES)
        if file_form.is_valid():
            f = file_form.cleaned_data["file"]
            try:
                done = programmes.payments_import(actor=member(request), programme=prog, data=f.read(),
                                                  filename=f.name or "")
            except programmes.ProgrammeError as exc:
                file_form.add_error(None, str(exc))
                problems = exc.rows[:100]
            else:
                messages.success(request, _("%(n)d payment(s) recorded; %(a)d row(s) were already recorded; "
                                            "%(s)d worker(s) fully repaid.")
                                 % {"n": done.recorded, "a": done.again, "s": done.workers_settled})
                return redirect("grievances:programme", programme_id=prog.pk)
        status = 400
    elif request.method == "POST":
        form = forms.ProgrammePaymentForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            worker = programmes.worker_by_ref(prog, d["worker_ref"])
            if worker is None:
                form.add_error("worker_ref", _("No worker with this reference in the programme."))
            else:
                try:
                    programmes.programme_payment_record(
                        actor=member(request),
                        worker=worker,
                        amount=d["amount"],
                        paid_on=d["paid_on"],
                        reference=d["reference"],
                        token=d["token"],
                    )
                except programmes.ProgrammeError as exc:
                    form.add_error(None, str(exc))
                except IdempotencyMismatch:
                    form.add_error(None, _("This form was already sent with other values: reload the page to "
                                           "record another payment."))
                else:
                    return redirect("grievances:programme", programme_id=prog.pk)
        status = 400
    behind_only = request.GET.get("behind") == "1"
    page = int(request.GET["page"]) if request.GET.get("page", "").isdigit() else 1
    progress = programmes.programme_progress(prog)
    rows, has_next = programmes.workers_page(
        prog, user=user, page=page, only=progress["overdue"] if behind_only else None,
        purpose="programme page: record and follow payments",
    )
    return render(
        request,
        "grievances/programme.html",
        {
            "programme": prog,
            "progress": progress,
            "rows": rows,
            "page": page,
            "has_next": has_next,
            "behind_only": behind_only,
            "form": form,
            "file_form": file_form,
            "problems": problems,
            "standard_label": programmes.STANDARDS.get(prog.standard, prog.standard),
        },
        status=status,
    )


def _programme_csv(request: HttpRequest, prog: Any) -> HttpResponse:
    """Every worker of the programme with owed, paid and outstanding, for the payroll (each reference a logged
    read)."""
    text = programmes.programme_csv(prog, user=optional_user(request), purpose="programme CSV download")
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="programme-{prog.pk}.csv"'
    return response


# --- SMS and chat webhook ------------------------------------------------------------------------------------------


def twilio_signature(auth_token: str, url: str, params: dict[str, list[str]]) -> str:
    """Twilio's request signature: the full URL Twilio requested (with its query string), then each POST
    parameter sorted by name (a repeated name's values sorted), name and value appended with no separator; HMAC-SHA1 with the account's auth
    token; base64 (https://www.twilio.com/docs/usage/security#validating-requests)."""
    data = url + "".join(k + v for k in sorted(params) for v in sorted(set(params[k])))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def _url_variants(url: str) -> list[str]:
    """The URL as built and with/without the default port (Twilio signs what it was configured with)."""
    parts = urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme)
    host = parts.hostname or ""
    out = [url]
    if parts.port is None and default:
        out.append(urlunsplit(parts._replace(netloc=f"{host}:{default}")))
    elif parts.port == default:
        out.append(urlunsplit(parts._replace(netloc=host)))
    return out


def twilio_request_valid(request: HttpRequest, auth_token: str) -> bool:
    given = request.headers.get("X-Twilio-Signature", "")
    if not given:
        return False
    params = {k: request.POST.getlist(k) for k in request.POST}
    return any(
        hmac.compare_digest(given.encode(), twilio_signature(auth_token, u, params).encode())
        for u in _url_variants(request.build_absolute_uri())
    )


def _webhook_allowed(request: HttpRequest) -> bool:
    """Form-encoded (Twilio) requests need a valid X-Twilio-Signature when FAIRRECRUIT_TWILIO_AUTH_TOKEN is
    set; otherwise (and for RapidPro's JSON) the shared FAIRRECRUIT_GRIEVANCE_WEBHOOK_TOKEN, when set."""
    twilio_token = str(conf.get("FAIRRECRUIT_TWILIO_AUTH_TOKEN") or "")
    is_json = request.META.get("CONTENT_TYPE", "").startswith("application/json")
    if twilio_token and not is_json:
        return twilio_request_valid(request, twilio_token)
    expected = str(conf.get("FAIRRECRUIT_GRIEVANCE_WEBHOOK_TOKEN") or "")
    if not expected:
        return True
    given = request.GET.get("token", "") or request.headers.get("X-Webhook-Token", "")
    return hmac.compare_digest(given.encode(), expected.encode())


def _twiml(replies: list[str]) -> HttpResponse:
    body = "".join(f"<Message>{escape(r)}</Message>" for r in replies)
    return HttpResponse(
        f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>',
        content_type="application/xml; charset=utf-8",
    )


def parse_inbound(request: HttpRequest) -> tuple[str, str, str, str, str] | None:
    """(format, channel, sender, text, message id) of a gateway request, or None when unrecognised.

    * Twilio (form-encoded): ``From``, ``Body``, ``MessageSid``; WhatsApp senders (``whatsapp:+...``) are chat.
    * RapidPro / TextIt (JSON): ``from`` or ``urn`` or ``contact.urn``; ``text`` or ``input.text``; ``id``."""
    ctype = request.META.get("CONTENT_TYPE", "")
    if ctype.startswith("application/json"):
        try:
            body = json.loads(request.body or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError):
            return None
        if not isinstance(body, dict):
            return None
        contact: dict[str, Any] = body["contact"] if isinstance(body.get("contact"), dict) else {}
        inp: dict[str, Any] = body["input"] if isinstance(body.get("input"), dict) else {}
        sender = body.get("from") or body.get("urn") or contact.get("urn") or ""
        text = body.get("text") if "text" in body else inp.get("text", "")
        mid = body.get("id") or body.get("message_id") or inp.get("uuid") or ""
        if not isinstance(sender, str) or not isinstance(text, str) or not sender:
            return None
        channel = Channel.SMS if sender.startswith(("tel:", "+")) or sender[:1].isdigit() else Channel.CHAT
        return "rapidpro", channel, sender, text, str(mid)
    sender = request.POST.get("From", "")
    if not sender:
        return None
    channel = Channel.CHAT if sender.startswith(("whatsapp:", "messenger:")) else Channel.SMS
    return "twilio", channel, sender, request.POST.get("Body", ""), request.POST.get("MessageSid", "")


@csrf_exempt
@require_POST
def message_webhook(request: HttpRequest) -> HttpResponse:
    """One webhook for SMS and chat gateways: message in, replies out (TwiML for Twilio, JSON for RapidPro)."""
    if not _webhook_allowed(request):
        return HttpResponse(status=403)
    parsed = parse_inbound(request)
    if parsed is None:
        return JsonResponse(
            {"errors": [{"field": "(body)", "message": "not a Twilio or RapidPro message"}]}, status=400
        )
    fmt, channel, sender, text, mid = parsed
    try:
        out = services.conversation_handle(channel=channel, sender=sender, text=text[:2000], message_id=mid)
    except services.GrievanceInputError as exc:
        return JsonResponse({"errors": [e.as_dict() for e in exc.errors]}, status=400)
    if fmt == "twilio":
        return _twiml(out.replies)
    return JsonResponse(
        {"to": sender, "messages": [{"text": r} for r in out.replies]},
        json_dumps_params={"ensure_ascii": False},
    )
