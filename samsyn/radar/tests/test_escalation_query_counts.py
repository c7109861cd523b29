"""DESIGN invariant 7: a body's page and a person's notifications make as many queries with 10
escalated signals or notifications as with 10,000."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.concerns.tests.factories import IntakeFactory
from samsyn.directory.tests.factories import MembershipFactory, PrincipalFactory, actor_of
from samsyn.notifications.models import Notification
from samsyn.radar.models import CollaborationBody, Escalation, Rule, Signal

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 10_000
_subjects = itertools.count(1)


@pytest.fixture
def setting():
    intake = IntakeFactory()
    worker = MembershipFactory(unit=intake.unit)
    child = ChildFactory()
    InvolvementFactory(child=child, unit=intake.unit)
    body = CollaborationBody.objects.create(
        region=PrincipalFactory(region=True), kind="officials", name="Tjänstemannagruppen"
    )
    body.members.add(worker.staff)
    return intake, worker, child, body


def fill(intake, worker, child, body, n: int) -> None:
    rules = list(Rule.objects.filter(code__in=["RAD-6", "RAD-7"]))
    now, today = timezone.now(), timezone.localdate()
    signals = Signal.objects.bulk_create(
        Signal(
            rule=rules[i % 2],
            child=child,
            subject_type="report",
            subject_id=next(_subjects),
            organisation=intake.organisation,
            unit=intake.unit,
            due_on=today,
            level=2,
            escalated_at=now,
        )  # fmt: skip
        for i in range(n)
    )
    Escalation.objects.bulk_create(
        Escalation(signal=s, level=2, body=body, escalated_at=now) for s in signals
    )
    Notification.objects.bulk_create(
        Notification(
            recipient=worker.staff,
            kind="RAD-6",
            event="escalated",
            url="/radar/",
            source="escalation",
            source_id=s.pk,
            delivery="app",
        )  # fmt: skip
        for s in signals
    )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_rad_9_a_bodys_page_and_the_notifications_do_not_grow_with_the_rows(setting, actor_client):
    intake, worker, child, body = setting
    client = actor_client(actor_of(worker))
    urls = [reverse("radar:body", args=[body.pk]), reverse("notifications:list")]
    fill(*setting, SMALL)
    for url in urls:  # warm: the first request of a session reads what later ones reuse
        client.get(url)
    few = [count(client, url) for url in urls]
    fill(*setting, LARGE - SMALL)
    many = [count(client, url) for url in urls]
    print(f"body page, notifications: {few} queries at {SMALL} rows, {many} at {LARGE}")
    assert many == few
    page = client.get(urls[0])
    assert page.context["view"].counts[0].count == LARGE // 2
