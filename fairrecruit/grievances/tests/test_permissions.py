"""Permissions in query scoping: a recruiter never sees a complainant's identity, a regulator sees only the
cases routed to it, the retaliation flag hides identity from the organisation complained about; every read is
logged and "who saw this case" answers."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from fairrecruit.core.crypto import sensitive_read
from fairrecruit.core.models import AuditEvent
from fairrecruit.grievances import selectors
from fairrecruit.grievances.services import (
    GrievanceInputError,
    Upload,
    attachment_add,
    attachment_read,
    case_parties_update,
    case_read_log,
    referral_create,
)
from fairrecruit.grievances.tests.conftest import JPEG, World, complaint, submit

pytestmark = pytest.mark.django_db


def test_a_regulator_sees_only_the_cases_routed_to_it(world: World) -> None:
    np_case = submit().case
    bd_case = submit(complaint(origin="BD", destination="SA", respondent_identifier="")).case
    assert list(selectors.cases_visible_to(world.regulator)) == [np_case]
    assert list(selectors.cases_visible_to(world.bd_regulator)) == [bd_case]
    assert set(selectors.cases_visible_to(world.staff)) == {np_case, bd_case}
    assert list(selectors.cases_visible_to(world.qa)) == []  # no wages category: not routed to Qatar
    assert list(selectors.cases_visible_to(world.recruiter)) == []
    assert list(selectors.cases_visible_to(None)) == []


def test_without_consent_nothing_is_shared_until_consent_or_override(world: World) -> None:
    case = submit(complaint(consent_share=False, consent_identity=False)).case
    assert case.status == "received"
    assert case.referrals.get().status == "proposed"
    assert list(selectors.cases_visible_to(world.regulator)) == []
    with pytest.raises(GrievanceInputError, match="override"):
        referral_create(actor=world.staff, case=case, organisation=world.qa_mol, consent="worker")
    with pytest.raises(GrievanceInputError, match="say why"):
        referral_create(
            actor=world.staff, case=case, organisation=world.qa_mol, consent="override", override_reason="x"
        )
    ref = referral_create(
        actor=world.staff,
        case=case,
        organisation=world.qa_mol,
        consent="override",
        override_reason="Worker in detention, cannot be reached; inspection needed now.",
        target_kind="destination_authority",
    )
    assert ref.consent == "override" and "identity" not in ref.shared
    assert list(selectors.cases_visible_to(world.qa)) == [case]
    event = AuditEvent.objects.get(action="grievance.case.referral")
    assert event.new is not None and event.new["override_reason"].startswith("Worker in detention")


def test_a_recruiter_never_sees_the_identity_of_a_complainant(world: World, client: Client) -> None:
    case = submit().case
    with pytest.raises(GrievanceInputError, match="recruiter never"):
        referral_create(
            actor=world.staff, case=case, organisation=world.agency_org, consent="worker", share_identity=True
        )
    # Referred for a response, without identity: the recruiter sees the case, never who complained.
    referral_create(actor=world.staff, case=case, organisation=world.agency_org, consent="worker")
    assert list(selectors.cases_visible_to(world.recruiter)) == [case]
    assert not selectors.identity_visible(world.recruiter, case)
    with pytest.raises(PermissionDenied):
        sensitive_read(actor_user=world.recruiter, obj=case, field="worker_name", purpose="curious")
    assert AuditEvent.objects.filter(action="sensitive.read_denied", actor=world.recruiter).exists()
    # Even a referral row forced to share identity does not open it: recruiters are not in the permission table.
    case.referrals.filter(organisation=world.agency_org).update(shares_identity=True)
    assert not selectors.identity_visible(world.recruiter, case)
    client.force_login(world.recruiter)
    page = client.get(f"/grievances/cases/{case.code}/").content.decode()
    assert "Ram Bahadur" not in page and "9841" not in page
    r = client.post(
        f"/grievances/cases/{case.code}/",
        {"step": "reveal", "field": "worker_name", "purpose": "to call him"},
    )
    assert r.status_code == 403 and "Ram Bahadur" not in r.content.decode()
    attachment = attachment_add(actor=world.staff, case=case, upload=Upload(JPEG, "r.jpg"))
    with pytest.raises(PermissionDenied):
        attachment_read(user=world.recruiter, attachment=attachment)


def test_identity_goes_where_consented_and_the_read_is_logged(world: World) -> None:
    case = submit().case
    assert selectors.identity_visible(world.regulator, case)
    name = sensitive_read(
        actor_user=world.regulator, obj=case, field="worker_name", purpose="call the worker"
    )
    assert name == "Ram Bahadur Thapa"
    ev = AuditEvent.objects.get(action="sensitive.read", actor=world.regulator)
    assert ev.new == {"field": "worker_name", "purpose": "call the worker"}


def test_retaliation_flag_hides_identity_from_the_organisation_complained_about(world: World) -> None:
    case = submit().case
    case_parties_update(
        actor=world.staff, case=case, respondent_organisation=None, brand=world.brand, retaliation_risk=False
    )
    ref = referral_create(
        actor=world.staff,
        case=case,
        organisation=world.brand,
        consent="worker",
        share_identity=True,
        target_kind="brand",
    )
    assert selectors.identity_visible(world.brand_user, case)
    case_parties_update(
        actor=world.staff,
        case=case,
        respondent_organisation=None,
        brand=world.brand,
        retaliation_risk=True,
        reason="Worker still employed there",
    )
    ref.refresh_from_db()
    assert not ref.shares_identity and "identity" not in ref.shared
    case.referrals.filter(pk=ref.pk).update(shares_identity=True)  # even if a row said otherwise
    case.refresh_from_db()
    assert not selectors.identity_visible(world.brand_user, case)
    assert selectors.identity_visible(world.regulator, case)  # the regulator still may
    with pytest.raises(PermissionDenied):
        sensitive_read(actor_user=world.brand_user, obj=case, field="worker_contact", purpose="pay him")


def test_retaliation_fear_at_intake_keeps_identity_from_the_respondent(world: World) -> None:
    case = submit(complaint(retaliation_fear=True)).case
    assert case.retaliation_risk
    case_parties_update(
        actor=world.staff, case=case, respondent_organisation=world.brand, brand=None, retaliation_risk=True
    )
    with pytest.raises(GrievanceInputError, match="retaliation"):
        referral_create(
            actor=world.staff, case=case, organisation=world.brand, consent="worker", share_identity=True
        )


def test_every_read_is_logged_and_who_saw_this_case_answers(world: World, client: Client) -> None:
    case = submit(uploads=[Upload(JPEG, "receipt.jpg")]).case
    client.force_login(world.regulator)
    assert client.get(f"/grievances/cases/{case.code}/").status_code == 200
    att = case.attachments.get()
    dl = client.get(f"/grievances/cases/{case.code}/evidence/{att.pk}/")
    assert dl.status_code == 200 and dl.content == JPEG and dl["Content-Disposition"].startswith("attachment")
    client.post(
        f"/grievances/cases/{case.code}/",
        {"step": "reveal", "field": "worker_contact", "purpose": "arrange a meeting"},
    )
    case_read_log(user=world.staff, case=case, via="api")
    actions = list(selectors.access_log(case).order_by("id").values_list("action", "actor_label"))
    assert ("grievance.case.read", "dofe") in actions
    assert ("grievance.evidence.read", "dofe") in actions
    assert ("sensitive.read", "dofe") in actions
    assert ("grievance.case.read", "staff") in actions
    page = client.get(f"/grievances/cases/{case.code}/access/")
    assert page.status_code == 200 and "arrange a meeting" in page.content.decode()
    # The worker sees which organisations opened the case (no individual names).
    assert selectors.seen_by_organisations(case) == ["Department of Foreign Employment"]
    # Another regulator cannot even find the case, and its evidence stays closed.
    client.force_login(world.bd_regulator)
    assert client.get(f"/grievances/cases/{case.code}/").status_code == 404
    assert client.get(f"/grievances/cases/{case.code}/evidence/{att.pk}/").status_code == 404


def test_api_case_reads_are_scoped_and_logged(world: World, client: Client) -> None:
    from fairrecruit.core.services import api_token_create

    case = submit().case
    _t, key = api_token_create(actor=None, user=world.regulator, name="dofe", organisation=world.dofe)
    _t2, other = api_token_create(actor=None, user=world.bd_regulator, name="bmet", organisation=world.bmet)
    auth = {"Authorization": f"Bearer {key}"}
    assert client.get("/api/v1/cases").status_code == 401
    listed = client.get("/api/v1/cases", headers=auth).json()["cases"]
    assert [c["code"] for c in listed] == [case.code]
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {other}"}).json()["cases"] == []
    detail = client.get(f"/api/v1/cases/{case.code}", headers=auth)
    assert detail.status_code == 200 and "Ram Bahadur" not in detail.content.decode()
    assert detail.json()["identity_visible"] is True
    assert (
        client.get(f"/api/v1/cases/{case.code}", headers={"Authorization": f"Bearer {other}"}).status_code
        == 404
    )
    log = client.get(f"/api/v1/cases/{case.code}/access-log", headers=auth).json()["reads"]
    assert (
        log[0]["action"] == "grievance.case.read"
        and log[0]["organisation"] == "Department of Foreign Employment"
    )
