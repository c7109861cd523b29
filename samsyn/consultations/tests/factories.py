import factory
from django.utils import timezone

from samsyn.access.models import Category
from samsyn.consultations.models import Consultation
from samsyn.directory.models import Organisation
from samsyn.directory.tests.factories import StaffFactory, UnitFactory


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A school's consultation to BUP, unanswered and naming no child. Traits: `answered` (by
    a member of the unit asked), `whole_organisation` (no unit chosen)."""

    class Meta:
        model = Consultation

    class Params:
        answered = factory.Trait(
            answer="Det låter som en fråga för en första bedömning hos oss. Ring gärna.",
            answered_by=factory.SubFactory(StaffFactory),
            answered_by_unit=factory.SelfAttribute("consulted_unit"),
            answered_at=factory.LazyFunction(timezone.now),
        )
        whole_organisation = factory.Trait(consulted_unit=None)

    asked_by = factory.SubFactory(StaffFactory)
    asking_unit = factory.SubFactory(
        UnitFactory, organisation__kind=Organisation.Kind.SCHOOL, name="Elevhälsan"
    )
    asking_organisation = factory.SelfAttribute("asking_unit.organisation")
    consulted_unit = factory.SubFactory(
        UnitFactory, organisation__kind=Organisation.Kind.BUP, name="BUP-mottagningen"
    )
    consulted_organisation = factory.LazyAttribute(
        lambda c: (
            c.consulted_unit.organisation
            if c.consulted_unit
            else UnitFactory(organisation__kind=Organisation.Kind.BUP).organisation
        )
    )
    age_band = Consultation.AgeBand.TEEN
    question = "Hur kan vi som skola bemöta en elev som slutat äta i skolan?"
    situation = "Elev i årskurs 8 som gått ner i vikt under terminen och undviker matsalen."
    category = Category.SCHOOL
