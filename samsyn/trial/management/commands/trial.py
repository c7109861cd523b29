"""`samsyn trial crash|concurrency`: the crash and concurrency trials (issue 13 point 6)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samsyn.trial import concurrency, crash


class Command(BaseCommand):
    help = (
        "Crash trials (kill -9 of the web server or the database mid-save, then a restart) or "
        "concurrency trials (many editors saving one plan at once), each on a server and data "
        "folder of its own."
    )
    # The trials run a server of their own: this process needs no checks and no database.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", required=True)
        crash_parser = kinds.add_parser("crash", help="kill -9 mid-save, restart, check")
        crash_parser.add_argument("--trials", type=int, default=100)
        crash_parser.add_argument("--seed", type=int, default=2026)
        crash_parser.add_argument(
            "--verify-every", type=int, default=10,
            help="Run `samsyn audit verify` after every this many trials (and after the last).",
        )  # fmt: skip
        concurrency_parser = kinds.add_parser("concurrency", help="many editors on one plan")
        concurrency_parser.add_argument("--editors", type=int, default=16)
        concurrency_parser.add_argument("--rounds", type=int, default=5)
        for sub in (crash_parser, concurrency_parser):
            sub.add_argument("--children", type=int, default=20, help="The trial county's size.")
            sub.add_argument("--json", dest="json_file", help="Also write the figures here.")
            sub.add_argument(
                "--keep", action="store_true", help="Keep the trial's data folder afterwards."
            )

    def handle(self, *args, kind, json_file, children, keep, **options):
        def progress(line: str) -> None:
            self.stderr.write(line)
            self.stderr.flush()

        if kind == "crash":
            if options["trials"] < 1 or options["verify_every"] < 1:
                raise CommandError(_("--trials and --verify-every must be at least 1."))
            report = crash.run(
                trials=options["trials"], seed=options["seed"], children=children,
                verify_every=options["verify_every"], progress=progress, keep=keep,
            )  # fmt: skip
            rows = [
                (_("Trials"), report.trials),
                (_("Kills of the web server (kill -9)"), report.kills["web"]),
                (_("Kills of the database (kill -9)"), report.kills["database"]),
                (_("Saves attempted"), report.attempted),
                (_("Saves acknowledged (200)"), report.acknowledged),
                (
                    _("Saves kept though unanswered (killed after the commit)"),
                    report.kept_unacknowledged,
                ),
                (_("Acknowledged saves lost"), report.lost),
                (_("Half-written records"), report.half_written),
                (_("Restart failures"), report.restart_failures),
                (_("Audit chains verify"), _("yes") if report.audit_verified else _("no")),
            ]
        else:
            if options["editors"] < 2 or options["rounds"] < 1:
                raise CommandError(_("--editors must be at least 2 and --rounds at least 1."))
            report = concurrency.run(
                editors=options["editors"], rounds=options["rounds"], children=children,
                progress=progress, keep=keep,
            )  # fmt: skip
            rows = [
                (_("Editors"), report.editors),
                (_("Rounds (all editors save at once)"), report.rounds),
                (_("Saves"), report.saves),
                (_("Saves acknowledged (200)"), report.acknowledged),
                (_("Conflicts answered (409)"), report.conflicts),
                (_("Conflict answers without the other version"), report.unclear_conflicts),
                (_("Silent overwrites"), report.silent_overwrites),
                (_("Other answers or broken connections"), report.errors),
            ]
        rows.append((_("Seconds"), round(report.seconds)))
        width = max(len(str(label)) for label, _value in rows)
        for label, value in rows:
            self.stdout.write(f"{label:<{width}}  {value}")
        for problem in report.problems:
            self.stderr.write(problem)
        if json_file:
            figures = {"kind": kind, "ok": report.ok, **dataclasses.asdict(report)}
            Path(json_file).write_text(json.dumps(figures, indent=2) + "\n")
        if not report.ok:
            raise CommandError(_("The trial failed: see the figures and problems above."))
        self.stdout.write(_("OK: the trial passed."))
