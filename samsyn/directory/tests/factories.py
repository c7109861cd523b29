import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.access.actor import Actor
from samsyn.accounts.models import User
from samsyn.directory.models import Membership, Organisation, Principal, Role, Staff, Unit


class PrincipalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Principal
        django_get_or_create = ("name",)

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


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        if create:
            self.save()
            TOTPDevice.objects.create(user=self, name="default", confirmed=True)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff

    user = factory.SubFactory(UserFactory)
    name = factory.Faker("name", locale="sv_SE")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    staff = factory.SubFactory(StaffFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.CASEWORKER


def make_actor(**kwargs) -> Actor:
    membership = MembershipFactory(**kwargs)
    return Actor.for_membership(membership.pk, user_id=membership.staff.user_id)
