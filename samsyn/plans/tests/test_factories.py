"""The SIP factories make what they claim: each lifecycle trait is that state with what it
needs for real, so the state machine, the consent check and access agree with its status."""

import pytest
from django.utils import timezone

from samsyn.access import rules
from samsyn.access.models import Purpose
from samsyn.children.tests.factories import GuardianshipFactory, InvolvementFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import UnitFactory, make_actor
from samsyn.plans.models import Case, DeadlineRule
from samsyn.plans.selectors import cases as selectors
from samsyn.plans.selectors import deadlines
from samsyn.plans.selectors.consents import sip_consent_status
from samsyn.plans.services import versions as plan_services
from samsyn.plans.state import TRANSITIONS, TransitionRefused, check_transition
from samsyn.plans.tests.factories import CaseFactory, DeadlineRuleFactory, SipSettingsFactory

pytestmark = pytest.mark.django_db
PLANNING = Purpose.PLANNING


def test_a_sip_is_proposed_with_nobody_to_share_with():
    case = CaseFactory()
    assert (case.status, case.parties.exists()) == (Case.Status.PROPOSED, False)
    with pytest.raises(TransitionRefused):
        check_transition(case, "record_consent")


@pytest.mark.parametrize(
    ("trait", "status", "stage"),
    [
        ("consented", "consented", "consented"),
        ("met", "meeting_booked", "meeting_booked"),
        ("drafted", "drafted", "drafted"),
        ("finalised", "finalised", "finalised"),
        ("followed_up", "finalised", "followed_up"),
        ("closed", "closed", "closed"),
    ],
)
def test_each_state_has_its_status_and_stands_on_complete_consent(trait, status, stage):
    case = CaseFactory(**{trait: True})
    assert (case.status, selectors.stage_of(case)) == (status, stage)
    assert sip_consent_status(case).complete


@pytest.mark.parametrize(
    ("trait", "action", "target"),
    [
        ("consented", "book_meeting", "consented"),
        ("met", "draft_plan", "drafted"),
        ("drafted", "finalise_plan", "finalised"),
        ("finalised", "draft_plan", "drafted"),
        ("followed_up", "draft_plan", "drafted"),
    ],
)
def test_the_state_machine_allows_each_states_next_step(trait, action, target):
    assert check_transition(CaseFactory(**{trait: True}), action) == target


def test_a_closed_sip_takes_no_step():
    case = CaseFactory(closed=True)
    assert case.closed_at is not None
    assert case.close_reason
    for action in TRANSITIONS:
        with pytest.raises(TransitionRefused):
            check_transition(case, action)


def test_consented_opens_the_sip_to_the_receiving_units_clinician_only():
    bup = UnitFactory(organisation__kind=Organisation.Kind.BUP)
    case = CaseFactory(consented=True, receiving_unit=bup)
    clinician = make_actor(unit=bup, role=Role.CLINICIAN)
    assert list(selectors.cases_visible_to(clinician, purpose=PLANNING)) == [case]
    assert rules.decide(clinician, case, purpose=PLANNING).basis == "consent"
    # SEK-4: the consent is to the organisation; only its unit that accepted takes part.
    elsewhere = make_actor(unit=UnitFactory(organisation=bup.organisation), role=Role.CLINICIAN)
    assert list(selectors.cases_visible_to(elsewhere, purpose=PLANNING)) == []


def test_consented_needs_both_guardians_one_withdrawal_closes_it_again():
    case = CaseFactory(consented=True)
    clinician = make_actor(unit=case.parties.get().unit, role=Role.CLINICIAN)
    first, _ = case.child.consents.order_by("pk")
    first.withdrawn_at = timezone.now()
    first.save()
    assert not sip_consent_status(case).complete
    assert list(selectors.cases_visible_to(clinician, purpose=PLANNING)) == []


def test_consented_asks_the_childs_own_guardians_and_makes_the_initiator_coordinator():
    child = GuardianshipFactory().child
    case = CaseFactory(child=child, consented=True)
    assert case.child.guardianships.count() == 1
    assert sip_consent_status(case).complete
    handover = case.handovers.get()
    assert (case.coordinator, handover.to_staff) == (case.initiated_by, case.initiated_by)
    assert handover.accepted_at is not None


def _late(case: Case) -> Case:
    return deadlines.annotate_deadlines(Case.objects.filter(pk=case.pk)).get()


def test_met_held_the_first_meeting_on_time():
    case = CaseFactory(met=True)
    assert (_late(case).late_first_contact, _late(case).late_first_meeting) == (False, False)
    # Proposed 30 days ago, it would be late without that meeting.
    case.meetings.all().delete()
    assert _late(case).late_first_meeting


def test_a_drafted_plan_is_one_the_coordinator_may_finalise():
    social = make_actor()
    case = CaseFactory(
        drafted=True, initiated_by=social.staff, initiating_organisation=social.organisation
    )
    InvolvementFactory(child=case.child, unit=social.unit)
    draft = case.versions.get()
    plan_services.finalise_plan(actor=social, case_id=case.pk, lock_version=draft.lock_version)
    case.refresh_from_db()
    assert case.status == Case.Status.FINALISED


def test_sip_settings_are_the_region_of_the_factories_children():
    settings = SipSettingsFactory(school_may_initiate=False)
    assert selectors.settings_for(CaseFactory()) == settings


def test_a_deadline_rule_changes_the_seeded_row():
    DeadlineRuleFactory(code=DeadlineRule.Code.FIRST_MEETING, days=30)
    assert deadlines.deadline_rules()[DeadlineRule.Code.FIRST_MEETING].days == 30
    assert DeadlineRule.objects.filter(code=DeadlineRule.Code.FIRST_MEETING).count() == 1
