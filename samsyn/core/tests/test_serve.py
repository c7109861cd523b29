"""Issue 12, point 5: `samsyn serve` never serves the demo's settings by mistake, and serves
them when asked to. Run as an operator runs it: its own process and data folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from samsyn.db.tests.test_demo_stop import _free_port, _stop_leftover_server, _wait_until_listening


def _environment(data: Path) -> dict[str, str]:
    # The command line's own default settings: the demo's (samsyn/cli.py).
    outside = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    kept = {name: value for name, value in os.environ.items() if name not in outside}
    return {**kept, "SAMSYN_DATA_DIR": str(data)}


def _serve(data: Path, *arguments: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "samsyn.cli", "serve", *arguments],
        env=_environment(data),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_serve_refuses_the_demos_settings_and_says_what_to_set(tmp_path: Path):
    refused = _serve(tmp_path / "data", "--port", str(_free_port()))
    try:
        _, stderr = refused.communicate(timeout=120)
    finally:
        _stop_leftover_server(tmp_path / "data" / "pgdata")
    assert refused.returncode == 1
    assert "DJANGO_SETTINGS_MODULE=samsyn.conf.production" in stderr
    assert "--demo" in stderr


def test_serve_with_demo_serves(tmp_path: Path):
    port = _free_port()
    served = _serve(tmp_path / "data", "--demo", "--port", str(port), "--workers", "1")
    try:
        _wait_until_listening(port, served, seconds=120)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as answer:  # noqa: S310
            assert answer.status == 200
    finally:
        served.send_signal(signal.SIGTERM)
        try:
            served.communicate(timeout=30)
        finally:
            if served.poll() is None:
                served.kill()
            _stop_leftover_server(tmp_path / "data" / "pgdata")
