import datetime

import factory
from django.utils import timezone

from samsyn.access.models import Category, Purpose
from samsyn.access.tests.factories import LegalGroundFactory
from samsyn.directory.models import Organisation
from samsyn.directory.tests.factories import StaffFactory, UnitFactory
from samsyn.referrals.models import Referral


class ReferralFactory(factory.django.DjangoModelFactory):
    """Social services refer a child to BUP under a legal ground recorded for it (OSL 26 kap.
    9 §), not yet answered. Traits: `accepted`, `declined` (with a next step), `bounced`
    (declined with none), `withdrawn`."""

    class Meta:
        model = Referral

    class Params:
        accepted = factory.Trait(
            status=Referral.Status.ACCEPTED,
            answered_at=factory.LazyFunction(timezone.now),
            answered_by=factory.SubFactory(StaffFactory),
        )
        bounced = factory.Trait(
            status=Referral.Status.DECLINED,
            answered_at=factory.LazyFunction(timezone.now),
            answered_by=factory.SubFactory(StaffFactory),
            decline_reason="Inte renodlat psykiatriskt: den sociala situationen först.",
        )  # fmt: skip
        declined = factory.Trait(
            bounced=True,
            next_step="Socialtjänsten utreder hemsituationen; ett gemensamt möte om sex veckor.",
            next_step_at=factory.LazyFunction(timezone.now),
        )
        withdrawn = factory.Trait(
            status=Referral.Status.WITHDRAWN,
            withdrawn_at=factory.LazyFunction(timezone.now),
            withdrawn_by=factory.SelfAttribute("sent_by"),
        )

    child = factory.SubFactory("samsyn.children.tests.factories.ChildFactory")
    from_unit = factory.SubFactory(
        UnitFactory, organisation__kind=Organisation.Kind.SOCIAL_SERVICES, name="Barn och unga"
    )
    from_organisation = factory.SelfAttribute("from_unit.organisation")
    sent_by = factory.SubFactory(StaffFactory)
    sent_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    to_unit = factory.SubFactory(
        UnitFactory, organisation__kind=Organisation.Kind.BUP, name="BUP-mottagningen"
    )
    to_organisation = factory.SelfAttribute("to_unit.organisation")
    reason = "Barnet har svår ångest och går inte till skolan; familjen har fått stöd hos oss."
    effort = "Bedömning och behandling av ångest."
    category = Category.SOCIAL
    legal_ground = factory.SubFactory(
        LegalGroundFactory, child=factory.SelfAttribute("..child"),
        receiving_organisation=factory.SelfAttribute("..to_organisation"),
        basis__code="test-osl-26-9", basis__reference="OSL 26 kap. 9 §",
        basis__categories=[Category.BASIC, Category.SOCIAL],
        basis__purposes=list(Purpose.values),
    )  # fmt: skip
