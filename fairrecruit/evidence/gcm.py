"""The 23 objectives of the Global Compact for Safe, Orderly and Regular Migration (GCM, UN General Assembly
resolution A/RES/73/195, 19 December 2018), for tagging knowledge products — the way the Migration Network
Hub's Repository of Practices filters them (``shared/reference/platforms.md`` §6b).

``verified`` says whether the wording below was read in a copy of the resolution this project could reach
(objectives 1, 2, 6, 7 and 12–23: the list on page 7 of the resolution and the objective headings) or is
recalled and not checked against the official text (3, 4, 5, 8, 9, 10, 11). Pages show the difference.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop

SOURCE_URL = "https://adattar.minorityforum.info/en/entity/raaui6nu5a?file=1587370301487dgy07rb4bk.pdf&page=7"
SOURCE_TITLE = (
    "A/RES/73/195 Global Compact for Safe, Orderly and Regular Migration, para. 16 (list of objectives)"
)


@dataclass(frozen=True)
class Objective:
    number: int
    text: str
    verified: bool

    @property
    def label(self) -> str:
        """English, as stored in tags and given by the API."""
        return f"Objective {self.number}: {self.text}"

    def label_translated(self) -> str:
        """The label in the reader's language (the texts are marked for the catalogues with ``gettext_noop``)."""
        return gettext("Objective %(n)s: %(text)s") % {"n": self.number, "text": gettext(self.text)}


OBJECTIVES: tuple[Objective, ...] = (
    Objective(
        1,
        gettext_noop(
            "Collect and utilize accurate and disaggregated data as a basis for evidence-based policies"
        ),
        True,
    ),
    Objective(
        2,
        gettext_noop(
            "Minimize the adverse drivers and structural factors that compel people to leave their country of "
            "origin"
        ),
        True,
    ),
    Objective(3, gettext_noop("Provide accurate and timely information at all stages of migration"), False),
    Objective(
        4,
        gettext_noop("Ensure that all migrants have proof of legal identity and adequate documentation"),
        False,
    ),
    Objective(
        5, gettext_noop("Enhance availability and flexibility of pathways for regular migration"), False
    ),
    Objective(
        6,
        gettext_noop(
            "Facilitate fair and ethical recruitment and safeguard conditions that ensure decent work"
        ),
        True,
    ),
    Objective(7, gettext_noop("Address and reduce vulnerabilities in migration"), True),
    Objective(
        8,
        gettext_noop("Save lives and establish coordinated international efforts on missing migrants"),
        False,
    ),
    Objective(9, gettext_noop("Strengthen the transnational response to smuggling of migrants"), False),
    Objective(
        10,
        gettext_noop(
            "Prevent, combat and eradicate trafficking in persons in the context of international migration"
        ),
        False,
    ),
    Objective(11, gettext_noop("Manage borders in an integrated, secure and coordinated manner"), False),
    Objective(
        12,
        gettext_noop(
            "Strengthen certainty and predictability in migration procedures for appropriate screening, "
            "assessment and referral"
        ),
        True,
    ),
    Objective(
        13,
        gettext_noop(
            "Use migration detention only as a measure of last resort and work towards alternatives"
        ),
        True,
    ),
    Objective(
        14,
        gettext_noop(
            "Enhance consular protection, assistance and cooperation throughout the migration cycle"
        ),
        True,
    ),
    Objective(15, gettext_noop("Provide access to basic services for migrants"), True),
    Objective(
        16, gettext_noop("Empower migrants and societies to realize full inclusion and social cohesion"), True
    ),
    Objective(
        17,
        gettext_noop(
            "Eliminate all forms of discrimination and promote evidence-based public discourse to shape "
            "perceptions of migration"
        ),
        True,
    ),
    Objective(
        18,
        gettext_noop(
            "Invest in skills development and facilitate mutual recognition of skills, qualifications and "
            "competences"
        ),
        True,
    ),
    Objective(
        19,
        gettext_noop(
            "Create conditions for migrants and diasporas to fully contribute to sustainable development in "
            "all countries"
        ),
        True,
    ),
    Objective(
        20,
        gettext_noop(
            "Promote faster, safer and cheaper transfer of remittances and foster financial inclusion of "
            "migrants"
        ),
        True,
    ),
    Objective(
        21,
        gettext_noop(
            "Cooperate in facilitating safe and dignified return and readmission, as well as sustainable "
            "reintegration"
        ),
        True,
    ),
    Objective(
        22,
        gettext_noop(
            "Establish mechanisms for the portability of social security entitlements and earned benefits"
        ),
        True,
    ),
    Objective(
        23,
        gettext_noop(
            "Strengthen international cooperation and global partnerships for safe, orderly and regular "
            "migration"
        ),
        True,
    ),
)
BY_NUMBER = {o.number: o for o in OBJECTIVES}
