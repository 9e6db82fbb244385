"""An external approval counts towards publication only while its reviewer is still independent of the product:
a partner added after the review, or the reviewer joining the submitter's organisation, takes it off the count,
the product page and the review queue say why, and undoing the conflict gives it back."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from fairrecruit.core.models import Membership, Organisation, Role
from fairrecruit.core.services import membership_grant, membership_revoke
from fairrecruit.evidence import services
from fairrecruit.evidence.models import KnowledgeProduct, Partner, ProductPartner
from fairrecruit.evidence.services import EvidenceError
from fairrecruit.evidence.tests.conftest import make_user
from fairrecruit.evidence.tests.test_knowledge import submit

pytestmark = pytest.mark.django_db

NO_LONGER = "the approval by res2 no longer counts: res2 belongs to Institute B, one of the product&#x27;s partners"


def _approved(people: dict[str, Any], author: Any) -> KnowledgeProduct:
    """A product approved by two independent external reviewers (Institutes B and C) and one internal."""
    p = submit(author)
    for who in ("res2", "res3", "staff"):
        services.product_review(actor=people[who], product=p, decision="approve")
    state = services.approvals(p)
    assert (state["internal"], state["external"], state["missing"], state["ready"]) == (1, 2, [], True)
    return p


def test_an_approval_by_a_member_of_a_partner_added_later_no_longer_counts(
    client: Client, people: dict[str, Any]
) -> None:
    p = _approved(people, people["author"])
    added = ProductPartner.objects.create(
        product=p, partner=Partner.objects.create(name="Institute B"), role=ProductPartner.Role.FUNDER
    )
    state = services.approvals(p)
    assert (state["external"], state["missing"], state["ready"]) == (1, ["1 external approval(s)"], False)
    with pytest.raises(EvidenceError, match="publication needs 1 external approval") as refused:
        services.product_publish(actor=people["staff"], product=p)
    assert "the approval by res2 no longer counts: res2 belongs to Institute B" in str(refused.value)

    client.login(username="staff1", password="pw-12345678")
    page = client.post(f"/knowledge/{p.pk}/publish/", follow=True).content.decode()
    assert "publication needs 1 external approval(s) in this review round" in page  # the refusal
    assert "1 of 1 internal and 1 of 2 external approvals" in page and "Still needed: 1 external approval(s)" in page
    assert NO_LONGER[0].upper() + NO_LONGER[1:] in page  # the review state says why
    assert ">Publish<" not in page
    p.refresh_from_db()
    assert p.status == KnowledgeProduct.Status.SUBMITTED
    client.login(username="res1", password="pw-12345678")  # another external reviewer sees it in the queue
    assert NO_LONGER[0].upper() + NO_LONGER[1:] in client.get("/knowledge/reviews/").content.decode()

    added.delete()  # the partner was added by mistake
    client.login(username="staff1", password="pw-12345678")
    page = client.get(f"/knowledge/{p.pk}/").content.decode()
    assert "no longer counts" not in page and "2 of 2 external approvals" in page and ">Publish<" in page
    assert client.post(f"/knowledge/{p.pk}/publish/").status_code == 302
    p.refresh_from_db()
    assert p.status == KnowledgeProduct.Status.PUBLISHED


def test_an_approval_by_a_reviewer_who_joined_the_submitters_organisation_no_longer_counts(
    people: dict[str, Any],
) -> None:
    author = make_user("colleague", Role.RESEARCHER, "Institute Z")
    p = _approved(people, author)
    membership_grant(
        actor=None, user=people["res3"], organisation=Organisation.objects.get(name="Institute Z"), role=Role.RESEARCHER
    )
    state = services.approvals(p)
    assert state["external"] == 1 and state["not_counted"] == [
        "the approval by res3 no longer counts: res3 belongs to Institute Z, the submitter's organisation"
    ]
    with pytest.raises(EvidenceError, match="res3 belongs to Institute Z, the submitter's organisation"):
        services.product_publish(actor=people["staff"], product=p)
    membership_revoke(actor=None, membership=Membership.objects.get(user=people["res3"], organisation__name="Institute Z"))
    assert services.approvals(p)["not_counted"] == []
    assert services.product_publish(actor=people["staff"], product=p).status == KnowledgeProduct.Status.PUBLISHED
