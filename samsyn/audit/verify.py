"""Walks every chain of the audit log and reports the first broken link of each.

The check runs in the database (docs/adr/0010): each row's hash is recomputed by the function
that wrote it, and each row is compared with the link before it in its chain (window functions),
in batches in chain order, so only broken links and the chains' ends come back to Python. A
chain whose first months were retired starts at its checkpoint (docs/adr/0014): the seq and hash
of the last link retired, which the first kept link must follow.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connection

GENESIS = "0" * 64
BATCH = 100_000

_COLUMNS = (
    "at, chain, seq, user_id, staff_id, staff_name, organisation_id, organisation_name, unit_id,"
    " unit_name, role, action, outcome, child_id, object_type, object_id, purpose, basis, detail"
)
# Chains named with a stripe (`org:7/3`) were linked by the database; the older ones, one per
# organisation (`org:7`), by Python before migration 0003.
_BATCH_SQL = """
WITH checked AS (
    SELECT id, chain, seq, prev_hash, hash,
        CASE WHEN lag(chain) OVER w IS NOT DISTINCT FROM chain THEN lag(seq) OVER w + 1
             WHEN chain = %(chain)s THEN %(seq)s + 1
             ELSE coalesce((SELECT c.seq FROM audit_checkpoint c WHERE c.chain = batch.chain), 0)
                  + 1 END AS expected_seq,
        CASE WHEN lag(chain) OVER w IS NOT DISTINCT FROM chain THEN lag(hash) OVER w
             WHEN chain = %(chain)s THEN %(hash)s
             ELSE coalesce((SELECT c.hash FROM audit_checkpoint c WHERE c.chain = batch.chain),
                           %(genesis)s) END AS expected_prev,
        hash = CASE WHEN strpos(chain, '/') > 0
                    THEN audit_link_hash(prev_hash, {columns})
                    ELSE audit_link_hash_v1(prev_hash, {columns}) END AS sound,
        lead(chain) OVER w IS DISTINCT FROM chain AS chain_end,
        row_number() OVER w AS position
    FROM (
        SELECT * FROM audit_entry
        WHERE (chain, seq) > (%(chain)s, %(seq)s){until}
        ORDER BY chain, seq LIMIT %(limit)s
    ) batch
    WINDOW w AS (ORDER BY chain, seq)
)
SELECT id, chain, seq, hash, expected_seq, prev_hash = expected_prev, sound, chain_end, position
FROM checked
WHERE seq <> expected_seq OR prev_hash <> expected_prev OR NOT sound OR chain_end
ORDER BY chain, seq
"""
# The upper bound is a condition of its own, so the index scan stops there rather than reading
# the other ranges' rows only to drop them.
_BATCH = {
    bounded: _BATCH_SQL.format(columns=_COLUMNS, until=" AND chain < %(until)s" if bounded else "")
    for bounded in (False, True)
}


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


@dataclass
class _Walk:
    """What one walk over a range of chains found."""

    breaks: dict[str, Break] = field(default_factory=dict)
    ends: dict[str, tuple[int, str]] = field(default_factory=dict)
    entries: int = 0


def _walk(start: str, until: str | None, batch: int, step: Callable[[int], None]) -> _Walk:
    """The chains from `start` up to (not including) `until`, batch by batch in chain order."""
    walk = _Walk()
    last: tuple[str, int, str] = (start, 0, GENESIS)
    try:
        with connection.cursor() as cursor:
            while True:
                cursor.execute(
                    _BATCH[until is not None],
                    {"chain": last[0], "seq": last[1], "hash": last[2], "genesis": GENESIS,
                     "until": until, "limit": batch},
                )  # fmt: skip
                found = cursor.fetchall()
                if not found:
                    return walk
                for entry_id, chain, seq, digest, expected, links, sound, end, _ in found:
                    reason = _reason(seq, expected, links, sound)
                    if reason and chain not in walk.breaks:
                        walk.breaks[chain] = Break(chain, seq, entry_id, reason)
                    if end:
                        walk.ends[chain] = (seq, digest.strip())
                        last = (chain, seq, digest.strip())
                rows = found[-1][-1]  # the batch's last row is always a chain's end here
                walk.entries += rows
                step(rows)
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()


def _ranges(heads: dict[str, tuple[int, str]], jobs: int) -> list[tuple[str, str | None]]:
    """`jobs` consecutive ranges of chain names holding about as many rows each (a head's seq
    is its chain's length); together they cover every name, so no row is left out."""
    share = sum(seq for seq, _ in heads.values()) / jobs
    bounds: list[str] = []
    filled = 0
    for chain in heads:  # in the database's order of names, as the walks compare them
        if filled >= share * (len(bounds) + 1) and len(bounds) < jobs - 1:
            bounds.append(chain)
        filled += heads[chain][0]
    starts = ["", *bounds]
    return list(zip(starts, [*bounds, None], strict=True))


def verify(*, progress: Progress | None = None, batch: int = BATCH, jobs: int = 1) -> Report:
    """Every chain, link by link; `progress(rows_done, rows_estimated)` after each batch.

    With `jobs` > 1 the chains are split into as many ranges, each walked on a connection of
    its own at the same time: the hashing is CPU work in the database, one core per walk. Those
    connections see only committed rows, so a caller inside a transaction uses one job."""
    if connection.in_atomic_block:
        # The other connections would not see this transaction's rows and call them removed.
        jobs = 1
    total = estimated_rows() if progress else 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT chain, seq, hash FROM audit_chainhead ORDER BY chain")
        heads = {chain: (seq, digest.strip()) for chain, seq, digest in cursor.fetchall()}
        cursor.execute("SELECT chain, seq, hash FROM audit_checkpoint")
        # A chain retired whole ends at its checkpoint.
        starts = {chain: (seq, digest.strip()) for chain, seq, digest in cursor.fetchall()}
    done, lock = 0, threading.Lock()

    def step(rows: int) -> None:
        nonlocal done
        with lock:
            done += rows
            if progress:
                progress(done, max(total, done))

    ranges = _ranges(heads, jobs) if jobs > 1 else [("", None)]
    if len(ranges) == 1:
        walks = [_walk("", None, batch, step)]
    else:
        with ThreadPoolExecutor(max_workers=len(ranges)) as pool:
            walks = list(pool.map(lambda r: _walk(r[0], r[1], batch, step), ranges))
    breaks = {chain: link for walk in walks for chain, link in walk.breaks.items()}
    ends = starts | {chain: end for walk in walks for chain, end in walk.ends.items()}
    for chain, head in heads.items():
        if chain not in breaks and ends.get(chain) != head:
            last_seq = ends.get(chain, (0, GENESIS))[0]
            breaks[chain] = Break(
                chain, last_seq + 1, None, "the chain ends before its recorded head (rows removed)"
            )
    for chain, (seq, _) in ends.items():
        if chain not in heads and chain not in breaks:
            breaks[chain] = Break(chain, seq, None, "the chain has no recorded head")
    entries = sum(walk.entries for walk in walks)
    return Report(chains=len(heads), entries=entries, breaks=sorted(breaks.values(), key=_order))


def _order(link: Break) -> tuple[str, int]:
    return (link.chain, link.seq)
