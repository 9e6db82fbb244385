"""Demo data of the certification scheme, made through the same services as the pages: an IRIS v1.2 scheme, a
certification body with a manager and two accredited auditors, and three recruiters from the demo registry
(created when the registry is empty): one certified, one certified then suspended, one with its audit under
way. Idempotent: nothing happens when the demo scheme exists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from fairrecruit.certification import services as svc
from fairrecruit.certification.models import Audit, Certificate, CertificationBody, Grade, Scheme
from fairrecruit.core.models import Organisation, OrganisationKind, Role, User
from fairrecruit.core.services import membership_grant, organisation_create
from fairrecruit.registry.models import Actor, ActorKind
from fairrecruit.registry.services import actor_create

SCHEME_CODE = "iris-v1-2"
PASSWORD = "demo-password"
BODY_NAME = "Demo Certification Body (Fair Audits Ltd)"
# usernames -> role at the body
BODY_USERS = {"certbody": Role.CERTIFICATION_BODY, "auditor": Role.AUDITOR, "auditor2": Role.AUDITOR}
FALLBACK_ACTORS = [
    ("NP-DEMO-CERT-1", "Annapurna Fair Manpower Pvt. Ltd."),
    ("NP-DEMO-CERT-2", "Lumbini Overseas Employment"),
    ("NP-DEMO-CERT-3", "Sagarmatha Careers Pvt. Ltd."),
]


@dataclass
class DemoResult:
    created: bool
    certificates: list[Certificate] = field(default_factory=list)
    audit: Audit | None = None


def _org(name: str, kind: str, country: str = "") -> Organisation:
    return Organisation.objects.filter(name=name).first() or organisation_create(
        actor=None, name=name, kind=kind, country=country
    )


def _user(username: str, org: Organisation, role: str, staff: bool = False) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=PASSWORD, is_staff=staff)
    membership_grant(actor=None, user=user, organisation=org, role=role)
    return user


def _recruiters() -> list[Actor]:
    """Three licensed Nepali agencies of the demo registry (it runs after registry_demo), else made here."""
    found = list(
        Actor.objects.filter(kind=ActorKind.LICENSED_AGENCY, country="NP", merged_into__isnull=True).order_by(
            "identifier"
        )[:3]
    )
    if len(found) == 3:
        return found
    return [
        Actor.objects.filter(identifier=ident).first()
        or actor_create(
            actor_user=None, name=name, kind=ActorKind.LICENSED_AGENCY, identifier=ident, country="NP"
        )
        for ident, name in FALLBACK_ACTORS
    ]


def _planned(
    scheme: Scheme, body: CertificationBody, manager: User, actor: Actor, n: int, lead: User, team: list[User]
) -> tuple[Audit, User]:
    from fairrecruit.reviews.models import RegistryClaim

    org = _org(actor.name, OrganisationKind.AGENCY, actor.country)
    user = _user(f"recruiter{n}" if n > 1 else "recruiter", org, Role.RECRUITER)
    RegistryClaim.objects.get_or_create(organisation=org, actor=actor)
    sa = svc.self_assessment_start(user=user, scheme=scheme, organisation=org, recruiter=actor)
    for c in scheme.criteria:
        svc.self_assessment_score(
            user=user, self_assessment=sa, criterion_id=c["id"], score=3, comment="policy in place (demo)"
        )
    app = svc.application_submit(
        user=user,
        self_assessment=sa,
        body=body,
        corridors=["NP-QA", "NP-AE"],
        sectors=["construction", "hospitality"],
        placements_per_year=36,
    )
    svc.eligibility_review(user=manager, application=app, outcome="accept", reason="complete file (demo)")
    svc.invoice_issue(user=manager, application=app, kind="application")
    today = timezone.localdate()
    audit = svc.audit_plan(
        user=manager,
        audit=app.audits.get(),
        lead_auditor=lead,
        start=today,
        end=today + dt.timedelta(days=1),
        team=team,
    )
    svc.invoice_issue(user=manager, application=app, kind="audit", audit=audit)
    return audit, user


def _certify(audit: Audit, lead: User, manager: User) -> Certificate:
    today = timezone.localdate()
    for _i in range(audit.sample_size):
        svc.interview_record(
            user=lead,
            audit=audit,
            conducted_on=today,
            answers={
                "paid_fees": "no",
                "documents_taken": "no",
                "contract_matched": "yes",
                "wage_as_promised": "yes",
                "free_to_change": "yes",
            },
        )
    for c in audit.application.scheme.criteria:
        svc.finding_record(user=lead, audit=audit, criterion_id=c["id"], grade=Grade.CONFORMITY)
    svc.audit_report_submit(user=lead, audit=audit, summary="On-site audit of the head office (demo).")
    svc.certification_decide(user=manager, audit=audit, granted=True, reason="all criteria conform (demo)")
    cert = audit.application.certificates.get()
    svc.invoice_issue(user=manager, application=audit.application, kind="certificate")
    return cert


@transaction.atomic
def load(*, dry_run: bool = False) -> DemoResult:
    if Scheme.objects.filter(code=SCHEME_CODE).exists():
        return DemoResult(created=False)
    platform = _org("FairRecruit demo operator", OrganisationKind.PLATFORM)
    owner = _user("schemeowner", platform, Role.STAFF, staff=True)
    scheme = svc.scheme_create(
        user=owner,
        code=SCHEME_CODE,
        name="IRIS v1.2 ethical recruitment certification (demo)",
        standard_id="iris",
        fees={"currency": "USD", "application": "500", "audit_day": "800", "certificate": "300"},
    )
    body_org = _org(BODY_NAME, OrganisationKind.CERTIFICATION_BODY, "GB")
    body = svc.body_create(user=owner, organisation=body_org, accreditation="DEMO-ACC-0001", schemes=[scheme])
    users = {name: _user(name, body_org, role) for name, role in BODY_USERS.items()}
    manager, auditor, auditor2 = users["certbody"], users["auditor"], users["auditor2"]
    start = timezone.localdate() - dt.timedelta(days=365)
    for a in (auditor, auditor2):
        svc.auditor_accredit(
            user=manager,
            body=body,
            auditor=a,
            scheme=scheme,
            valid_from=start,
            valid_until=start + dt.timedelta(days=3 * 365),
            scope=["NP-QA", "NP-AE", "construction", "hospitality"],
        )
    certified_actor, suspended_actor, audited_actor = _recruiters()
    svc.conflict_declare(
        user=auditor2, recruiter=audited_actor, nature="former consultant of this agency (demo)"
    )
    out = DemoResult(created=True)
    audit, _u = _planned(scheme, body, manager, certified_actor, 1, auditor, [auditor2])
    out.certificates.append(_certify(audit, auditor, manager))
    audit, _u = _planned(scheme, body, manager, suspended_actor, 2, auditor2, [auditor])
    cert = _certify(audit, auditor2, manager)
    svc.certificate_status_change(
        user=manager,
        certificate=cert,
        change="suspend",
        reason="Workers reported paying recruitment fees; special audit pending (demo).",
    )
    out.certificates.append(cert)
    out.audit, _u = _planned(scheme, body, manager, audited_actor, 3, auditor, [])
    if dry_run:
        transaction.set_rollback(True)
    return out
