"""A signed-in test client for a member of an organisation in a role (shared by the page tests)."""

from __future__ import annotations

from django.test import Client

from fairrecruit.core.models import OrganisationKind, Role, User
from fairrecruit.core.services import membership_grant, organisation_create

KIND_OF_ROLE = {
    Role.STAFF: OrganisationKind.PLATFORM,
    Role.REGULATOR: OrganisationKind.REGULATOR,
    Role.RECRUITER: OrganisationKind.AGENCY,
    Role.RESEARCHER: OrganisationKind.RESEARCH,
}


def member_client(role: str, country: str = "NP") -> tuple[Client, User]:
    """A new user, member in ``role`` of a new organisation of the matching kind in ``country``, signed in."""
    org = organisation_create(actor=None, name=f"{role} {country}", kind=KIND_OF_ROLE[role], country=country)  # type: ignore[index]
    user = User.objects.create_user(f"{role}-{country}", password="pw")
    membership_grant(actor=None, user=user, organisation=org, role=role)
    c = Client()
    c.force_login(user)
    return c, user
