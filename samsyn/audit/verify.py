"""Walks every chain of the audit log and reports the first broken link of each."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

from samsyn.audit.services import GENESIS, hashed_fields, link_hash

_COLUMNS = (
    "id, at, chain, seq, prev_hash, hash, user_id, staff_id, staff_name, organisation_id,"
    " organisation_name, unit_id, unit_name, role, action, outcome, child_id, object_type,"
    " object_id, purpose, basis, detail"
)


@dataclass(frozen=True)
class Break:
    chain: str
    seq: int
    entry_id: int | None
    reason: str


@dataclass(frozen=True)
class Report:
    chains: int
    entries: int
    breaks: list[Break]

    @property
    def ok(self) -> bool:
        return not self.breaks


def _heads() -> dict[str, tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT chain, seq, hash FROM audit_chainhead")
        return {chain: (seq, digest) for chain, seq, digest in cursor.fetchall()}


def _entries() -> Iterator[dict]:
    # A server-side cursor: the log can be far larger than memory.
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT {_COLUMNS} FROM audit_entry ORDER BY chain, seq")  # noqa: S608
        names = [column.strip() for column in _COLUMNS.split(",")]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            # Django's psycopg setup hands jsonb back as text.
            row["basis"], row["detail"] = json.loads(row["basis"]), json.loads(row["detail"])
            yield row


def verify() -> Report:
    breaks: list[Break] = []
    heads = _heads()
    chain, expected_seq, prev_hash, broken = None, 1, GENESIS, False
    seen: dict[str, tuple[int, str]] = {}
    entries = 0

    for row in _entries():
        entries += 1
        if row["chain"] != chain:
            if chain is not None:
                seen[chain] = (expected_seq - 1, prev_hash)
            chain, expected_seq, prev_hash, broken = row["chain"], 1, GENESIS, False
        if broken:
            continue
        reason = None
        if row["seq"] != expected_seq:
            reason = f"expected link {expected_seq}, found {row['seq']} (a row is missing)"
        elif row["prev_hash"] != prev_hash:
            reason = "its previous hash does not match the link before it"
        elif link_hash(prev_hash, hashed_fields(row)) != row["hash"]:
            reason = "its content does not match its hash (the row was altered)"
        if reason:
            breaks.append(Break(row["chain"], row["seq"], row["id"], reason))
            broken = True
            continue
        expected_seq, prev_hash = expected_seq + 1, row["hash"]
    if chain is not None:
        seen[chain] = (expected_seq - 1, prev_hash)

    failed = {b.chain for b in breaks}
    for name, (seq, digest) in heads.items():
        if name in failed:
            continue
        if seen.get(name) != (seq, digest):
            last = seen.get(name, (0, GENESIS))[0]
            breaks.append(
                Break(
                    name, last + 1, None, "the chain ends before its recorded head (rows removed)"
                )
            )
    return Report(chains=len(heads), entries=entries, breaks=breaks)
