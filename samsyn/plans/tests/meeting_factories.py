import datetime

import factory
from django.utils import timezone

from samsyn.directory.tests.factories import StaffFactory
from samsyn.plans.models import Invitation, Meeting
from samsyn.plans.tests.factories import CaseFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    case = factory.SubFactory(CaseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + datetime.timedelta(hours=1))
    place = "Storgatan 1, rum 3"
    booked_by = factory.SubFactory(StaffFactory)

    class Params:
        # Over, with its minutes recorded: the meeting a first plan is drawn up at (SIP-10).
        held = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)),
            minutes="Alla parter deltog. Planen gicks igenom.",
        )


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    kind = Invitation.Kind.OTHER
    name = factory.Faker("name", locale="sv_SE")
    email = factory.Sequence(lambda n: f"inbjuden{n}@example.org")
