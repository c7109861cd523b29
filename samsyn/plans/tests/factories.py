import factory

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
    class Meta:
        model = Party

    case = factory.SubFactory(CaseFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    invited_by = factory.SubFactory(StaffFactory)
