import datetime

import factory
from django.utils import timezone

from samsyn.access.models import Category, EmergencyAccess, LegalBasis, LegalGround, Purpose
from samsyn.children.tests.factories import ChildFactory
from samsyn.directory.tests.factories import OrganisationFactory, StaffFactory, UnitFactory


def _days_from_now(days: int):
    return factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=days))


class LegalBasisFactory(factory.django.DjangoModelFactory):
    """A rule of law permitting disclosure. The migrations seed the real ones; these have codes
    of their own, and asking again for a code finds its row."""

    class Meta:
        model = LegalBasis
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test-basis-{n}")
    reference = "OSL 25 kap. 12 §"
    title = "Barn under 18: uppgift som behövs för en nödvändig insats"
    categories = factory.LazyFunction(lambda: [Category.BASIC, Category.PLAN])
    purposes = factory.LazyFunction(lambda: [Purpose.PLANNING, Purpose.FOLLOW_UP])


class LegalGroundFactory(factory.django.DjangoModelFactory):
    """A recorded legal ground, in force from now for 90 days, covering what its basis does.
    Traits: `ended` (ended early by the recording organisation), `expired` (past its date)."""

    class Meta:
        model = LegalGround

    class Params:
        ended = factory.Trait(ended_at=factory.LazyFunction(timezone.now))
        expired = factory.Trait(
            valid_from=_days_from_now(-91), recorded_at=_days_from_now(-91),
            valid_until=_days_from_now(-1),
        )  # fmt: skip

    child = factory.SubFactory(ChildFactory)
    basis = factory.SubFactory(LegalBasisFactory)
    receiving_organisation = factory.SubFactory(OrganisationFactory)
    categories = factory.LazyAttribute(lambda ground: list(ground.basis.categories))
    purposes = factory.LazyAttribute(lambda ground: list(ground.basis.purposes))
    reason = "Nödvändig vård: gemensam bedömning."
    valid_from = factory.LazyFunction(timezone.now)
    valid_until = _days_from_now(90)
    recorded_by = factory.SubFactory(StaffFactory)
    recorded_at = factory.SelfAttribute("valid_from")


class EmergencyAccessFactory(factory.django.DjangoModelFactory):
    """An emergency access in force for two hours. Trait: `expired` (ended an hour ago)."""

    class Meta:
        model = EmergencyAccess

    class Params:
        expired = factory.Trait(
            started_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=3)),
            ends_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1)),
        )

    staff = factory.SubFactory(StaffFactory)
    unit = factory.SubFactory(UnitFactory)
    child = factory.SubFactory(ChildFactory)
    reason = "Akut läge: barnet är på akuten och ansvarig handläggare nås inte."
    started_at = factory.LazyFunction(timezone.now)
    ends_at = factory.LazyAttribute(lambda access: access.started_at + datetime.timedelta(hours=2))
