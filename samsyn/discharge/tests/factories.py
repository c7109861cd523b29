import datetime

import factory
from django.utils import timezone

from samsyn.access.models import Category, Purpose
from samsyn.access.tests.factories import LegalGroundFactory
from samsyn.children.tests.factories import ChildFactory
from samsyn.directory.models import Organisation
from samsyn.directory.tests.factories import StaffFactory, UnitFactory
from samsyn.discharge.models import Admission, DischargeDateChange, Notice, PlanningTask


class AdmissionFactory(factory.django.DjangoModelFactory):
    """A child admitted to a BUP inpatient unit an hour ago, expected home in a week."""

    class Meta:
        model = Admission

    child = factory.SubFactory(ChildFactory)
    unit = factory.SubFactory(
        UnitFactory, organisation__kind=Organisation.Kind.BUP, name="BUP heldygnsvård"
    )
    organisation = factory.SelfAttribute("unit.organisation")
    admitted_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    needs_judged_at = factory.SelfAttribute("admitted_at")
    expected_discharge_on = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=7)
    )
    created_by = factory.SubFactory(StaffFactory)


class NoticeFactory(factory.django.DjangoModelFactory):
    """An admission notice to a unit of the municipality's social services, sent under a
    recorded legal ground for that organisation."""

    class Meta:
        model = Notice

    admission = factory.SubFactory(AdmissionFactory)
    kind = Notice.Kind.ADMISSION
    to_unit = factory.SubFactory(UnitFactory, organisation__kind=Organisation.Kind.SOCIAL_SERVICES)
    sent_by = factory.SelfAttribute("admission.created_by")
    legal_ground = factory.SubFactory(
        LegalGroundFactory,
        child=factory.SelfAttribute("..admission.child"),
        receiving_organisation=factory.SelfAttribute("..to_unit.organisation"),
        categories=[Category.BASIC, Category.HEALTH],
        purposes=[Purpose.PLANNING],
    )


class DischargeDateChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DischargeDateChange

    admission = factory.SubFactory(AdmissionFactory)
    from_date = factory.SelfAttribute("admission.expected_discharge_on")
    to_date = factory.LazyAttribute(lambda change: change.from_date - datetime.timedelta(days=5))
    changed_by = factory.SelfAttribute("admission.created_by")


class PlanningTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanningTask

    admission = factory.SubFactory(AdmissionFactory)
    unit = factory.SubFactory(UnitFactory)
    text = "Kontakta vårdnadshavarna om stöd i hemmet efter utskrivningen."
