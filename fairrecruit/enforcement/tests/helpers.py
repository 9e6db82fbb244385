"""A small registry for the enforcement tests: two regulators (NP, PH), a licensed Nepali agency, a Nepali agency
with two licences, an unlicensed sub-agent, and users with and without the regulator role. Dates relative to
today."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from fairrecruit.core.models import OrganisationKind, Role, User
from fairrecruit.core.services import membership_grant, organisation_create
from fairrecruit.enforcement.services import SanctionInput
from fairrecruit.registry.models import ActorKind, Licence
from fairrecruit.registry.services import actor_create, licence_number_std, licence_status_record


def licence(actor: Any, regulator: Any, number: str, issued: dt.date) -> Licence:
    lic = Licence.objects.create(actor=actor, regulator=regulator, number=number,
                                 number_std=licence_number_std(number), status="active", valid_from=issued,
                                 valid_until=issued + dt.timedelta(days=3 * 365))
    licence_status_record(actor_user=None, licence=lic, status="active", effective_date=issued,
                          valid_until=lic.valid_until, reason="licence issued")
    return lic


def user(username: str, role: str | None, country: str = "NP") -> User:
    u = User.objects.create_user(username=username, password="pw-" + username)
    if role is not None:
        kinds: dict[str, str] = {Role.REGULATOR: OrganisationKind.REGULATOR, Role.STAFF: OrganisationKind.PLATFORM}
        kind = kinds.get(role, OrganisationKind.EMPLOYER)
        org = organisation_create(actor=None, name=f"{username} org", kind=kind, country=country)
        membership_grant(actor=None, user=u, organisation=org, role=role)
    return u


def build() -> dict[str, Any]:
    today = timezone.localdate()
    r: dict[str, Any] = {"today": today}
    r["dofe"] = actor_create(actor_user=None, name="Department of Foreign Employment", kind=ActorKind.REGULATOR,
                             identifier="NP-DOFE", country="NP")
    r["dmw"] = actor_create(actor_user=None, name="Department of Migrant Workers", kind=ActorKind.REGULATOR,
                            identifier="PH-DMW", country="PH")
    r["himal"] = actor_create(actor_user=None, name="Himal Sathi Manpower Pvt. Ltd.", kind=ActorKind.LICENSED_AGENCY,
                              identifier="NP-DOFE-4242", country="NP", city="Kathmandu")
    r["himal_lic"] = licence(r["himal"], r["dofe"], "4242/069/70", today - dt.timedelta(days=400))
    r["twin"] = actor_create(actor_user=None, name="Twin Peaks Overseas", kind=ActorKind.LICENSED_AGENCY,
                             identifier="NP-DOFE-77", country="NP")
    r["twin_a"] = licence(r["twin"], r["dofe"], "77/070/71", today - dt.timedelta(days=500))
    r["twin_b"] = licence(r["twin"], r["dofe"], "78/070/71", today - dt.timedelta(days=500))
    r["broker"] = actor_create(actor_user=None, name="Ram Bahadur (broker)", kind=ActorKind.SUB_AGENT,
                               identifier="FR-R-901", country="NP", city="Butwal")
    r["np_reg"] = user("np-regulator", Role.REGULATOR, "NP")
    r["ph_reg"] = user("ph-regulator", Role.REGULATOR, "PH")
    r["brand"] = user("brand", Role.EMPLOYER, "GB")
    r["staff"] = user("staffer", Role.STAFF, "")
    return r


def sanction_input(r: dict[str, Any], **over: Any) -> SanctionInput:
    """A valid fine on Himal Sathi by DoFE, decided and in effect 10 days ago; ``over`` changes any field."""
    day = r["today"] - dt.timedelta(days=10)
    base: dict[str, Any] = dict(regulator=r["dofe"], subject=r["himal"], kind="fine", breaches=["overcharging"],
                                legal_basis="Foreign Employment Act 2007, s. 11", decided_on=day, effective_from=day,
                                amount=Decimal("500000"), currency="NPR", summary="Charged NPR 150,000 each.")
    base.update(over)
    return SanctionInput(**base)
