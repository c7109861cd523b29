"""The audit views: one child's log for its staff, and the organisation's log follow-up
(DOMAIN LOG-1)."""

import datetime as dt
import re
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.access.models import Purpose
from samsyn.audit import services
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UnitFactory,
    make_actor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return UnitFactory(organisation=OrganisationFactory(kind=Organisation.Kind.SOCIAL_SERVICES))


@pytest.fixture
def caseworker(unit):
    return make_actor(unit=unit, role=Role.CASEWORKER)


@pytest.fixture
def child(unit, caseworker):
    child = ChildFactory()
    InvolvementFactory(child=child, unit=unit, staff=caseworker.staff)
    return child


@pytest.fixture
def other_org_actor():
    organisation = OrganisationFactory(kind=Organisation.Kind.BUP)
    return make_actor(unit=UnitFactory(organisation=organisation), role=Role.CLINICIAN)


def _read(actor, child, purpose=Purpose.INVESTIGATION):
    from samsyn.access.rules import Decision

    return services.record_read(
        actor=actor, child_id=child.pk, obj="child", obj_id=child.pk, purpose=purpose,
        decision=Decision(True, "involvement", {}),
    )  # fmt: skip


def test_log_1_child_log_shows_own_organisation_rows_only(
    actor_client, caseworker, child, other_org_actor
):
    _read(caseworker, child)
    services.record_denied(
        actor=other_org_actor, child_id=child.pk, obj="child", obj_id=child.pk,
        purpose=Purpose.TREATMENT,
    )  # fmt: skip
    response = actor_client(caseworker).get(reverse("audit:child", args=[child.pk]))
    assert response.status_code == 200
    text = response.text
    assert caseworker.staff.name in text
    assert caseworker.unit.name in text
    assert other_org_actor.staff.name not in text
    assert other_org_actor.unit.name not in text


def test_log_1_viewing_the_child_log_is_itself_audited(actor_client, caseworker, child):
    actor_client(caseworker).get(reverse("audit:child", args=[child.pk]))
    entry = Entry.objects.filter(child_id=child.pk).order_by("-at", "-id").first()
    assert entry is not None
    assert entry.staff_id == caseworker.staff.pk
    assert entry.purpose == Purpose.LOG_REVIEW
    assert entry.object_type == "audit_log"
    assert entry.outcome == "allowed"
    assert entry.basis["basis"] == "involvement"


def test_log_1_child_log_is_404_and_audited_for_an_actor_who_cannot_see_the_child(
    actor_client, child, other_org_actor
):
    response = actor_client(other_org_actor).get(reverse("audit:child", args=[child.pk]))
    assert response.status_code == 404
    denied = Entry.objects.get(child_id=child.pk, staff_id=other_org_actor.staff.pk)
    assert denied.outcome == "denied"
    assert denied.purpose == Purpose.LOG_REVIEW


def test_log_1_colleague_without_relationship_gets_404(actor_client, unit, child):
    # Role alone never opens a child: a caseworker of the same unit not assigned to the child.
    colleague = make_actor(unit=unit, role=Role.CASEWORKER)
    response = actor_client(colleague).get(reverse("audit:child", args=[child.pk]))
    assert response.status_code == 404


def test_log_1_unknown_child_is_404_and_audited(actor_client, caseworker):
    response = actor_client(caseworker).get(reverse("audit:child", args=[99999999]))
    assert response.status_code == 404
    denied = Entry.objects.get(staff_id=caseworker.staff.pk, object_id="99999999")
    assert denied.outcome == "denied"


def test_log_1_child_log_shows_time_in_stockholm(actor_client, caseworker, child):
    _read(caseworker, child)
    entry = Entry.objects.get(child_id=child.pk)
    stockholm = entry.at.astimezone(ZoneInfo("Europe/Stockholm"))
    response = actor_client(caseworker).get(reverse("audit:child", args=[child.pk]))
    assert stockholm.strftime("%Y-%m-%d %H:%M:%S") in response.text


def test_log_1_child_log_is_paginated_newest_first(actor_client, caseworker, child):
    for _ in range(30):
        _read(caseworker, child)
    client = actor_client(caseworker)
    first = client.get(reverse("audit:child", args=[child.pk]))
    assert first.text.count("<tr>") == 1 + 25  # header and a full page
    assert "Older entries" in first.text or "Äldre" in first.text
    cursor = first.text.split("before=")[1].split('"')[0]
    second = client.get(reverse("audit:child", args=[child.pk]), {"before": cursor})
    # 30 reads and the two reviews (each review is written before its page is read).
    assert second.text.count("<tr>") == 1 + (30 + 1 - 25)


def test_log_1_unit_log_needs_manager_or_administrator(actor_client, unit):
    assert (
        actor_client(unit=unit, role=Role.CASEWORKER).get(reverse("audit:unit")).status_code == 403
    )
    assert (
        actor_client(unit=unit, role=Role.UNIT_MANAGER).get(reverse("audit:unit")).status_code
        == 200
    )
    assert (
        actor_client(unit=unit, role=Role.ADMINISTRATOR).get(reverse("audit:unit")).status_code
        == 200
    )


def test_log_1_unit_log_lists_own_organisation_and_filters_by_staff(
    actor_client, unit, caseworker, child, other_org_actor
):
    colleague = make_actor(unit=unit, role=Role.CASEWORKER)
    _read(caseworker, child)
    _read(colleague, child)
    _read(other_org_actor, child)
    client = actor_client(unit=unit, role=Role.UNIT_MANAGER)
    everything = client.get(reverse("audit:unit"))
    assert caseworker.staff.name in everything.text
    assert colleague.staff.name in everything.text
    assert other_org_actor.staff.name not in everything.text
    only_one = client.get(reverse("audit:unit"), {"staff": caseworker.staff.pk})
    rows = only_one.text.split("<tbody>")[1]
    assert caseworker.staff.name in rows
    assert colleague.staff.name not in rows


def test_log_1_unit_log_filters_by_date_and_outcome(actor_client, unit, caseworker, child):
    _read(caseworker, child)
    services.record_denied(
        actor=caseworker, child_id=None, obj="child", obj_id=123, purpose=Purpose.INVESTIGATION
    )
    client = actor_client(unit=unit, role=Role.UNIT_MANAGER)
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    todays = client.get(reverse("audit:unit"), {"date_from": today.isoformat()})
    assert caseworker.staff.name in todays.text.split("<tbody>")[1]
    old = client.get(reverse("audit:unit"), {"date_to": yesterday.isoformat()})
    assert caseworker.staff.name not in old.text.split("<tbody>")[1]
    denied = client.get(reverse("audit:unit"), {"outcome": "denied"}).text.split("<tbody>")[1]
    assert denied.count("<tr>") == 1


def test_log_1_unit_log_rejects_a_reversed_period_and_keeps_the_input(actor_client, unit):
    client = actor_client(unit=unit, role=Role.UNIT_MANAGER)
    response = client.get(
        reverse("audit:unit"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 200
    assert "data-error-summary" in response.text
    assert 'value="2026-05-02"' in response.text
    assert 'href="#id_date_to"' in response.text


def test_log_1_unit_log_queries_do_not_grow_with_the_log(actor_client, unit, caseworker, child):
    client = actor_client(unit=unit, role=Role.UNIT_MANAGER)
    MembershipFactory(unit=unit)
    _read(caseworker, child)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("audit:unit")).status_code == 200
        return len(queries)

    few = count()
    for _ in range(40):
        _read(caseworker, child)
    assert count() == few


def _links(html: str, prefix: str) -> list[str]:
    return [
        unescape(href) for href in re.findall(r'href="([^"]+)"', html) if href.startswith(prefix)
    ]


def test_log_1_unit_log_links_only_the_children_whose_log_the_reviewer_may_open(
    actor_client, unit, caseworker, child
):
    manager = make_actor(unit=unit, role=Role.UNIT_MANAGER)
    InvolvementFactory(child=child, unit=unit)  # the unit's client: the manager opens the child
    elsewhere = ChildFactory()
    ended = InvolvementFactory(child=elsewhere, unit=unit, staff=caseworker.staff)
    _read(caseworker, child)
    _read(caseworker, elsewhere)
    # The case has ended since: the unit has no relationship left, not even the manager's
    # oversight.
    ended.ended_on = timezone.localdate() - dt.timedelta(days=1)
    ended.save(update_fields=["ended_on"])
    client = actor_client(manager)
    rows = client.get(reverse("audit:unit")).text.split("<tbody>")[1]
    assert _links(rows, "/audit/") == [reverse("audit:child", args=[child.pk])]
    assert str(elsewhere.pk) in rows  # named, not linked
    assert client.get(reverse("audit:child", args=[child.pk])).status_code == 200
