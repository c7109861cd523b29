"""Audit append at N concurrent writers in one organisation, and `audit verify` (issue 12).

Each writer is its own process with its own connection, as gunicorn's workers are, and appends
one row per transaction, as a request does: the latency is that transaction, commit included.
The rows are written for an organisation, staff and children no register holds (negative ids,
"Samsyn bench"), so no real organisation's or child's log shows them; like every audit row they
stay, and `verify` walks them too.

The floor is the same writers doing the same transaction without the chain: the same values
(built by the same code) inserted into a table of the same columns and indexes with no trigger,
one row per transaction, commit included. Chain and floor run in turns within one run, so both
see the same machine: on a loaded machine the figures move, their ratio much less (issue 12).
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import threading
import time
from typing import Any

from django.core.management.base import CommandError
from django.db import connection, connections, transaction

from samsyn.access.actor import Actor
from samsyn.access.rules import Decision
from samsyn.audit import services as audit
from samsyn.audit.verify import verify
from samsyn.directory.models import Membership, Organisation, Staff, Unit

BENCH_ORGANISATION = -1
FLOOR_TABLE = "bench_audit_floor"
# The chain's columns hold values of the width the trigger writes (a stripe's name, two hashes).
# Constants only: every value goes in as a parameter.
_FLOOR_INSERT = (
    f"INSERT INTO {FLOOR_TABLE} (chain, seq, prev_hash, hash, {audit.ENTRY_COLUMNS})"  # noqa: S608
    f" VALUES ('org:-1/0', 0, repeat('0', 64), repeat('0', 64), {audit.ENTRY_PLACEHOLDERS})"
    " RETURNING id"
)


def add_arguments(parser) -> None:
    parser.add_argument("--writers", type=int, default=16, help="concurrent writers (16)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to append (10)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="turns of chain and floor the time is split in (3)"
    )
    parser.add_argument("--no-verify", action="store_true", help="measure the append only")


def run(options: dict, stdout) -> list[dict]:
    writers, seconds, rounds = options["writers"], options["seconds"], options["rounds"]
    stdout.write(
        f"audit append: {writers} writers in one organisation, {seconds:g} s chained and"
        f" {seconds:g} s floor, in {rounds} turns …"
    )
    rows = [append(writers=writers, seconds=seconds, rounds=rounds)]
    if not options["no_verify"]:
        stdout.write("audit verify …")
        rows.append(verify_rate(stdout))
    return rows


def bench_actor(writer: int) -> Actor:
    """An actor of the bench organisation, built without rows: audit keeps names, not keys."""
    organisation = Organisation(pk=BENCH_ORGANISATION, name="Samsyn bench")
    unit = Unit(pk=BENCH_ORGANISATION, name="Samsyn bench", organisation=organisation)
    staff = Staff(pk=-1 - writer, name=f"Bench writer {writer}", user_id=-1 - writer)
    return Actor(Membership(pk=-1 - writer, staff=staff, unit=unit, role="handlaggare"))


def _append_one(actor: Actor, n: int) -> None:
    with transaction.atomic():
        # Children no register holds (negative ids), spread as reads of many children are.
        audit.record_read(
            actor=actor, child_id=-1 - n % 10_000, obj="bench", obj_id=n, purpose="planning",
            decision=Decision(True, "involvement", {"involvement_id": n}),
        )  # fmt: skip


def _floor_one(actor: Actor, n: int) -> None:
    """What `_append_one` does, but into the floor table: the values record_read would write."""
    decision = Decision(True, "involvement", {"involvement_id": n})
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _FLOOR_INSERT,
            audit.entry_values(
                actor=actor, action="read", outcome="allowed", child_id=-1 - n % 10_000,
                object_type="bench", object_id=str(n), purpose="planning",
                basis=decision.as_audit(), detail={},
            ),
        )  # fmt: skip
        cursor.fetchone()


SHAPES = {"chain": _append_one, "floor": _floor_one}


def _writer(shape: str, writer: int, seconds: float, start, results) -> None:
    actor = bench_actor(writer)
    one = SHAPES[shape]
    try:
        one(actor, 0)  # the connection and the month's partition, unmeasured
    except Exception as error:
        start.abort()  # the others, and the command, stop waiting
        results.put(repr(error))
        raise
    start.wait()
    began = time.perf_counter()
    deadline = began + seconds
    latencies = []
    n = 0
    while time.perf_counter() < deadline:
        n += 1
        t0 = time.perf_counter()
        one(actor, n)
        latencies.append((time.perf_counter() - t0) * 1000)
    results.put((began, time.perf_counter(), latencies))
    connections.close_all()


def append(*, writers: int, seconds: float, rounds: int = 1) -> dict[str, Any]:
    """The chain and its floor, in turns: `rounds` turns of each, `seconds` in all for each."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        cursor.execute(f"CREATE TABLE {FLOOR_TABLE} (LIKE audit_entry INCLUDING ALL)")
    try:
        turns: dict[str, list[tuple[float, list[float]]]] = {"chain": [], "floor": []}
        for _ in range(rounds):
            for shape, done in turns.items():
                done.append(_run_writers(shape, writers, seconds / rounds))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {FLOOR_TABLE}")
    chain, floor = (_figures(done) for done in turns.values())
    return {
        "name": "audit append",
        **chain,
        "writers": writers,
        **{f"floor_{key}": value for key, value in floor.items()},
        "ratio": round(chain["p50_ms"] / floor["p50_ms"], 2),
    }


def _figures(turns: list[tuple[float, list[float]]]) -> dict[str, float]:
    latencies = sorted(ms for _, part in turns for ms in part)
    elapsed = sum(seconds for seconds, _ in turns)
    return {
        "rows_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2),
    }


def _run_writers(shape: str, writers: int, seconds: float) -> tuple[float, list[float]]:
    """One turn of one shape: how long the writers wrote, and each transaction's latency."""
    # Forked writers must not share the parent's connection.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start = context.Barrier(writers + 1)
    results = context.Queue()
    processes = [
        context.Process(target=_writer, args=(shape, i, seconds, start, results))
        for i in range(writers)
    ]
    for process in processes:
        process.start()
    try:
        start.wait()
    except threading.BrokenBarrierError:
        raise CommandError(f"A writer failed: {results.get()}") from None
    reports = [results.get() for _ in processes]
    for process in processes:
        process.join()
    elapsed = max(end for _, end, _ in reports) - min(began for began, _, _ in reports)
    return elapsed, [ms for _, _, part in reports for ms in part]


def verify_rate(stdout) -> dict[str, Any]:
    t0 = time.perf_counter()
    report = verify(jobs=os.cpu_count() or 1)
    elapsed = time.perf_counter() - t0
    if not report.ok:
        stdout.write(f"verify found {len(report.breaks)} broken chain(s)")
    return {
        "name": "audit verify",
        "rows_per_s": round(report.entries / elapsed, 1),
        "rows": report.entries,
    }
