"""Wall time of the log follow-up page at 10, 10,000 and 100,000 reads of the unit's month
(issue 12): a measurement to run by hand, not a test (pytest collects it only when named).
Prints the median of 5 loads at each size, and the page's slowest statements at the largest
size with their plans (EXPLAIN ANALYZE, BUFFERS):

    SAMSYN_DATA_DIR=… .venv/bin/pytest samsyn/audit/tests/measure_follow_up.py -q -s --reuse-db
"""

from __future__ import annotations

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samsyn.audit.tests import test_follow_up_scale as shapes
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


def test_measure_follow_up(actor_client):
    unit = UnitFactory(organisation=OrganisationFactory(kind=Organisation.Kind.SOCIAL_SERVICES))
    caseworker = make_actor(unit=unit)
    client = actor_client(make_actor(unit=unit, role=Role.UNIT_MANAGER))
    clients_child, stranger = ChildFactory(), ChildFactory()
    InvolvementFactory(child=clients_child, unit=unit)
    written = 0
    for size in SIZES:
        shapes._more_reads(caseworker, clients_child, stranger, size - written)
        written = size
        print(f"\nfollow-up: {_median(client, shapes.URL):.1f} ms at {size} reads")
    with CaptureQueriesContext(connection) as queries:
        client.get(shapes.URL)
    print(f"{len(queries)} statements")
    slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
    with connection.cursor() as cursor:
        for query in slowest:
            print("\n", query["time"], query["sql"][:400])
            if query["sql"].lstrip().upper().startswith("SELECT"):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n".join(row[0] for row in cursor.fetchall()))
