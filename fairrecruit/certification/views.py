"""Pages of the certification scheme. Thin: objects are looked up through the scoped selectors (a file the
user may not see is a 404), the services decide and check permissions (PermissionDenied is a 403)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fairrecruit.certification import conf, forms, pdf, selectors, storage
from fairrecruit.certification import services as svc
from fairrecruit.certification.models import (
    ActionStatus,
    Alert,
    AlertStatus,
    CertificateStatus,
    CertificationBody,
    ConflictDeclaration,
    CorrectiveAction,
    EvidenceFile,
    Grade,
    Invoice,
    Scheme,
)
from fairrecruit.certification.monitoring import monitor_run
from fairrecruit.core import idempotency, links
from fairrecruit.core.forms import row_id, whole_number
from fairrecruit.core.models import Membership, Organisation, Role, User
from fairrecruit.core.permissions import Scope, can, scope_for
from fairrecruit.core.services import audit_record
from fairrecruit.registry.models import Actor
from fairrecruit.standards.loader import get_rules


def _user(request: HttpRequest) -> User:
    """The signed-in user (views below are login_required)."""
    return cast(User, request.user)


def _try(fn: Callable[[], Any]) -> str | None:
    try:
        fn()
    except svc.CertificationError as exc:
        return str(exc)
    return None


def _date(v: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(v) if v else None
    except ValueError:
        return None


def _files(request: HttpRequest) -> list[tuple[str, bytes]]:
    return [(f.name or "", f.read()) for f in request.FILES.getlist("files")]


def _picked(qs: Any, value: str | None) -> Any:
    """The row chosen in a list field of a form, or None when nothing (or not an id) was sent."""
    pk = row_id(value)
    return qs.filter(pk=pk).first() if pk is not None else None


def _list(v: str) -> list[str]:
    return [x.strip() for x in v.replace(";", ",").split(",") if x.strip()]


def _role_orgs(user: Any, role: str) -> list[Organisation]:
    return [
        m.organisation for m in Membership.objects.filter(user=user, role=role).select_related("organisation")
    ]


# --- public ------------------------------------------------------------------------------------------------


def register(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    q = (request.GET.get("q") or "").strip()[:100]
    return render(
        request,
        "certification/register.html",
        {
            "certificates": selectors.register(status, q),
            "status": status or "",
            "q": q,
            "statuses": [(s, CertificateStatus(s).label) for s in selectors.PUBLIC_STATUSES],
        },
    )


def verify_lookup(request: HttpRequest) -> HttpResponse:
    number = (request.GET.get("number") or "").strip()
    if number and (len(number) > 100 or "/" in number):  # no certificate has such a number; no URL can hold it
        return verify(request, number[:100])
    if number:
        return redirect("certification:verify", number=number)
    return render(request, "certification/verify.html", {"result": None, "number": ""})


def verify(request: HttpRequest, number: str) -> HttpResponse:
    result = selectors.verification(number)
    return render(
        request,
        "certification/verify.html",
        {"result": result, "number": number},
        status=200 if result else 404,
    )


def verify_url(request: HttpRequest, number: str) -> str:
    path = reverse("certification:verify", args=[number])
    return links.absolute(request, path, override=str(conf.get("FAIRRECRUIT_CERT_PUBLIC_URL")))


def certificate_pdf(request: HttpRequest, number: str) -> HttpResponse:
    result = selectors.verification(number)
    if result is None:
        raise Http404(_("No such certificate"))
    cert = result["certificate"]
    resp = HttpResponse(
        pdf.certificate_pdf(cert, verify_url=verify_url(request, cert.number)), content_type="application/pdf"
    )
    resp["Content-Disposition"] = f'inline; filename="certificate-{cert.number}.pdf"'
    return resp


# --- signed-in home ------------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    certificates = list(selectors.certificates_for(user).select_related("body")[:50])
    return render(
        request,
        "certification/home.html",
        {
            "schemes": Scheme.objects.filter(active=True),
            "self_assessments": selectors.self_assessments_for(user)[:50],
            "applications": selectors.applications_for(user)[:50],
            "audits": selectors.audits_for(user)[:50],
            "certificates": certificates,
            "manageable": {
                c.pk for c in certificates if can(user, "certification.certificate.manage", c.body.organisation_id)
            },
            "alerts": selectors.alerts_for(user).filter(status=AlertStatus.OPEN)[:50],
            "can_apply": scope_for(user, "certification.apply")[1] != set(),
            "can_manage_schemes": can(user, "certification.scheme.manage"),
            "can_monitor": selectors.can_monitor(user),
            "can_manage_bodies": scope_for(user, "certification.body.manage")[0] != Scope.NONE,
            "can_see_invoices": scope_for(user, "certification.file.view")[0] != Scope.NONE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def scheme_new(request: HttpRequest) -> HttpResponse:
    if not can(_user(request), "certification.scheme.manage"):
        raise PermissionDenied
    error = None
    if request.method == "POST":
        p = request.POST
        holder: dict[str, Any] = {}
        validity = whole_number(p.get("validity_months"), 36)
        surveillance = whole_number(p.get("surveillance_months"), 12)

        def create() -> None:
            if validity is None or surveillance is None:
                raise svc.CertificationError(
                    _("Validity and surveillance interval: give whole numbers of months, e.g. 36 and 12.")
                )
            holder["s"] = svc.scheme_create(
                user=_user(request),
                code=p.get("code", "").strip(),
                name=p.get("name", "").strip(),
                standard_id=p.get("standard", ""),
                validity_months=validity,
                surveillance_months=surveillance,
                fees={
                    "currency": p.get("fee_currency", "USD"),
                    "application": p.get("fee_application", ""),
                    "audit_day": p.get("fee_audit_day", ""),
                },
            )

        error = _try(create)
        if error is None:
            return redirect("certification:scheme", code=holder["s"].code)
    return render(
        request,
        "certification/scheme_new.html",
        {"standards": get_rules().standards.values(), "error": error},
    )


def _scheme(code: str) -> Scheme:
    return get_object_or_404(Scheme, code=code)


def scheme_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Public: what the scheme asks of a recruiter (criteria, evidence expected, fees, validity)."""
    scheme = _scheme(code)
    return render(request, "certification/scheme.html", {"scheme": scheme, "fees": selectors.fee_lines(scheme)})


@login_required
@require_http_methods(["GET", "POST"])
def monitoring(request: HttpRequest, code: str) -> HttpResponse:
    scheme = _scheme(code)
    if not selectors.can_monitor(_user(request)):
        raise PermissionDenied
    error, ran = None, None
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "run":
            ran = monitor_run(user=_user(request), scheme=scheme)
        elif op == "close":
            alert = get_object_or_404(
                selectors.alerts_for(_user(request), scheme), pk=request.POST.get("alert")
            )
            error = _try(
                lambda: svc.alert_close(
                    user=_user(request), alert=alert, resolution=request.POST.get("resolution", "")
                )
            )
            if error is None:
                return redirect("certification:monitoring", code=code)
    return render(
        request,
        "certification/monitoring.html",
        {**selectors.scheme_dashboard(_user(request), scheme), "error": error, "ran": ran},
    )


# --- recruiter ------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment_new(request: HttpRequest) -> HttpResponse:
    from fairrecruit.reviews.models import RegistryClaim

    orgs = _role_orgs(_user(request), Role.RECRUITER)
    claims = RegistryClaim.objects.filter(organisation__in=orgs).select_related("actor", "organisation")
    error = None
    if request.method == "POST":
        claim = _picked(claims, request.POST.get("claim"))
        scheme = _picked(Scheme.objects.filter(active=True), request.POST.get("scheme"))
        holder: dict[str, Any] = {}

        def start() -> None:
            if claim is None:
                raise svc.CertificationError(_("Choose the agency you speak for."))
            if scheme is None:
                raise svc.CertificationError(_("Choose the scheme."))
            holder["sa"] = svc.self_assessment_start(
                user=_user(request),
                scheme=scheme,
                organisation=claim.organisation,
                recruiter=claim.actor,
            )

        error = _try(start)
        if error is None:
            return redirect("certification:self_assessment", pk=holder["sa"].pk)
    return render(
        request,
        "certification/self_assessment_new.html",
        {"claims": claims, "schemes": Scheme.objects.filter(active=True), "error": error},
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    sa = get_object_or_404(selectors.self_assessments_for(_user(request)), pk=pk)
    error = None
    if request.method == "POST":
        p = request.POST
        if p.get("op") == "score":
            error = _try(
                lambda: svc.self_assessment_score(
                    user=_user(request),
                    self_assessment=sa,
                    criterion_id=p.get("criterion", ""),
                    score=whole_number(p.get("score"), -1, invalid=-1),
                    comment=p.get("comment", ""),
                    files=_files(request),
                )
            )
        elif p.get("op") == "apply":
            body = _picked(CertificationBody.objects, p.get("body"))
            holder: dict[str, Any] = {}

            def apply() -> None:
                if body is None:
                    raise svc.CertificationError(_("Choose the certification body."))
                holder["app"] = svc.application_submit(
                    user=_user(request),
                    self_assessment=sa,
                    body=body,
                    corridors=_list(p.get("corridors", "")),
                    sectors=_list(p.get("sectors", "")),
                    placements_per_year=whole_number(p.get("placements"), 0, invalid=-1),
                )

            error = _try(apply)
            if error is None:
                return redirect("certification:application", pk=holder["app"].pk)
        if error is None:
            return redirect("certification:self_assessment", pk=sa.pk)
    return render(
        request,
        "certification/self_assessment.html",
        {
            "sa": sa,
            "report": selectors.readiness_report(sa),
            "bodies": CertificationBody.objects.filter(schemes=sa.scheme).select_related("organisation"),
            "editable": sa.submitted_at is None
            and can(_user(request), "certification.apply", sa.organisation_id),
            "error": error,
        },
    )


# --- certification body and auditor ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def application(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(selectors.applications_for(_user(request)), pk=pk)
    error = None
    body_org = app.body.organisation_id
    if request.method == "POST":
        p = request.POST
        if p.get("op") == "eligibility":
            error = _try(
                lambda: svc.eligibility_review(
                    user=_user(request),
                    application=app,
                    outcome=p.get("outcome", ""),
                    reason=p.get("reason", ""),
                    deferred_until=_date(p.get("deferred_until")),
                )
            )
        if error is None:
            return redirect("certification:application", pk=app.pk)
    return render(
        request,
        "certification/application.html",
        {
            "app": app,
            "audits": selectors.audits_for(_user(request)).filter(application=app),
            "can_review": can(_user(request), "certification.eligibility.review", body_org),
            "error": error,
        },
    )


def _auditors(audit: Any) -> list[User]:
    accs = audit.application.body.accreditations.filter(
        scheme=audit.application.scheme, revoked_at__isnull=True
    )
    return [a.user for a in accs.select_related("user")]


@login_required
@require_http_methods(["GET", "POST"])
def audit(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(selectors.audits_for(_user(request)), pk=pk)
    user: Any = _user(request)
    error = None
    if request.method == "POST":
        p = request.POST
        op = p.get("op")
        if op == "plan":
            auditor = _picked(User.objects, p.get("auditor"))
            team = list(User.objects.filter(pk__in=[i for i in map(row_id, p.getlist("team")) if i]))
            start, end = _date(p.get("start")), _date(p.get("end"))
            error = (
                _("Choose the lead auditor.")
                if auditor is None
                else _("Give the start and end dates.")
                if not (start and end)
                else _try(
                    lambda: svc.audit_plan(
                        user=user, audit=a, lead_auditor=auditor, start=start, end=end, team=team
                    )
                )
            )
        elif op == "finding":
            error = _try(
                lambda: svc.finding_record(
                    user=user,
                    audit=a,
                    criterion_id=p.get("criterion", ""),
                    grade=p.get("grade", ""),
                    note=p.get("note", ""),
                    files=_files(request),
                )
            )
        elif op == "interview":
            answers = {k: p.get(k, "") for k in svc.INTERVIEW_TOPICS}
            error = _try(
                lambda: svc.interview_record(
                    user=user,
                    audit=a,
                    conducted_on=_date(p.get("conducted_on")) or dt.date.today(),
                    answers=answers,
                    note=p.get("note", ""),
                )
            )
        elif op == "report":
            error = _try(lambda: svc.audit_report_submit(user=user, audit=a, summary=p.get("summary", "")))
        elif op == "action":
            finding = _picked(a.findings, p.get("finding"))
            deadline = _date(p.get("deadline"))
            error = (
                _("Choose the finding.")
                if finding is None
                else _("Give the deadline.")
                if deadline is None
                else _try(
                    lambda: svc.corrective_action_create(
                        user=user,
                        finding=finding,
                        description=p.get("description", ""),
                        owner=p.get("owner", ""),
                        deadline=deadline,
                    )
                )
            )
        elif op in ("respond", "close"):
            action = _picked(CorrectiveAction.objects.filter(finding__audit=a), p.get("action"))
            if action is None:
                error = _("Choose the corrective action.")
            elif op == "respond":
                error = _try(
                    lambda: svc.corrective_action_respond(
                        user=user, action=action, response=p.get("response", ""), files=_files(request)
                    )
                )
            else:
                error = _try(
                    lambda: svc.corrective_action_close(user=user, action=action, note=p.get("note", ""))
                )
        elif op == "decide":
            error = _try(
                lambda: svc.certification_decide(
                    user=user, audit=a, granted=p.get("granted") == "yes", reason=p.get("reason", "")
                )
            )
        if error is None:
            return redirect("certification:audit", pk=a.pk)
    app = a.application
    findings = {f.criterion_id: f for f in a.findings.prefetch_related("actions__evidence", "evidence")}
    rows = [{"criterion": c, "finding": findings.get(c["id"])} for c in app.scheme.criteria]
    is_lead = a.lead_auditor_id == user.pk
    on_team = svc.on_team(user, a)
    return render(
        request,
        "certification/audit.html",
        {
            "audit": a,
            "app": app,
            "rows": rows,
            "interviews": selectors.interviews_view(user, a),
            "team": list(a.team.all()),
            "min_aggregate": selectors.INTERVIEW_MIN_AGGREGATE,
            "is_lead": is_lead and a.status == "planned",
            "interview_keys": list(svc.INTERVIEW_TOPICS),
            "grades": Grade.choices,
            "is_auditor": on_team and a.status == "planned",
            "is_recruiter": can(user, "certification.apply", app.organisation_id),
            "can_plan": can(user, "certification.audit.plan", app.body.organisation_id)
            and a.status in ("to_plan", "planned"),
            "can_decide": can(user, "certification.decide", app.body.organisation_id)
            and not on_team
            and a.status == "reported",
            "auditors": _auditors(a),
            "blockers": svc.decision_blockers(a) if a.status == "reported" else [],
            "action_statuses": ActionStatus,
            "error": error,
        },
    )


@login_required
def audit_report(request: HttpRequest, pk: int) -> HttpResponse:
    a = get_object_or_404(selectors.audits_for(_user(request)), pk=pk)
    per_interview = selectors.interviews_view(_user(request), a)["full"]
    resp = HttpResponse(pdf.audit_report_pdf(a, per_interview=per_interview), content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="audit-report-{a.pk}.pdf"'
    return resp


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    f = get_object_or_404(EvidenceFile.objects.select_related("sa_item", "finding", "action__finding"), pk=pk)
    if not selectors.evidence_visible(_user(request), f):
        raise Http404
    data = storage.read(f.storage_name)
    audit_record(
        actor=_user(request), action="certification.evidence.read", target=f, new={"sha256": f.sha256}
    )
    resp = HttpResponse(data, content_type=f.content_type)
    resp["Content-Disposition"] = "attachment"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@login_required
@require_http_methods(["GET", "POST"])
def certificate_manage(request: HttpRequest, number: str) -> HttpResponse:
    cert = get_object_or_404(selectors.certificates_for(_user(request)), number=number)
    if not can(_user(request), "certification.certificate.manage", cert.body.organisation_id):
        raise PermissionDenied
    error = None
    alerts = Alert.objects.filter(certificate=cert, status=AlertStatus.OPEN)
    if request.method == "POST":
        p = request.POST
        alert = alerts.filter(pk=p.get("alert", "")).first() if p.get("alert") else None
        error = _try(
            lambda: svc.certificate_status_change(
                user=_user(request),
                certificate=cert,
                change=p.get("change", ""),
                reason=p.get("reason", ""),
                alert=alert,
            )
        )
        if error is None:
            return redirect("certification:certificate_manage", number=cert.number)
    return render(
        request,
        "certification/certificate_manage.html",
        {"cert": cert, "alerts": alerts, "history": cert.history.all(), "error": error},
    )


@login_required
@require_http_methods(["GET", "POST"])
def conflicts(request: HttpRequest) -> HttpResponse:
    error = None
    if request.method == "POST":
        actor = Actor.objects.filter(identifier=request.POST.get("identifier", "").strip()).first()
        if actor is None:
            error = _("No registry record with this identifier.")
        else:
            error = _try(
                lambda: svc.conflict_declare(
                    user=_user(request),
                    recruiter=actor,
                    nature=request.POST.get("nature", ""),
                    ends_on=_date(request.POST.get("ends_on")),
                )
            )
        if error is None:
            return redirect("certification:conflicts")
    return render(
        request,
        "certification/conflicts.html",
        {
            "declarations": ConflictDeclaration.objects.filter(user=_user(request)).select_related("actor"),
            "error": error,
        },
    )


# --- scheme owner and certification bodies: bodies, auditors, conflicts, scheme settings, invoices ----------


def _require_any(user: User, permission: str) -> None:
    if scope_for(user, permission)[0] == Scope.NONE:
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def bodies(request: HttpRequest) -> HttpResponse:
    """Staff: every certification body and a form to register one; a body's managers: their own."""
    user = _user(request)
    _require_any(user, "certification.body.manage")
    owner = can(user, "certification.scheme.manage")
    form = forms.BodyCreateForm(request.POST or None) if owner else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            body = forms.apply(
                form,
                lambda: svc.body_create(
                    user=user,
                    organisation=d["organisation"],
                    accreditation=d["accreditation"],
                    schemes=d["schemes"],
                ),
            )
            if body is not None:
                return redirect("certification:body", pk=body.pk)
    return render(
        request,
        "certification/bodies.html",
        {"bodies": selectors.bodies_for(user), "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def body(request: HttpRequest, pk: int) -> HttpResponse:
    """A certification body: its schemes (the scheme owner edits them) and its accredited auditors (the body
    accredits, re-accredits and suspends them)."""
    user = _user(request)
    b = get_object_or_404(selectors.bodies_for(user), pk=pk)
    owner = can(user, "certification.scheme.manage")
    op = request.POST.get("op") if request.method == "POST" else None
    edit_form = forms.BodyEditForm(
        request.POST if op == "edit" else None,
        initial={"accreditation": b.accreditation, "schemes": list(b.schemes.all())},
    )
    accredit_form = forms.AccreditForm(request.POST if op == "accredit" else None, body=b)
    suspend_form = forms.SuspendForm(request.POST if op == "suspend" else None)
    done: Any = None
    if op == "edit" and owner and edit_form.is_valid():
        d = edit_form.cleaned_data
        done = forms.apply(
            edit_form,
            lambda: svc.body_update(
                user=user, body=b, accreditation=d["accreditation"], schemes=d["schemes"]
            ),
        )
    elif op == "edit":
        if not owner:
            raise PermissionDenied
    elif op == "accredit" and accredit_form.is_valid():
        d = accredit_form.cleaned_data
        done = forms.apply(
            accredit_form,
            lambda: svc.auditor_accredit(
                user=user,
                body=b,
                auditor=d["auditor"],
                scheme=d["scheme"],
                valid_from=d["valid_from"],
                valid_until=d["valid_until"],
                scope=accredit_form.scope_list(),
            ),
        )
    elif op == "suspend":
        acc = _picked(b.accreditations, request.POST.get("accreditation"))
        if acc is None:
            suspend_form.add_error(None, _("Choose the accreditation to suspend."))
        elif suspend_form.is_valid():
            done = forms.apply(
                suspend_form,
                lambda: svc.auditor_suspend(
                    user=user, accreditation=acc, reason=suspend_form.cleaned_data["reason"]
                ),
            )
    if done is not None:
        return redirect("certification:body", pk=b.pk)
    bad = any(f.errors for f in (edit_form, accredit_form, suspend_form))
    return render(
        request,
        "certification/body.html",
        {
            "body": b,
            "owner": owner,
            "edit_form": edit_form,
            "accredit_form": accredit_form,
            "suspend_form": suspend_form,
            "suspend_target": request.POST.get("accreditation") if op == "suspend" else None,
            "accreditations": b.accreditations.select_related("user", "scheme").order_by(
                "user__username", "scheme__code"
            ),
            "today": dt.date.today(),
        },
        status=400 if bad else 200,
    )


@login_required
def conflict_register(request: HttpRequest) -> HttpResponse:
    """Declared conflicts of interest of the auditors a body (or staff) manages."""
    user = _user(request)
    _require_any(user, "certification.body.manage")
    return render(
        request,
        "certification/conflict_register.html",
        {"declarations": selectors.conflicts_for(user)[:500], "today": dt.date.today()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def scheme_settings(request: HttpRequest, code: str) -> HttpResponse:
    """The scheme owner edits the evidence expected per criterion, the monitoring thresholds and the fees."""
    user = _user(request)
    if not can(user, "certification.scheme.manage"):
        raise PermissionDenied
    scheme = _scheme(code)
    op = request.POST.get("op") if request.method == "POST" else None
    evidence_form = forms.EvidenceForm(request.POST if op == "evidence" else None, scheme=scheme)
    thresholds_form = forms.ThresholdsForm(
        request.POST if op == "thresholds" else None, initial=forms.ThresholdsForm.initial_for(scheme)
    )
    fees_form = forms.FeesForm(
        request.POST if op == "fees" else None, initial=forms.FeesForm.initial_for(scheme)
    )
    done: Any = None
    if op == "evidence" and evidence_form.is_valid():
        done = forms.apply(
            evidence_form,
            lambda: svc.scheme_evidence_set(user=user, scheme=scheme, evidence=evidence_form.evidence()),
        )
    elif op == "thresholds" and thresholds_form.is_valid():
        done = forms.apply(
            thresholds_form,
            lambda: svc.scheme_thresholds_set(
                user=user, scheme=scheme, thresholds=thresholds_form.thresholds()
            ),
        )
    elif op == "fees" and fees_form.is_valid():
        done = forms.apply(
            fees_form, lambda: svc.scheme_fees_set(user=user, scheme=scheme, fees=fees_form.fees())
        )
    if done is not None:
        return redirect(reverse("certification:scheme_settings", args=[scheme.code]) + f"#{op}")
    bad = any(f.errors for f in (evidence_form, thresholds_form, fees_form))
    return render(
        request,
        "certification/scheme_settings.html",
        {
            "scheme": scheme,
            "evidence_form": evidence_form,
            "thresholds_form": thresholds_form,
            "fees_form": fees_form,
        },
        status=400 if bad else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invoices(request: HttpRequest) -> HttpResponse:
    """Invoices of scheme fees: a body sees and issues its own, a recruiter sees only its organisation's."""
    user = _user(request)
    _everything, orgs = scope_for(user, "certification.invoice.manage")
    issuer = _everything == Scope.ALL or bool(orgs)
    apps = selectors.applications_for(user)
    if _everything != Scope.ALL:
        apps = apps.filter(body__organisation_id__in=orgs)
    form = forms.InvoiceForm(request.POST or None, applications=apps) if issuer else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            inv = forms.apply(
                form,
                lambda: idempotency.form_once(
                    request, purpose="certification.invoice", model=Invoice,
                    create=lambda: svc.invoice_issue(
                        user=user, application=d["application"], kind=d["kind"], audit=d["audit"]
                    ),
                ).obj,
            )
            if inv is not None:
                return redirect("certification:invoice", number=inv.number)
    return render(
        request,
        "certification/invoices.html",
        {"invoices": selectors.invoices_for(user)[:200], "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invoice(request: HttpRequest, number: str) -> HttpResponse:
    user = _user(request)
    inv = get_object_or_404(selectors.invoices_for(user), number=number)
    manage = can(user, "certification.invoice.manage", inv.body.organisation_id)
    form = forms.InvoiceStatusForm(request.POST or None) if manage and inv.status == "issued" else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            done = forms.apply(
                form,
                lambda: svc.invoice_status_set(
                    user=user, invoice=inv, status=d["status"], paid_on=d["paid_on"], reason=d["reason"]
                ),
            )
            if done is not None:
                return redirect("certification:invoice", number=inv.number)
    return render(
        request,
        "certification/invoice.html",
        {"invoice": inv, "form": form},
        status=400 if form is not None and form.errors else 200,
    )
