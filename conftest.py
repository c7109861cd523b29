"""Shared fixtures. The embedded PostgreSQL serves the tests too (DESIGN: PostgreSQL only)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import factory
import pytest
from django.core import serializers
from django.db import connections, transaction
from django.test import Client

from samsyn.access.actor import Actor


@pytest.fixture(scope="session", autouse=True)
def swedish_fake_data():
    """Names and addresses the factories make up are Swedish, like the people Samsyn serves
    (STYLE: Faker sv_SE in a session fixture, as data-hub-api does)."""
    with factory.Faker.override_default_locale("sv_SE"):
        yield


@pytest.fixture(autouse=True)
def _no_periodic_writes(request, monkeypatch) -> None:
    """A session's last-seen mark and a token's last use are written at most once a minute. A
    test slow enough (a loaded machine filling 10,000 rows between two counts) would meet that
    write by chance inside a request whose statements it counts, so tests see it once a day;
    the tests of those writes are marked `periodic_writes` and see the real minute."""
    if request.node.get_closest_marker("periodic_writes"):
        return
    from samsyn.accounts import session_services, token_services

    monkeypatch.setattr(session_services, "SEEN_RESOLUTION", timedelta(days=1))
    monkeypatch.setattr(token_services, "LAST_USED_RESOLUTION", timedelta(days=1))


@pytest.fixture
def actor_client(db):
    """A factory of signed-in test clients: `actor_client(actor)` with an Actor (e.g. from
    `samsyn.directory.tests.factories.make_actor`), or `actor_client(**membership_fields)` to
    make one on the spot (`actor_client(role=Role.UNIT_MANAGER, unit=unit)`). Each call returns
    a new Client with `.actor` set. Outside a test function, sign a client in with
    `samsyn.accounts.tests.helpers.sign_in`, which this uses."""
    # Imported here: the models behind them load only once pytest-django has set Django up.
    from samsyn.accounts.tests.helpers import sign_in
    from samsyn.directory.tests.factories import make_actor

    def make(actor: Actor | None = None, **membership_fields) -> Client:
        if actor is None:
            actor = make_actor(**membership_fields)
        return sign_in(Client(), actor)

    return make


@pytest.fixture(scope="session", autouse=True)
def seeded_rows(django_db_setup, django_db_blocker) -> Iterator[dict[str, str]]:
    """The rows the migrations seeded (legal bases, rules, rating levels…) as the test database
    was made: Django serialised them then, for the session's tests with serialized rollback. A
    transactional test ends by flushing every table, these included; they are put back at the
    session's end, so a later --reuse-db session starts with them, and before each browser test
    (below). A session without such tests has no snapshot and flushes nothing."""
    contents = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if getattr(connections[alias], "_test_serialized_contents", None)
    }
    yield contents
    with django_db_blocker.unblock():
        for alias, content in contents.items():
            restore_emptied_tables(alias, content)


@pytest.fixture(autouse=True)
def _seeded_rows_before_a_browser_test(request, seeded_rows, django_db_blocker) -> None:
    """The live server needs committed rows, so each browser test ends by flushing every table,
    and pytest-django's serialized rollback does not put the seeded rows back after a test whose
    browser reached the live server (pytest-django#1117); nor after a transactional test
    elsewhere. So each browser test starts by putting them back."""
    if request.node.get_closest_marker("e2e") is None:
        return
    with django_db_blocker.unblock():
        for alias, content in seeded_rows.items():
            restore_emptied_tables(alias, content)


def restore_emptied_tables(alias: str, content: str) -> None:
    """Put serialised rows back, only into the tables a flush left empty: content types and
    permissions are made again by the flush's post_migrate signal, under new keys, and must not
    be inserted twice."""
    empty: dict[type, bool] = {}
    with transaction.atomic(using=alias):
        for item in serializers.deserialize("json", content, using=alias):
            model = type(item.object)
            if model not in empty:
                empty[model] = not model._base_manager.using(alias).exists()
            if empty[model]:
                item.save(using=alias)
