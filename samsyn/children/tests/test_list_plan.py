"""The children list's cost follows the actor's relationships, not the county (issue 12).

Measured at 2.2 million children (README, "Lists at national size"): with an index on the
child's name, PostgreSQL filled a caseworker's first page by walking the whole county in name
order, because it takes `restrict`'s filter to pass nearly every child: 506,170 children read,
440 ms, against 10 ms when the list is driven from the actor's relationships. Which plan wins
on a test-sized table is a coin toss (a scan of 20,000 rows is cheap), so the guard is on what
tempted the planner: no index on the children's table may lead with a name."""

import pytest
from django.db import connection

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
