import datetime

import factory

from samsyn.children.identity import luhn_check_digit
from samsyn.children.models import Child, Guardian, Guardianship, Involvement
from samsyn.directory.tests.factories import PrincipalFactory


def identity_number(birth: datetime.date, n: int) -> str:
    # Three serial digits per date: the n-th number moves on to the next day every thousand.
    birth, serial = birth + datetime.timedelta(days=n // 1000), n % 1000
    nine = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}{serial:03d}{luhn_check_digit(nine)}"


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    identity_number = factory.Sequence(lambda n: identity_number(datetime.date(2015, 3, 14), n))
    birth_date = factory.LazyAttribute(
        lambda child: datetime.datetime.strptime(child.identity_number[:8], "%Y%m%d").date()  # noqa: DTZ007
    )
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    street_address = "Storgatan 1"
    postal_code = "70210"
    city = "Örebro"
    municipality = factory.SubFactory(PrincipalFactory)


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    identity_number = factory.Sequence(lambda n: identity_number(datetime.date(1985, 6, 1), n))
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")


class GuardianshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardianship

    child = factory.SubFactory(ChildFactory)
    guardian = factory.SubFactory(GuardianFactory)


class InvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Involvement

    child = factory.SubFactory(ChildFactory)
    started_on = datetime.date(2024, 1, 1)
