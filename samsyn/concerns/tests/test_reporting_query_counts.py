"""DESIGN invariant 7 for the reporting pages: the same number of queries with 10 and with many
rows behind the page — the author's reports (list and one report), and the municipalities the
forms offer. `pytest … -s` prints the counts."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samsyn.accounts.tests.helpers import sign_in
from samsyn.concerns.models import InitialAssessment, Report
from samsyn.concerns.tests.factories import FeedbackFactory, IntakeFactory, ReportFactory
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PrincipalFactory,
    UnitFactory,
    actor_of,
)

pytestmark = pytest.mark.django_db

# The author's reports at 10 and 10,000 (issue 9); the municipalities at 10 and 310 (there are 290).
SMALL, LARGE, MUNICIPALITIES = 10, 10_000, 300


def _counsellor():
    kommun = PrincipalFactory(kind=Principal.Kind.MUNICIPALITY)
    IntakeFactory(municipality=kommun)
    school = OrganisationFactory(kind=Organisation.Kind.SCHOOL, principal=kommun)
    unit = UnitFactory(organisation=school, municipality=kommun)
    return actor_of(MembershipFactory(unit=unit, role=Role.SCHOOL_COUNSELLOR))


def _more_reports(actor, n: int) -> Report:
    """n reports by the actor, half linked to a child and some with feedback, in bulk."""
    first = ReportFactory(
        reporter_staff=actor.staff, reporter_unit=actor.unit,
        intake=IntakeFactory(municipality=actor.unit.municipality),
    )  # fmt: skip
    FeedbackFactory(report=first, answer=InitialAssessment.Decision.OPENED)
    fields = {
        f.attname: getattr(first, f.attname)
        for f in Report._meta.concrete_fields
        if not f.primary_key
    }
    Report.objects.bulk_create(
        Report(**{**fields, **({"child_id": None, "given_name": "Kim", "given_address": "Väg 1"}
                              if i % 2 else {})})
        for i in range(n - 1)
    )  # fmt: skip
    return first


def _more_intakes(n: int) -> None:
    for _ in range(n):
        IntakeFactory(municipality=PrincipalFactory(kind=Principal.Kind.MUNICIPALITY))


def _count(client: Client, url: str) -> int:
    # Once unmeasured: the first audit row of a process checks its month's partition.
    client.get(url)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    print(f"\n{url}: {(time.perf_counter() - started) * 1000:.0f} ms", end="")
    assert response.status_code == 200, url
    return len(queries.captured_queries)


@pytest.mark.parametrize("page", ["my_reports", "my_report"])
def test_the_authors_pages_cost_the_same_with_10_and_many_reports(page):
    counts = []
    for n in (SMALL, LARGE):
        actor = _counsellor()
        first = _more_reports(actor, n)
        args = [first.pk] if page == "my_report" else []
        counts.append(_count(sign_in(Client(), actor), reverse(f"concerns:{page}", args=args)))
    print(f"\n{page}: {counts[0]} queries at {SMALL} reports, {counts[1]} at {LARGE}")
    assert counts[0] == counts[1]


@pytest.mark.parametrize("url", ["/concerns/reports/new/", "/anmalan/"])
def test_the_forms_cost_the_same_with_10_and_many_municipalities(url):
    actor = _counsellor()
    client = sign_in(Client(), actor) if url.startswith("/concerns") else Client()
    _more_intakes(SMALL)
    small = _count(client, url)
    _more_intakes(MUNICIPALITIES)
    large = _count(client, url)
    print(
        f"\n{url}: {small} queries at {SMALL} municipalities, {large} at {MUNICIPALITIES + SMALL}"
    )
    assert small == large
