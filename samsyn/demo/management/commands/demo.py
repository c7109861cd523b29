"""`samsyn demo`: migrate, build the synthetic county once, start the worker, serve."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import formats
from django.utils.translation import gettext as _

from samsyn.accounts import tasks as session_tasks
from samsyn.audit import tasks as log_tasks
from samsyn.demo import services
from samsyn.demo.aside import build_aside
from samsyn.demo.logins import DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOTP_BASE32
from samsyn.directory.models import Membership, Role
from samsyn.notifications import tasks as notification_tasks
from samsyn.radar import tasks as radar_tasks
from samsyn.retention import tasks as retention_tasks


class Command(BaseCommand):
    help = "Start the demo: migrations, the synthetic Örebro county, the worker, the web server."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=services.DEFAULT_CHILDREN)
        parser.add_argument("--seed", type=int, default=services.DEFAULT_SEED)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-serve", action="store_true", help="Build the county, print the logins, exit."
        )
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Erase the embedded demo database and build the county again.",
        )

    def handle(self, *args, children, seed, host, port, no_serve, rebuild, **options):
        if not settings.SAMSYN_DEMO_ALLOWED:
            # Every demo login shares a published password and TOTP key.
            raise CommandError(
                _("The demo county has public passwords; it runs only with development settings.")
            )
        if children < 1:
            raise CommandError(_("--children must be at least 1."))
        started = time.monotonic()
        if rebuild:
            self._rebuild(seed, children)
        self._progress(_("Applying migrations…"))
        call_command("migrate", verbosity=0, interactive=False)
        state = services.current_state()
        if state is None:
            state = services.build_county(seed=seed, children=children, progress=self._progress)
        elif (state.seed, state.children) != (seed, children):
            self.stderr.write(
                _(
                    "The database already holds the demo county with seed %(seed)s and "
                    "%(children)s children; starting that one. To build another, run: "
                    "samsyn demo --rebuild --seed %(new_seed)s --children %(new_children)s "
                    "(this erases the demo database)."
                )
                % {
                    "seed": state.seed,
                    "children": state.children,
                    "new_seed": seed,
                    "new_children": children,
                }
            )
        else:
            self._progress(
                _("The demo county is already there (seed %(seed)s, %(children)s children).")
                % {"seed": state.seed, "children": state.children}
            )
        # The family portal's demo guardian, enrolled once (running it again changes nothing).
        family = io.StringIO()
        call_command("portal_demo", stdout=family)
        self._family = family.getvalue().strip()
        seconds = formats.number_format(time.monotonic() - started, 1)
        self._progress(_("Ready in %(seconds)s s.") % {"seconds": seconds})
        url = f"http://{'localhost' if host in {'127.0.0.1', '::1'} else host}:{port}/"
        if no_serve:
            self._banner(url, serving=False)
            return
        self._serve(host, port, url)

    def _progress(self, message: str) -> None:
        self.stderr.write(message)
        self.stderr.flush()

    def _rebuild(self, seed: int, children: int) -> None:
        # Only the embedded database, which Samsyn owns: never a server named by DATABASE_URL.
        if os.environ.get("DATABASE_URL"):
            raise CommandError(
                _(
                    "--rebuild erases only the embedded database. With DATABASE_URL set, drop "
                    "and create that database yourself, then run samsyn demo again."
                )
            )

        def build() -> None:
            self._progress(_("Applying migrations…"))
            call_command("migrate", verbosity=0, interactive=False)
            services.build_county(seed=seed, children=children, progress=self._progress)

        # Built in a database aside and swapped in whole: a build that fails leaves the old one.
        self._progress(_("Building the county in a new database; the old one stays until then…"))
        build_aside(build)

    def _serve(self, host: str, port: int, url: str) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            # Fail before starting the worker: runserver leaves with os._exit on a taken port.
            if probe.connect_ex((host, port)) == 0:
                raise CommandError(
                    _("Port %(port)s is taken; choose another with --port.") % {"port": port}
                )
        # The radar's scan runs on the worker and schedules its next run itself.
        radar_tasks.schedule()
        # So does the daily e-mail digest of notifications.
        notification_tasks.schedule_digest()
        # So does retention's run: dry for every rule until an administrator enforces it.
        retention_tasks.schedule()
        # And the clearing of expired sessions, and the log follow-up's counts of past days.
        session_tasks.schedule()
        log_tasks.schedule()
        worker = self._start_worker()
        # SIGTERM (e.g. from a service manager) goes the same way as Ctrl-C, through `finally`.
        signal.signal(signal.SIGINT, _interrupt)
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            self._banner(url, serving=True)
            call_command(
                "runserver",
                f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                use_reloader=False,
                use_threading=True,
                # Its English banner says what ours says already; errors still go to stderr.
                stdout=io.StringIO(),
            )
        except KeyboardInterrupt:
            pass
        finally:
            _ignore_stop_signals()
            self._stop(worker)

    def _start_worker(self) -> subprocess.Popen:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        # No autoreload (on by default under DEBUG): one process, which terminate() stops.
        # Quiet: its log lines are English, one per task; a failed task keeps its traceback in
        # its result row.
        command = [sys.executable, "-m", "samsyn.cli", "worker", "--no-reload", "--verbosity", "0"]
        self._progress(_("Starting the background worker…"))
        return subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
            command, env=env, preexec_fn=_die_with_parent if sys.platform == "linux" else None
        )

    def _stop(self, worker: subprocess.Popen) -> None:
        if worker.poll() is None:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self._progress(_("Stopped the worker."))

    def _banner(self, url: str, *, serving: bool) -> None:
        memberships = {
            (m.staff.user.username, m.unit_id): m
            for m in Membership.objects.select_related("staff__user", "unit__organisation").filter(
                staff__user__username__in=[login.username for login in DEMO_LOGINS]
            )
        }
        lines = ["", _("Samsyn demo: the synthetic Örebro county. Nothing here is a real person.")]
        if serving:
            lines.append(_("Open %(url)s") % {"url": url})
            lines.append(_("Stop the demo with Ctrl+C."))
        lines += ["", _("Demo logins:")]
        for login in DEMO_LOGINS:
            for (username, _unit), m in memberships.items():
                if username == login.username:
                    lines.append(
                        f"  {login.username:<18} {Role(m.role).label:<18} "
                        f"{m.unit.organisation.name} · {m.unit.name}"
                    )
        lines += [
            "",
            _("Password for every demo login: %(password)s") % {"password": DEMO_PASSWORD},
            _(
                "Sign-in code (TOTP): run `samsyn totp USERNAME` in another terminal, or add "
                "the demo secret %(secret)s to an authenticator app (6 digits, 30 seconds)."
            )
            % {"secret": DEMO_TOTP_BASE32},
            "",
            self._family,
            "",
        ]
        self.stdout.write("\n".join(str(line) for line in lines))
        self.stdout.flush()


def _interrupt(signum, frame) -> None:
    # The first signal stops the demo; a repeated one (an impatient `kill`, a second Ctrl+C)
    # must not interrupt the stopping: it printed a traceback and could leave the worker or
    # the embedded database running.
    _ignore_stop_signals()
    raise KeyboardInterrupt


def _ignore_stop_signals() -> None:
    # Until the process exits: its exit handlers stop the embedded database.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _die_with_parent() -> None:
    # If `samsyn demo` is killed outright, the kernel stops the worker too (Linux prctl).
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
