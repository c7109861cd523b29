"""The queue (issue 11, points 2 and 7): a signal lands on the unit and person who must act;
the radar never shows an organisation a child it has no ground to see; the manager sees the
unit's items and the caseload per worker; the page lists, and dismissing takes a reason."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samsyn.access import rules
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import InvolvementFactory
from samsyn.concerns.tests.factories import ReportFactory
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of
from samsyn.radar.models import Signal
from samsyn.radar.selectors.queue import _mine, open_count, queue_for, visible_signals
from samsyn.radar.services.scan import scan

pytestmark = pytest.mark.django_db


def late_report(**fields):
    report = ReportFactory(received_at=timezone.now() - datetime.timedelta(days=3), **fields)
    scan()
    return report, Signal.objects.get(subject_id=report.pk)


def member(unit, role=Role.CASEWORKER):
    return actor_of(MembershipFactory(unit=unit, role=role))


def test_rad_6_the_intake_unit_sees_the_signal_and_the_page_is_audited(actor_client):
    report, signal = late_report()
    caseworker = member(report.intake_unit)
    assert open_count(caseworker) == 1
    page = actor_client(caseworker).get(reverse("radar:queue"))
    assert page.status_code == 200
    html = page.content.decode()
    assert report.child.name in html
    assert reverse("concerns:intake_report", args=[report.pk]) in html
    listed = Entry.objects.get(object_type="signal_list", staff_id=caseworker.staff.pk)
    assert listed.detail["child_ids"] == [report.child_id]


def test_radar_never_shows_a_child_to_another_organisation_or_another_unit():
    """Point 7: the signal belongs to the intake unit's organisation; another unit of the same
    social services with no relationship to the child, and the school that wrote the report,
    see nothing of it."""
    report, signal = late_report()
    colleague = member(UnitFactory(organisation=report.organisation))
    school = actor_of(MembershipFactory(unit=report.reporter_unit, staff=report.reporter_staff))
    for outsider in (colleague, school):
        assert open_count(outsider) == 0
        assert queue_for(outsider).rows == []
        assert queue_for(outsider, scope="unit").rows == []


def test_a_signal_about_a_report_not_yet_linked_opens_as_the_report_does():
    report, signal = late_report(unlinked=True)
    assert signal.child_id is None
    assert open_count(member(report.intake_unit)) == 1
    assert open_count(member(UnitFactory(organisation=report.organisation))) == 0


def test_the_start_pages_count_equals_the_queues_and_builds_only_the_rules_it_needs(
    monkeypatch,
):
    """Issue 12: the count asks first which kinds of signal the queue holds and builds the access
    rule of those only; it equals the count over both rules, for signals the actor may and may
    not read, about a child and about a report not yet linked."""
    linked, _ = late_report()
    unlinked, _ = late_report(unlinked=True, intake=linked.intake)
    other, _ = late_report()  # another intake's: seen by none of the actors below
    restricted = []
    counting = rules.restrict

    def restrict(actor, queryset, **kwargs):
        restricted.append(queryset.model.__name__)
        return counting(actor, queryset, **kwargs)

    monkeypatch.setattr(rules, "restrict", restrict)
    actors = {
        "intake": member(linked.intake_unit),
        "colleague": member(UnitFactory(organisation=linked.organisation)),
        "school": actor_of(MembershipFactory(unit=linked.reporter_unit)),
        "other": member(other.intake_unit),
    }
    for name, actor in actors.items():
        restricted.clear()
        counted = open_count(actor)
        built = list(restricted)
        assert counted == visible_signals(actor).filter(_mine(actor)).count(), name
        if name in ("colleague", "school"):
            assert built == [], name  # an empty queue builds no rule
    assert open_count(actors["intake"]) == 2
    assert open_count(actors["other"]) == 1


def test_the_unit_manager_sees_the_units_items_and_the_caseload_per_worker(actor_client):
    report, signal = late_report()
    worker = MembershipFactory(unit=report.intake_unit, role=Role.CASEWORKER)
    InvolvementFactory(child=report.child, unit=report.intake_unit, staff=worker.staff)
    Signal.objects.filter(pk=signal.pk).update(staff=worker.staff)
    manager = member(report.intake_unit, Role.UNIT_MANAGER)
    # The manager acts for the unit on the report it takes part in.
    result = queue_for(manager, scope="unit")
    assert [row.signal.pk for row in result.rows] == [signal.pk]
    assert {(r["staff"].pk, r["children"], r["signals"]) for r in result.caseload} == {
        (worker.staff_id, 1, 1)
    }
    page = actor_client(manager).get(reverse("radar:queue") + "?scope=unit").content.decode()
    assert worker.staff.name in page


def test_dismissing_on_the_page_needs_a_reason_and_keeps_what_was_typed(actor_client):
    report, signal = late_report()
    caseworker = member(report.intake_unit)
    client = actor_client(caseworker)
    url = reverse("radar:dismiss", args=[signal.pk])
    form = client.get(url)
    assert form.status_code == 200
    refused = client.post(url, {"reason": "", "form_token": form.context["form_token"]})
    assert refused.status_code == 200
    assert Signal.objects.get(pk=signal.pk).dismissed_at is None
    done = client.post(
        url, {"reason": "Bedömd i telefon.", "form_token": refused.context["form_token"]}
    )
    assert done.status_code == 302
    assert Signal.objects.get(pk=signal.pk).dismissed_reason == "Bedömd i telefon."
    assert queue_for(caseworker).rows == []


def test_log_3_dismissing_another_organisations_signal_is_not_found_and_logged(actor_client):
    report, signal = late_report()
    stranger = member(UnitFactory())
    client = actor_client(stranger)
    assert client.get(reverse("radar:dismiss", args=[signal.pk])).status_code == 404
    assert Entry.objects.filter(
        staff_id=stranger.staff.pk, outcome="denied", object_type="signal"
    ).exists()


def test_the_start_page_counts_the_persons_radar_items(actor_client):
    report, _signal = late_report()
    page = actor_client(member(report.intake_unit)).get(reverse("core:home")).content.decode()
    assert 'id="radar-heading"' in page
    empty = actor_client(member(UnitFactory())).get(reverse("core:home")).content.decode()
    assert 'id="radar-heading"' not in empty
