import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samsyn.plans.tests import test_query_counts as shapes

pytestmark = pytest.mark.django_db


def test_prof(actor_client):
    case, social, bup = shapes._setting()
    c = actor_client(social)
    shapes._more(case, social, bup, shapes.LARGE, offset=0)
    for url in [f"/sip/{case.pk}/", f"/sip/{case.pk}/plan/"]:
        c.get(url)
        with CaptureQueriesContext(connection) as q:
            c.get(url)
        print(url)
        for x in sorted(q.captured_queries, key=lambda x: -float(x["time"]))[:6]:
            print(x["time"], x["sql"][:400])
