import datetime

import factory
from django.utils import timezone

from samsyn.access.models import Category, Purpose
from samsyn.children.tests.factories import ChildFactory, GuardianFactory, GuardianshipFactory
from samsyn.consent.models import Consent, ConsentSettings, MaturityAssessment
from samsyn.directory.tests.factories import OrganisationFactory, PrincipalFactory, StaffFactory


def _days_from_now(days: int):
    return factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=days))


class ConsentSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentSettings

    region = factory.SubFactory(PrincipalFactory, region=True)
    both_guardians_must_consent = True


class MaturityAssessmentFactory(factory.django.DjangoModelFactory):
    """An assessment that the child is mature enough to consent for themself (SIP-4)."""

    class Meta:
        model = MaturityAssessment

    child = factory.SubFactory(ChildFactory)
    mature = True
    reasoning = "15 år, förstår vad samtycket innebär."
    assessed_by = factory.SubFactory(StaffFactory)
    assessed_for = factory.SubFactory(OrganisationFactory)


class ConsentFactory(factory.django.DjangoModelFactory):
    """One guardian's written consent to one organisation, to receive the SIP's plan for
    planning and follow-up, given now and valid for a year, as `record_sip_consent` records it.
    The guardian is made the child's guardian if they are not yet.

    Traits: `by_child` (the child's own, after an assessment that the child is mature enough),
    `withdrawn` (at once, by whoever recorded it), `expired` (given a year ago, lapsed)."""

    class Meta:
        model = Consent
        skip_postgeneration_save = True

    class Params:
        by_child = factory.Trait(
            given_by=Consent.GivenBy.CHILD,
            guardian=None,
            # The services take the child's consent only after such an assessment (SIP-4).
            maturity=factory.RelatedFactory(
                MaturityAssessmentFactory, child=factory.SelfAttribute("..child"),
                assessed_by=factory.SelfAttribute("..recorded_by"),
                assessed_for=factory.SelfAttribute("..recorded_for"),
            ),
        )  # fmt: skip
        withdrawn = factory.Trait(
            withdrawn_at=factory.LazyFunction(timezone.now),
            withdrawn_recorded_by=factory.SelfAttribute("recorded_by"),
        )
        expired = factory.Trait(given_at=_days_from_now(-366), valid_until=_days_from_now(-1))

    child = factory.SubFactory(ChildFactory)
    given_by = Consent.GivenBy.GUARDIAN
    guardian = factory.SubFactory(GuardianFactory)
    receiving_organisation = factory.SubFactory(OrganisationFactory)
    categories = factory.LazyFunction(lambda: [Category.PLAN])
    purposes = factory.LazyFunction(lambda: [Purpose.PLANNING, Purpose.FOLLOW_UP])
    form = Consent.Form.WRITTEN
    given_at = factory.LazyFunction(timezone.now)
    valid_until = _days_from_now(365)
    recorded_by = factory.SubFactory(StaffFactory)
    recorded_for = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def guardianship(consent, create, extracted, **kwargs):
        # Only the child's own guardians consent (the service refuses anyone else).
        if create and consent.guardian is not None:
            GuardianshipFactory(child=consent.child, guardian=consent.guardian)
