"""The BBIC triangle (Barns behov i centrum, DOMAIN BBIC-1): its three sides and their areas in
Socialstyrelsen's own Swedish words.

BBIC is a registered mark licensed to each municipality by Socialstyrelsen; its wording may not
be altered or translated. So these labels are plain strings, never through gettext: an English
page shows them in Swedish too. The codes are Samsyn's own and are what the database stores.
"""

from __future__ import annotations

from dataclasses import dataclass

# The triangle's name, as the mark reads.
NAME = "Barns behov i centrum (BBIC)"


@dataclass(frozen=True)
class Area:
    code: str
    label: str
    side: str


@dataclass(frozen=True)
class Side:
    code: str
    label: str
    areas: tuple[Area, ...]


def _side(code: str, label: str, areas: list[tuple[str, str]]) -> Side:
    return Side(code, label, tuple(Area(a, text, code) for a, text in areas))


SIDES: tuple[Side, ...] = (
    _side(
        "child_needs",
        "Barnets behov",
        [
            ("health", "Hälsa"),
            ("education", "Utbildning"),
            ("emotional_development", "Känslo- och beteendemässig utveckling"),
            ("identity", "Identitet"),
            ("family_relationships", "Familj och sociala relationer"),
            ("social_presentation", "Socialt uppträdande"),
            ("self_care", "Förmåga att klara sig själv"),
        ],
    ),
    _side(
        "parenting_capacity",
        "Föräldrarnas förmåga",
        [
            ("basic_care", "Grundläggande omsorg"),
            ("safety", "Säkerhet"),
            ("emotional_availability", "Känslomässig tillgänglighet"),
            ("stimulation", "Stimulans"),
            ("guidance_boundaries", "Vägledning och gränssättning"),
            ("stability", "Stabilitet"),
        ],
    ),
    _side(
        "family_environment",
        "Familj och miljö",
        [
            ("family_history", "Familjens bakgrund och situation"),
            ("wider_family", "Familjenätverk"),
            ("housing", "Boende"),
            ("employment", "Arbete"),
            ("income", "Ekonomi"),
            ("social_integration", "Social integration"),
            ("community_resources", "Lokalsamhällets resurser"),
        ],
    ),
)

AREAS: tuple[Area, ...] = tuple(area for side in SIDES for area in side.areas)
AREA_BY_CODE: dict[str, Area] = {area.code: area for area in AREAS}
SIDE_BY_CODE: dict[str, Side] = {side.code: side for side in SIDES}
AREA_CHOICES = [(area.code, area.label) for area in AREAS]
