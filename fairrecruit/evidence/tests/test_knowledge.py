"""Knowledge products: submission -> review (1 internal + 2 external approvals) -> publication; permissions;
search; audit events; each product links to its data."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from fairrecruit.core.models import AuditEvent
from fairrecruit.evidence import gcm, services
from fairrecruit.evidence.models import KnowledgeProduct, ProductReview
from fairrecruit.evidence.services import EvidenceError, PartnerRole

pytestmark = pytest.mark.django_db
PARTNERS = [
    PartnerRole("Institute of Migration Studies", "local_co_producer", "academic", "NP"),
    PartnerRole("International Labour Office", "international_co_producer", "international"),
]


def submit(author: Any, **kw: Any) -> KnowledgeProduct:
    args: Any = {
        "kind": "study",
        "title": "Recruitment fees paid by Nepali workers in Qatar",
        "summary": "A survey of returnees.",
        "data_url": "https://example.org/data",
        "gcm_numbers": [6, 1],
        "corridors": ["NP-QA"],
        "themes": ["recruitment fees"],
        "partners": PARTNERS,
    }
    args.update(kw)
    return services.product_submit(actor=author, **args)


def test_publication_needs_one_internal_and_two_external_approvals(people: dict[str, Any]) -> None:
    p = submit(people["author"])
    assert p.status == "submitted" and p.tags.count() == 4
    with pytest.raises(EvidenceError, match="1 internal approval.*2 external approval"):
        services.product_publish(actor=people["staff"], product=p)
    services.product_review(actor=people["res1"], product=p, decision="approve")
    services.product_review(actor=people["res2"], product=p, decision="approve")
    with pytest.raises(EvidenceError, match="1 internal approval"):
        services.product_publish(actor=people["staff"], product=p)
    services.product_review(actor=people["staff"], product=p, decision="approve")
    reviews = {(r.kind, r.reviewer.username) for r in p.reviews.all()}
    assert reviews == {("external", "res1"), ("external", "res2"), ("internal", "staff1")}
    services.product_publish(actor=people["staff"], product=p)
    p.refresh_from_db()
    assert p.status == "published" and p.published_by == people["staff"]
    actions = list(
        AuditEvent.objects.filter(target_type="evidence.knowledgeproduct").values_list("action", flat=True)
    )
    assert sorted(actions) == sorted(
        ["knowledge.submit", "knowledge.review", "knowledge.review", "knowledge.review", "knowledge.publish"]
    )


def test_one_external_reviewer_counts_once_and_cannot_review_twice(people: dict[str, Any]) -> None:
    p = submit(people["author"])
    services.product_review(actor=people["res1"], product=p, decision="approve")
    with pytest.raises(EvidenceError, match="already recorded"):
        services.product_review(actor=people["res1"], product=p, decision="approve")
    services.product_review(actor=people["staff"], product=p, decision="approve")
    with pytest.raises(EvidenceError, match="1 external approval"):
        services.product_publish(actor=people["staff"], product=p)


def test_changes_requested_starts_a_new_round(people: dict[str, Any]) -> None:
    p = submit(people["author"])
    services.product_review(actor=people["res1"], product=p, decision="approve")
    with pytest.raises(EvidenceError, match="comments are needed"):
        services.product_review(actor=people["res2"], product=p, decision="changes")
    services.product_review(actor=people["res2"], product=p, decision="changes", comments="Add the weights.")
    p.refresh_from_db()
    assert p.status == "changes_requested"
    with pytest.raises(EvidenceError, match="not waiting for review"):
        services.product_review(actor=people["staff"], product=p, decision="approve")
    with pytest.raises(PermissionDenied):
        services.product_resubmit(actor=people["res1"], product=p)
    p = services.product_resubmit(actor=people["author"], product=p, summary="Now with weights.")
    assert p.round == 2 and p.status == "submitted"
    # approvals of round 1 do not count in round 2
    services.product_review(actor=people["staff"], product=p, decision="approve")
    services.product_review(actor=people["res2"], product=p, decision="approve")
    with pytest.raises(EvidenceError, match="1 external approval"):
        services.product_publish(actor=people["staff"], product=p)
    services.product_review(actor=people["res1"], product=p, decision="approve")
    assert services.product_publish(actor=people["staff"], product=p).status == "published"
    assert ProductReview.objects.filter(product=p).count() == 5


def test_permissions(people: dict[str, Any]) -> None:
    p = submit(people["author"])
    with pytest.raises(PermissionDenied):
        services.product_review(actor=people["brand"], product=p, decision="approve")
    with pytest.raises(PermissionDenied):
        services.product_review(actor=people["author"], product=p, decision="approve")
    own = submit(people["res3"], title="Own work")
    with pytest.raises(EvidenceError, match="your own submission"):
        services.product_review(actor=people["res3"], product=own, decision="approve")
    for r in ("res1", "res2", "staff"):
        services.product_review(actor=people[r], product=p, decision="approve")
    with pytest.raises(PermissionDenied):
        services.product_publish(actor=people["res1"], product=p)
    with pytest.raises(EvidenceError, match="which data"):
        submit(people["author"], data_url="")
    with pytest.raises(EvidenceError, match="no GCM objective 24"):
        submit(people["author"], gcm_numbers=[24])
    with pytest.raises(EvidenceError, match="ORIGIN-DESTINATION"):
        submit(people["author"], corridors=["Nepal to Qatar"])


def test_pages_workflow_and_search(client: Client, people: dict[str, Any]) -> None:
    assert client.get("/knowledge/submit/").status_code == 302  # sign in first
    client.login(username="author", password="pw-12345678")
    form = {
        "kind": "practice",
        "title": "Employer pays: reimbursing fees",
        "summary": "How brands repaid fees.",
        "data_url": "https://example.org/d",
        "gcm": ["6", "23"],
        "corridors": "NP-MY, BD-MY",
        "themes": "remediation",
        "partners": "Workers Centre; local_co_producer; cso; NP\nAcme Brand; funder",
    }
    bad = client.post("/knowledge/submit/", dict(form, partners="Nobody; boss", data_url=""))
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "line 1: unknown role" in html and "say which data the product used" in html
    form["token"] = (
        client.get("/knowledge/submit/").content.decode().split('name="token" value="')[1].split('"')[0]
    )
    r = client.post("/knowledge/submit/", form)
    assert r.status_code == 302
    assert client.post("/knowledge/submit/", form)["Location"] == r["Location"]  # resent: stored once
    p = KnowledgeProduct.objects.get()
    assert (
        client.get("/knowledge/").content.decode().count("Employer pays: reimbursing fees") == 1
    )  # "your submissions"
    client.logout()
    assert client.get(f"/knowledge/{p.pk}/").status_code == 404  # not published yet
    assert client.get("/knowledge/reviews/").status_code == 302
    for who in ("res1", "res2", "staff1"):
        client.login(username=who, password="pw-12345678")
        queue = client.get("/knowledge/reviews/").content.decode()
        assert "Employer pays" in queue
        page = client.get(f"/knowledge/{p.pk}/").content.decode()
        assert "Record my decision" in page
        assert client.post(f"/knowledge/{p.pk}/review/", {"decision": "approve"}).status_code == 302
        assert "Employer pays" not in client.get("/knowledge/reviews/").content.decode()
    page = client.get(f"/knowledge/{p.pk}/").content.decode()
    assert "1 of 1 internal and 2 of 2 external approvals" in page and ">Publish<" in page
    assert client.post(f"/knowledge/{p.pk}/publish/").status_code == 302
    client.logout()
    page = client.get(f"/knowledge/{p.pk}/").content.decode()
    assert "Workers Centre" in page and "Local co-producer" in page and "https://example.org/d" in page
    assert gcm.BY_NUMBER[6].text in page and gcm.BY_NUMBER[23].text in page
    assert "Record my decision" not in page and "Review (round" not in page
    assert "Employer pays" in client.get("/knowledge/", {"q": "reimbursing", "gcm": "6"}).content.decode()
    assert "Employer pays" in client.get("/knowledge/", {"corridor": "bd-my"}).content.decode()
    assert "Employer pays" in client.get("/knowledge/", {"q": "Workers Centre"}).content.decode()
    assert "Employer pays" not in client.get("/knowledge/", {"gcm": "8"}).content.decode()
    assert "Employer pays" not in client.get("/knowledge/", {"kind": "study"}).content.decode()
    partner = p.partners.get(role="funder").partner
    assert "Employer pays" in client.get(f"/knowledge/partners/{partner.pk}/").content.decode()


def test_gcm_objectives_are_23_and_numbered() -> None:
    assert [o.number for o in gcm.OBJECTIVES] == list(range(1, 24))
    assert gcm.BY_NUMBER[6].text.startswith("Facilitate fair and ethical recruitment")
    assert {o.number for o in gcm.OBJECTIVES if not o.verified} == {3, 4, 5, 8, 9, 10, 11}


def test_public_knowledge_pages_in_the_readers_language(client: Client, people: dict[str, Any]) -> None:
    """The list, a product and a partner page speak the reader's language (objectives, kinds, roles); what a
    partner wrote (title, summary) is shown as written and marked English."""
    from django.utils import translation

    p = submit(people["author"])
    for who in ("res1", "res2", "staff"):
        services.product_review(actor=people[who], product=p, decision="approve")
    services.product_publish(actor=people["staff"], product=p)
    client.cookies["django_language"] = "ne"
    with translation.override("ne"):
        gcm6 = translation.gettext(gcm.BY_NUMBER[6].text)
        local = str(KnowledgeProduct.Kind.STUDY.label), translation.gettext("Local co-producer")
    assert gcm6 != gcm.BY_NUMBER[6].text and local[1] != "Local co-producer"  # translated in the catalogue
    page = client.get(f"/knowledge/{p.pk}/").content.decode()
    assert gcm6 in page and gcm.BY_NUMBER[6].text not in page
    assert local[0] in page and local[1] in page and "Local co-producer" not in page
    assert '<h1 lang="en">Recruitment fees paid by Nepali workers in Qatar</h1>' in page
    listing = client.get("/knowledge/").content.decode()
    assert gcm6 in listing and "Facilitate fair and ethical recruitment" not in listing  # the GCM filter
    partner = p.partners.get(role="local_co_producer").partner
    assert local[1] in client.get(f"/knowledge/partners/{partner.pk}/").content.decode()
    client.cookies["django_language"] = "en"
    assert gcm.BY_NUMBER[6].text in client.get(f"/knowledge/{p.pk}/").content.decode()


def test_external_reviewers_are_from_neither_the_submitters_organisation_nor_a_partner(
    people: dict[str, Any],
) -> None:
    """A colleague of the submitter, or someone from an organisation that produced or paid for the product, is not
    an external reviewer; a researcher from elsewhere is. Staff review as internal whoever submitted."""
    from fairrecruit.core.models import Organisation
    from fairrecruit.evidence.models import Partner
    from fairrecruit.evidence.tests.conftest import make_user

    author = make_user("colleague_of_res1", "researcher", "Institute A")
    partners = [PartnerRole("institute b", "data_provider"), PartnerRole("Migration Funders", "funder")]
    p = submit(author, partners=partners)
    with pytest.raises(EvidenceError, match="you belong to Institute A, the submitter's organisation"):
        services.product_review(actor=people["res1"], product=p, decision="approve")
    with pytest.raises(EvidenceError, match="you belong to Institute B, one of the product's partners"):
        services.product_review(actor=people["res2"], product=p, decision="approve")
    # a partner linked to a platform organisation of another name (staff linked it) counts too
    funder = Partner.objects.get(name="Migration Funders")
    funder.organisation = Organisation.objects.get(name="Institute C")
    funder.save()
    with pytest.raises(EvidenceError, match="you belong to Institute C, one of the product's partners"):
        services.product_review(actor=people["res3"], product=p, decision="approve")
    assert not ProductReview.objects.filter(product=p).exists()
    outsider = make_user("res4", "researcher", "Institute D")
    other = make_user("res5", "researcher", "Institute E")
    services.product_review(actor=outsider, product=p, decision="approve")
    services.product_review(actor=other, product=p, decision="approve")
    services.product_review(actor=people["staff"], product=p, decision="approve")
    assert services.product_publish(actor=people["staff"], product=p).status == "published"


def test_a_conflicted_reviewer_is_told_why_on_the_product_page(
    client: Client, people: dict[str, Any]
) -> None:
    from fairrecruit.evidence.tests.conftest import make_user

    p = submit(make_user("colleague", "researcher", "Institute A"))
    client.login(username="res1", password="pw-12345678")
    r = client.post(f"/knowledge/{p.pk}/review/", {"decision": "approve"}, follow=True)
    assert "the submitter&#x27;s organisation" in r.content.decode()
    assert not ProductReview.objects.filter(product=p).exists()


def test_the_review_queue_offers_an_external_reviewer_only_work_they_are_independent_of(
    client: Client, people: dict[str, Any]
) -> None:
    from fairrecruit.evidence.tests.conftest import make_user

    p = submit(make_user("colleague2", "researcher", "Institute A"))
    client.login(username="res1", password="pw-12345678")  # Institute A: the submitter's own
    assert p.title not in client.get("/knowledge/reviews/").content.decode()
    client.login(username="res2", password="pw-12345678")  # Institute B: independent
    assert p.title in client.get("/knowledge/reviews/").content.decode()
    client.login(username="staff1", password="pw-12345678")  # internal review: any organisation's work
    assert p.title in client.get("/knowledge/reviews/").content.decode()
