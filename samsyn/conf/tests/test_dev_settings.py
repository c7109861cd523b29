"""The demo's settings (`samsyn.conf.dev`): Samsyn's own pages with DEBUG off, static files still
served, the family portal's sign-in still on. Run in a process of their own, as the demo is."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# Nothing here touches the database: requests that need no session, and settings.
PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
from samsyn.portal.services import standin_enabled

client = Client(HTTP_HOST="localhost")
missing = client.get("/no-such-page/")
static = client.get("/static/samsyn/samsyn.css")
print(json.dumps({
    "debug": settings.DEBUG,
    "missing_status": missing.status_code,
    "missing": missing.content.decode(),
    "static_status": static.status_code,
    "standin": standin_enabled(),
    "demo_allowed": settings.SAMSYN_DEMO_ALLOWED,
}))
"""


def probe() -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samsyn.conf.dev",
        # A URL that is never reached: settings without the embedded server.
        "DATABASE_URL": "postgres://never-connected.invalid/samsyn",
    }
    env.pop("SAMSYN_CITIZEN_STANDIN", None)
    result = subprocess.run(  # noqa: S603 - our interpreter and this module's constant
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_the_demo_shows_samsyns_own_404_in_swedish_and_serves_static_files():
    seen = probe()
    assert seen["debug"] is False
    assert seen["missing_status"] == 404
    assert "Hittades inte" in seen["missing"]
    # Django's technical page lists the URL patterns.
    assert "URLconf" not in seen["missing"]
    assert seen["static_status"] == 200
    assert seen["standin"] is True
    assert seen["demo_allowed"] is True
