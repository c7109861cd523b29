"""`samsyn demo` stopped by SIGTERM stops as cleanly as by Ctrl+C, the embedded server with it.

A service manager (or an impatient `kill`) may signal again while the demo is stopping; that
second SIGTERM raised KeyboardInterrupt in the middle of stopping the worker: a traceback, and
the embedded database could be left running. Here the demo runs as a user runs it, in its own
process with its own data folder (the suite's test database is not touched).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_sigterm_twice_stops_the_demo_without_a_traceback_and_stops_its_database(
    tmp_path: Path,
):
    port = _free_port()
    pgdata = tmp_path / "data" / "pgdata"
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
        },
        "SAMSYN_DATA_DIR": str(tmp_path / "data"),
    }
    demo = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "samsyn.cli", "demo", "--children", "1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The banner names the address once the worker runs and the web server is starting.
        for line in demo.stdout:  # type: ignore[union-attr]
            if f":{port}/" in line:
                break
        _wait_until_listening(port, demo)

        demo.send_signal(signal.SIGTERM)
        time.sleep(0.3)  # while it stops the worker
        demo.send_signal(signal.SIGTERM)
        _, stderr = demo.communicate(timeout=60)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        _stop_leftover_server(pgdata)

    assert "Traceback" not in stderr, stderr
    assert demo.returncode == 0, stderr
    # The last process out stopped the server: PostgreSQL removes its lock file on a clean stop.
    assert not (pgdata / "postmaster.pid").exists(), stderr


def _wait_until_listening(port: int, demo: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and demo.poll() is None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"{demo.args} did not listen on port {port}")


def _stop_leftover_server(pgdata: Path) -> None:
    # Should the test fail, its server must not outlive it.
    try:
        os.kill(int((pgdata / "postmaster.pid").read_text().split()[0]), signal.SIGINT)
    except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
        pass
