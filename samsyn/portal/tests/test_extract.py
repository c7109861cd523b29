"""LOG-1: the family's extract of which organisations and units read the child's data, and when."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from samsyn.access.models import Purpose
from samsyn.access.rules import Decision
from samsyn.audit import services as audit
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import ChildFactory
from samsyn.directory.tests.factories import make_actor
from samsyn.portal import selectors
from samsyn.portal.tests.conftest import shows

pytestmark = pytest.mark.django_db

ALLOWED = Decision(allowed=True, basis="involvement")


def _read(actor, child, *, obj="child"):
    return audit.record_read(
        actor=actor, child_id=child.pk, obj=obj, obj_id=child.pk, purpose=Purpose.PLANNING,
        decision=ALLOWED,
    )  # fmt: skip


def _list_read(actor, child_ids):
    return audit.record_read(
        actor=actor, child_id=None, obj="child_list", obj_id=1, purpose=Purpose.PLANNING,
        decision=ALLOWED, detail={"child_ids": child_ids, "query": "x"},
    )  # fmt: skip


def test_log_1_family_extract_lists_units_and_times(family_client, child):
    actor = make_actor()
    entry_id = _read(actor, child)
    entry = Entry.objects.get(id=entry_id)
    response = family_client.get(f"/family/children/{child.pk}/log/")
    assert response.status_code == 200
    assert actor.organisation.name in response.text
    assert actor.unit.name in response.text
    local = entry.at.astimezone(zoneinfo.ZoneInfo("Europe/Stockholm"))
    assert f"{local:%Y-%m-%d %H:%M}" in response.text
    assert shows(response, _("read the child's details"))


def test_log_1_family_extract_includes_list_reads(family_client, child):
    actor = make_actor()
    other = ChildFactory()
    _list_read(actor, [other.pk, child.pk])
    response = family_client.get(f"/family/children/{child.pk}/log/")
    assert actor.unit.name in response.text
    assert shows(response, _("saw the child in a list"))


def test_log_1_family_extract_leaves_out_other_children(family_client, child):
    actor = make_actor()
    other = ChildFactory()
    _read(actor, other)
    _list_read(actor, [other.pk])
    response = family_client.get(f"/family/children/{child.pk}/log/")
    assert actor.unit.name not in response.text
    assert shows(response, _("Nobody has read your child's details yet."))


def test_log_1_staff_names_hidden_by_default(family_client, child):
    actor = make_actor()
    _read(actor, child)
    response = family_client.get(f"/family/children/{child.pk}/log/")
    assert actor.unit.name in response.text
    assert actor.staff.name not in response.text


def test_log_1_staff_names_shown_when_the_setting_says_so(settings, family_client, child):
    settings.SAMSYN_FAMILY_EXTRACT_NAMES = True
    actor = make_actor()
    _read(actor, child)
    response = family_client.get(f"/family/children/{child.pk}/log/")
    assert actor.staff.name in response.text


def test_log_1_changes_are_listed_as_changes(family_client, child):
    actor = make_actor()
    audit.record_change(
        actor=actor, child_id=child.pk, obj="child", obj_id=child.pk,
        event="child_contact_changed", purpose=Purpose.PLANNING,
    )  # fmt: skip
    response = family_client.get(f"/family/children/{child.pk}/log/")
    assert shows(response, _("wrote or changed the child's details"))


def test_log_1_extract_newest_first_and_paginated(citizen, child):
    actor = make_actor()
    for _n in range(3):
        _read(actor, child)
    for _n in range(3):
        _list_read(actor, [child.pk])
    expected = list(
        Entry.objects.filter(organisation_id=actor.organisation.pk).order_by("-at", "-id")
    )
    assert len(expected) == 6
    seen, cursor = [], None
    while True:
        page = selectors.family_extract(citizen, child_id=child.pk, cursor=cursor, size=4)
        seen += [row.entry.id for row in page.rows]
        if page.next_cursor is None:
            break
        cursor = selectors.Cursor.decode(page.next_cursor)
    assert seen == [entry.id for entry in expected]


def test_log_1_family_own_reads_and_refusals_are_not_listed(family_client, child, citizen):
    actor = make_actor()
    audit.record_denied(
        actor=actor, child_id=child.pk, obj="child", obj_id=child.pk, purpose=Purpose.PLANNING
    )
    family_client.get(f"/family/children/{child.pk}/")  # the family's own read, audited
    assert Entry.objects.filter(child_id=child.pk, action="family_read").exists()
    page = selectors.family_extract(citizen, child_id=child.pk)
    assert page.rows == []


def test_log_1_viewing_the_extract_is_audited(family_client, child, citizen):
    family_client.get(f"/family/children/{child.pk}/log/")
    entry = Entry.objects.get(child_id=child.pk, object_type="family_extract")
    assert entry.action == "family_read"
    assert entry.detail["citizen_id"] == citizen.pk


def test_log_1_extract_queries_are_bounded(family_client, child):
    url = f"/family/children/{child.pk}/log/"
    actor = make_actor()
    _read(actor, child)
    with CaptureQueriesContext(connection) as few:
        family_client.get(url)
    for _n in range(40):
        _read(make_actor(), child)
        _list_read(actor, [child.pk])
    with CaptureQueriesContext(connection) as many:
        response = family_client.get(url)
    assert len(many) == len(few)
    assert len(response.context["extract"].rows) == selectors.EXTRACT_PAGE_SIZE
    assert response.context["extract"].next_cursor


def test_log_1_mangled_cursor_shows_the_newest_page(family_client, child):
    _read(make_actor(), child)
    response = family_client.get(f"/family/children/{child.pk}/log/?before=nonsense")
    assert response.status_code == 200
    assert response.context["extract"].is_first


def test_stockholm_time_is_shown_not_utc(family_client, child):
    actor = make_actor()
    entry = Entry.objects.get(id=_read(actor, child))
    utc = entry.at.astimezone(dt.UTC)
    response = family_client.get(f"/family/children/{child.pk}/log/")
    local = entry.at.astimezone(zoneinfo.ZoneInfo("Europe/Stockholm"))
    assert f"{local:%Y-%m-%d %H:%M}" in response.text
    if local.hour != utc.hour:
        assert f"{utc:%Y-%m-%d %H:%M}" not in response.text
