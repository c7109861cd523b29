"""RAD-2: a child waiting for an effort longer than the threshold (the seed's 1.5 years). The
effort's agreement is recorded when its plan is finalised and its start by the organisation
responsible; the detector finds an effort agreed and not started, and the start clears it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samsyn.access.models import Category, Purpose
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import InvolvementFactory
from samsyn.common.errors import AccessDenied
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of
from samsyn.plans.models import Case, PlanItem
from samsyn.plans.services import efforts
from samsyn.plans.services import versions as plan_services
from samsyn.plans.tests.factories import CaseFactory, PartyFactory
from samsyn.radar.models import Signal
from samsyn.radar.selectors.queue import open_count, queue_for
from samsyn.radar.services.scan import scan

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def live():
    return Signal.objects.filter(rule__code="RAD-2", cleared_at__isnull=True)


def sip_with_bup_effort(agreed_days_ago: int | None):
    """A finalised SIP of social services with BUP as party, whose plan holds an effort BUP is
    responsible for, agreed so many days ago."""
    case = CaseFactory(finalised=True)
    bup_unit = case.parties.get(unit__organisation__kind=Organisation.Kind.BUP).unit
    version = case.versions.get()
    effort = PlanItem.objects.create(
        version=version, kind=PlanItem.Kind.EFFORT, text="Behandling på BUP",
        responsible_organisation=bup_unit.organisation,
        agreed_on=TODAY - datetime.timedelta(days=agreed_days_ago)
        if agreed_days_ago is not None else None,
    )  # fmt: skip
    return case, bup_unit, effort


def bup_clinician(case, unit):
    actor = actor_of(MembershipFactory(unit=unit, role=Role.CLINICIAN))
    ConsentFactory(
        child=case.child, by_child=True, receiving_organisation=unit.organisation,
        categories=[Category.BASIC, Category.PLAN], purposes=list(Purpose.values),
    )  # fmt: skip
    return actor


def test_rad_2_the_seeds_effort_waiting_a_year_and_a_half_is_found_for_both_sides():
    case, bup_unit, effort = sip_with_bup_effort(548)
    scan()
    signals = {s.organisation_id: s for s in live()}
    assert set(signals) == {bup_unit.organisation_id, case.coordinator_organisation_id}
    bup = signals[bup_unit.organisation_id]
    assert (bup.subject_type, bup.subject_id, bup.unit_id) == ("plan_item", effort.pk, bup_unit.pk)
    assert bup.due_on == TODAY - datetime.timedelta(days=548 - 90)
    coordinator = signals[case.coordinator_organisation_id]
    assert coordinator.staff_id == case.coordinator_id


def test_rad_2_an_effort_within_the_threshold_or_never_agreed_is_not_a_signal():
    sip_with_bup_effort(30)
    sip_with_bup_effort(None)
    scan()
    assert not live().exists()


def test_rad_2_recording_the_start_clears_the_signal_and_is_audited():
    case, bup_unit, effort = sip_with_bup_effort(120)
    actor = bup_clinician(case, bup_unit)
    scan()
    assert live().count() == 2
    efforts.record_effort_started(actor=actor, case_id=case.pk, key=effort.key)
    effort.refresh_from_db()
    assert effort.started_on == TODAY
    scan()
    assert not live().exists()
    entry = Entry.objects.get(action="effort_started", staff_id=actor.staff.pk)
    assert entry.detail["waited_days"] == 120
    with pytest.raises(ValidationError):
        efforts.record_effort_started(actor=actor, case_id=case.pk, key=effort.key)


def test_rad_2_an_effort_of_a_closed_sip_or_an_earlier_version_is_not_a_signal():
    case, _unit, _effort = sip_with_bup_effort(200)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    followed = CaseFactory(followed_up=True)
    first = followed.versions.get(number=1)
    PlanItem.objects.create(
        version=first, kind=PlanItem.Kind.EFFORT, text="Tidigare insats",
        responsible_organisation=followed.initiating_organisation,
        agreed_on=TODAY - datetime.timedelta(days=300),
    )  # fmt: skip
    scan()
    assert not live().exists()


def test_rad_2_only_the_organisation_responsible_or_coordinating_records_the_start():
    case, bup_unit, effort = sip_with_bup_effort(120)
    with pytest.raises(ValidationError):
        efforts.record_effort_started(
            actor=bup_clinician(case, bup_unit), case_id=case.pk, key=effort.key,
            started_on=TODAY - datetime.timedelta(days=121),
        )  # fmt: skip
    # The school takes part in the SIP and reads the plan, but neither owns the effort nor
    # coordinates: it may not say BUP's treatment started.
    school = UnitFactory(organisation__kind=Organisation.Kind.SCHOOL)
    PartyFactory(case=case, accepted_for=school)
    ConsentFactory(
        child=case.child, by_child=True, receiving_organisation=school.organisation,
        categories=[Category.BASIC, Category.PLAN], purposes=list(Purpose.values),
    )  # fmt: skip
    outsider = actor_of(MembershipFactory(unit=school, role=Role.SCHOOL_COUNSELLOR))
    with pytest.raises(AccessDenied):
        efforts.record_effort_started(actor=outsider, case_id=case.pk, key=effort.key)
    effort.refresh_from_db()
    assert effort.started_on is None


def test_rad_2_the_signal_opens_only_to_the_unit_that_takes_part():
    """Point 7: BUP's signal names the child; BUP's unit in the SIP sees it, another BUP unit
    with no relationship to the child sees nothing."""
    case, bup_unit, _effort = sip_with_bup_effort(120)
    inside = bup_clinician(case, bup_unit)
    elsewhere = actor_of(
        MembershipFactory(unit=UnitFactory(organisation=bup_unit.organisation),
                          role=Role.CLINICIAN)
    )  # fmt: skip
    scan()
    assert open_count(inside) == 1
    assert [row.signal.child_id for row in queue_for(inside).rows] == [case.child_id]
    assert open_count(elsewhere) == 0
    assert queue_for(elsewhere).rows == []


def test_rad_2_finalising_records_the_day_and_a_follow_up_keeps_both_days(social_with_case):
    actor, case = social_with_case
    version = case.versions.get()
    plan_services.finalise_plan(actor=actor, case_id=case.pk, lock_version=version.lock_version)
    effort = PlanItem.objects.get(version=version, kind=PlanItem.Kind.EFFORT)
    assert effort.agreed_on == TODAY
    efforts.record_effort_started(actor=actor, case_id=case.pk, key=effort.key)
    draft = plan_services.start_plan(actor=actor, case_id=case.pk)
    copy = draft.items.get(key=effort.key)
    assert (copy.agreed_on, copy.started_on) == (TODAY, TODAY)


def test_rad_2_the_plan_page_has_the_start_button_for_the_plan_in_force(actor_client):
    case, bup_unit, effort = sip_with_bup_effort(120)
    actor = bup_clinician(case, bup_unit)
    client = actor_client(actor)
    page = client.get(reverse("plans:plan_version", args=[case.pk, 1]))
    url = reverse("plans:effort_started", args=[case.pk, effort.key])
    assert url in page.content.decode()
    answer = client.post(url)
    assert answer.status_code == 302
    effort.refresh_from_db()
    assert effort.started_on == TODAY


def test_rad_2_a_party_neither_responsible_nor_coordinating_gets_no_start_button(actor_client):
    case, bup_unit, effort = sip_with_bup_effort(120)
    school = UnitFactory(organisation__kind=Organisation.Kind.SCHOOL)
    PartyFactory(case=case, accepted_for=school)
    ConsentFactory(
        child=case.child, by_child=True, receiving_organisation=school.organisation,
        categories=[Category.BASIC, Category.PLAN], purposes=list(Purpose.values),
    )  # fmt: skip
    client = actor_client(actor_of(MembershipFactory(unit=school, role=Role.SCHOOL_COUNSELLOR)))
    page = client.get(reverse("plans:plan_version", args=[case.pk, 1]))
    assert page.status_code == 200
    assert reverse("plans:effort_started", args=[case.pk, effort.key]) not in page.content.decode()


@pytest.fixture
def social_with_case():
    """A drafted SIP and its coordinator, a caseworker of the initiating social services whose
    unit has the child as client."""
    case = CaseFactory(drafted=True)
    unit = UnitFactory(organisation=case.initiating_organisation)
    InvolvementFactory(child=case.child, unit=unit)
    membership = MembershipFactory(staff=case.initiated_by, unit=unit, role=Role.CASEWORKER)
    return actor_of(membership), case


def test_rad_2_the_start_is_recorded_over_the_api_once(actor_client):
    case, bup_unit, effort = sip_with_bup_effort(120)
    client = actor_client(bup_clinician(case, bup_unit))
    url = f"/api/sip/{case.pk}/plan/efforts/{effort.key}/started"
    day = (TODAY - datetime.timedelta(days=2)).isoformat()
    answer = client.post(url, {"started_on": day}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    item = next(i for i in answer.json()["items"] if i["key"] == str(effort.key))
    assert (item["agreed_on"], item["started_on"]) == (effort.agreed_on.isoformat(), day)
    again = client.post(url, {}, content_type="application/json")
    assert again.status_code == 422
