import factory
from django.utils import timezone

from samsyn.children.tests.factories import ChildFactory
from samsyn.directory.tests.factories import OrganisationFactory, StaffFactory
from samsyn.plans.models import Case, Party


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    child = factory.SubFactory(ChildFactory)
    reason = "Behöver insatser från både socialtjänst och BUP."
    initiated_by = factory.SubFactory(StaffFactory)
    initiating_organisation = factory.SubFactory(OrganisationFactory)


class PartyFactory(factory.django.DjangoModelFactory):
    """An invited organisation; `accepted_for=unit` has that unit accept the invitation, which
    gives the unit its relationship with the child (SEK-4)."""

    class Meta:
        model = Party

    class Params:
        accepted_for = None

    case = factory.SubFactory(CaseFactory)
    organisation = factory.LazyAttribute(
        lambda party: (
            party.accepted_for.organisation if party.accepted_for else OrganisationFactory()
        )
    )
    invited_by = factory.SubFactory(StaffFactory)
    unit = factory.SelfAttribute("accepted_for")
    accepted_at = factory.LazyAttribute(
        lambda party: timezone.now() if party.accepted_for else None
    )
