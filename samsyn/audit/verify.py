"""Walks every chain of the audit log and reports the first broken link of each.

The check runs in the database (docs/adr/0010): each row's hash is recomputed by the function
that wrote it, and each row is compared with the link before it in its chain (window functions),
in batches in chain order, so only broken links and the chains' ends come back to Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

GENESIS = "0" * 64
BATCH = 100_000

_COLUMNS = (
    "at, chain, seq, user_id, staff_id, staff_name, organisation_id, organisation_name, unit_id,"
    " unit_name, role, action, outcome, child_id, object_type, object_id, purpose, basis, detail"
)
# Chains named with a stripe (`org:7/3`) were linked by the database; the older ones, one per
# organisation (`org:7`), by Python before migration 0003.
_BATCH_SQL = f"""
WITH checked AS (
    SELECT id, chain, seq, prev_hash, hash,
        CASE WHEN lag(chain) OVER w IS NOT DISTINCT FROM chain THEN lag(seq) OVER w + 1
             WHEN chain = %(chain)s THEN %(seq)s + 1 ELSE 1 END AS expected_seq,
        CASE WHEN lag(chain) OVER w IS NOT DISTINCT FROM chain THEN lag(hash) OVER w
             WHEN chain = %(chain)s THEN %(hash)s ELSE %(genesis)s END AS expected_prev,
        hash = CASE WHEN strpos(chain, '/') > 0
                    THEN audit_link_hash(prev_hash, {_COLUMNS})
                    ELSE audit_link_hash_v1(prev_hash, {_COLUMNS}) END AS sound,
        lead(chain) OVER w IS DISTINCT FROM chain AS chain_end,
        count(*) OVER () AS rows
    FROM (
        SELECT * FROM audit_entry WHERE (chain, seq) > (%(chain)s, %(seq)s)
        ORDER BY chain, seq LIMIT %(limit)s
    ) batch
    WINDOW w AS (ORDER BY chain, seq)
)
SELECT id, chain, seq, hash, expected_seq, prev_hash = expected_prev, sound, chain_end, rows
FROM checked
WHERE seq <> expected_seq OR prev_hash <> expected_prev OR NOT sound OR chain_end
ORDER BY chain, seq
"""  # noqa: S608 (constant column names, values as parameters)


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


Progress = Callable[[int, int], None]


def _reason(seq: int, expected_seq: int, links: bool, sound: bool) -> str | None:
    if seq != expected_seq:
        return f"expected link {expected_seq}, found {seq} (a row is missing)"
    if not links:
        return "its previous hash does not match the link before it"
    if not sound:
        return "its content does not match its hash (the row was altered)"
    return None


def estimated_rows() -> int:
    """The planner's count of the log's rows: exact enough for progress, and free."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint FROM pg_inherits i"
            " JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = 'audit_entry'::regclass"
        )
        return cursor.fetchone()[0]


def verify(*, progress: Progress | None = None, batch: int = BATCH) -> Report:
    """Every chain, link by link; `progress(rows_done, rows_estimated)` after each batch."""
    total = estimated_rows() if progress else 0
    breaks: dict[str, Break] = {}
    ends: dict[str, tuple[int, str]] = {}
    last: tuple[str, int, str] = ("", 0, GENESIS)
    entries = 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT chain, seq, hash FROM audit_chainhead")
        heads = {chain: (seq, digest) for chain, seq, digest in cursor.fetchall()}
        while True:
            cursor.execute(
                _BATCH_SQL,
                {"chain": last[0], "seq": last[1], "hash": last[2], "genesis": GENESIS,
                 "limit": batch},
            )  # fmt: skip
            found = cursor.fetchall()
            if not found:
                break
            for entry_id, chain, seq, digest, expected_seq, links, sound, chain_end, _ in found:
                reason = _reason(seq, expected_seq, links, sound)
                if reason and chain not in breaks:
                    breaks[chain] = Break(chain, seq, entry_id, reason)
                if chain_end:
                    ends[chain] = (seq, digest.strip())
                    last = (chain, seq, digest.strip())
            entries += found[0][-1]
            if progress:
                progress(entries, max(total, entries))
    for chain, head in heads.items():
        if chain not in breaks and ends.get(chain) != (head[0], head[1].strip()):
            last_seq = ends.get(chain, (0, GENESIS))[0]
            breaks[chain] = Break(
                chain, last_seq + 1, None, "the chain ends before its recorded head (rows removed)"
            )
    for chain, (seq, _) in ends.items():
        if chain not in heads and chain not in breaks:
            breaks[chain] = Break(chain, seq, None, "the chain has no recorded head")
    return Report(chains=len(heads), entries=entries, breaks=sorted(breaks.values(), key=_order))


def _order(link: Break) -> tuple[str, int]:
    return (link.chain, link.seq)
