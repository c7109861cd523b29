"""Escalation (DOMAIN RAD-9, GOV-3): an unresolved signal moves up the region's ladder after
the set time — to the unit manager after the rule's days, then to each body after its step's
days — not before, and never twice; each move and its outcome is recorded and audited; a
body's members see counts, and cases only where access opens them."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samsyn.audit.models import Entry
from samsyn.common.dates import start_of
from samsyn.concerns.tests.factories import IntakeFactory, ReportFactory
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory, PrincipalFactory, actor_of
from samsyn.notifications.models import Notification
from samsyn.radar.models import CollaborationBody, Escalation, EscalationStep, Signal
from samsyn.radar.selectors.escalation import body_page_for
from samsyn.radar.selectors.queue import queue_for
from samsyn.radar.services import signals
from samsyn.radar.services.escalation import escalate
from samsyn.radar.services.scan import scan

pytestmark = pytest.mark.django_db


def noon(day: datetime.date) -> datetime.datetime:
    return start_of(day) + datetime.timedelta(hours=12)


@pytest.fixture
def signal():
    report = ReportFactory(received_at=timezone.now() - datetime.timedelta(days=3))
    scan()
    return Signal.objects.select_related("rule").get(subject_id=report.pk)


@pytest.fixture
def manager(signal):
    return MembershipFactory(unit=signal.unit, role=Role.UNIT_MANAGER)


@pytest.fixture
def officials():
    region = PrincipalFactory(region=True)
    body = CollaborationBody.objects.create(
        region=region, kind=CollaborationBody.Kind.OFFICIALS, name="Tjänstemannagruppen"
    )
    EscalationStep.objects.create(region=region, level=2, body=body, after_days=10)
    return body


def moves_on(signal: Signal) -> datetime.date:
    return signal.due_on + datetime.timedelta(days=signal.rule.escalate_after_days)


def test_rad_9_escalates_to_the_unit_manager_after_the_rules_days_not_before_not_twice(
    signal, manager
):
    day = moves_on(signal)
    assert escalate(noon(day - datetime.timedelta(days=1))).escalated == 0
    assert Signal.objects.get(pk=signal.pk).level == 0
    assert escalate(noon(day)).escalated == 1
    assert escalate(noon(day)).escalated == 0
    assert escalate(noon(day + datetime.timedelta(days=40))).escalated == 0  # no body above
    moved = Signal.objects.get(pk=signal.pk)
    assert moved.level == 1
    escalation = Escalation.objects.get(signal=signal)
    assert (escalation.level, escalation.body, escalation.outcome) == (1, None, "open")
    assert Entry.objects.filter(action="signal_escalated", object_id=str(signal.pk)).count() == 1
    told = Notification.objects.get(source="escalation", source_id=escalation.pk)
    assert (told.recipient_id, told.kind, told.event) == (manager.staff_id, "RAD-6", "escalated")
    # The manager's unit queue shows it escalated, first among equals.
    row = queue_for(actor_of(manager), scope="unit").rows[0]
    assert row.signal.level == 1


def test_gov_3_moves_up_to_the_regions_officials_group_after_its_days_and_records_it(
    signal, manager, officials
):
    member = MembershipFactory(role=Role.ADMINISTRATOR)
    officials.members.add(member.staff)
    day = moves_on(signal)
    escalate(noon(day))
    assert escalate(noon(day + datetime.timedelta(days=9))).escalated == 0
    assert escalate(noon(day + datetime.timedelta(days=10))).escalated == 1
    assert escalate(noon(day + datetime.timedelta(days=30))).escalated == 0
    assert Signal.objects.get(pk=signal.pk).level == 2
    first, second = Escalation.objects.filter(signal=signal).order_by("level")
    assert (first.outcome, second.body, second.outcome) == ("escalated", officials, "open")
    assert Notification.objects.filter(
        recipient=member.staff, source="escalation", source_id=second.pk
    ).exists()


def test_gov_3_a_step_names_a_body_of_its_own_region(officials):
    other = PrincipalFactory(kind="region", name="Region Värmland", code="17")
    step = EscalationStep(region=other, level=2, body=officials, after_days=10)
    with pytest.raises(ValidationError):
        step.full_clean()


def test_gov_3_another_regions_ladder_never_takes_the_signal(signal, manager):
    other = PrincipalFactory(kind="region", name="Region Värmland", code="17")
    body = CollaborationBody.objects.create(region=other, kind="officials", name="Värmland")
    EscalationStep.objects.create(region=other, level=2, body=body, after_days=1)
    day = moves_on(signal)
    escalate(noon(day))
    escalate(noon(day + datetime.timedelta(days=30)))
    assert Signal.objects.get(pk=signal.pk).level == 1


def test_gov_3_the_outcome_is_recorded_when_the_signal_is_dismissed_or_resolved(signal, manager):
    escalate(noon(moves_on(signal)))
    signals.dismiss(actor=actor_of(manager), signal_id=signal.pk, reason="Löst i samverkan.")
    assert escalate().closed == 1
    escalation = Escalation.objects.get(signal=signal)
    assert escalation.outcome == "dismissed"
    assert escalation.outcome_at is not None
    assert Entry.objects.filter(action="escalation_closed", object_id=str(signal.pk)).exists()
    assert escalate().closed == 0


def test_gov_3_a_level_without_access_sees_counts_not_the_child(
    signal, manager, officials, actor_client
):
    """The officials' group member acting for the region's management (no relationship with
    the child) sees the count, suppressed under 5, never the child; a member working in the
    intake unit sees the case as well; anyone else gets not found, logged."""
    day = moves_on(signal)
    escalate(noon(day))
    escalate(noon(day + datetime.timedelta(days=10)))
    official = MembershipFactory(role=Role.ADMINISTRATOR)
    worker = MembershipFactory(unit=signal.unit, role=Role.CASEWORKER)
    officials.members.add(official.staff, worker.staff)

    counts_only = body_page_for(actor_of(official), officials.pk)
    assert [(t.rule_code, t.organisation, t.count) for t in counts_only.counts] == [
        ("RAD-6", signal.organisation.name, None)
    ]
    assert counts_only.rows == []
    page = actor_client(actor_of(official)).get(reverse("radar:body", args=[officials.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert signal.organisation.name in html
    assert signal.child.name not in html

    with_access = body_page_for(actor_of(worker), officials.pk)
    assert [row.signal.pk for row in with_access.rows] == [signal.pk]
    html = actor_client(actor_of(worker)).get(reverse("radar:body", args=[officials.pk]))
    assert signal.child.name in html.content.decode()

    stranger = actor_of(MembershipFactory())
    assert actor_client(stranger).get(reverse("radar:body", args=[officials.pk])).status_code == 404
    assert Entry.objects.filter(
        staff_id=stranger.staff.pk, outcome="denied", object_type="collaboration_body"
    ).exists()


def test_gov_3_counts_of_five_or_more_are_shown(officials):
    intake = IntakeFactory()
    for _ in range(5):
        ReportFactory(intake=intake, received_at=timezone.now() - datetime.timedelta(days=3))
    scan()
    first = Signal.objects.select_related("rule").first()
    day = moves_on(first)
    escalate(noon(day))
    escalate(noon(day + datetime.timedelta(days=10)))
    member = actor_of(MembershipFactory(role=Role.ADMINISTRATOR))
    officials.members.add(member.staff)
    assert [t.count for t in body_page_for(member, officials.pk).counts] == [5]
