"""The national set (issue 12 point 1): numbers that are nobody's, the country's structure,
rows that keep the app's constraints and an audit chain that verifies, and a rebuild that
leaves the old database when it fails."""

from __future__ import annotations

import datetime

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from psycopg import sql

from samsyn.audit.verify import verify
from samsyn.children.identity import luhn_check_digit, parse_identity_number
from samsyn.children.models import Child
from samsyn.concerns.models import Report
from samsyn.demo import national, services
from samsyn.demo.aside import _admin, build_aside
from samsyn.directory.models import Principal

TODAY = datetime.date(2026, 11, 23)


@pytest.mark.parametrize("slot", [0, 1, 497, 979, 980, 1500, national.PER_DATE - 1])
def test_national_identity_numbers_fail_their_check_so_are_nobodys(slot):
    born = datetime.date(2015, 2, 28)
    number = national.national_identity_number(born, slot)
    assert len(number) == 12
    assert number.isdigit()
    assert number[:6] == "201502"
    # A samordningsnummer from the 981st number of a date on: day + 60.
    assert number[6:8] == ("88" if slot >= 980 else "28")
    assert int(number[11]) == (luhn_check_digit(number[2:11]) + 5) % 10
    with pytest.raises(ValidationError) as refused:
        parse_identity_number(number, today=TODAY)
    assert refused.value.code == "checksum"


def test_national_numbering_holds_the_country_without_repeating():
    born = datetime.date(2010, 7, 1)
    numbers = {national.national_identity_number(born, slot) for slot in range(national.PER_DATE)}
    assert len(numbers) == national.PER_DATE
    assert national.MAX_CHILDREN >= 2_200_000 * 5  # room for far more than Sweden's children


@pytest.mark.django_db
def test_national_set_keeps_the_constraints_and_the_audit_chain():
    state = services.build_county(seed=7, children=60, year=2026, today=TODAY)
    places = national.write_structure(7, print)
    written = national.write_children(
        places, 1_500, seed=7, year=state.year, today=TODAY, progress=print
    )
    assert Principal.objects.filter(kind="region").count() == 21
    assert Principal.objects.filter(kind="kommun").count() == 290
    assert Child.objects.count() == 1_560
    assert written["children_child"] == 1_500
    # Every child in a national municipality, in proportion to its weight.
    assert Child.objects.values("municipality").distinct().count() > 200
    # About 420,000 reports a year at 2.2 million children: 0.19 per child and year, 3 years.
    reports = Report.objects.exclude(intake__municipality__code__startswith="18").count()
    assert 0.3 < reports / 1_500 < 0.9
    # The sequences moved past the keys handed out: the ORM inserts after them.
    Child.objects.create(
        identity_number="201001019800", first_name="Ny", last_name="Nysson",
        birth_date=datetime.date(2010, 1, 1), municipality_id=places[0].principal,
    )  # fmt: skip

    national.write_audit(3_000, seed=7, today=TODAY)
    with connection.cursor() as cursor:
        # The linking trigger was off for the load's own transactions only.
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
        cursor.execute("SELECT count(DISTINCT chain) FROM audit_entry")
        assert cursor.fetchone()[0] > 1
    report = verify()
    assert report.ok, report.breaks[:3]
    assert report.entries >= 3_000


def _scratch(name: str, statement: str) -> None:
    params = connection.get_connection_params()
    keep = {k: v for k, v in params.items() if k in ("host", "port", "user", "password")}
    with psycopg.connect(dbname=name, autocommit=True, **keep) as scratch:
        scratch.execute(statement)


def _tables(name: str) -> set[str]:
    params = connection.get_connection_params()
    keep = {k: v for k, v in params.items() if k in ("host", "port", "user", "password")}
    with psycopg.connect(dbname=name, **keep) as scratch:
        rows = scratch.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {row[0] for row in rows}


def _databases() -> set[str]:
    with _admin() as admin:
        return {row[0] for row in admin.execute("SELECT datname FROM pg_database")}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_rebuild_leaves_the_old_database_and_a_good_one_swaps_in():
    target = "samsyn_gen_scratch"
    with _admin() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(target)))  # fmt: skip
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
    _scratch(target, "CREATE TABLE old_county (id int); INSERT INTO old_county VALUES (1)")
    test_database = connection.settings_dict["NAME"]

    def failing() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            assert cursor.fetchone()[0] == f"{target}_build"
            cursor.execute("CREATE TABLE half_built (id int)")
        raise RuntimeError("No identity numbers left")  # as main failed at 248,200 children

    try:
        with pytest.raises(RuntimeError):
            build_aside(failing, target=target)
        assert connection.settings_dict["NAME"] == test_database
        assert _tables(target) == {"old_county"}
        assert f"{target}_build" not in _databases()

        def good() -> None:
            with connection.cursor() as cursor:
                cursor.execute("CREATE TABLE new_county (id int)")

        params = connection.get_connection_params()
        keep = {k: v for k, v in params.items() if k in ("host", "port", "user", "password")}
        # A session still on the old database (a running demo) does not stop the swap.
        with psycopg.connect(dbname=target, **keep):
            build_aside(good, target=target)
        assert _tables(target) == {"new_county"}
        assert not {f"{target}_build", f"{target}_old"} & _databases()
        assert connection.settings_dict["NAME"] == test_database
    finally:
        with _admin() as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(target)))  # fmt: skip
