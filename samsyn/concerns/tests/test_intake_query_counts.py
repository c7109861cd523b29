"""DESIGN invariant 7 for intake's pages: the queue, the report page and the start page's
section make as many queries with 10 reports as with many (the queue is paginated; the child's
history is bounded). `pytest -s` prints the counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.concerns.models import Report
from samsyn.concerns.tests.factories import (
    InitialAssessmentFactory,
    IntakeFactory,
    ProtectionAssessmentFactory,
    ReportFactory,
)
from samsyn.directory.models import Role

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 120


def _reports(intake, child, n: int, start: int) -> list[Report]:
    old = timezone.now() - datetime.timedelta(days=30)
    made = []
    for i in range(start, start + n):
        report = ReportFactory(
            intake=intake, child=child, received_at=old + datetime.timedelta(minutes=i),
            urgency=Report.Urgency.ACUTE if i % 3 == 0 else Report.Urgency.NOT_ACUTE,
        )  # fmt: skip
        if i % 2:
            ProtectionAssessmentFactory(report=report)
        if i % 5 == 0:
            InitialAssessmentFactory(report=report, extended_until=timezone.localdate(),
                                     extension_reason="Synnerliga skäl.")  # fmt: skip
        made.append(report)
    return made


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", ["queue", "overdue_queue", "report", "home", "manager_home"])
def test_intake_pages_cost_the_same_at_10_and_many_reports(actor_client, page):
    first = ReportFactory()
    intake, child = first.intake, first.child
    IntakeFactory(municipality=intake.municipality)
    role = Role.UNIT_MANAGER if page == "manager_home" else Role.CASEWORKER
    client = actor_client(unit=intake.unit, role=role)
    url = {
        "queue": reverse("concerns:intake_queue"),
        "overdue_queue": reverse("concerns:intake_queue") + "?overdue=on&acute=on",
        "report": reverse("concerns:intake_report", args=[first.pk]),
        "home": reverse("core:home"),
        "manager_home": reverse("core:home"),
    }[page]
    _reports(intake, child, SMALL, 0)
    client.get(url)  # warm the per-process caches (partitions, sessions)
    small = count(client, url)
    _reports(intake, child, LARGE - SMALL, SMALL)
    large = count(client, url)
    print(f"{page}: {small} queries at {SMALL} reports, {large} at {LARGE}")
    assert large == small
