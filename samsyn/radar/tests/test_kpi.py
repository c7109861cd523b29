"""The radar's figures (DOMAIN KPI-2, KPI-3): counts that leave a unit for a collaboration body
are never under 5, and the caseload per worker is the unit manager's to see."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from samsyn.children.tests.factories import InvolvementFactory
from samsyn.concerns.tests.factories import IntakeFactory, ReportFactory
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory, PrincipalFactory, actor_of
from samsyn.radar.models import CollaborationBody, EscalationStep, Signal
from samsyn.radar.selectors.escalation import body_page_for
from samsyn.radar.selectors.queue import queue_for
from samsyn.radar.services.escalation import escalate
from samsyn.radar.services.scan import scan
from samsyn.radar.tests.test_escalation import moves_on, noon

pytestmark = pytest.mark.django_db


def late_reports(intake, n: int) -> None:
    for _ in range(n):
        ReportFactory(intake=intake, received_at=timezone.now() - datetime.timedelta(days=3))
    scan()


def test_kpi_2_a_body_sees_fewer_than_5_until_five_signals_of_a_rule_and_organisation(
    actor_client,
):
    region = PrincipalFactory(region=True)
    body = CollaborationBody.objects.create(
        region=region, kind=CollaborationBody.Kind.OFFICIALS, name="Tjänstemannagruppen"
    )
    EscalationStep.objects.create(region=region, level=2, body=body, after_days=10)
    member = actor_of(MembershipFactory(role=Role.ADMINISTRATOR))
    body.members.add(member.staff)
    intake = IntakeFactory()
    late_reports(intake, 4)
    day = moves_on(Signal.objects.select_related("rule").first())

    escalate(noon(day))
    escalate(noon(day + datetime.timedelta(days=10)))
    assert [t.count for t in body_page_for(member, body.pk).counts] == [None]
    html = actor_client(member).get(reverse("radar:body", args=[body.pk])).content.decode()
    with override("sv"):
        assert gettext("fewer than 5") in html
    assert "<td>4</td>" not in html

    late_reports(intake, 1)
    escalate(noon(day))
    escalate(noon(day + datetime.timedelta(days=10)))
    assert [t.count for t in body_page_for(member, body.pk).counts] == [5]
    html = actor_client(member).get(reverse("radar:body", args=[body.pk])).content.decode()
    assert "<td>5</td>" in html


def test_kpi_3_the_caseload_per_worker_is_shown_to_the_unit_manager_and_nobody_else(
    actor_client,
):
    """Per worker of the unit: the children they hold and their open signals, as counts. The
    trend over time KPI-3 also asks for is not built yet."""
    intake = IntakeFactory()
    late_reports(intake, 2)
    reports = list(intake.reports.order_by("pk"))
    unit = reports[0].intake_unit
    busy = MembershipFactory(unit=unit, role=Role.CASEWORKER)
    idle = MembershipFactory(unit=unit, role=Role.CASEWORKER)
    for report in reports:
        InvolvementFactory(child=report.child, unit=unit, staff=busy.staff)
    Signal.objects.filter(subject_id__in=[r.pk for r in reports]).update(staff=busy.staff)
    manager = actor_of(MembershipFactory(unit=unit, role=Role.UNIT_MANAGER))

    caseload = queue_for(manager, scope="unit").caseload
    assert sorted((r["staff"].pk, r["children"], r["signals"]) for r in caseload) == sorted(
        [(busy.staff_id, 2, 2), (idle.staff_id, 0, 0)]
    )
    page = actor_client(manager).get(reverse("radar:queue") + "?scope=unit").content.decode()
    with override("sv"):
        heading = gettext("Caseload per worker")
    assert heading in page
    assert busy.staff.name in page

    for worker in (busy, idle):
        assert queue_for(actor_of(worker), scope="unit").caseload == []
        html = actor_client(actor_of(worker)).get(reverse("radar:queue") + "?scope=unit")
        assert heading not in html.content.decode()
