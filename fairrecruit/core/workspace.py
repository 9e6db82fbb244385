""""Your work": the pages a signed-in user's roles open to them, read from the one permission table, so that
nobody has to know the addresses of the case list, the moderation queue or the certification files."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fairrecruit.core.models import User
from fairrecruit.core.permissions import Scope, scope_for


@dataclass(frozen=True)
class Tool:
    url_name: str
    label: str | Promise
    what: str | Promise
    permissions: tuple[str, ...]  # any one of them opens the page


TOOLS: tuple[Tool, ...] = (
    Tool("grievances:cases", _("Complaints"), _("the cases open to you: handle, respond, remedy"),
         ("grievance.case.view",)),
    Tool("grievances:routing", _("Routing rules"), _("where new complaints are sent"),
         ("grievance.routing.manage",)),
    Tool("grievances:programmes", _("Remediation programmes"), _("repayment of recruitment fees to many workers"),
         ("grievance.programme.manage",)),
    Tool("reviews:moderate", _("Review moderation"), _("worker reviews waiting to be published"),
         ("review.moderate",)),
    Tool("registry:imports", _("Registry imports"), _("upload a regulator's licence list (CSV or XLSX)"),
         ("registry.import",)),
    Tool("supplychain:home", _("Recruiters in your supply chain"),
         _("licence status, sanctions, certificates and workers' reviews of the recruiters you use"),
         ("supplychain.manage",)),
    Tool("supplychain:surveys", _("Fee surveys of your workforce"),
         _("ask your workers what they paid to get their jobs, and repay them"), ("supplychain.manage",)),
    Tool("enforcement:home", _("Inspections and sanctions"),
         _("record inspections of recruiters and the sanctions that follow"), ("enforcement.record",)),
    Tool("linkage:queue", _("Record linkage review"), _("pairs of registry records that may be the same actor"),
         ("linkage.review",)),
    Tool("certification:home", _("Certification"),
         _("self-assessments, applications, audits, certificates and alerts"),
         ("certification.apply", "certification.file.view", "certification.audit.conduct",
          "certification.body.manage", "certification.scheme.manage", "certification.monitor.view")),
    Tool("certification:bodies", _("Certification bodies"), _("accreditation, auditors and schemes"),
         ("certification.body.manage",)),
    Tool("certification:invoices", _("Certification invoices"), _("scheme fees invoiced for certification"),
         ("certification.invoice.manage", "certification.file.view")),
    Tool("evidence:surveys", _("Recruitment-cost surveys"), _("import survey microdata and see its validation"),
         ("survey.import",)),
    Tool("evidence:review_queue", _("Knowledge products to review"), _("studies and datasets waiting for review"),
         ("knowledge.review_internal", "knowledge.review_external")),
    Tool("evidence:releases", _("Open data releases"), _("publish a release with disclosure control"),
         ("release.create",)),
)


# Whoever may start a background job (the upload pages queue one) is offered the list of their jobs. Not in
# TOOLS: the list opens for any signed-in user (it shows only their own jobs).
JOB_PERMISSIONS: tuple[str, ...] = ("registry.import", "survey.import")


@dataclass(frozen=True)
class Link:
    url: str
    label: str | Promise
    what: str | Promise


def tools_for(user: User) -> list[Link]:
    """The tools whose permission the user holds at any scope, in the order of :data:`TOOLS`."""
    out = [
        Link(reverse(t.url_name), t.label, t.what)
        for t in TOOLS
        if any(scope_for(user, p)[0] != Scope.NONE for p in t.permissions)
    ]
    if any(scope_for(user, p)[0] != Scope.NONE for p in JOB_PERMISSIONS):
        out.append(Link(reverse("jobs:list"), _("Your jobs"),
                        _("imports running in the background: their progress and results")))
    if user.is_authenticated:
        out.append(Link(reverse("evidence:submit"), _("Submit a knowledge product"),
                        _("a study, dataset or practice, for review and publication")))
    if user.is_staff:
        out.append(Link(reverse("admin:index"), _("Administration"), _("organisations, users, roles and tokens")))
    return out
