from django.core.management.base import BaseCommand

from samsyn.notifications import tasks as notification_tasks
from samsyn.radar import tasks
from samsyn.radar.services.scan import RuleResult, scan


class Command(BaseCommand):
    help = (
        "The radar. 'scan' runs every rule now, in this process, rule by rule; 'schedule' "
        "enqueues the scan on the task worker, which then repeats it, and the daily digest of "
        "its notifications."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["scan", "schedule"])

    def handle(self, *args, action, **options):
        if action == "schedule":
            enqueued = tasks.schedule()
            self.stdout.write("Scan enqueued." if enqueued else "A scan is already waiting.")
            digest = notification_tasks.schedule_digest()
            self.stdout.write("Digest enqueued." if digest else "A digest is already waiting.")
            return

        def progress(code: str, result: RuleResult) -> None:
            self.stdout.write(
                f"{code}: {result.found} found, {result.raised} new, {result.cleared} resolved"
            )

        result = scan(progress=progress)
        self.stdout.write(f"RAD-9: {result.escalated} escalated; {result.reminded} reminded")
        self.stdout.write(f"Done: {result.raised} new, {result.cleared} resolved.")
