"""Building the county twice with one seed gives the same reports of concern, and writing them
costs the same few queries whatever the county's size."""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from samsyn.concerns.models import Report
from samsyn.demo import services
from samsyn.demo.concerns import write_concerns
from samsyn.demo.generator import generate_county

SEED, CHILDREN, YEAR = 9, 200, 2026
TODAY = datetime.date(2026, 11, 23)


def snapshot() -> list[tuple]:
    """The reports and their path, by natural keys (database keys differ between builds)."""
    return sorted(
        Report.objects.values_list(
            "received_at", "reporter_kind", "reporter_category", "anonymous",
            "reporter_staff__user__username", "reporter_unit__name", "reporter_name",
            "child__identity_number", "given_identity_number", "given_name", "given_address",
            "what_seen", "urgency", "feedback_requested_at", "intake__municipality__code",
            "protection__decided_at", "protection__decided_by__user__username",
            "initial_assessment__decision", "initial_assessment__decided_at",
            "initial_assessment__extended_until", "initial_assessment__investigation__opened_on",
            "initial_assessment__investigation__caseworker__user__username",
            "initial_assessment__investigation__extended_until",
            "initial_assessment__investigation__finished_on", "feedback__answer",
            "feedback__given_at", "meeting_offer__answer", "meeting_offer__answered_at",
        )
    )  # fmt: skip


def build_and_forget() -> list[tuple]:
    with transaction.atomic():
        services.build_county(seed=SEED, children=CHILDREN, year=YEAR, today=TODAY)
        rows = snapshot()
        transaction.set_rollback(True)
    return rows


def test_same_seed_builds_the_same_reports_twice(db):
    first = build_and_forget()
    assert len(first) > 40
    assert build_and_forget() == first


def test_writing_the_reports_takes_a_fixed_number_of_queries(db):
    county = generate_county(seed=SEED, children=CHILDREN, year=YEAR, today=TODAY)
    services.write_county(county)
    with CaptureQueriesContext(connection) as queries:
        drawn = write_concerns(county, TODAY, lambda message: None)
    # Five look-ups by natural key, the intakes, then one insert per model (per 5,000 rows).
    assert len(queries) == 13
    assert len(drawn.reports) > 40
