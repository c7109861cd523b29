import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Apply migrations and serve Samsyn over HTTP with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Serve the demo's settings (demo logins, the BankID stand-in) on purpose.",
        )

    def handle(self, *args, host, port, workers, demo, **options):
        # The demo's settings sign a family in without BankID and DEBUG shows Django's technical
        # pages: served by mistake, either opens children's data to anyone.
        if not demo and (settings.DEBUG or settings.SAMSYN_DEMO_ALLOWED):
            raise CommandError(
                _(
                    "samsyn serve refuses the demo's settings (%(module)s). For production set "
                    "DJANGO_SETTINGS_MODULE=samsyn.conf.production and SAMSYN_SECRET_KEY; to "
                    "serve the demo on purpose, add --demo."
                )
                % {"module": settings.SETTINGS_MODULE}
            )
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = [sys.executable, "-m", "gunicorn", "samsyn.wsgi:application"]
        options = ["--bind", f"{host}:{port}", "--workers", str(workers), "--access-logfile", "-"]
        # exec: gunicorn takes over this process, so signals reach it directly.
        os.execv(sys.executable, [*gunicorn, *options])  # noqa: S606
