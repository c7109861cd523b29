"""DESIGN invariant 7 for retention's pages: the overview (a few queries per record type) and a
rule's due list (one page) cost the same with 10 due records as with 10,000. `pytest … -s`
prints the counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.concerns.models import InitialAssessment, Report
from samsyn.concerns.tests.factories import InitialAssessmentFactory, ReportFactory
from samsyn.directory.models import Role

pytestmark = pytest.mark.django_db

SMALL, MANY = 10, 10_000
# Measured with the session, the actor and the plan of every record type: pinned, so a page
# that starts to cost more per request fails here too.
# The overview's audit-log line: the log's months, and the rows of those due (six years on,
# today's are), whatever the log holds.
PINNED = {"overview": 26, "due": 8}


def grow(upto: int) -> None:
    """Decided reports up to `upto`, written in bulk like the first."""
    first = Report.objects.first()
    if first is None:
        first = ReportFactory()
        InitialAssessmentFactory(report=first, not_opened=True)
    fields = {
        field.attname: getattr(first, field.attname)
        for field in Report._meta.concrete_fields
        if not field.primary_key
    }
    reports = Report.objects.bulk_create(
        Report(**fields) for _ in range(upto - Report.objects.count())
    )
    InitialAssessment.objects.bulk_create(
        InitialAssessment(
            report=report, decision="not_opened", decided_at=timezone.now(), reasons="Utrett."
        )
        for report in reports
    )


@pytest.mark.parametrize("page", ["overview", "due"])
def test_ret_1_the_pages_cost_the_same_with_many_due_records(actor_client, monkeypatch, page):
    client = actor_client(role=Role.ADMINISTRATOR)
    later = timezone.localdate().replace(year=timezone.localdate().year + 6)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: later)
    url = reverse("retention:overview") if page == "overview" else reverse(
        "retention:due", args=["report"]
    )  # fmt: skip
    counts = []
    for size in (SMALL, MANY):
        grow(size)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    print(page, dict(zip((SMALL, MANY), counts, strict=True)))
    assert counts == [PINNED[page]] * 2
