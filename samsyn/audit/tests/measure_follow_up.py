"""Wall time of the log follow-up page at 10, 10,000 and 100,000 reads of the unit's month
(issue 12): a measurement to run by hand, not a test (pytest collects it only when named).
Two shapes: last month, its reads spread over its days (every day over, so counted in ReadDay),
and this month, its reads written in the minutes before now (not counted yet: the log read for
them, the worst case). Prints the median of 5 loads at each size, and the slowest statements of
the last load with their plans (EXPLAIN ANALYZE, BUFFERS):

    SAMSYN_DATA_DIR=… .venv/bin/pytest samsyn/audit/tests/measure_follow_up.py -q -s --create-db
"""

from __future__ import annotations

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samsyn.audit import selectors
from samsyn.audit.tests import test_follow_up_scale as shapes
from samsyn.audit.tests.test_follow_up import _read
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import OrganisationFactory, UnitFactory, make_actor

pytestmark = pytest.mark.django_db

SIZES = (shapes.SMALL, shapes.LARGE, 100_000)


def _median(client, url) -> float:
    client.get(url)
    took = []
    for _ in range(5):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        took.append((time.perf_counter() - start) * 1000)
    return statistics.median(took)


def _spread(model_id: int, stranger_id: int, start, end, count: int) -> None:
    """`count` copies of a read spread evenly over [start, end), every third of the stranger."""
    with connection.cursor() as cursor:
        # The partitions are UTC months: a local month touches two.
        for at in (start, end - (end - start) / 2):
            cursor.execute("SELECT audit_ensure_partition(%s)", [at])
        cursor.execute(
            """
            INSERT INTO audit_entry (at, user_id, staff_id, staff_name, organisation_id,
                organisation_name, unit_id, unit_name, role, action, outcome, child_id,
                object_type, object_id, purpose, basis, detail)
            SELECT %s::timestamptz + (%s::timestamptz - %s::timestamptz) * random(),
                e.user_id, e.staff_id, e.staff_name, e.organisation_id, e.organisation_name,
                e.unit_id, e.unit_name, e.role, e.action, e.outcome,
                CASE WHEN n %% 3 = 0 THEN %s ELSE e.child_id END,
                e.object_type, e.object_id, e.purpose, e.basis, e.detail
            FROM audit_entry e, generate_series(1, %s) n
            WHERE e.id = %s
            """,
            [start, end, start, stranger_id, count, model_id],
        )
        cursor.execute("ANALYZE")


def test_measure_follow_up(actor_client):
    unit = UnitFactory(organisation=OrganisationFactory(kind=Organisation.Kind.SOCIAL_SERVICES))
    caseworker = make_actor(unit=unit)
    client = actor_client(make_actor(unit=unit, role=Role.UNIT_MANAGER))
    clients_child, stranger = ChildFactory(), ChildFactory()
    InvolvementFactory(child=clients_child, unit=unit)
    model_id = _read(caseworker, clients_child)
    last = selectors.follow_up_months()[1]
    start, end = selectors.month_start(last), selectors.month_start(selectors.next_month(last))
    last_url = f"{shapes.URL}?month={last:%Y-%m}"
    written = 0
    for size in SIZES:
        _spread(model_id, stranger.pk, start, end, size - written)
        shapes._more_reads(caseworker, clients_child, stranger, size - written)
        written = size
        print(
            f"\nfollow-up at {size} reads: last month {_median(client, last_url):.1f} ms,"
            f" this month {_median(client, shapes.URL):.1f} ms"
        )
    for url in (last_url, shapes.URL):
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"\n{url}: {len(queries)} statements")
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:2]
        with connection.cursor() as cursor:
            for query in slowest:
                print("\n", query["time"], query["sql"][:300])
                if query["sql"].lstrip().upper().startswith("SELECT"):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    print("\n".join(row[0] for row in cursor.fetchall()))
