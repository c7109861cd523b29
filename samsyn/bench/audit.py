"""Audit append at N concurrent writers in one organisation, and `audit verify` (issue 12).

Each writer is its own process with its own connection, as gunicorn's workers are, and appends
one row per transaction, as a request does: the latency is that transaction, commit included.
The rows are written for an organisation, staff and children no register holds (negative ids,
"Samsyn bench"), so no real organisation's or child's log shows them; like every audit row they
stay, and `verify` walks them too.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import threading
import time
from typing import Any

from django.core.management.base import CommandError
from django.db import connections, transaction

from samsyn.access.actor import Actor
from samsyn.access.rules import Decision
from samsyn.audit import services as audit
from samsyn.audit.verify import verify
from samsyn.directory.models import Membership, Organisation, Staff, Unit

BENCH_ORGANISATION = -1


def add_arguments(parser) -> None:
    parser.add_argument("--writers", type=int, default=16, help="concurrent writers (16)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to append (10)")
    parser.add_argument("--no-verify", action="store_true", help="measure the append only")


def run(options: dict, stdout) -> list[dict]:
    writers, seconds = options["writers"], options["seconds"]
    stdout.write(f"audit append: {writers} writers in one organisation for {seconds:g} s …")
    rows = [append(writers=writers, seconds=seconds)]
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


def _writer(writer: int, seconds: float, start, results) -> None:
    actor = bench_actor(writer)
    try:
        _append_one(actor, 0)  # the connection and the month's partition, unmeasured
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
        _append_one(actor, n)
        latencies.append((time.perf_counter() - t0) * 1000)
    results.put((began, time.perf_counter(), latencies))
    connections.close_all()


def append(*, writers: int, seconds: float) -> dict[str, Any]:
    # Forked writers must not share the parent's connection.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start = context.Barrier(writers + 1)
    results = context.Queue()
    processes = [
        context.Process(target=_writer, args=(i, seconds, start, results)) for i in range(writers)
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
    latencies = sorted(ms for _, _, part in reports for ms in part)
    elapsed = max(end for _, end, _ in reports) - min(began for began, _, _ in reports)
    return {
        "name": "audit append",
        "rows_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2),
        "writers": writers,
    }


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
