"""The children list's cost follows the actor's relationships, not the county (issue 12).

Measured at 2.2 million children (README, "Lists at national size"): with an index on the
child's name, PostgreSQL filled a caseworker's first page by walking the whole county in name
order, because it takes `restrict`'s filter to pass nearly every child: 506,170 children read,
440 ms, against 10 ms when the list is driven from the actor's relationships. Which plan wins
on a test-sized table is a coin toss (a scan of 20,000 rows is cheap), so the guard is on what
tempted the planner: no index on the children's table may lead with a name, and none on the
names may serve a query that names no municipality."""

import pytest
from django.db import connection
from django.db.models import Q

from samsyn.children.models import Child

pytestmark = pytest.mark.django_db


def test_no_index_walks_the_children_in_name_order():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname, a.attname
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[0]
            WHERE x.indrelid = 'children_child'::regclass
            """
        )
        leading = dict(cursor.fetchall())
    assert leading, "the children's table has indexes"
    named = {index: column for index, column in leading.items() if column.endswith("_name")}
    assert not named, f"indexes that lead with a name: {named}"


def test_the_name_indexes_serve_only_a_query_that_names_the_municipality():
    """Intake's match indexes (children migration 0004) lead with the municipality, and
    PostgreSQL 18 skips through a leading column: at 2.1 M children it read the children list's
    search by first and last name from whole ones, across every municipality, in 7–19 ms against
    1–1.5 ms from the actor's relationships. So they are partial on a condition only a query
    naming its municipality proves. Which plan the list takes is a coin toss at test size;
    whether an index can serve a query is not: with sequential scans priced out, the planner
    takes any index that can. That the intake's match does use them is
    `concerns/tests/test_intake_match.py`'s proof (rows read at 20,000 children): here, with the
    municipality's own index beside them, which of the two wins is the coin toss again."""
    searched = Child.objects.filter(
        Q(first_name__istartswith="Ås") | Q(last_name__istartswith="Ås")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = searched.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("RESET enable_seqscan")
    assert "child_match" not in plan, plan
