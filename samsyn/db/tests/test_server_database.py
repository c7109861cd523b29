"""DATABASE_URL: Samsyn runs on a PostgreSQL server, not only on its embedded one.

`./dev test` starts Debian's PostgreSQL on loopback and exports SAMSYN_TEST_SERVER_URL (see
`start_server_postgres` in `dev`); any server with a CREATEDB role will do as well.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from samsyn.conf import base

# Any constant will do: it only keeps two test runs from recreating the database under each other.
SERVER_TEST_LOCK = 0x5A5359


def server_url() -> str:
    url = os.environ.get("SAMSYN_TEST_SERVER_URL")
    if url:
        return url
    message = os.environ.get("SAMSYN_TEST_SERVER_MISSING") or (
        "No PostgreSQL server to test DATABASE_URL against: run './dev test' as root (it starts "
        "Debian's), or set SAMSYN_TEST_SERVER_URL to a role with CREATEDB on a server."
    )
    # CI must prove the server path; a laptop without a server may skip it.
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def samsyn(*args: str, env: dict) -> str:
    result = subprocess.run(  # noqa: S603 - the arguments are this module's own constants
        [sys.executable, "-m", "samsyn.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"samsyn {args[0]}:\n{result.stdout}{result.stderr}"
    return result.stdout


# Runs inside `samsyn shell` on the server: one audit row through the only writer, read back.
WRITE_AND_READ = """
import json
from django.db import connection
from samsyn.audit import services
from samsyn.audit.models import Entry
from samsyn.directory.tests.factories import make_actor

actor = make_actor()
entry_id = services.record_change(
    actor=actor, child_id=None, obj="server_check", obj_id=1, event="create", purpose="test"
)
with connection.cursor() as cursor:
    cursor.execute("SELECT version(), host(inet_server_addr()), inet_server_port()")
    version, address, port = cursor.fetchone()
print(json.dumps({
    "entry_staff": Entry.objects.get(pk=entry_id).staff_name,
    "actor_staff": actor.staff.name,
    "version": version,
    "address": address,
    "port": port,
}))
"""


@pytest.fixture
def fresh_server_database():
    """The URL's database, dropped and made anew, held against concurrent runs of this test."""
    url = server_url()
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(url, dbname="postgres", autocommit=True) as maintenance:
        maintenance.execute("SELECT pg_advisory_lock(%s)", [SERVER_TEST_LOCK])
        maintenance.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        maintenance.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        version = maintenance.execute("SELECT version()").fetchone()[0]
        yield url, version
        maintenance.execute("SELECT pg_advisory_unlock(%s)", [SERVER_TEST_LOCK])


def test_database_url_runs_samsyn_on_a_postgresql_server(fresh_server_database, tmp_path: Path):
    url, server_version = fresh_server_database
    data_dir = tmp_path / "samsyn-data"
    data_dir.mkdir()
    # The CLI's own settings, as a user runs it; only the database and the data folder differ.
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        },
        "DATABASE_URL": url,
        "SAMSYN_DATA_DIR": str(data_dir),
    }

    samsyn("migrate", "--no-input", env=env)
    assert "every link holds" in samsyn("audit", "verify", env=env)
    seen = json.loads(samsyn("shell", "-c", WRITE_AND_READ, env=env).strip().splitlines()[-1])
    assert "every link holds" in samsyn("audit", "verify", env=env)

    assert seen["entry_staff"] == seen["actor_staff"]
    # Over TCP to the URL's host and port: the embedded server listens on a Unix socket only.
    target = psycopg.conninfo.conninfo_to_dict(url)
    assert seen["address"] == target["host"]
    assert seen["port"] == int(target.get("port", 5432))
    assert seen["version"] == server_version
    expected_major = os.environ.get("SAMSYN_TEST_SERVER_VERSION")
    if expected_major:  # the server `./dev test` set up: Debian's, not the wheel's PostgreSQL 18
        assert seen["version"].startswith(f"PostgreSQL {expected_major}."), seen["version"]
        assert "Debian" in seen["version"], seen["version"]
    # The embedded server makes its pgdata before it starts; nothing was made.
    assert list(data_dir.iterdir()) == []


def test_database_url_is_parsed_without_starting_the_embedded_server(monkeypatch):
    def refuse():
        raise AssertionError("the embedded server was started although DATABASE_URL is set")

    monkeypatch.setattr("samsyn.db.embedded.server_uri", refuse)
    monkeypatch.setenv("DATABASE_URL", "postgres://alice:s%40cret@db.example.org:6543/county")

    database = base._database()

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"]) == ("db.example.org", 6543)
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == (
        "county",
        "alice",
        "s@cret",
    )
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
