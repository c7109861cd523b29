from django.core.management.base import BaseCommand, CommandError

from samsyn.retention import selectors, services, tasks


class Command(BaseCommand):
    help = (
        "Retention (gallring). 'plan' prints what is due per rule and changes nothing; 'run' "
        "deletes or anonymises what the enforced rules make due (with --dry-run it only counts, "
        "and logs the count); 'schedule' enqueues the run on the task worker, which repeats it."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["plan", "run", "schedule"])
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, action, dry_run, **options):
        if action == "schedule":
            enqueued = tasks.schedule()
            self.stdout.write("Run enqueued." if enqueued else "A run is already waiting.")
            return
        if action == "plan":
            for line in selectors.plan():
                rule = line.rule
                if rule is None:
                    self.stdout.write(f"{line.record_type}: no rule, kept")
                    continue
                state = "enforced" if rule.enforced else "dry run only"
                deadline = f", to be done by {line.deadline}" if line.deadline else ""
                self.stdout.write(
                    f"{line.record_type}: {line.due} due, {line.held} held ({rule.action}, "
                    f"{state}; {rule.reference}){deadline}"
                )
            return
        try:
            run = services.run(dry_run=dry_run)
        except services.RunUnderWay:
            raise CommandError("Another retention run is under way; try again later.") from None
        for counted in run.lines.order_by("pk"):
            verb = "done" if counted.enforced else "would go (dry run)"
            self.stdout.write(
                f"{counted.record_type}: {counted.due} due, {counted.held} held, "
                f"{counted.done if counted.enforced else counted.due} {verb}"
            )
