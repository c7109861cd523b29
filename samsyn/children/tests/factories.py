import datetime

import factory
from django.utils import timezone

from samsyn.children.identity import luhn_check_digit
from samsyn.children.models import (
    Child,
    Guardian,
    Guardianship,
    Involvement,
    ProtectedIdentityNeed,
)
from samsyn.directory.tests.factories import PrincipalFactory, StaffFactory, UnitFactory


def identity_number(birth: datetime.date, n: int) -> str:
    # Three serial digits per date: the n-th number moves on to the next day every thousand.
    birth, serial = birth + datetime.timedelta(days=n // 1000), n % 1000
    nine = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}{serial:03d}{luhn_check_digit(nine)}"


class PersonFactory(factory.django.DjangoModelFactory):
    """What children and guardians share: a name and a Swedish address."""

    class Meta:
        abstract = True

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    street_address = factory.Faker("street_address")
    postal_code = factory.Faker("postcode")
    city = factory.Faker("city")


def name_no_staff_member_shares(child) -> None:
    """For a test that proves the child is named nowhere on a page or in a mail that names
    staff: a random staff name may hold the child's (Sjöberg in Svensson-Sjöberg, Bo in Borg),
    so the child gets names the fake data never makes."""
    child.first_name, child.last_name = "Provbarnet", "Namnlösdotter"
    child.save(update_fields=["first_name", "last_name"])


class ChildFactory(PersonFactory):
    class Meta:
        model = Child

    identity_number = factory.Sequence(lambda n: identity_number(datetime.date(2015, 3, 14), n))
    birth_date = factory.LazyAttribute(
        lambda child: datetime.datetime.strptime(child.identity_number[:8], "%Y%m%d").date()  # noqa: DTZ007
    )
    municipality = factory.SubFactory(PrincipalFactory)


class GuardianFactory(PersonFactory):
    class Meta:
        model = Guardian

    identity_number = factory.Sequence(lambda n: identity_number(datetime.date(1985, 6, 1), n))


class GuardianshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardianship
        # A guardian is the child's guardian once: asking again finds the same row.
        django_get_or_create = ("child", "guardian")

    child = factory.SubFactory(ChildFactory)
    guardian = factory.SubFactory(GuardianFactory)


class InvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Involvement

    child = factory.SubFactory(ChildFactory)
    unit = factory.SubFactory(UnitFactory)
    started_on = datetime.date(2024, 1, 1)


class ProtectedIdentityNeedFactory(factory.django.DjangoModelFactory):
    """A unit's recorded need to see a protected child's address, valid for a month."""

    class Meta:
        model = ProtectedIdentityNeed

    class Params:
        expired = factory.Trait(
            valid_until=factory.LazyFunction(
                lambda: timezone.localdate() - datetime.timedelta(days=1)
            )
        )

    child = factory.SubFactory(ChildFactory, protected_identity=True)
    unit = factory.SubFactory(UnitFactory)
    reason = "Hembesök"
    recorded_by = factory.SubFactory(StaffFactory)
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
