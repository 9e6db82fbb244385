"""`fairrecruit supplychain_demo`: the demo brand's list of recruiters, drawn from the demo registry (run after
registry_demo, enforcement_demo, reviews_demo and certification_demo): recruiters with demo sanctions, one with a
suspended licence, the certified and the suspended certificate holders, and the most reviewed agency; a fee survey
answered with the demo journeys, a repayment programme made from it and one payment (it prints a worker's receipt
code to try `/fee-survey/demo-survey/repayment/`). The programme's dates are counted from today, as the other demo
commands' are: its first instalment fell due 40 days ago and was paid 5 days later, the next falls due about three
weeks from now. Running it again adds nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Count, Q
from django.utils import timezone

from fairrecruit.certification.models import Certificate
from fairrecruit.core import crypto
from fairrecruit.core.models import Membership
from fairrecruit.enforcement.models import Sanction
from fairrecruit.grievances.programmes import next_instalment, programme_payment_record
from fairrecruit.registry.models import Actor, ActorKind, Licence
from fairrecruit.standards.engine import validate_journey
from fairrecruit.standards.selectors import example_journeys
from fairrecruit.supplychain.models import FeeSurvey
from fairrecruit.supplychain.services import supplier_add
from fairrecruit.supplychain.surveys import answer_submit, current, programme_start, receipt_for

DEMO_SURVEY_CODE = "demo-survey"
TOKEN = "demo-fee-survey-answer-{:04d}"  # the form token of the demo answer of journey i
FIRST_DUE_DAYS_AGO = 40  # the repayment programme's first instalment, counted back from today


class Command(BaseCommand):
    help = "List demo recruiters in the demo brand's supply chain (after the other demo commands). Idempotent."

    def handle(self, *args: Any, **opts: Any) -> None:
        user = get_user_model().objects.filter(username="brand").first()
        membership = Membership.objects.filter(user=user).select_related("organisation").first()
        if user is None or membership is None:
            self.stdout.write("supplychain: no demo brand (run `fairrecruit demo`); nothing added")
            return
        picked: list[Actor] = []
        picked += [s.subject for s in Sanction.objects.select_related("subject").order_by("id")[:2]]
        suspended = Licence.objects.filter(status="suspended", actor__merged_into__isnull=True).select_related(
            "actor").order_by("id").first()
        if suspended is not None:
            picked.append(suspended.actor)
        picked += [c.actor for c in Certificate.objects.select_related("actor").order_by("status", "id")[:2]]
        reviewed = (Actor.objects.filter(merged_into__isnull=True)
                    .annotate(n=Count("reviews", filter=Q(reviews__status="published"))).order_by("-n", "id").first())
        if reviewed is not None:
            picked.append(reviewed)
        added = 0
        for a in dict.fromkeys(picked):
            relation = "sub_agent" if a.kind == ActorKind.SUB_AGENT else "recruitment_agency"
            _s, new = supplier_add(user=user, organisation=membership.organisation, identifier=a.identifier,
                                   relation=relation, note="demo supply chain")
            added += new
        answers = self.fee_survey(user, membership.organisation)
        self.stdout.write(f"supplychain: {added} demo recruiters listed for {membership.organisation.name}; "
                          f"fee survey /fee-survey/{DEMO_SURVEY_CODE}/ with {answers} new answers")
        receipt = self.repayment(user)
        if receipt:
            self.stdout.write(f"supplychain: a demo worker follows their repayment at "
                              f"/fee-survey/{DEMO_SURVEY_CODE}/repayment/ with the receipt code {receipt}")

    def repayment(self, user: Any) -> str:
        """A repayment programme made from the demo survey, with one payment to its first worker; the receipt code
        of that worker's answer (to try the worker's page). Running it again adds nothing."""
        survey = FeeSurvey.objects.get(code=DEMO_SURVEY_CODE)
        if not current(survey).exists():
            return ""
        first_due = timezone.localdate() - dt.timedelta(days=FIRST_DUE_DAYS_AGO)
        done = programme_start(survey=survey, user=user, name="Demo repayment of the fee survey",
                               first_due=first_due, instalments=3, interval_months=2)
        for i in range(len(example_journeys())):
            token = TOKEN.format(i)
            answer = current(survey).filter(token_hash=crypto.lookup_hash(token, purpose="feesurvey.token")).first()
            worker = answer.programme_worker if answer is not None else None
            if worker is not None and worker.owed:
                first = next_instalment(worker)  # paid in full, 5 days after it fell due
                programme_payment_record(actor=user, worker=worker, amount=first[1] if first else worker.owed,
                                         paid_on=first_due + dt.timedelta(days=5), reference="demo bank transfer",
                                         token=f"demo-programme-payment-{done.programme.pk}")
                return receipt_for(token)
        return ""

    def fee_survey(self, user: Any, organisation: Any) -> int:
        """A workforce fee survey with answers from the demo journeys of one corridor (made-up workers)."""
        survey = FeeSurvey.objects.filter(code=DEMO_SURVEY_CODE).first() or FeeSurvey.objects.create(
            organisation=organisation, title="Demo fee survey of the workforce (made-up workers)",
            code=DEMO_SURVEY_CODE, created_by=user)
        new = 0
        for i, j in enumerate(example_journeys()):
            journey = {k: v for k, v in j.items() if k not in ("id", "note")}
            if validate_journey(journey):
                continue
            done = answer_submit(survey=survey, worker_ref=f"DEMO-{i + 1:03d}", journey=journey,
                                 token=TOKEN.format(i))
            new += done.created
        return new
