"""Wall time of the log follow-up page at 10 and at 10,000 reads (issue 12): a measurement to
run by hand, not a test (pytest collects it only when named). Prints the median of 5 loads and
the page's slowest statements at 10,000:

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
    shapes._more_reads(caseworker, clients_child, stranger, shapes.SMALL)
    small = _median(client, shapes.URL)
    shapes._more_reads(caseworker, clients_child, stranger, shapes.LARGE - shapes.SMALL)
    large = _median(client, shapes.URL)
    print(f"\nfollow-up: {small:.1f} ms at {shapes.SMALL} reads, {large:.1f} ms at {shapes.LARGE}")
    with CaptureQueriesContext(connection) as queries:
        client.get(shapes.URL)
    for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:4]:
        print(query["time"], query["sql"][:300])
