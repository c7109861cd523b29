"""`samsyn totp`: a code there is time to type, and fast enough to ask for between sign-ins."""

from __future__ import annotations

import io
import subprocess
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.demo.logins import DEMO_TOTP_KEY
from samsyn.demo.management.commands import totp
from samsyn.directory.tests.factories import UserFactory

REPOSITORY = Path(__file__).resolve().parents[3]


@pytest.fixture
def device(db):
    device = TOTPDevice.objects.get(user=UserFactory(username="demo-user"))
    device.key = DEMO_TOTP_KEY
    device.save(update_fields=["key"])
    return device


def clock_code(at: float) -> str:
    # What an authenticator app shows at `at`: RFC 6238 with the demo key.
    clock = TOTP(bytes.fromhex(DEMO_TOTP_KEY), 30, 0, 6, 0)
    clock.time = at
    return f"{clock.token():06d}"


def test_with_time_left_the_current_code(device):
    start_of_step = 1_800_000_000 - 1_800_000_000 % 30
    code, remaining = totp.code_to_type(device, at=start_of_step + 5)
    assert (code, remaining) == (clock_code(start_of_step), 25)


def test_with_under_ten_seconds_left_the_next_code(device, monkeypatch):
    start_of_step = 1_800_000_000 - 1_800_000_000 % 30
    at = start_of_step + 24  # six seconds left of this code
    code, remaining = totp.code_to_type(device, at=at)
    assert (code, remaining) == (clock_code(start_of_step + 30), 36)
    # …and the device takes it at once: it accepts one step ahead.
    monkeypatch.setattr(time, "time", lambda: at)
    assert device.verify_token(code)


def test_the_printed_code_signs_in(device):
    out, err = io.StringIO(), io.StringIO()
    call_command("totp", "demo-user", stdout=out, stderr=err)
    assert device.verify_token(out.getvalue().strip())


def test_the_command_skips_the_system_checks():
    # The checks import every view and URL: seconds, for one row.
    assert totp.Command.requires_system_checks == []


def test_dev_gives_uv_the_interpreter_not_a_shim():
    # A shim path never matches .venv's interpreter, and uv then rebuilds .venv on every
    # ./dev run, under a running demo's embedded PostgreSQL.
    found = subprocess.run(
        ["bash", "-c", "source ./dev && find_python"],  # noqa: S607 - bash from PATH, our script
        cwd=REPOSITORY, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    itself = subprocess.run(  # noqa: S603 - the interpreter just found
        [found, "-c", "import sys; print(sys.executable)"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert found == itself
    assert "/shims/" not in found
