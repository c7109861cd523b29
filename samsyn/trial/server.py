"""The trial's own Samsyn: a temporary data folder (never the suite's nor the demo's) with the
demo county in it, the web server started as an operator starts it (`samsyn serve --demo`), and
the two ways it is killed: the web process, or the embedded PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from samsyn.trial.client import TrialError, opener, request

# A start after a crash replays the write-ahead log and applies no migration: well within this.
START_TIMEOUT = 120.0
STOP_TIMEOUT = 10.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie has exited; only its parent has not collected it.
    with contextlib.suppress(OSError):
        if Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z"):
            return False
    return True


class TrialServer:
    def __init__(self, *, children: int, workers: int, keep: bool = False) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="samsyn-trial-"))
        self.pgdata = self.root / "pgdata"
        self.children = children
        self.workers = workers
        self.keep = keep
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.web: subprocess.Popen | None = None
        self.log = (self.root / "server.log").open("ab")
        self.starts = 0

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        # The demo's settings, on purpose (`--demo`): demo logins sign in with published codes.
        env.update(SAMSYN_DATA_DIR=str(self.root), DJANGO_SETTINGS_MODULE="samsyn.conf.dev")
        return env

    def _samsyn(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "samsyn.cli", *args]

    def build(self) -> None:
        """Migrations and a small demo county, once per trial run."""
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            self._samsyn("demo", "--no-serve", "--children", str(self.children)),
            env=self._env(), stdout=self.log, stderr=self.log, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise TrialError(f"building the demo county failed; see {self.root / 'server.log'}")

    def start(self) -> bool:
        """Start the web server; whether it answers within START_TIMEOUT. A server that does
        not come up is stopped again, so the caller may count it and try once more."""
        self.starts += 1
        self.web = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            self._samsyn("serve", "--demo", "--port", str(self.port),
                         "--workers", str(self.workers)),
            env=self._env(), stdout=self.log, stderr=self.log,
            # Its own process group: killing the web kills gunicorn's master and workers, and
            # nothing else (pg_ctl starts PostgreSQL in a session of its own).
            start_new_session=True,
        )  # fmt: skip
        client = opener()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.web.poll() is not None:
                break  # the master gave up (a worker failed to boot): a failed start
            with contextlib.suppress(OSError):
                status, _body, _location = request(client, self.base + "/accounts/login/")
                if status == 200:
                    return True
            time.sleep(0.2)
        self.kill_web()
        return False

    def kill_web(self) -> None:
        """kill -9 of gunicorn's master and its workers at once."""
        if self.web is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.web.pid, signal.SIGKILL)
        self.web.wait()
        deadline = time.monotonic() + STOP_TIMEOUT
        while self._group_alive(self.web.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.web = None

    @staticmethod
    def _group_alive(pgid: int) -> bool:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True

    def postmaster_pid(self) -> int:
        lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
        return int(lines[0])

    def kill_database(self) -> None:
        """kill -9 of the embedded PostgreSQL's postmaster."""
        pid = self.postmaster_pid()
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + STOP_TIMEOUT
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)

    def connect(self) -> psycopg.Connection:
        """The trial's database, read directly: what is really there, not what the API says."""
        lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
        return psycopg.connect(
            host=lines[4].strip(), port=int(lines[3]), user="postgres", dbname="samsyn",
            autocommit=True, connect_timeout=10,
        )  # fmt: skip

    def audit_verify(self) -> bool:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            self._samsyn("audit", "verify"), env=self._env(), stdout=self.log,
            stderr=self.log, check=False,
        )  # fmt: skip
        return done.returncode == 0

    def close(self, *, keep: bool = False) -> None:
        """Stop everything; remove the folder unless asked to keep it (a failed run keeps it)."""
        self.kill_web()
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = self.postmaster_pid()
            os.kill(pid, signal.SIGINT)  # PostgreSQL's fast shutdown
            deadline = time.monotonic() + STOP_TIMEOUT
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
        self.log.close()
        if not (keep or self.keep):
            shutil.rmtree(self.root, ignore_errors=True)
