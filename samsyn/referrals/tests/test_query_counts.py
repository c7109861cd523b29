"""DESIGN invariant 7: the referral lists and a referral's page make as many queries with 10
referrals as with 10,000 (about many children, each under its own legal ground)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.access.models import LegalGround
from samsyn.children.models import Child
from samsyn.referrals.models import Referral
from samsyn.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 10, 10_000


def fill(county, n: int) -> None:
    """`n` referrals from social services to BUP, each about a child of its own and sent under
    a legal ground of its own, written in bulk from one made by the factory."""
    model = ReferralFactory(
        child=county.child, from_unit=county.social_unit, to_unit=county.bup_unit,
        sent_by=county.caseworker.staff,
    )  # fmt: skip
    ground = LegalGround.objects.get(pk=model.legal_ground_id)
    template = Child.objects.get(pk=county.child.pk)
    start = Child.objects.count()
    children = Child.objects.bulk_create(
        [
            Child(
                identity_number=f"2011{start + i:08d}"[:12],
                first_name="Barn",
                last_name=f"Nr {i}",
                birth_date=template.birth_date,
                municipality_id=template.municipality_id,
            )  # fmt: skip
            for i in range(n - 1)
        ]
    )
    grounds = LegalGround.objects.bulk_create(
        [
            LegalGround(
                child=child,
                basis_id=ground.basis_id,
                receiving_organisation_id=ground.receiving_organisation_id,
                categories=ground.categories,
                purposes=ground.purposes,
                reason=ground.reason,
                valid_until=ground.valid_until,
                recorded_by_id=ground.recorded_by_id,
            )  # fmt: skip
            for child in children
        ]
    )
    now = timezone.now()
    Referral.objects.bulk_create(
        [
            Referral(
                child=child,
                from_organisation_id=model.from_organisation_id,
                from_unit_id=model.from_unit_id,
                sent_by_id=model.sent_by_id,
                sent_at=now,
                to_organisation_id=model.to_organisation_id,
                to_unit_id=model.to_unit_id,
                reason=model.reason,
                effort=model.effort,
                category=model.category,
                legal_ground=legal_ground,
            )  # fmt: skip
            for child, legal_ground in zip(children, grounds, strict=True)
        ]
    )
    # Without statistics on what was just written, the planner takes each table for a handful
    # of rows and checks every referral against every other: minutes at 10,000. A county's
    # tables have them (autovacuum analyses as they grow).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE referrals_referral, children_child, access_legalground")


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("who", "url"),
    [("clinician", reverse("referrals:incoming")), ("caseworker", reverse("referrals:outgoing"))],
    ids=["incoming", "outgoing"],
)
def test_the_referral_lists_cost_the_same_at_10_and_10000(county, actor_client, who, url):
    client = actor_client(getattr(county, who))
    fill(county, SMALL)
    client.get(url)  # warms the session and the per-process caches
    small = count(client, url)
    fill(county, LARGE - SMALL)
    large = count(client, url)
    assert len(client.get(url).context["page"]) == 25
    print(f"{url}: {small} queries at {SMALL}, {large} at {LARGE}")
    assert large == small, f"{url}: {small} queries at {SMALL}, {large} at {LARGE}"


def test_a_referrals_page_costs_the_same_at_10_and_10000(county, actor_client):
    client = actor_client(county.clinician)
    fill(county, SMALL)
    url = reverse("referrals:detail", args=[Referral.objects.order_by("pk").first().pk])
    client.get(url)
    small = count(client, url)
    fill(county, LARGE - SMALL)
    assert count(client, url) == small
