"""Build a database aside, then swap it in (issue 12 point 1): a build that fails, or is
stopped, leaves the database that was there as it was.

The build runs on Django's default connection pointed at `<name>_build`; on success the two
names are swapped in one transaction on the server's maintenance database, after the old
database's sessions are ended, and the old database is dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import psycopg
from django.db import connection
from psycopg import sql


def _admin() -> psycopg.Connection:
    params = connection.get_connection_params()
    keep = ("host", "port", "user", "password", "sslmode")
    return psycopg.connect(
        dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if k in keep}
    )


def _drop(admin: psycopg.Connection, name: str) -> None:
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def build_aside(build: Callable[[], None], *, target: str | None = None) -> None:
    settings = connection.settings_dict
    target = target or settings["NAME"]
    aside = f"{target}_build"
    with _admin() as admin:
        _drop(admin, aside)  # what a stopped build left behind
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(aside)))
        # A crash loses only the build, which is thrown away anyway: no wait for each commit.
        admin.execute(
            sql.SQL("ALTER DATABASE {} SET synchronous_commit TO off").format(sql.Identifier(aside))
        )
    restore = settings["NAME"]
    connection.close()
    settings["NAME"] = aside
    try:
        build()
    except BaseException:
        connection.close()
        settings["NAME"] = restore
        with _admin() as admin:
            _drop(admin, aside)
        raise
    connection.close()
    settings["NAME"] = restore
    with _admin() as admin:
        admin.execute(
            sql.SQL("ALTER DATABASE {} RESET synchronous_commit").format(sql.Identifier(aside))
        )
    swap(target, aside)


def swap(target: str, aside: str) -> None:
    """`aside` becomes `target` in one transaction: nobody ever finds no database, or a half
    one, under the name."""
    old = f"{target}_old"
    with _admin() as admin:
        _drop(admin, old)
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target]).fetchone()
        for attempt in range(50):
            try:
                with admin.transaction():
                    if exists:
                        # Sessions keep a database open; a rename waits for none, so end them.
                        admin.execute(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            " WHERE datname = %s AND pid <> pg_backend_pid()",
                            [target],
                        )
                        admin.execute(
                            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                                sql.Identifier(target), sql.Identifier(old)
                            )
                        )
                    admin.execute(
                        sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                            sql.Identifier(aside), sql.Identifier(target)
                        )
                    )
                break
            except psycopg.errors.ObjectInUse:
                # A terminated session takes a moment to leave.
                if attempt == 49:
                    raise
                time.sleep(0.1)
        _drop(admin, old)
