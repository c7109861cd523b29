import dataclasses

import factory

from samsyn.access.actor import Actor
from samsyn.accounts.tests.factories import UserFactory
from samsyn.directory.models import Membership, Organisation, Principal, Role, Staff, Unit


class PrincipalFactory(factory.django.DjangoModelFactory):
    """A municipality with a code in Örebro county (18xx). `region=True`: Region Örebro län,
    whose county code its municipalities share, so the region's settings apply to them."""

    class Meta:
        model = Principal
        django_get_or_create = ("name",)

    class Params:
        region = factory.Trait(kind=Principal.Kind.REGION, name="Region Örebro län", code="18")

    kind = Principal.Kind.MUNICIPALITY
    name = factory.Sequence(lambda n: f"Kommun {n}")
    code = factory.Sequence(lambda n: f"{1800 + n % 100}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    principal = factory.SubFactory(PrincipalFactory)
    kind = Organisation.Kind.SOCIAL_SERVICES
    name = factory.Sequence(lambda n: f"Socialtjänst {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Enhet {n}")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    user = factory.SubFactory(UserFactory)
    name = factory.Faker("name")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    staff = factory.SubFactory(StaffFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.CASEWORKER


def actor_of(membership: Membership) -> Actor:
    """The actor a signed-in person is while acting for this membership. Without the request's
    memo (`Actor.memo`): a test reuses one actor across changes to the data, which a request's
    actor never outlives."""
    actor = Actor.for_membership(membership.pk, user_id=membership.staff.user_id)
    assert actor is not None
    return dataclasses.replace(actor, memo=None)


def make_actor(**kwargs) -> Actor:
    return actor_of(MembershipFactory(**kwargs))
