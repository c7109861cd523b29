"""`samsyn totp USERNAME`: a demo user's current six-digit sign-in code."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.demo.logins import DEMO_TOTP_KEY


def current_code(device: TOTPDevice, *, at: float | None = None) -> tuple[str, int]:
    """The device's code now, and the seconds it stays valid."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    remaining = device.step - int(totp.time - device.t0) % device.step
    return f"{totp.token():0{device.digits}d}", remaining


class Command(BaseCommand):
    help = "Print a demo user's current TOTP sign-in code."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        device = (
            TOTPDevice.objects.filter(user__username=username, confirmed=True)
            .order_by("pk")
            .first()
        )
        # Only the published demo key: this command must never reveal a real user's code.
        if device is None or device.key.lower() != DEMO_TOTP_KEY:
            raise CommandError(
                _("%(username)s is not a demo user with the demo sign-in key.")
                % {"username": username}
            )
        code, remaining = current_code(device)
        self.stdout.write(code)
        self.stderr.write(
            _("Valid for %(seconds)s more seconds; each code signs in once.")
            % {"seconds": remaining}
        )
