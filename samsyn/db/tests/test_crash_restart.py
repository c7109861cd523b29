"""After the embedded PostgreSQL dies by SIGKILL, the next start connects, every time.

Issue 13: a start after `kill -9` of the postmaster failed with "connection refused" in 4 of
12 trials. A killed process stays a zombie until its parent reaps it; the postmaster's parent
is init, which on these machines reaps seconds later. Until then `postmaster.pid` names a PID
that still "exists", so the wheel joined a dead server, and PostgreSQL refused to start.

The trials run in a child process with its own data folder, so the test database the rest of
the suite uses is never touched. That process makes itself a child subreaper: the orphaned
postmaster becomes its child, and it reaps nothing until a trial is over, so every trial meets
the zombie however quickly the machine's init reaps — the slow init made deterministic.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TRIALS = 4

TRIAL_SCRIPT = r"""
import ctypes, os, signal, subprocess, sys, time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36
assert ctypes.CDLL("libc.so.6").prctl(PR_SET_CHILD_SUBREAPER, 1) == 0
pgdata = Path(os.environ["SAMSYN_DATA_DIR"]) / "pgdata"
# Holds the server (a Samsyn process using it) until its stdin closes.
HOLD = '''
import sys
from samsyn.db.embedded import server_uri
server_uri()
print("up", flush=True)
sys.stdin.read()
'''
# Says how the start went before it exits: an old, failed start then hangs in its exit handler
# (pg_ctl stop waits for the zombie), which the reaping below ends.
START = '''
import traceback
import psycopg
from samsyn.db.embedded import server_uri
try:
    print(psycopg.connect(server_uri()).execute('SELECT 1').fetchone()[0], flush=True)
except Exception:
    print(traceback.format_exc().strip().splitlines()[-1], flush=True)
'''


def postmaster() -> int:
    return int((pgdata / "postmaster.pid").read_text().splitlines()[0])


def reap() -> None:
    # The dead postmaster and its children, orphaned to this process: gone only now.
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


failures = []
for trial in range(int(sys.argv[1])):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline() == "up\n", "the server did not start before the crash"
    os.kill(postmaster(), signal.SIGKILL)
    # Every other trial the Samsyn process that held the server dies with it.
    if trial % 2:
        holder.kill()
        holder.wait()
    time.sleep(0.2)  # the postmaster's children notice its death and exit
    started = time.monotonic()
    again = subprocess.Popen(
        [sys.executable, "-c", START], stdout=subprocess.PIPE, text=True
    )
    answer = again.stdout.readline().strip()
    took = time.monotonic() - started
    if answer != "1":
        failures.append(f"trial {trial} ({took:.1f} s): {answer[-600:]}")
    reap()
    again.wait(timeout=60)
    if holder.poll() is None:
        holder.stdin.close()  # the last handle out stops the server cleanly
        holder.wait()
    reap()
print(f"{len(failures)} of {sys.argv[1]} starts after a crash failed")
print("\n".join(failures))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="a child subreaper is a Linux prctl")
def test_start_after_the_postmaster_is_killed_always_connects(tmp_path: Path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "SAMSYN_DATA_DIR": str(tmp_path / "data"),
    }
    try:
        result = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", TRIAL_SCRIPT, str(TRIALS)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        _stop_leftover_server(tmp_path / "data" / "pgdata")

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"0 of {TRIALS} "), result.stdout + result.stderr


def _stop_leftover_server(pgdata: Path) -> None:
    # Should a trial fail half-way, its server must not outlive the test.
    try:
        pid = int((pgdata / "postmaster.pid").read_text().splitlines()[0])
        os.kill(pid, 2)  # SIGINT: PostgreSQL's fast shutdown
    except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
        pass
