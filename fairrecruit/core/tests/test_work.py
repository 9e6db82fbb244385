""""Your work": signing in lands on the pages the user's roles open, every one of them opens for that user, and
no page a role may not use is offered."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from fairrecruit.core.models import Role, User
from fairrecruit.core.services import membership_grant, organisation_create
from fairrecruit.core.workspace import TOOLS

pytestmark = pytest.mark.django_db

ORG_KIND: dict[str, str] = {
    Role.WORKER: "union_cso",
    Role.RECRUITER: "agency",
    Role.EMPLOYER: "employer",
    Role.AUDITOR: "certification_body",
    Role.CERTIFICATION_BODY: "certification_body",
    Role.REGULATOR: "regulator",
    Role.UNION_CSO: "union_cso",
    Role.RESEARCHER: "research",
    Role.STAFF: "platform",
}


def _signed_in(role: str, **kw: object) -> tuple[Client, User]:
    org = organisation_create(actor=None, name=f"Org of {role}", kind=ORG_KIND[role], country="NP")
    user = User.objects.create_user(f"u-{role}", password="pw-long-enough-1", **kw)  # type: ignore[arg-type]
    membership_grant(actor=None, user=user, organisation=org, role=role)
    client = Client()
    answer = client.post("/accounts/login/", {"username": user.username, "password": "pw-long-enough-1"})
    assert answer.status_code == 302 and answer["Location"] == "/work/"
    return client, user


def _tools(client: Client) -> dict[str, str]:
    page = client.get("/work/")
    assert page.status_code == 200
    ul = re.search(r'<ul class="tools">(.*?)</ul>', page.content.decode(), re.S)
    assert ul is not None
    return {label: href for href, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>', ul.group(1))}


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_offered_page_opens_for_that_role(role: str) -> None:
    client, _user = _signed_in(role, is_staff=(role == Role.STAFF))
    tools = _tools(client)
    assert "Submit a knowledge product" in tools
    for label, href in tools.items():
        assert client.get(href).status_code == 200, (role, label, href)


def test_each_role_gets_its_own_tools() -> None:
    staff = _tools(_signed_in(Role.STAFF, is_staff=True)[0])
    assert {"Complaints", "Routing rules", "Review moderation", "Record linkage review", "Certification",
            "Recruitment-cost surveys", "Open data releases", "Administration"} <= set(staff)
    recruiter = _tools(_signed_in(Role.RECRUITER)[0])
    assert "Certification" in recruiter and "Complaints" in recruiter
    assert not {"Review moderation", "Record linkage review", "Routing rules", "Administration"} & set(recruiter)
    auditor = _tools(_signed_in(Role.AUDITOR)[0])
    assert "Certification" in auditor and "Complaints" not in auditor
    employer = _tools(_signed_in(Role.EMPLOYER)[0])
    assert {"Recruiters in your supply chain", "Fee surveys of your workforce", "Remediation programmes"} <= set(
        employer)
    assert "Fee surveys of your workforce" not in recruiter
    worker = _tools(_signed_in(Role.WORKER)[0])
    assert set(worker) == {"Submit a knowledge product"}


def test_pages_not_offered_are_refused() -> None:
    """A tool left off for a role is one its views refuse (apart from public pages, e.g. the open-data list,
    where staff also find the release form)."""
    client, _user = _signed_in(Role.RECRUITER)
    offered = set(_tools(client).values())
    refused = 0
    for tool in TOOLS:
        url = reverse(tool.url_name)
        if url in offered or Client().get(url).status_code == 200:
            continue
        assert client.get(url).status_code in (302, 403), (tool.url_name, url)
        refused += 1
    assert refused >= 5


def test_signed_out_goes_to_the_login() -> None:
    answer = Client().get("/work/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
