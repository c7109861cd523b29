"""`samsyn totp USERNAME`: a demo user's six-digit sign-in code."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.demo.logins import DEMO_TOTP_KEY

# With less time left than this, nobody types a code before it changes: give the next one.
NEXT_CODE_BELOW = 10


def code_to_type(device: TOTPDevice, *, at: float | None = None) -> tuple[str, int]:
    """The code to type now and the seconds it stays valid: the clock's current code, or the
    next one when fewer than NEXT_CODE_BELOW seconds are left (the device accepts a code one
    step ahead, its tolerance). The clock's codes, as an authenticator app shows them, not the
    device's drift: a code ahead of the drift would push the drift further on every use."""
    now = time.time() if at is None else at
    remaining = device.step - int(now - device.t0) % device.step
    if remaining < NEXT_CODE_BELOW:
        now, remaining = now + device.step, remaining + device.step
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = now
    return f"{totp.token():0{device.digits}d}", remaining


class Command(BaseCommand):
    help = "Print a demo user's TOTP sign-in code."
    # The checks import every view and URL: seconds, for a command that reads one row.
    requires_system_checks: list[str] = []

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
        code, remaining = code_to_type(device)
        self.stdout.write(code)
        self.stderr.write(
            _("Valid for %(seconds)s more seconds; each code signs in once.")
            % {"seconds": remaining}
        )
