"""A small world for the certification tests: a scheme against IRIS, a certification body with a manager and
two accredited auditors (one with a declared conflict), and two recruiters each with its own user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from fairrecruit.certification import services as svc
from fairrecruit.certification.models import Application, Audit, Certificate, Grade, SelfAssessment
from fairrecruit.core.models import Organisation, Role, User
from fairrecruit.core.services import membership_grant, organisation_create
from fairrecruit.registry.models import Actor
from fairrecruit.registry.services import actor_create
from fairrecruit.reviews.models import RegistryClaim

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = dt.date.today


def member(name: str, org: Organisation, role: str) -> User:
    u = User.objects.create_user(name)
    membership_grant(actor=None, user=u, organisation=org, role=role)
    return u


class World:
    def __init__(self) -> None:
        platform = organisation_create(actor=None, name="FairRecruit", kind="platform")
        self.staff = member("staff", platform, Role.STAFF)
        self.scheme = svc.scheme_create(
            user=self.staff,
            code="iris-fr",
            name="IRIS certification",
            standard_id="iris",
            fees={"currency": "USD", "application": 500, "audit_day": 800},
            interview_min=3,
            interview_max=10,
        )
        self.cb_org = organisation_create(actor=None, name="Ethical Audits Ltd", kind="certification_body")
        self.body = svc.body_create(
            user=self.staff, organisation=self.cb_org, accreditation="ACC-1", schemes=[self.scheme]
        )
        self.manager = member("cbmanager", self.cb_org, Role.CERTIFICATION_BODY)
        self.auditor = member("auditor", self.cb_org, Role.AUDITOR)
        self.auditor2 = member("auditor2", self.cb_org, Role.AUDITOR)
        for a in (self.auditor, self.auditor2):
            svc.auditor_accredit(
                user=self.manager,
                body=self.body,
                auditor=a,
                scheme=self.scheme,
                valid_from=TODAY() - dt.timedelta(days=30),
            )
        self.actor = actor_create(
            actor_user=None,
            name="Himalaya Manpower Pvt. Ltd.",
            kind="licensed_agency",
            identifier="NP-DOFE-1234",
            country="NP",
        )
        self.other_actor = actor_create(
            actor_user=None,
            name="Everest Recruiters",
            kind="licensed_agency",
            identifier="NP-DOFE-9999",
            country="NP",
        )
        self.rec_org = organisation_create(actor=None, name="Himalaya Manpower", kind="agency", country="NP")
        self.other_org = organisation_create(
            actor=None, name="Everest Recruiters", kind="agency", country="NP"
        )
        self.recruiter = member("recruiter", self.rec_org, Role.RECRUITER)
        self.other_recruiter = member("other", self.other_org, Role.RECRUITER)
        RegistryClaim.objects.create(organisation=self.rec_org, actor=self.actor)
        RegistryClaim.objects.create(organisation=self.other_org, actor=self.other_actor)
        svc.conflict_declare(user=self.auditor2, recruiter=self.actor, nature="was its consultant in 2025")

    def self_assessment(
        self, org: Organisation | None = None, user: User | None = None, actor: Actor | None = None
    ) -> SelfAssessment:
        sa = svc.self_assessment_start(
            user=user or self.recruiter,
            scheme=self.scheme,
            organisation=org or self.rec_org,
            recruiter=actor or self.actor,
        )
        for i, c in enumerate(self.scheme.criteria):
            svc.self_assessment_score(
                user=user or self.recruiter,
                self_assessment=sa,
                criterion_id=c["id"],
                score=3,
                comment="in place",
                files=[("policy.pdf", PDF)] if i == 0 else [],
            )
        return sa

    def application(self) -> Application:
        sa = self.self_assessment()
        return svc.application_submit(
            user=self.recruiter,
            self_assessment=sa,
            body=self.body,
            corridors=["NP-QA", "NP-AE"],
            sectors=["construction"],
            placements_per_year=64,
        )

    def planned_audit(self) -> Audit:
        app = self.application()
        svc.eligibility_review(user=self.manager, application=app, outcome="accept", reason="complete")
        audit = app.audits.get()
        return svc.audit_plan(
            user=self.manager,
            audit=audit,
            lead_auditor=self.auditor,
            start=TODAY(),
            end=TODAY() + dt.timedelta(days=2),
        )

    def conduct(self, audit: Audit, *, fee_reports: int = 0) -> Audit:
        """All interviews (``fee_reports`` of them reporting fees), every criterion graded conformity unless
        interviews raised it, report submitted."""
        for i in range(audit.sample_size):
            svc.interview_record(
                user=self.auditor,
                audit=audit,
                conducted_on=TODAY(),
                answers={"paid_fees": "yes" if i < fee_reports else "no", "documents_taken": "no"},
            )
        raised = set(audit.findings.values_list("criterion_id", flat=True))
        for c in audit.application.scheme.criteria:
            if c["id"] not in raised:
                svc.finding_record(
                    user=self.auditor, audit=audit, criterion_id=c["id"], grade=Grade.CONFORMITY
                )
        return svc.audit_report_submit(user=self.auditor, audit=audit, summary="Audit carried out on site.")

    def certified(self) -> Certificate:
        audit = self.conduct(self.planned_audit())
        svc.certification_decide(user=self.manager, audit=audit, granted=True, reason="all criteria conform")
        return audit.application.certificates.get()


def now() -> Any:
    return timezone.now()
