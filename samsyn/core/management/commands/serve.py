import os
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Apply migrations and serve Samsyn over HTTP with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, host, port, workers, **options):
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = [sys.executable, "-m", "gunicorn", "samsyn.wsgi:application"]
        options = ["--bind", f"{host}:{port}", "--workers", str(workers), "--access-logfile", "-"]
        # exec: gunicorn takes over this process, so signals reach it directly.
        os.execv(sys.executable, [*gunicorn, *options])  # noqa: S606
