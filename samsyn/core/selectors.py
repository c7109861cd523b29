"""Reads for the start page (startsida): what each role needs first. Each read is one bounded
query whatever the size of the county; none of them returns a child."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.children.models import Child
from samsyn.directory.models import Membership, Organisation, Principal, Unit

# The start page shows at most this many rows of any list and links to the full one.
LIST_LIMIT = 50


def children_count(actor: Actor) -> int:
    """How many children the actor may open now, for their role's default purpose."""
    purpose = rules.default_purpose(actor)
    return rules.restrict(actor, Child.objects.all(), purpose=purpose).count()


def unit_staff(actor: Actor) -> QuerySet[Membership]:
    """The active members of the actor's unit: names, titles and roles only."""
    return (
        Membership.objects.filter(unit_id=actor.unit.pk, active=True)
        .select_related("staff")
        .only("role", "staff__name", "staff__title")
        .order_by("staff__name", "role")[:LIST_LIMIT]
    )


def unit_staff_count(actor: Actor) -> int:
    return (
        Membership.objects.filter(unit_id=actor.unit.pk, active=True)
        .values("staff_id")
        .distinct()
        .count()
    )


def organisation_units(actor: Actor) -> QuerySet[Unit]:
    """The units of the actor's organisation, each with its number of active staff."""
    return (
        Unit.objects.filter(organisation_id=actor.organisation.pk)
        .annotate(
            staff_count=Count(
                "memberships__staff", filter=Q(memberships__active=True), distinct=True
            )
        )
        .order_by("name")[:LIST_LIMIT]
    )


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    count: int


def county_code(actor: Actor) -> str:
    """The county (län) the actor's principal belongs to: a region's two-digit code, or the
    first two digits of a municipality's code. Blank when the principal has none (e.g. the
    state), and the counts then cover every organisation."""
    return (actor.organisation.principal.code or "")[:2]


def county_organisations_by_kind(actor: Actor) -> list[KindCount]:
    """How many organisations of each kind serve the actor's county. Counts only."""
    organisations = Organisation.objects.all()
    code = county_code(actor)
    if code:
        # A state or private organisation belongs to the county through a unit placed there.
        in_county = Unit.objects.filter(
            organisation=OuterRef("pk"), municipality__code__startswith=code
        )
        organisations = organisations.filter(
            Q(principal__code__startswith=code) | Exists(in_county)
        )
    rows = organisations.order_by().values("kind").annotate(count=Count("pk"))
    counts = {row["kind"]: row["count"] for row in rows}
    return [
        KindCount(kind, label, counts[kind])
        for kind, label in Organisation.Kind.choices
        if counts.get(kind)
    ]


def county_name(actor: Actor) -> str:
    code = county_code(actor)
    if not code:
        return ""
    region = (
        Principal.objects.filter(kind=Principal.Kind.REGION, code=code)
        .values_list("name", flat=True)
        .first()
    )
    return region or ""
