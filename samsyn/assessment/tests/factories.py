import datetime

import factory
from django.utils import timezone

from samsyn.assessment.models import (
    AreaRating,
    Assessment,
    AssessmentVersion,
    BbicLicence,
    Factor,
    RatingLevel,
)
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import (
    MembershipFactory,
    StaffFactory,
    UnitFactory,
    actor_of,
)


class BbicLicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BbicLicence
        django_get_or_create = ("municipality",)

    reference = factory.Sequence(lambda n: f"Socialstyrelsen BBIC-licens {2020 + n % 5}/{n}")
    licensed_on = datetime.date(2020, 1, 1)


class AssessmentFactory(factory.django.DjangoModelFactory):
    """An assessment by a social services unit of a child in its municipality."""

    class Meta:
        model = Assessment

    unit = factory.SubFactory(UnitFactory, name="Barn och unga – utredning")
    organisation = factory.SelfAttribute("unit.organisation")
    child = factory.SubFactory(
        ChildFactory, municipality=factory.SelfAttribute("..organisation.principal")
    )
    created_by = factory.SubFactory(StaffFactory)


class VersionFactory(factory.django.DjangoModelFactory):
    """A draft version; `final=True` finalised; `bbic=True` on the triangle."""

    class Meta:
        model = AssessmentVersion

    class Params:
        final = factory.Trait(
            status=AssessmentVersion.Status.FINAL,
            finalised_at=factory.LazyFunction(timezone.now),
            finalised_by=factory.SelfAttribute("created_by"),
        )

    assessment = factory.SubFactory(AssessmentFactory)
    number = factory.Sequence(lambda n: n + 1)
    created_by = factory.SubFactory(StaffFactory)
    child_view = "Jag vill bo kvar hos mamma och gå i samma skola."


def rate(version, area: str, value: int | None, description: str = "") -> AreaRating:
    level = RatingLevel.objects.get(value=value) if value else None
    return AreaRating.objects.create(
        version=version, area=area, level=level, description=description
    )


def name_factor(version, kind: str, name: str, position: int = 0) -> Factor:
    return Factor.objects.create(version=version, kind=kind, name=name, position=position)


def caseworker_of(assessment: Assessment):
    """A caseworker of the assessing unit, which has the child as a client."""
    InvolvementFactory(child=assessment.child, unit=assessment.unit)
    return actor_of(MembershipFactory(unit=assessment.unit, role=Role.CASEWORKER))


def caseworker_for(child, unit=None):
    """A social services caseworker whose unit has the child as a client."""
    unit = unit or UnitFactory(organisation__principal=child.municipality)
    InvolvementFactory(child=child, unit=unit)
    return actor_of(MembershipFactory(unit=unit, role=Role.CASEWORKER))
