"""The serving settings keep compiled templates for the life of the process (issue 12): a page
renders the base template and its includes on every request, and reading and parsing them each
time cost more than rendering. Django's cached loader is on unless `TEMPLATES` names loaders of
its own; this fails if someone does without keeping it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = """
import django
django.setup()
from django.template import engines
print(engines["django"].engine.loaders[0][0])
"""


@pytest.mark.parametrize("module", ["samsyn.conf.dev", "samsyn.conf.production"])
def test_the_serving_settings_cache_compiled_templates(module):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": module,
        "SAMSYN_SECRET_KEY": "a-key-for-this-test-only",
        # A URL that is never reached: settings without the embedded server.
        "DATABASE_URL": "postgres://never-connected.invalid/samsyn",
    }
    result = subprocess.run(  # noqa: S603 - our interpreter and this module's constant
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "django.template.loaders.cached.Loader"
