import os
import time

from django.core.management.base import BaseCommand, CommandError

from samsyn.audit import tasks
from samsyn.audit.verify import verify


class Command(BaseCommand):
    help = (
        "Audit log tools. 'verify' walks every hash chain and reports the first broken link; "
        "'summarise' counts the log follow-up's days that are over now, 'schedule' enqueues "
        "that on the task worker, which then repeats it."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "summarise", "schedule"])
        parser.add_argument(
            "--jobs", type=int, default=os.cpu_count() or 1,
            help="chains walked at the same time, each on its own connection (one per core)",
        )  # fmt: skip

    def handle(self, *args, action, jobs, **options):
        if action == "schedule":
            enqueued = tasks.schedule()
            self.stdout.write("Enqueued." if enqueued else "A count is already waiting.")
            return
        if action == "summarise":
            tasks.summarise_reads.call()
            self.stdout.write("The days over are counted.")
            return
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-9)
            share = 100 * done // max(total, 1)
            self.stdout.write(
                f"\r{done:,} / ~{total:,} rows ({share} %, {rate:,.0f} rows/s)", ending=""
            )
            self.stdout.flush()

        report = verify(progress=progress, jobs=jobs)
        self.stdout.write("")
        for link in report.breaks:
            where = f"entry {link.entry_id}" if link.entry_id else "after the last entry"
            self.stderr.write(
                f"BROKEN  chain {link.chain}, link {link.seq} ({where}): {link.reason}"
            )
        summary = f"{report.entries} entries in {report.chains} chains"
        if not report.ok:
            raise CommandError(f"{len(report.breaks)} broken chain(s) among {summary}.")
        self.stdout.write(f"OK  {summary}: every link holds.")
