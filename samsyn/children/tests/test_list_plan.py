"""The children list's cost follows the actor's relationships, not the county (issue 12): the
plan PostgreSQL picks for the list's first page must read about as many children as the actor
relates to, however many others the county holds."""

import datetime
import json

import pytest
from django.db import connection

from samsyn.access import rules
from samsyn.children.models import Child
from samsyn.children.selectors import children_visible_to
from samsyn.children.tests.factories import InvolvementFactory, identity_number
from samsyn.directory.tests.factories import UnitFactory, make_actor
from samsyn.referrals.models import Referral
from samsyn.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

OTHERS = 20_000
OWN = 30
# Children the unit relates to without any ground to see them (its referrals to another
# organisation): the list checks each, and shows none.
RELATED = 3_000


def _rows_read(node: dict) -> int:
    own = 0
    if node.get("Relation Name") == "children_child":
        loops = node.get("Actual Loops", 1)
        own = (node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)) * loops
    return own + sum(_rows_read(child) for child in node.get("Plans", []))


def test_the_children_list_reads_the_actors_children_not_the_countys():
    unit = UnitFactory()
    actor = make_actor(unit=unit)
    municipality = unit.organisation.principal
    # The county's other children sort before the actor's: a plan that walks the children in
    # name order until the page is full reads all of them first.
    Child.objects.bulk_create(
        Child(
            identity_number=identity_number(datetime.date(2012, 1, 1), n),
            first_name="Anna",
            last_name=f"Andersson{n:05d}",
            birth_date=datetime.date(2012, 1, 1),
            municipality=municipality,
        )
        for n in range(OTHERS)
    )
    for n in range(OWN):
        child = InvolvementFactory(unit=unit).child
        child.last_name = f"Östberg{n:02d}"
        child.save(update_fields=["last_name"])
    referral = ReferralFactory(from_unit=unit, from_organisation=unit.organisation)
    referred = Child.objects.bulk_create(
        Child(
            identity_number=identity_number(datetime.date(2013, 1, 1), n),
            first_name="Bo",
            last_name=f"Berg{n:05d}",
            birth_date=datetime.date(2013, 1, 1),
            municipality=municipality,
        )
        for n in range(RELATED)
    )
    copies = []
    for child in referred:
        copy = Referral.objects.get(pk=referral.pk)
        copy.pk, copy.child = None, child
        copies.append(copy)
    Referral.objects.bulk_create(copies)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE children_child; ANALYZE referrals_referral")

    page = children_visible_to(actor, purpose=rules.default_purpose(actor))[:25]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        raw = cursor.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]

    assert len(list(page)) == 25
    assert _rows_read(plan) <= RELATED + 4 * OWN, "the list walked the county's children"
