"""DESIGN invariant 7 for the receiving unit's pages: the same number of queries with 10 and with
many notices behind the list (and the API's list), and on one admission's page. `pytest … -s`
prints the counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.access.models import LegalGround
from samsyn.children.models import Child
from samsyn.children.tests.factories import identity_number
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory, actor_of
from samsyn.discharge.models import Admission, DischargeDateChange, Notice
from samsyn.discharge.tests.factories import NoticeFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 2_000


def _more_notices(first: Notice, count: int) -> None:
    """`count` more children admitted to the same ward, each notified to the same unit under
    a ground like the first's, half acknowledged, each with a changed date: in bulk."""
    admission, ground = first.admission, first.legal_ground
    now = timezone.now()
    start = datetime.date(2013, 5, 1)
    numbers = [identity_number(start, first.pk * 10_000 + n) for n in range(count)]
    children = Child.objects.bulk_create(
        Child(
            identity_number=number, birth_date=datetime.date.fromisoformat(number[:8]),
            first_name="Barn", last_name=f"Nr {n}",
            municipality_id=admission.child.municipality_id,
        )
        for n, number in enumerate(numbers)
    )  # fmt: skip
    admissions = Admission.objects.bulk_create(
        Admission(
            child=child, organisation_id=admission.organisation_id, unit_id=admission.unit_id,
            admitted_at=admission.admitted_at, needs_judged_at=admission.needs_judged_at,
            expected_discharge_on=admission.expected_discharge_on + datetime.timedelta(days=n % 9),
            created_by_id=admission.created_by_id,
        )
        for n, child in enumerate(children)
    )  # fmt: skip
    grounds = LegalGround.objects.bulk_create(
        LegalGround(
            child=child, basis_id=ground.basis_id,
            receiving_organisation_id=ground.receiving_organisation_id,
            categories=ground.categories, purposes=ground.purposes, reason=ground.reason,
            valid_from=ground.valid_from, valid_until=ground.valid_until,
            recorded_by_id=ground.recorded_by_id,
        )
        for child in children
    )  # fmt: skip
    Notice.objects.bulk_create(
        Notice(
            admission=a, kind=Notice.Kind.ADMISSION, to_unit_id=first.to_unit_id,
            sent_by_id=first.sent_by_id, legal_ground=g,
            acknowledged_at=now if n % 2 else None,
        )
        for n, (a, g) in enumerate(zip(admissions, grounds, strict=True))
    )  # fmt: skip
    DischargeDateChange.objects.bulk_create(
        DischargeDateChange(
            admission=a, from_date=a.expected_discharge_on,
            to_date=a.expected_discharge_on, changed_by_id=a.created_by_id,
        )
        for a in admissions
    )  # fmt: skip


def _count(client, url) -> int:
    client.get(url)  # once first: the audit partition of the day is made on the first write
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [reverse("discharge:received"), reverse("api:discharge_received")],
)
def test_the_received_list_costs_the_same_at_10_and_many_notices(actor_client, url):
    counts = []
    for total in (SMALL, LARGE):
        first = NoticeFactory()
        _more_notices(first, total - 1)
        actor = actor_of(MembershipFactory(unit=first.to_unit, role=Role.CASEWORKER))
        counts.append(_count(actor_client(actor), url))
    print(f"received list {url}: {counts[0]} queries at {SMALL}, {counts[1]} at {LARGE}")
    assert counts[0] == counts[1]


def test_an_admissions_page_costs_the_same_with_many_other_notices(actor_client):
    counts = []
    for total in (SMALL, LARGE):
        first = NoticeFactory()
        _more_notices(first, total - 1)
        actor = actor_of(MembershipFactory(unit=first.to_unit, role=Role.CASEWORKER))
        url = reverse("discharge:received_admission", args=[first.admission_id])
        counts.append(_count(actor_client(actor), url))
    print(f"admission page: {counts[0]} queries at {SMALL}, {counts[1]} at {LARGE}")
    assert counts[0] == counts[1]
