import factory
from django.utils import timezone

from samsyn.children.tests.factories import ChildFactory
from samsyn.concerns.models import (
    DeadlineRule,
    Feedback,
    InitialAssessment,
    Intake,
    Investigation,
    MeetingOffer,
    ProtectionAssessment,
    Report,
)
from samsyn.directory.models import Organisation
from samsyn.directory.tests.factories import (
    OrganisationFactory,
    PrincipalFactory,
    StaffFactory,
    UnitFactory,
)


class DeadlineRuleFactory(factory.django.DjangoModelFactory):
    """A rule as asked for: the migrations seed one row per code, so this changes that row."""

    class Meta:
        model = DeadlineRule

    code = DeadlineRule.Code.INITIAL_ASSESSMENT
    days = 14
    months = 0
    working_days = False
    reference = "SoL (2025:400) 20 kap. 2 §"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        rule, _ = model_class.objects.update_or_create(code=kwargs.pop("code"), defaults=kwargs)
        return rule


class IntakeFactory(factory.django.DjangoModelFactory):
    """A municipality's social services and its intake unit."""

    class Meta:
        model = Intake
        django_get_or_create = ("municipality",)

    municipality = factory.SubFactory(PrincipalFactory)
    organisation = factory.SubFactory(
        OrganisationFactory,
        principal=factory.SelfAttribute("..municipality"),
        kind=Organisation.Kind.SOCIAL_SERVICES,
    )
    unit = factory.SubFactory(
        UnitFactory, organisation=factory.SelfAttribute("..organisation"), name="Mottagning"
    )


class ReportFactory(factory.django.DjangoModelFactory):
    """A school's report about a child Samsyn knows, received now. Traits:
    `public`: from a member of the public (`anonymous=True` as well for an anonymous one);
    `unlinked`: naming a child by name and address only, not yet linked."""

    class Meta:
        model = Report

    class Params:
        public = factory.Trait(
            reporter_kind=Report.ReporterKind.PUBLIC,
            reporter_category=Report.ReporterCategory.PUBLIC,
            reporter_staff=None,
            reporter_unit=None,
            reporter_name="Anna Granne",
        )
        unlinked = factory.Trait(
            child=None, given_identity_number="", given_name="Kim Okänd",
            given_address="Storgatan 1, 702 10 Örebro",
        )  # fmt: skip

    intake = factory.SubFactory(IntakeFactory)
    organisation = factory.SelfAttribute("intake.organisation")
    intake_unit = factory.SelfAttribute("intake.unit")
    received_at = factory.LazyFunction(timezone.now)
    reporter_kind = Report.ReporterKind.PROFESSIONAL
    reporter_category = Report.ReporterCategory.SCHOOL
    reporter_staff = factory.SubFactory(StaffFactory)
    reporter_unit = factory.SubFactory(
        UnitFactory, organisation__kind=Organisation.Kind.SCHOOL, name="Skolan"
    )
    reporter_name = factory.SelfAttribute("reporter_staff.name")
    child = factory.SubFactory(
        ChildFactory, municipality=factory.SelfAttribute("..intake.municipality")
    )
    given_identity_number = factory.LazyAttribute(
        lambda report: report.child.identity_number if report.child else ""
    )
    what_seen = "Barnet kommer till skolan hungrigt och med blåmärken på armarna."
    urgency = Report.Urgency.NOT_ACUTE


class InvestigationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Investigation

    child = factory.SubFactory(ChildFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    unit = factory.SubFactory(UnitFactory, organisation=factory.SelfAttribute("..organisation"))
    opened_on = factory.LazyFunction(timezone.localdate)
    opened_by = factory.SubFactory(StaffFactory)


class ProtectionAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtectionAssessment

    report = factory.SubFactory(ReportFactory)
    immediate_protection_needed = False
    assessment = "Inget akut skyddsbehov: barnet bor hos sin mamma, som samarbetar."
    decided_by = factory.SubFactory(StaffFactory)


class InitialAssessmentFactory(factory.django.DjangoModelFactory):
    """Undecided unless a decision is given; "opened" opens an investigation in the report's
    social services."""

    class Meta:
        model = InitialAssessment

    class Params:
        opened = factory.Trait(
            decision=InitialAssessment.Decision.OPENED,
            decided_at=factory.LazyFunction(timezone.now),
            decided_by=factory.SubFactory(StaffFactory),
            reasons="Uppgifterna om blåmärken behöver utredas.",
            investigation=factory.SubFactory(
                InvestigationFactory,
                child=factory.SelfAttribute("..report.child"),
                organisation=factory.SelfAttribute("..report.organisation"),
            ),
        )
        not_opened = factory.Trait(
            decision=InitialAssessment.Decision.NOT_OPENED,
            decided_at=factory.LazyFunction(timezone.now),
            decided_by=factory.SubFactory(StaffFactory),
            reasons="Uppgifterna är utredda i samband med tidigare anmälan.",
        )

    report = factory.SubFactory(ReportFactory)


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    report = factory.SubFactory(ReportFactory)
    answer = InitialAssessment.Decision.NOT_OPENED
    given_by = factory.SubFactory(StaffFactory)


class MeetingOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingOffer

    report = factory.SubFactory(ReportFactory)
    offered_by = factory.SubFactory(StaffFactory)
