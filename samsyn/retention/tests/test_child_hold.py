"""RET-1: a legal hold placed and lifted from the child's page by the manager of a unit that has
the child, with a reason and a legal reference, logged on the child's chain, shown to whoever
reads the child, and kept by the retention run. Nobody without that relationship places one."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import JSONField, Value
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from samsyn.access.models import EmergencyAccess
from samsyn.audit.models import Entry
from samsyn.children import selectors as children
from samsyn.children.models import Child
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.common.errors import AccessDenied
from samsyn.concerns.models import Report
from samsyn.concerns.tests.factories import InitialAssessmentFactory, ReportFactory
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import UnitFactory, make_actor
from samsyn.retention import selectors, services
from samsyn.retention.models import LegalHold, Rule
from samsyn.retention.tests.test_retention import years_on

pytestmark = pytest.mark.django_db

REASON, REFERENCE = "Vårdnadsmål i tingsrätten", "Örebro tingsrätt T 1234-26"


@pytest.fixture
def case():
    """A child of a unit, with a decided report, and the unit's manager and caseworker."""
    unit = UnitFactory()
    child = ChildFactory()
    InvolvementFactory(child=child, unit=unit)
    report = ReportFactory(child=child)
    InitialAssessmentFactory(report=report, not_opened=True)
    manager = make_actor(role=Role.UNIT_MANAGER, unit=unit)
    caseworker = make_actor(role=Role.CASEWORKER, unit=unit)
    return unit, child, report, manager, caseworker


def _place(client, child: Child):
    url = reverse("retention:new_child_hold", args=[child.pk])
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, {
        "reason": REASON, "reference": REFERENCE, "form_token": page.context["form_token"],
    })  # fmt: skip


def test_ret_1_the_unit_manager_places_a_hold_from_the_childs_page_and_the_run_skips_it(
    case, actor_client
):
    unit, child, report, manager, caseworker = case
    other = ReportFactory()
    InitialAssessmentFactory(report=other, not_opened=True)
    client = actor_client(manager)
    page = client.get(reverse("children:detail", args=[child.pk]))
    assert reverse("retention:new_child_hold", args=[child.pk]) in page.text

    answer = _place(client, child)
    assert answer.status_code == 302
    assert answer.url == reverse("children:detail", args=[child.pk])
    hold = LegalHold.objects.get(record_type="child", record_id=child.pk, lifted_at=None)
    assert (hold.reason, hold.reference, hold.unit_id) == (REASON, REFERENCE, unit.pk)
    row = Entry.objects.get(action="legal_hold_set", object_id=str(hold.pk))
    assert row.child_id == child.pk
    assert row.detail["reference"] == REFERENCE

    # The caseworker, who reads the child, sees the hold and may not lift it.
    text = actor_client(caseworker).get(reverse("children:detail", args=[child.pk])).text
    assert REASON in text
    assert REFERENCE in text
    assert reverse("retention:lift_child_hold", args=[child.pk, hold.pk]) not in text

    # The case closes; years later both the report and the child are due, and kept.
    child.involvements.update(ended_on=timezone.localdate())
    Rule.objects.filter(record_type__in=["report", "child"]).update(enforced=True)
    run = services.run(today=years_on(6))
    assert Child.objects.filter(pk=child.pk).exists()
    assert Report.objects.filter(pk=report.pk).exists()
    assert not Report.objects.filter(pk=other.pk).exists()
    counted = run.lines.get(record_type="report")
    assert (counted.held, counted.done) == (1, 1)


def test_ret_1_the_manager_lifts_the_units_hold_and_the_next_run_takes_the_records(
    case, actor_client
):
    unit, child, report, manager, _ = case
    client = actor_client(manager)
    _place(client, child)
    hold = LegalHold.objects.get(record_type="child", record_id=child.pk)
    page = client.get(reverse("children:detail", args=[child.pk]))
    lift = reverse("retention:lift_child_hold", args=[child.pk, hold.pk])
    assert lift in page.text
    assert client.post(lift).status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_at is not None
    assert hold.lifted_by == manager.staff
    assert Entry.objects.filter(
        action="legal_hold_lifted", object_id=str(hold.pk), child_id=child.pk
    ).exists()
    Rule.objects.filter(record_type="report").update(enforced=True)
    services.run(today=years_on(6))
    assert not Report.objects.filter(pk=report.pk).exists()


def test_ret_1_a_hold_another_unit_or_an_administrator_placed_is_not_lifted_here(
    case, actor_client
):
    _, child, _, manager, _ = case
    admin = make_actor(role=Role.ADMINISTRATOR)
    hold = services.set_hold(
        actor=admin, record_type="child", record_id=child.pk, reason="Begäran från IVO",
        reference="IVO dnr 3.5-1/2026",
    )  # fmt: skip
    client = actor_client(manager)
    assert "IVO dnr 3.5-1/2026" in client.get(reverse("children:detail", args=[child.pk])).text
    answer = client.post(reverse("retention:lift_child_hold", args=[child.pk, hold.pk]))
    assert answer.status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_at is None


@pytest.mark.parametrize("who", ["caseworker", "other_manager", "administrator", "emergency"])
def test_ret_1_no_one_without_the_units_relationship_places_a_hold(case, actor_client, who):
    unit, child, _, _, caseworker = case
    if who == "caseworker":
        actor = caseworker
    elif who == "administrator":
        actor = make_actor(role=Role.ADMINISTRATOR, unit=unit)
    else:
        actor = make_actor(role=Role.UNIT_MANAGER, unit=UnitFactory())
        if who == "emergency":
            EmergencyAccess.objects.create(
                staff_id=actor.staff.pk, unit_id=actor.unit.pk, child=child, reason="Akut",
                started_at=timezone.now(),
                ends_at=timezone.now() + datetime.timedelta(hours=2),
            )  # fmt: skip
    client = actor_client(actor)
    url = reverse("retention:new_child_hold", args=[child.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": REASON, "reference": REFERENCE}).status_code == 403
    with pytest.raises(AccessDenied):
        services.set_child_hold(actor=actor, child_id=child.pk, reason=REASON, reference=REFERENCE)
    assert not LegalHold.objects.exists()
    # Every refusal is logged (LOG-3), on the child's chain.
    assert Entry.objects.filter(
        staff_id=actor.staff.pk, outcome="denied", object_type="legal_hold", child_id=child.pk
    ).exists()


def test_ret_1_a_missing_child_is_refused_like_a_strangers(actor_client):
    client = actor_client(role=Role.UNIT_MANAGER)
    assert client.get(reverse("retention:new_child_hold", args=[987654321])).status_code == 403


def test_ret_1_the_hold_page_reads_in_swedish_and_english(case, actor_client):
    _, child, _, manager, _ = case
    client = actor_client(manager)
    url = reverse("retention:new_child_hold", args=[child.pk])
    with translation.override("sv"):
        swedish = translation.gettext("Place a legal hold on the child's records")
    assert swedish != "Place a legal hold on the child's records"
    assert swedish in client.get(url).text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Place a legal hold on the child's records" in client.get(url).text


def test_ret_1_the_holds_cost_the_childs_page_no_statement_of_their_own(
    case, actor_client, monkeypatch
):
    """The child's page is pinned by its query counts: the holds are a value of the page's one
    read; whether the manager may hold comes from the relationships the page has found."""
    _, child, _, manager, _ = case
    LegalHold.objects.create(
        record_type="child", record_id=child.pk, reason=REASON, set_by=manager.staff,
        unit_id=manager.unit.pk,
    )  # fmt: skip
    client = actor_client(manager)
    url = reverse("children:detail", args=[child.pk])

    def queries() -> int:
        client.get(url)  # the first audit row of a process checks its month's partition
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url)
        assert page.status_code == 200
        return len(captured)

    with_holds = queries()
    none = selectors.ChildHolds(holds=[], may_hold=False, unit_id=manager.unit.pk)
    nothing = Value(None, JSONField())
    empty = children.Section(lambda child: nothing, lambda child, value: (none, []))
    monkeypatch.setattr(selectors, "holds_section", lambda actor: empty)
    assert with_holds == queries()


def _holds(actor, child):
    found = children.section_of_child(actor, child, selectors.holds_section(actor))
    listed = [(hold.pk, hold.reason, hold.set_by.name, hold.unit_id) for hold in found.holds]
    return listed, found.may_hold, found.unit_id


def test_ret_1_the_holds_read_with_the_child_are_those_in_force_on_it(case):
    """The section as a value of the page's one read lists what the holds' own read listed:
    the hold in force on the child, with who placed it; none lifted, none on another child or
    on one of its records."""
    unit, child, report, manager, caseworker = case
    for record_type, record_id, lifted in (
        ("child", child.pk, timezone.now()), ("child", ChildFactory().pk, None),
        ("report", report.pk, None),
    ):  # fmt: skip
        LegalHold.objects.create(
            record_type=record_type, record_id=record_id, reason="Annat", set_by=manager.staff,
            unit=unit, lifted_at=lifted, lifted_by=manager.staff if lifted else None,
        )  # fmt: skip
    held = LegalHold.objects.create(
        record_type="child", record_id=child.pk, reason=REASON, set_by=manager.staff, unit=unit
    )
    read_alone = [
        (hold.pk, hold.reason, hold.set_by.name, hold.unit_id)
        for hold in selectors.holds_in_force()
        .filter(record_type="child", record_id=child.pk)
        .select_related("set_by")
    ]
    assert [pk for pk, *_ in read_alone] == [held.pk]
    assert _holds(manager, child) == (read_alone, True, unit.pk)
    assert _holds(caseworker, child) == (read_alone, False, unit.pk)
