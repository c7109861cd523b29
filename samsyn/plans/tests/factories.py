import datetime

import factory
from django.utils import timezone

from samsyn.children.tests.factories import ChildFactory, GuardianshipFactory
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.directory.models import Organisation
from samsyn.directory.tests.factories import (
    OrganisationFactory,
    PrincipalFactory,
    StaffFactory,
    UnitFactory,
    make_actor,
)
from samsyn.plans.models import (
    Case,
    DeadlineRule,
    Handover,
    Invitation,
    Meeting,
    Party,
    PlanItem,
    PlanVersion,
    SipSettings,
)


def _days_from_now(days: int):
    return factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=days))


def _days_from_today(days: int):
    return factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=days))


class SipSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SipSettings

    region = factory.SubFactory(PrincipalFactory, region=True)


class DeadlineRuleFactory(factory.django.DjangoModelFactory):
    """A deadline rule as asked for. The migrations seed one row per code and the code is
    unique, so the factory changes that row rather than adding a second."""

    class Meta:
        model = DeadlineRule

    code = DeadlineRule.Code.FIRST_CONTACT
    days = 3
    working_days = False
    reference = "SoL (2025:400) 10 kap. 8 §"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        rule, _ = model_class.objects.update_or_create(code=kwargs.pop("code"), defaults=kwargs)
        return rule


def _every_guardians_consent(case, create, extracted, **kwargs):
    """Every guardian of the child consents for every invited party: what the default rule,
    both guardians, asks (SIP-3, SIP-4). A child with no guardian yet gets the usual two."""
    if not create:
        return
    if not case.child.guardianships.exists():
        GuardianshipFactory.create_batch(2, child=case.child)
    for party in case.parties.select_related("organisation"):
        for guardianship in case.child.guardianships.select_related("guardian"):
            ConsentFactory(
                child=case.child, guardian=guardianship.guardian,
                receiving_organisation=party.organisation, given_at=case.proposed_at,
                recorded_by=case.initiated_by, recorded_for=case.initiating_organisation,
            )  # fmt: skip


class CaseFactory(factory.django.DjangoModelFactory):
    """A SIP, proposed and with no party unless a trait says otherwise. Each trait is a state of
    its lifecycle, built on the one before, with what that state needs for real, so the state
    machine, the consent check and access agree with the status:

    - `consented`: `receiving_unit` (a new BUP unit unless given) accepted the invitation of its
      organisation, every guardian of the child (two, if it has none yet) consented to share
      with it, and the initiator became coordinator, as `advance_after_consent` leaves it;
    - `met`: the first meeting was held, on time (proposed 30 days ago; status meeting booked);
    - `drafted`: a draft plan (version 1) with everything SIP-6 and SIP-7 ask;
    - `finalised`: version 1 finalised, its follow-up three months ahead;
    - `followed_up`: followed up: version 1's date passed and version 2 was finalised;
    - `closed`: finalised, then closed with a reason.
    """

    class Meta:
        model = Case
        skip_postgeneration_save = True

    class Params:
        receiving_unit = None
        consented = factory.Trait(
            status=Case.Status.CONSENTED,
            receiving_unit=factory.SubFactory(
                UnitFactory, organisation__kind=Organisation.Kind.BUP,
                organisation__principal__region=True,
            ),
            coordinator=factory.SelfAttribute("initiated_by"),
            coordinator_organisation=factory.SelfAttribute("initiating_organisation"),
            first_coordinator=factory.RelatedFactory(
                "samsyn.plans.tests.factories.HandoverFactory", factory_related_name="case",
                from_staff=None, to_staff=factory.SelfAttribute("..initiated_by"),
                to_organisation=factory.SelfAttribute("..initiating_organisation"),
                offered_at=factory.SelfAttribute("..proposed_at"),
                accepted_at=factory.SelfAttribute("..proposed_at"),
            ),
            receiving_party=factory.RelatedFactory(
                "samsyn.plans.tests.factories.PartyFactory", factory_related_name="case",
                accepted_for=factory.SelfAttribute("..receiving_unit"),
                invited_by=factory.SelfAttribute("..initiated_by"),
                invited_at=factory.SelfAttribute("..proposed_at"),
            ),
            # After the party: the consents are for the parties there are.
            guardians_consent=factory.PostGeneration(_every_guardians_consent),
        )  # fmt: skip
        met = factory.Trait(
            consented=True,
            status=Case.Status.MEETING_BOOKED,
            proposed_at=_days_from_now(-30),
            first_contact_at=_days_from_now(-28),
            first_meeting=factory.RelatedFactory(
                "samsyn.plans.tests.factories.MeetingFactory", factory_related_name="case",
                held=True, booked_by=factory.SelfAttribute("..initiated_by"),
            ),
        )  # fmt: skip
        drafted = factory.Trait(
            met=True,
            status=Case.Status.DRAFTED,
            plan=factory.RelatedFactory(
                "samsyn.plans.tests.factories.PlanVersionFactory", factory_related_name="case",
                complete=True,
            ),
        )  # fmt: skip
        finalised = factory.Trait(
            drafted=True,
            status=Case.Status.FINALISED,
            plan=factory.RelatedFactory(
                "samsyn.plans.tests.factories.PlanVersionFactory", factory_related_name="case",
                complete=True, final=True,
            ),
        )  # fmt: skip
        followed_up = factory.Trait(
            finalised=True,
            plan=factory.RelatedFactory(
                "samsyn.plans.tests.factories.PlanVersionFactory", factory_related_name="case",
                number=1, complete=True, final=True, follow_up_on=_days_from_today(-7),
                finalised_at=_days_from_now(-21),
            ),
            follow_up=factory.RelatedFactory(
                "samsyn.plans.tests.factories.PlanVersionFactory", factory_related_name="case",
                number=2, complete=True, final=True,
            ),
        )  # fmt: skip
        closed = factory.Trait(
            finalised=True,
            status=Case.Status.CLOSED,
            closed_at=factory.LazyFunction(timezone.now),
            close_reason="Målen är nådda; insatserna fortsätter utan SIP.",
        )

    child = factory.SubFactory(ChildFactory)
    reason = "Behöver insatser från både socialtjänst och BUP."
    proposed_at = factory.LazyFunction(timezone.now)
    initiated_by = factory.SubFactory(StaffFactory)
    initiating_organisation = factory.SubFactory(OrganisationFactory)


class PartyFactory(factory.django.DjangoModelFactory):
    """An invited organisation; `accepted_for=unit` has that unit accept the invitation, which
    gives the unit its relationship with the child (SEK-4)."""

    class Meta:
        model = Party

    class Params:
        accepted_for = None

    case = factory.SubFactory(CaseFactory)
    organisation = factory.Maybe(
        "accepted_for",
        yes_declaration=factory.SelfAttribute("accepted_for.organisation"),
        no_declaration=factory.SubFactory(OrganisationFactory),
    )
    invited_by = factory.SubFactory(StaffFactory)
    unit = factory.SelfAttribute("accepted_for")
    accepted_at = factory.Maybe(
        "accepted_for", yes_declaration=factory.LazyFunction(timezone.now), no_declaration=None
    )


class HandoverFactory(factory.django.DjangoModelFactory):
    """The coordinator role offered by the SIP's coordinator to someone else, not answered yet."""

    class Meta:
        model = Handover

    case = factory.SubFactory(CaseFactory)
    from_staff = factory.SelfAttribute("case.coordinator")
    to_staff = factory.SubFactory(StaffFactory)
    to_organisation = factory.SubFactory(OrganisationFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A SIP meeting in a week. Traits: `held` (ten days ago, with minutes), `cancelled`."""

    class Meta:
        model = Meeting

    class Params:
        held = factory.Trait(
            starts_at=_days_from_now(-10),
            minutes="Vi gick igenom behoven och kom överens om insatserna.",
            minutes_by=factory.SelfAttribute("booked_by"),
        )
        cancelled = factory.Trait(cancelled_at=factory.LazyFunction(timezone.now))

    case = factory.SubFactory(CaseFactory)
    starts_at = _days_from_now(7)
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + datetime.timedelta(hours=1))
    place = "Storgatan 1, rum 3"
    booked_by = factory.SubFactory(StaffFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    meeting = factory.SubFactory(MeetingFactory)
    kind = Invitation.Kind.OTHER
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"inbjuden{n}@example.org")


def _items_of_a_complete_plan(version, create, extracted, **kwargs):
    """A need, a goal and an effort for it with the initiating principal responsible, and a
    measure by others: what SIP-6 points 1–3 ask before a plan is finalised."""
    if not create:
        return
    organisation = version.case.initiating_organisation
    need = PlanItemFactory(version=version, kind=PlanItem.Kind.NEED, text="Sover dåligt.")
    PlanItemFactory(
        version=version, kind=PlanItem.Kind.GOAL, text="Sover hela nätter.", need_key=need.key
    )
    PlanItemFactory(
        version=version, kind=PlanItem.Kind.EFFORT, text="Samtalsstöd varje vecka.",
        need_key=need.key, responsible_organisation=organisation,
        responsible_principal=organisation.principal,
    )  # fmt: skip
    PlanItemFactory(
        version=version, kind=PlanItem.Kind.MEASURE_BY_OTHERS, text="Anpassad skolstart.",
        responsible_other="Ekängsskolan",
    )  # fmt: skip


class PlanVersionFactory(factory.django.DjangoModelFactory):
    """The next version of the SIP's plan, a draft with the child's view and the follow-up filled
    in. Traits: `complete` (with the items SIP-6 asks for, so it may be finalised), `final`."""

    class Meta:
        model = PlanVersion
        skip_postgeneration_save = True

    class Params:
        complete = factory.Trait(complete_items=factory.PostGeneration(_items_of_a_complete_plan))
        final = factory.Trait(
            status=PlanVersion.Status.FINAL,
            finalised_at=factory.LazyFunction(timezone.now),
            finalised_by=factory.SelfAttribute("created_by"),
        )

    case = factory.SubFactory(CaseFactory)
    number = factory.LazyAttribute(lambda version: version.case.versions.count() + 1)
    child_view = "Jag vill kunna sova och orka gå till skolan."
    follow_up_on = _days_from_today(90)
    follow_up_how = "Nytt SIP-möte med alla parter."
    created_by = factory.SelfAttribute("case.initiated_by")


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem

    version = factory.SubFactory(PlanVersionFactory)
    kind = PlanItem.Kind.NEED
    text = factory.Sequence(lambda n: f"Behov {n}")


def actor_in_organisation(principal, kind, role, name):
    """An actor in a unit of a new organisation of this kind under the principal."""
    organisation = Organisation.objects.create(principal=principal, kind=kind, name=name)
    return make_actor(unit__organisation=organisation, role=role)
