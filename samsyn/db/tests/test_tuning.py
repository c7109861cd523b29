"""Issue 12, point 5: the embedded PostgreSQL is tuned for its machine at start, not left at
initdb's defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psutil

from samsyn.db.embedded import _rotational, tuning

SHOW = """
import psycopg
from samsyn.db.embedded import server_uri
with psycopg.connect(server_uri()) as db:
    for name in ("shared_buffers", "effective_cache_size", "work_mem"):
        print(name, db.execute("SELECT pg_size_bytes(current_setting(%s))", [name]).fetchone()[0])
    print("random_page_cost", db.execute("SHOW random_page_cost").fetchone()[0])
"""


def test_a_quarter_of_memory_as_buffers_capped_and_an_ssd_priced_as_one():
    gib = 1024**3
    assert tuning(16 * gib, rotational=False) == {
        "shared_buffers": "4096MB",
        "effective_cache_size": "12288MB",
        "work_mem": "40MB",
        "maintenance_work_mem": "1024MB",
        "random_page_cost": "1.1",
        "effective_io_concurrency": "200",
    }
    assert tuning(256 * gib, rotational=False)["shared_buffers"] == "8192MB"
    assert tuning(gib // 4, rotational=True)["shared_buffers"] == "128MB"
    assert tuning(gib, rotational=True)["random_page_cost"] == "4"


def _show(data_dir: Path) -> dict[str, str]:
    environment = {**os.environ, "SAMSYN_DATA_DIR": str(data_dir)}
    shown = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SHOW], env=environment, capture_output=True, text=True, timeout=120
    )
    assert shown.returncode == 0, shown.stderr
    return dict(line.split(" ", 1) for line in shown.stdout.splitlines())


def test_a_first_start_and_every_later_one_run_with_the_machines_settings(tmp_path: Path):
    expected = tuning(psutil.virtual_memory().total, _rotational(tmp_path))
    for _start in ("first, with initdb", "again, on the kept data"):
        shown = _show(tmp_path / "data")
        assert shown["random_page_cost"] == expected["random_page_cost"]
        for name in ("shared_buffers", "effective_cache_size", "work_mem"):
            assert int(shown[name]) == int(expected[name].removesuffix("MB")) * 1024 * 1024
