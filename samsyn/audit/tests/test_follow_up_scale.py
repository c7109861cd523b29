"""The log follow-up page (DOMAIN LOG-1) at 10 and at 10,000 reads of the unit's month (issue
12): the same statements, and a page of the sample, however many reads there are. The reads are
written in one statement through the log's own insert (its trigger chains them), a third of
them of a child the unit has no case with, so flagged."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samsyn.audit import selectors
from samsyn.audit.tests.test_follow_up import _read
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import OrganisationFactory, UnitFactory, make_actor

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 10_000
URL = reverse("audit:follow_up")


def _more_reads(actor, clients_child, stranger, count: int) -> None:
    """`count` reads by the caseworker, as `services.record_read` writes them, copied in SQL
    from the one it wrote: every third of the stranger child. All in the last 100 seconds, so
    in the hour the page reads from the log, not yet counted."""
    model_id = _read(actor, clients_child)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO audit_entry (at, user_id, staff_id, staff_name, organisation_id,
                organisation_name, unit_id, unit_name, role, action, outcome, child_id,
                object_type, object_id, purpose, basis, detail)
            SELECT e.at - make_interval(secs => n / 100.0), e.user_id, e.staff_id, e.staff_name,
                e.organisation_id, e.organisation_name, e.unit_id, e.unit_name, e.role,
                e.action, e.outcome, CASE WHEN n %% 3 = 0 THEN %s ELSE e.child_id END,
                e.object_type, e.object_id, e.purpose, e.basis, e.detail
            FROM audit_entry e, generate_series(1, %s) n
            WHERE e.id = %s
            """,
            [stranger.pk, count - 1, model_id],
        )
        cursor.execute("ANALYZE")


def _count(client, url) -> int:
    client.get(url)  # once first: the audit partition of the day is made on the first write
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_log_1_follow_up_costs_the_same_at_10_and_10000_reads(actor_client):
    unit = UnitFactory(organisation=OrganisationFactory(kind=Organisation.Kind.SOCIAL_SERVICES))
    caseworker = make_actor(unit=unit)
    client = actor_client(make_actor(unit=unit, role=Role.UNIT_MANAGER))
    clients_child, stranger = ChildFactory(), ChildFactory()
    InvolvementFactory(child=clients_child, unit=unit)
    month = selectors.follow_up_months()[0]

    def urls() -> list[str]:
        # The first page, and the one after its last row.
        first = selectors.follow_up_for(client.actor, month=month).rows[-1]
        return [URL, URL + "?after=" + selectors.Cursor(first.at, first.id).encode()]

    _more_reads(caseworker, clients_child, stranger, SMALL)
    small = [_count(client, url) for url in urls()]
    _more_reads(caseworker, clients_child, stranger, LARGE - SMALL)
    large = [_count(client, url) for url in urls()]
    print(f"first, second page: {small} statements at {SMALL} reads, {large} at {LARGE}")
    assert large == small
    assert selectors.follow_up_for(client.actor, month=month).reads >= LARGE
