"""`samsyn fuzz`: the long schemathesis run over the whole API (issue 13), with a table per
operation. The short run is tests/test_api_fuzz.py in `./dev test`."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

# Its own database, migrated on first use and kept: the run never touches the county that is
# served, nor the test suite's database, and it rolls its writes back.
DATABASE = "samsyn_fuzz"


class Command(BaseCommand):
    help = (
        "Fuzz every operation of the OpenAPI document with schemathesis as a caseworker, a BUP "
        "clinician and no one; exit 1 on any 5xx, undocumented status or schema violation."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--examples", type=int, default=25,
            help="Generated requests per operation, identity and mode (default 25).",
        )  # fmt: skip
        parser.add_argument("--seed", type=int, default=0, help="Hypothesis seed (default 0).")

    def handle(self, *args, examples: int, seed: int, **options):
        from samsyn.api import fuzz

        if examples < 1:
            raise CommandError("--examples must be at least 1.")
        served = connection.settings_dict["NAME"]
        connection.settings_dict.setdefault("TEST", {})["NAME"] = DATABASE
        self.stdout.write(f"Preparing the database {DATABASE} (migrated once, then kept) …")
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=True)
        self.stdout.write(f"\n      {'operation':62}  {'calls':>5}  statuses")
        started = time.monotonic()
        try:
            with transaction.atomic():
                outcomes = fuzz.run(fuzz.county(), examples=examples, seed=seed, progress=self._row)
                transaction.set_rollback(True)
        finally:
            connection.creation.destroy_test_db(served, verbosity=0, keepdb=True)
        seconds = time.monotonic() - started
        requests = sum(o.requests for o in outcomes)
        failures = [(o.operation, f) for o in outcomes for f in o.failures]
        self.stdout.write(
            f"\n{len(outcomes)} operations, {requests} requests, {len(failures)} failures "
            f"in {seconds:.0f} s (examples {examples}, seed {seed})."
        )
        for operation, failure in failures:
            self.stderr.write(f"\n{operation}\n  {failure}")
        if failures:
            raise CommandError(f"{len(failures)} failures.", returncode=1)

    def _row(self, outcome) -> None:
        statuses = " ".join(f"{s}×{n}" for s, n in sorted(outcome.statuses.items()))
        mark = "FAIL" if outcome.failures else "ok"
        self.stdout.write(
            f"{mark:4}  {outcome.operation:62}  {outcome.requests:5}  {statuses}", ending="\n"
        )
