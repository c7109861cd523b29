"""The link hash computed in Python (`audit.links`, for loaders that link rows themselves) is the
database's `audit_link_hash` to the character, for values whose JSON text is easy to get wrong."""

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection, transaction

from samsyn.audit import services as audit
from samsyn.audit.links import json_text, link_hash
from samsyn.audit.models import Entry
from samsyn.directory.tests.factories import make_actor

_SQL = (
    "SELECT audit_link_hash(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
    " %s, %s::jsonb, %s::jsonb)"
)
_PLAIN = {
    "at": datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=UTC),
    "chain": "org:12/0",
    "seq": 1,
    "user_id": 3,
    "staff_id": 4,
    "staff_name": "Anna Andersson",
    "organisation_id": 12,
    "organisation_name": "Socialtjänsten Örebro kommun",
    "unit_id": 5,
    "unit_name": "Barn och unga – utredning",
    "role": "caseworker",
    "action": "read",
    "outcome": "allowed",
    "child_id": 7,
    "object_type": "child",
    "object_id": "7",
    "purpose": "investigation",
    "basis": {"basis": "involvement", "relationship": "own_unit"},
    "detail": {},
}
_AWKWARD = [
    {},
    {"staff_name": 'Anna "Nisse" Back\\slash', "unit_name": "tab\there\nnewline\r\x01\x1f\x7f"},
    {"organisation_name": "Åsa Öberg – ✓ 😀 \u2028 \u00a0 ß", "object_id": "/ and </script>"},
    {
        "user_id": None,
        "staff_id": None,
        "organisation_id": None,
        "unit_id": None,
        "child_id": None,
        "chain": "system/31",
    },  # fmt: skip
    {"seq": 9_223_372_036_854_775_807, "child_id": -9_223_372_036_854_775_808},
    {"at": datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)},
    {"at": datetime(2026, 7, 1, 2, 0, 0, tzinfo=timezone(timedelta(hours=2)))},
    {"basis": {"b": 1, "aa": [1, 2.5, 1e20, 1e-7, -0.0, True, False, None], "a": {}, "ä": "x"}},
    {"detail": {"zz": {"y": [], "x": {"q": 'quo"te', "p": "back\\"}}, "z": 2**70, "": "empty"}},
    {"detail": {"é": 1, "e": 2, "ee": 3, "\u00e9\u00e9": 4, "E": 5}},
    {"detail": {"list": [[], {}, "", [None]], "float": 0.1, "big": 12345678.9}},
]


def _sql_hash(prev: str, values: dict) -> str:
    params = [prev, *list(values.values())[:-2], json.dumps(values["basis"]),
              json.dumps(values["detail"])]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_SQL, params)
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize("change", _AWKWARD)
def test_python_link_hash_equals_the_databases(change):
    values = {**_PLAIN, **change}
    prev = "ab" * 32
    assert link_hash(prev, *values.values()) == _sql_hash(prev, values)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", [_PLAIN["basis"], {"b": 1, "aa": [1.5, None], "a": {}}, [1, 'x\\"y', {}], "ö", None]
)
def test_json_text_is_the_databases_jsonb_text(value):
    with connection.cursor() as cursor:
        cursor.execute("SELECT json_build_array(%s::jsonb)::text", [json.dumps(value)])
        assert f"[{json_text(value)}]" == cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_row_linked_by_the_trigger_has_the_python_hash():
    actor = make_actor()
    with transaction.atomic():
        entry = Entry.objects.get(
            pk=audit.record_change(
                actor=actor, child_id=None, obj="plan", obj_id="9", event="update",
                purpose="treatment", detail={"fält": 'nytt "värde"', "n": 3, "ö": [None, 2.5]},
            )
        )  # fmt: skip
    values = [getattr(entry, field) for field in _PLAIN]
    assert link_hash(entry.prev_hash, *values) == entry.hash
