"""The link hash of an audit row computed in Python, equal to the database's
`audit_link_hash(...)` (migration 0003, docs/adr/0010): SHA-256 over the previous hash and
`json_build_array(...)::text` of the row. For a loader that links rows itself instead of letting
the trigger do it row by row (the national set, `demo/national.py`); the app's appends and
`audit verify` keep using the SQL function, and a test holds the two equal
(`audit/tests/test_links.py`).

PostgreSQL's JSON text, reproduced: array elements and object members separated by ", ", a key
and its value by ": "; strings escaped as its `escape_json` does (the same as `json.dumps` with
`ensure_ascii=False`: `\\"`, `\\\\`, `\\b \\f \\n \\r \\t`, other control characters as
`\\u00xx`, everything else as is); the jsonb values (`basis`, `detail`) with their keys in
jsonb's order (shorter first, then by their bytes); numbers as jsonb's numeric keeps them (a
float as the numeric its `json.dumps` text becomes, never in exponent form); the time as integer
microseconds since the epoch. NaN and infinities are refused, as jsonb refuses them.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

GENESIS = "0" * 64
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_string = json.JSONEncoder(ensure_ascii=False).encode


def json_text(value: object) -> str:
    """`value` as PostgreSQL writes it as json (or jsonb) text."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # jsonb reads the number json.dumps wrote as a numeric, which has no -0 and is written
        # without an exponent.
        number = Decimal(json.dumps(value, allow_nan=False))
        return format(number or abs(number), "f")
    if isinstance(value, dict):
        members = sorted(value.items(), key=lambda item: (len(item[0].encode()), item[0].encode()))
        return "{" + ", ".join(f"{_string(k)}: {json_text(v)}" for k, v in members) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(json_text(item) for item in value) + "]"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def link_hash(
    prev_hash: str, at: datetime, chain: str, seq: int, user_id: int | None,
    staff_id: int | None, staff_name: str, organisation_id: int | None, organisation_name: str,
    unit_id: int | None, unit_name: str, role: str, action: str, outcome: str,
    child_id: int | None, object_type: str, object_id: str, purpose: str, basis: dict,
    detail: dict,
) -> str:  # fmt: skip
    """`audit_link_hash(...)` of the database, argument for argument."""
    micros = (at - _EPOCH) // _MICROSECOND
    values = (
        micros, chain, seq, user_id, staff_id, staff_name, organisation_id, organisation_name,
        unit_id, unit_name, role, action, outcome, child_id, object_type, object_id, purpose,
        basis, detail,
    )  # fmt: skip
    text = "[" + ", ".join(json_text(value) for value in values) + "]"
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()
