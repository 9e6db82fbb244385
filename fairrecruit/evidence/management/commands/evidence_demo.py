from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from fairrecruit.core.models import Organisation, OrganisationKind, Role, User
from fairrecruit.core.services import membership_grant, organisation_create
from fairrecruit.evidence import generate, services
from fairrecruit.evidence.models import KnowledgeProduct, Release, Survey
from fairrecruit.evidence.services import PartnerRole

DEMO_PASSWORD = "demo-password"  # noqa: S105 - demo accounts on a local SQLite file only
SURVEY_TITLE = "Synthetic recruitment-cost survey, eight corridors (DEMO DATA, not real workers)"
RELEASE_SLUG = "demo-fee-assessments"
# (username, organisation): researcher3 submits the products for the Demo Research Institute, a partner of the
# first; researcher and researcher2, its external reviewers, come from two other institutes (a colleague of the
# submitter or a partner's researcher is not an external reviewer).
RESEARCHERS = (
    ("researcher", "Demo Centre for Labour Studies"),
    ("researcher2", "Demo Migration Policy Institute"),
    ("researcher3", "Demo Research Institute"),
)


class Command(BaseCommand):
    help = (
        "Load the evidence demo: the bundled synthetic survey (corridor pages), an open-data release of the "
        "stored assessments, demo researcher accounts (researcher, researcher2, researcher3; password demo-password) and two "
        "knowledge products, one published after review. Running it again changes nothing already there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="show what would be loaded; store nothing")

    def handle(self, *args: Any, **opts: Any) -> None:
        with transaction.atomic():
            done = self.load(dry_run=opts["dry_run"])
            if opts["dry_run"]:
                transaction.set_rollback(True)
        prefix = "dry run, nothing stored: would load " if opts["dry_run"] else "evidence demo: "
        self.stdout.write(prefix + ("; ".join(done) if done else "nothing new"))

    def load(self, *, dry_run: bool) -> list[str]:
        done = []
        if not Survey.objects.filter(title=SURVEY_TITLE, status__in=["imported", "partial"]).exists():
            s = services.survey_import(
                actor=None,
                path=generate.DEMO_FILE,
                title=SURVEY_TITLE,
                synthetic=True,
                producer=f"FairRecruit demo generator (seed {generate.DEMO_SEED})",
                check_permission=False,
            )
            done.append(f"survey {s.rows_imported} synthetic workers ({s.status})")
        staff = self.user(
            "staff", "FairRecruit demo operator", OrganisationKind.PLATFORM, Role.STAFF, superuser=True
        )
        researchers = [
            self.user(name, org, OrganisationKind.RESEARCH, Role.RESEARCHER) for name, org in RESEARCHERS
        ]
        rel = Release.objects.filter(slug=RELEASE_SLUG).first()
        if rel is None and not dry_run:
            rel = services.release_create(
                actor=staff,
                title="Fee assessments stored on FairRecruit (demo)",
                slug=RELEASE_SLUG,
                k=5,
                rounding=100,
                notes="Demo release built from the demo assessments (made-up workers).",
            )
            done.append(f"release {rel.slug}")
        title = "Recruitment costs on eight corridors: a synthetic survey (demo)"
        if not KnowledgeProduct.objects.filter(title=title).exists():
            p = services.product_submit(
                actor=researchers[2],
                kind="dataset",
                title=title,
                summary="DEMO: a made-up survey of migrant workers' recruitment costs, generated to show how "
                "FairRecruit computes SDG indicator 10.7.1 and corridor profiles. Not real workers.",
                year=2024,
                release_obj=rel,
                data_url="" if rel else "https://example.org/demo-data",
                gcm_numbers=[1, 6],
                corridors=["NP-QA", "BD-SA", "PH-SA"],
                themes=["recruitment costs", "SDG 10.7.1"],
                partners=[
                    PartnerRole("Demo Research Institute", "local_co_producer", "academic", "NP"),
                    PartnerRole(
                        "Demo International Organisation", "international_co_producer", "international"
                    ),
                ],
            )
            services.product_review(actor=staff, product=p, decision="approve")
            for r in researchers[:2]:
                services.product_review(actor=r, product=p, decision="approve")
            services.product_publish(actor=staff, product=p)
            done.append("a published knowledge product")
        title2 = "Employers reimbursing recruitment fees: a practice note (demo)"
        if not KnowledgeProduct.objects.filter(title=title2).exists():
            p2 = services.product_submit(
                actor=researchers[2],
                kind="practice",
                title=title2,
                summary="DEMO: a made-up practice note on employers repaying recruitment fees to workers, waiting "
                "for review.",
                year=2025,
                data_url="https://example.org/demo-practice-data",
                gcm_numbers=[6, 23],
                corridors=["NP-MY"],
                themes=["remediation"],
                partners=[
                    PartnerRole("Demo Migrant Workers Centre", "local_co_producer", "cso", "NP"),
                    PartnerRole("Demo Foundation", "funder", "private"),
                ],
            )
            services.product_review(actor=researchers[0], product=p2, decision="approve")
            done.append("a knowledge product waiting for review")
        return done

    def user(self, username: str, org_name: str, kind: str, role: str, superuser: bool = False) -> User:
        model = get_user_model()
        org = Organisation.objects.filter(name=org_name).first() or organisation_create(
            actor=None, name=org_name, kind=kind
        )
        user = model.objects.filter(username=username).first()
        if user is None:
            user = model.objects.create_user(
                username=username, password=DEMO_PASSWORD, is_staff=superuser, is_superuser=superuser
            )
        membership_grant(actor=None, user=user, organisation=org, role=role)
        return user
