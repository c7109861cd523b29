"""The child's page compiled once per shape (issue 12, docs/adr/0017): another unit's child of
the same shape is read with the SQL compiled for the first, with its own values, and shows
exactly what a fresh build shows; a key that leaves out what the SQL depends on fails."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.db.models import Q
from django.test import override_settings
from django.utils import timezone

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import EmergencyAccess, Purpose
from samsyn.audit.models import Entry
from samsyn.children.models import Child
from samsyn.children.selectors import ChildView, child_for
from samsyn.children.tests.factories import ChildFactory, GuardianshipFactory
from samsyn.children.tests.helpers import County, timeline_county
from samsyn.common import shapes
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory, actor_of
from samsyn.plans.selectors.cases import sips_section
from samsyn.retention.selectors import holds_section

pytestmark = pytest.mark.django_db


def _page(county: County) -> ChildView:
    actor = actor_of(county.social)
    return child_for(
        actor, child_id=county.child.pk, purpose=Purpose.PLANNING, timeline_page=1,
        sections={"sips": sips_section(actor), "holds": holds_section(actor)},
    )  # fmt: skip


def _shown(view: ChildView) -> dict:
    """What the page shows, by value: ids, fields and the timeline's entries."""
    audited = Entry.objects.filter(object_type="child", child_id=view.child.pk).latest("id")
    return {
        "child": (view.child.pk, view.child.municipality_id, view.child.municipality.name),
        "guardians": [g.pk for g in view.guardians],
        "former": [g.pk for g in view.former_guardianships],
        "involvements": [(i.pk, i.unit.name, i.unit.organisation.name) for i in view.involvements],
        "timeline": [dataclasses.astuple(entry) for entry in view.timeline.object_list],
        "sips": [
            (sip.case.pk, [o.pk for o in sip.organisations], [h.pk for h in sip.pending])
            for sip in view.sections["sips"]
        ],
        "holds": [hold.pk for hold in view.sections["holds"].holds],
        "audited": audited.detail,
    }


def _page_shapes() -> list:
    return [key for key in shapes._SHAPES if key[0] == "child page"]


def test_one_shape_serves_another_units_child_as_a_fresh_build_does():
    """Two municipalities' caseworkers, each with a child of the same shape (every kind on the
    timeline, guardians in force and ended): the second page runs the SQL compiled for the
    first with its own values, and shows what the page built afresh shows — under the tests'
    `SAMSYN_VERIFY_SHAPES` the same SQL and parameters, too."""
    first, second = timeline_county(), timeline_county()
    for county in (first, second):
        GuardianshipFactory(
            child=county.child, ended_on=datetime.date(2025, 3, 1), end_reason="Flyttat"
        )
    assert first.social.unit.organisation_id != second.social.unit.organisation_id

    _page(first)
    compiled = _page_shapes()
    assert compiled
    from_shape = _shown(_page(second))
    assert _page_shapes() == compiled, "the second child's page compiled a shape of its own"

    shapes.forget()
    assert from_shape == _shown(_page(second))
    assert len(from_shape["timeline"]) == sum(len(ids) for ids in second.seen.values())
    assert from_shape["guardians"]
    assert from_shape["former"]
    assert from_shape["sips"]


@override_settings(SAMSYN_VERIFY_SHAPES=False)
def test_the_second_child_of_a_shape_builds_no_rule(monkeypatch):
    """What the shape saves: the second child's page restricts no record kind in Python (on
    the code before it, every page restricted each of a dozen kinds again)."""
    first, second = timeline_county(), timeline_county()
    _page(first)
    restricted = []
    one_child = rules._restrict_one_child

    def counted(*args, **kwargs):
        restricted.append(args[2].name)
        return one_child(*args, **kwargs)

    monkeypatch.setattr(rules, "_restrict_one_child", counted)
    _page(second)
    assert restricted == []


def _request_actor(membership) -> Actor:
    """An actor as a request makes it, with the request's memo."""
    actor = Actor.for_membership(membership.pk, user_id=membership.staff.user_id)
    assert actor is not None
    assert actor.memo is not None
    return actor


def test_log_2_a_compiled_shape_reads_the_emergency_access_in_force_when_it_runs():
    """The moment is a bound value: an emergency access that has run out opens nothing on the
    next request, though the statement that reads it was compiled while it was in force."""
    caseworker = MembershipFactory(role=Role.CASEWORKER)
    child = ChildFactory()
    access = EmergencyAccess.objects.create(
        staff=caseworker.staff, unit=caseworker.unit, child=child, reason="Akut",
        started_at=timezone.now() - datetime.timedelta(hours=1),
        ends_at=timezone.now() + datetime.timedelta(hours=1),
    )  # fmt: skip
    key = ("relationships", "child", child.pk)
    during = _request_actor(caseworker)
    assert rules.child_with_relationships(during, child.pk) == child
    assert during.memo[key]["emergency_access_id"] == access.pk

    EmergencyAccess.objects.filter(pk=access.pk).update(
        ends_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    after = _request_actor(caseworker)
    assert rules.child_with_relationships(after, child.pk) == child
    assert after.memo[key]["emergency_access_id"] is None


def _children_named(name: str):
    return lambda: Child.objects.filter(Q(first_name=name)).values("pk")


def test_a_key_that_leaves_out_what_the_sql_depends_on_fails_under_verification():
    binding = {"child": 1}
    shapes.first_row(("test", "names"), _children_named("Alva"), binding)
    with pytest.raises(shapes.ShapeMismatch):
        shapes.first_row(("test", "names"), _children_named("Elsa"), binding)


def test_a_bound_value_that_is_not_the_bindings_fails():
    child = ChildFactory()

    def by_bound(pk: int):
        return lambda: Child.objects.filter(pk=shapes.Bound("child", pk)).values("pk")

    assert shapes.first_row(("test", "bound"), by_bound(child.pk), {"child": child.pk}) == {
        "pk": child.pk
    }
    with pytest.raises(shapes.ShapeMismatch):
        shapes.first_row(("test", "bound", 2), by_bound(child.pk + 1), {"child": child.pk})
    with pytest.raises(shapes.ShapeMismatch):
        shapes.first_row(("test", "bound", 3), by_bound(child.pk), {"unit": 1})


def test_the_shapes_kept_are_bounded(monkeypatch):
    monkeypatch.setattr(shapes, "MAX_SHAPES", 3)
    for n in range(5):
        shapes.first_row(("test", "bounded", n), _children_named(f"N{n}"), {})
    assert len(shapes._SHAPES) == 3
    assert ("test", "bounded", 4) in shapes._SHAPES
    assert ("test", "bounded", 0) not in shapes._SHAPES
