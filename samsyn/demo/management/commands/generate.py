"""`samsyn generate`: the national set (issue 12 point 1), built aside and swapped in."""

from __future__ import annotations

import os
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.demo import national, services
from samsyn.demo.aside import build_aside
from samsyn.demo.models import DemoState


class Command(BaseCommand):
    help = (
        "Build the national set: the demo county, then Sweden's 21 regions and 290 "
        "municipalities with --children children in all, streamed by COPY, and --audit-rows "
        "audit rows; in a database aside, swapped in only when complete."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=services.DEFAULT_CHILDREN)
        parser.add_argument("--seed", type=int, default=services.DEFAULT_SEED)
        parser.add_argument("--audit-rows", type=int, default=0)

    def handle(self, *args, children, seed, audit_rows, **options):
        if not settings.SAMSYN_DEMO_ALLOWED:
            raise CommandError(
                _("The demo county has public passwords; it runs only with development settings.")
            )
        if children < 1 or audit_rows < 0:
            raise CommandError(_("--children must be at least 1 and --audit-rows at least 0."))
        if os.environ.get("DATABASE_URL"):
            raise CommandError(
                _("samsyn generate replaces only the embedded database; unset DATABASE_URL.")
            )
        started = time.monotonic()
        build_aside(lambda: self._build(children, seed, audit_rows))
        self._progress(
            _("The national set is ready (%(seconds)s s).")
            % {"seconds": round(time.monotonic() - started, 1)}
        )

    def _build(self, children: int, seed: int, audit_rows: int) -> None:
        self._progress(_("Applying migrations to the database aside…"))
        call_command("migrate", verbosity=0, interactive=False)
        base = min(children, services.DEFAULT_CHILDREN)
        state = services.build_county(seed=seed, children=base, progress=self._progress)
        today = timezone.localdate()
        if children > base:
            self._progress(_("Writing Sweden's regions and municipalities…"))
            places = national.write_structure(seed, self._progress)
            national.write_children(
                places, children - base, seed=seed, year=state.year, today=today,
                progress=self._progress, stream=self.stderr,
            )  # fmt: skip
        national.write_audit(audit_rows, seed=seed, today=today, stream=self.stderr)
        DemoState.objects.filter(pk=state.pk).update(children=children)

    def _progress(self, message: str) -> None:
        self.stderr.write(message)
        self.stderr.flush()
