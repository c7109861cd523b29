"""The radar's scan on the demo county and on one 10× larger (issue 11, point 5).

Each county is built in a scratch database of its own (`samsyn_bench_radar`, made and dropped
as the test runner makes its database), so the demo's database is never touched. In it the
county is drawn as `samsyn demo` draws it, the tables analysed as autovacuum would, and the scan
timed twice: the first, which raises every signal, and the scan the worker repeats every hour,
which finds them again (the best of `--repeat`). Then the county is rolled back and the larger
one built. The rows give each county's children, the open items the detectors start from, the
signals and the times; the last row the ratios, larger over smaller: the scan's cost should
follow the open items, not the number of children.
"""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.db.models import Q

from samsyn.concerns.models import Investigation, Report
from samsyn.concerns.selectors.intake import open_reports
from samsyn.demo.services import DEFAULT_CHILDREN, DEFAULT_SEED, build_county
from samsyn.discharge.models import Admission
from samsyn.plans.models import Case, Handover, PlanItem
from samsyn.radar.models import Signal
from samsyn.radar.services.scan import scan

SCRATCH = "samsyn_bench_radar"


def add_arguments(parser) -> None:
    parser.add_argument(
        "--children", type=int, default=DEFAULT_CHILDREN,
        help=f"the demo county's children ({DEFAULT_CHILDREN})",
    )  # fmt: skip
    parser.add_argument("--factor", type=int, default=10, help="how much larger the other (10)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the county's seed")
    parser.add_argument("--repeat", type=int, default=3, help="repeated scans to time (3)")


def run(options: dict, stdout) -> list[dict]:
    sizes = [options["children"], options["children"] * options["factor"]]
    name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = SCRATCH
    stdout.write(f"radar scan: a scratch database ({SCRATCH}) …")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        rows = [
            measure(n, seed=options["seed"], repeat=options["repeat"], stdout=stdout) for n in sizes
        ]
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    small, large = rows
    rows.append(
        {
            "name": "ratio",
            **{
                key: round(large[key] / small[key], 2) if small[key] else None
                for key in small
                if key != "name"
            },
        }
    )
    return rows


def open_items() -> int:
    """What the detectors start from: the items still open, not the county's children."""
    return sum(
        (
            Case.objects.exclude(status=Case.Status.CLOSED).count(),
            Handover.objects.filter(accepted_at__isnull=True, declined_at__isnull=True).count(),
            PlanItem.objects.exclude(version__case__status=Case.Status.CLOSED).count(),
            Report.objects.filter(open_reports()).count(),
            Investigation.objects.filter(finished_on__isnull=True).count(),
            Admission.objects.filter(discharged_at__isnull=True).count(),
        )
    )


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def measure(children: int, *, seed: int, repeat: int, stdout) -> dict:
    stdout.write(f"  building a county of {children:,} children …")
    with transaction.atomic():
        build_county(seed=seed, children=children)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        items = open_items()
        first = _timed(scan)
        steady = min(_timed(scan) for _ in range(max(1, repeat)))
        live = Signal.objects.filter(
            Q(cleared_at__isnull=True) & Q(dismissed_at__isnull=True)
        ).count()
        stdout.write(f"  {children:,} children: {items:,} open items, {live:,} signals")
        # Rolled back, not deleted: the next county starts from an empty database, and the
        # scan's audit rows go with it (audit rows refuse DELETE).
        transaction.set_rollback(True)
    return {
        "name": f"county of {children:,}",
        "children": children,
        "open_items": items,
        "signals": live,
        "first_scan_ms": round(first, 1),
        "scan_ms": round(steady, 1),
        "scan_us_per_open_item": round(steady * 1000 / items, 1) if items else None,
    }
