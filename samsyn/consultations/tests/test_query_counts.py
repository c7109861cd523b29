"""DESIGN invariant 7: the consultation lists and a consultation's page make as many queries
with 10 consultations as with many (some answered, some linked to children under consent)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samsyn.access.models import Category, Purpose
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory, identity_number
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.consultations.tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 120
_serials = itertools.count(100)


def fill(county, n: int) -> list:
    made = []
    for index in range(n):
        consultation = ConsultationFactory(
            asked_by=county.counsellor.staff, asking_unit=county.school_unit,
            consulted_unit=county.bup_unit, answered=index % 2 == 0,
        )  # fmt: skip
        if index % 3 == 0:
            # Linked under the child's own consent to BUP: the list checks it through access.
            child = ChildFactory(
                identity_number=identity_number(datetime.date(2011, 5, 5), next(_serials))
            )
            InvolvementFactory(child=child, unit=county.school_unit)
            ConsentFactory(
                child=child, by_child=True, receiving_organisation=county.bup,
                categories=[Category.SCHOOL], purposes=[Purpose.TREATMENT],
            )  # fmt: skip
            consultation.child = child
            consultation.linked_at = consultation.asked_at
            consultation.linked_by = county.counsellor.staff
            consultation.save()
        made.append(consultation)
    return made


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("counsellor", reverse("consultations:list") + "?box=asked"),
        ("clinician", reverse("consultations:list") + "?box=received"),
        ("counsellor", reverse("consultations:list") + "?box=asked&page=2"),
    ],
    ids=["asked", "received", "asked-page-2"],
)
def test_the_consultation_lists_cost_the_same_at_10_and_many(county, actor_client, who, url):
    client = actor_client(getattr(county, who))
    fill(county, SMALL)
    # The first request warms the session and the per-process caches.
    client.get(url if "page=2" not in url else url.replace("page=2", "page=1"))
    small = count(client, url.replace("page=2", "page=1"))
    fill(county, LARGE - SMALL)
    large = count(client, url)
    shown = client.get(url).context["page"]
    assert len(shown) == 25
    print(f"{url}: {small} queries at {SMALL}, {large} at {LARGE}")
    assert large == small, f"{url}: {small} queries at {SMALL}, {large} at {LARGE}"


def test_a_consultations_page_costs_the_same_at_10_and_many(county, actor_client):
    client = actor_client(county.clinician)
    first = fill(county, SMALL)[0]
    url = reverse("consultations:detail", args=[first.pk])
    client.get(url)
    small = count(client, url)
    fill(county, LARGE - SMALL)
    assert count(client, url) == small
