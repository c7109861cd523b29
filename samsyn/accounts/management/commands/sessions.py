from django.core.management.base import BaseCommand

from samsyn.accounts import tasks


class Command(BaseCommand):
    help = (
        "Expired sessions. 'clear' deletes them now, as Django's clearsessions does, with the "
        "signed-in-session rows past a limit; 'schedule' enqueues the clearing on the task "
        "worker, which then repeats it."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["clear", "schedule"])

    def handle(self, *args, action, **options):
        if action == "schedule":
            enqueued = tasks.schedule()
            self.stdout.write("Enqueued." if enqueued else "A clearing is already waiting.")
            return
        tasks.clear_sessions.call()
        self.stdout.write("Expired sessions cleared.")
