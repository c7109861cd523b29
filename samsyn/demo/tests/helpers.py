"""What the tests of the demo county's parts share: the county built today, and its logins."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from samsyn.access.actor import Actor
from samsyn.demo import services
from samsyn.demo.models import DemoState
from samsyn.directory.models import Membership


@contextmanager
def county_built_today(seed: int, *, children: int = 200, year: int = 2026) -> Iterator[DemoState]:
    """A small county built today, rolled back afterwards: for a module's tests to share."""
    with transaction.atomic():
        county = services.build_county(seed=seed, children=children, year=year)
        # Autovacuum never sees an uncommitted county. Where the tables were last analysed
        # empty (after a browser test's flush), the planner nests cases_visible_to's EXISTS
        # subqueries over the whole county and one query runs for minutes; ANALYZE counts the
        # transaction's own rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        yield county
        transaction.set_rollback(True)


def actor(username: str, unit_contains: str = "") -> Actor:
    """The demo login `username` acting for its unit (the one whose name has `unit_contains`,
    where the login has several)."""
    return Actor(
        Membership.objects.select_related("staff", "unit__organisation__principal").get(
            staff__user__username=username, unit__name__contains=unit_contains
        )
    )
