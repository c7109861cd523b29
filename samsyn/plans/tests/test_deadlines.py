"""Deadlines as data (DESIGN invariant 4, DOMAIN SIP-5): due dates from the DeadlineRule rows and
the plan, Swedish working days, lateness as one SQL query, and who sees which overdue SIP."""

from __future__ import annotations

import datetime
import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from samsyn.children.tests.factories import InvolvementFactory
from samsyn.common import dates
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import make_actor
from samsyn.plans.models import Case, DeadlineRule
from samsyn.plans.selectors import deadlines
from samsyn.plans.tests.factories import CaseFactory, MeetingFactory, PlanVersionFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)  # a Tuesday with no holiday near


def at(day: date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=ZoneInfo("Europe/Stockholm"))


def late(case: Case, *, today: date = TODAY) -> Case:
    return deadlines.annotate_deadlines(Case.objects.filter(pk=case.pk), today=today).get()


def overdue_ids(*, today: date = TODAY) -> set[int]:
    overdue = deadlines.overdue_cases(Case.objects.all(), today=today)
    return set(overdue.values_list("pk", flat=True))


# ---------------------------------------------------------------------------- the rules as data


def test_sip_5_rules_seeded_first_contact_3_days_first_meeting_21_days():
    rules = deadlines.deadline_rules()
    assert (rules["first_contact"].days, rules["first_meeting"].days) == (3, 21)
    assert "10 kap. 8 §" in rules["first_contact"].reference


def test_sip_5_first_contact_late_after_3_days():
    on_time = CaseFactory(proposed_at=at(TODAY - timedelta(days=3)))
    overdue = CaseFactory(proposed_at=at(TODAY - timedelta(days=4)))
    contacted = CaseFactory(
        proposed_at=at(TODAY - timedelta(days=4)), first_contact_at=at(TODAY - timedelta(days=1))
    )
    assert not late(on_time).late_first_contact
    assert late(overdue).late_first_contact
    assert not late(contacted).late_first_contact


def test_sip_5_first_meeting_late_after_21_days_unless_held():
    contact = {"first_contact_at": at(TODAY - timedelta(days=30))}
    on_time = CaseFactory(proposed_at=at(TODAY - timedelta(days=21)), **contact)
    overdue = CaseFactory(proposed_at=at(TODAY - timedelta(days=22)), **contact)
    held = CaseFactory(proposed_at=at(TODAY - timedelta(days=40)), **contact)
    cancelled = CaseFactory(proposed_at=at(TODAY - timedelta(days=40)), **contact)
    for case, traits in ((held, {}), (cancelled, {"cancelled": True})):
        MeetingFactory(
            case=case, starts_at=timezone.now() - timedelta(days=2), booked_by=case.initiated_by,
            **traits,
        )  # fmt: skip
    assert not late(on_time).late_first_meeting
    assert late(overdue).late_first_meeting
    assert not late(held).late_first_meeting
    assert late(cancelled).late_first_meeting
    assert overdue_ids() == {overdue.pk, cancelled.pk}


def test_sip_5_a_changed_rule_applies_at_once():
    case = CaseFactory(proposed_at=at(TODAY - timedelta(days=4)))
    assert case.pk in overdue_ids()
    DeadlineRule.objects.filter(code="first_contact").update(days=5)
    DeadlineRule.objects.filter(code="first_meeting").update(days=30)
    assert case.pk not in overdue_ids()


def test_sip_5_a_closed_sip_is_never_overdue():
    case = CaseFactory(proposed_at=at(TODAY - timedelta(days=60)), status=Case.Status.CLOSED)
    assert overdue_ids() == set()
    assert not any(step.overdue for step in deadlines.case_steps(case, today=TODAY))


def test_sip_5_follow_up_late_after_the_plans_date_until_a_new_version_is_finalised():
    case = CaseFactory(
        proposed_at=at(TODAY - timedelta(days=200)),
        first_contact_at=at(TODAY - timedelta(days=199)),
    )
    MeetingFactory(
        case=case, starts_at=at(TODAY - timedelta(days=190)), booked_by=case.initiated_by
    )
    PlanVersionFactory(
        case=case, number=1, final=True, follow_up_on=TODAY - timedelta(days=1),
        finalised_at=at(TODAY - timedelta(days=180)),
    )  # fmt: skip
    assert late(case).late_follow_up
    assert overdue_ids() == {case.pk}
    steps = deadlines.case_steps(case, today=TODAY)
    assert [s.overdue for s in steps] == [False, False, True]
    assert steps[2].days_late == 1
    PlanVersionFactory(
        case=case, number=2, final=True, follow_up_on=TODAY + timedelta(days=180),
        finalised_at=at(TODAY),
    )  # fmt: skip
    assert not late(case).late_follow_up
    steps = deadlines.case_steps(case, today=TODAY)
    assert steps[2].done
    assert steps[2].days_late == 1  # followed up, a day late
    assert not steps[3].done
    assert not steps[3].overdue


def test_sip_5_overdue_is_one_query_whatever_the_number_of_sips():
    rules = deadlines.deadline_rules()
    for n in range(30):
        CaseFactory(proposed_at=at(TODAY - timedelta(days=n)))
    with CaptureQueriesContext(connection) as queries:
        count = deadlines.overdue_cases(Case.objects.all(), today=TODAY, rules=rules).count()
    assert count == 26  # proposed 4 days ago or earlier
    assert len(queries) == 1


# ---------------------------------------------------------------------------- working days


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Midsommar: Friday 19 June 2026 is midsommarafton, Saturday midsommardagen.
        (date(2026, 6, 18), 1, date(2026, 6, 22)),
        (date(2026, 6, 17), 3, date(2026, 6, 23)),
        # Jul: julafton Thursday, juldagen Friday, annandag jul Saturday.
        (date(2026, 12, 23), 1, date(2026, 12, 28)),
        # Nyår: nyårsafton Thursday, nyårsdagen Friday.
        (date(2026, 12, 30), 1, date(2027, 1, 4)),
        # Påsk: långfredagen 3 April, annandag påsk 6 April 2026.
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        (date(2026, 4, 2), 3, date(2026, 4, 9)),
        # An ordinary week: Friday + 3 working days is Wednesday.
        (date(2026, 3, 6), 3, date(2026, 3, 11)),
        # Zero days from a Saturday moves to Monday.
        (date(2026, 3, 7), 0, date(2026, 3, 9)),
    ],
)
def test_sip_5_working_days_follow_the_swedish_calendar(start, days, due):
    assert dates.due_date(start, days, working_days=True) == due


def test_sip_5_calendar_days_count_every_day():
    assert dates.due_date(date(2026, 12, 21), 3, working_days=False) == date(2026, 12, 24)


def test_sip_5_holidays():
    for day in (date(2026, 6, 19), date(2026, 6, 20), date(2026, 12, 24), date(2026, 12, 25),
                date(2026, 12, 31), date(2027, 1, 1), date(2026, 4, 3), date(2026, 4, 6),
                date(2026, 5, 14), date(2026, 6, 6)):  # fmt: skip
        assert not dates.is_working_day(day), day
    assert dates.is_working_day(date(2026, 6, 18))
    assert dates.is_working_day(date(2026, 4, 7))


@pytest.mark.parametrize("days", [0, 1, 3, 10, 21])
def test_sip_5_cutoff_agrees_with_due_dates(days):
    """One cutoff per request answers "late?" for every proposal date exactly as the due date
    would: checked for every today and start around påsk, midsommar and jul."""
    for first in (date(2026, 3, 20), date(2026, 6, 1), date(2026, 12, 10)):
        for offset in range(0, 40):
            today = first + timedelta(days=offset)
            limit = dates.cutoff(today, days, working_days=True)
            for back in range(0, 50):
                start = today - timedelta(days=back)
                is_late = dates.due_date(start, days, working_days=True) < today
                assert (start < limit) == is_late, (today, start, days)


def test_sip_5_working_day_rule_in_sql():
    DeadlineRule.objects.filter(code="first_contact").update(days=3, working_days=True)
    case = CaseFactory(proposed_at=at(date(2026, 4, 2)))  # due Thursday 9 April, after påsk
    assert not late(case, today=date(2026, 4, 9)).late_first_contact
    assert late(case, today=date(2026, 4, 10)).late_first_contact


# ---------------------------------------------------------------------------- on the SIP's page


def test_sip_5_case_section_shows_due_dates_rules_and_references():
    case = CaseFactory(proposed_at=timezone.now() - timedelta(days=30))
    html = Template('{% include "plans/deadlines/_case_section.html" %}').render(
        Context({"case": case})
    )
    rules = deadlines.deadline_rules()
    assert rules["first_contact"].reference in html
    assert rules["first_meeting"].reference in html
    due = dates.due_date(dates.local_date(case.proposed_at), 3, working_days=False).isoformat()
    assert due in html
    days_late = (timezone.localdate() - date.fromisoformat(due)).days
    assert (
        ngettext("Overdue by %(days)s day", "Overdue by %(days)s days", days_late)
        % {"days": days_late}
        in html
    )


# ---------------------------------------------------------------------------- who sees which


@pytest.fixture
def unit_setting():
    caseworker = make_actor()
    colleague = make_actor(unit=caseworker.unit)
    manager = make_actor(unit=caseworker.unit, role=Role.UNIT_MANAGER)
    outsider = make_actor(unit__organisation__kind=Organisation.Kind.SOCIAL_SERVICES)
    long_ago = timezone.now() - timedelta(days=40)

    def sip(actor, proposed_at=long_ago):
        case = CaseFactory(
            initiated_by=actor.staff, initiating_organisation=actor.organisation,
            proposed_at=proposed_at,
        )  # fmt: skip
        InvolvementFactory(child=case.child, unit=actor.unit)
        return case

    return {
        "caseworker": caseworker, "colleague": colleague, "manager": manager,
        "outsider": outsider, "own": sip(caseworker), "colleagues": sip(colleague),
        "on_time": sip(caseworker, proposed_at=timezone.now()),
    }  # fmt: skip


def test_sip_5_caseworker_sees_only_own_overdue_sips(actor_client, unit_setting):
    s = unit_setting
    assert deadlines.overdue_count(s["caseworker"]) == 1
    response = actor_client(s["caseworker"]).get(reverse("plans:overdue"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.case for row in rows] == [s["own"]]
    names = {step.name for step in rows[0].late}
    assert names == {gettext("first contact"), gettext("first SIP meeting")}
    assert rows[0].late[0].days_late > 30
    assert s["own"].child.last_name in response.content.decode()


def test_sip_5_unit_manager_sees_the_organisations_overdue_sips(actor_client, unit_setting):
    s = unit_setting
    assert deadlines.overdue_count(s["manager"]) == 2
    response = actor_client(s["manager"]).get(reverse("plans:overdue"))
    rows = response.context["rows"]
    assert {row.case for row in rows} == {s["own"], s["colleagues"]}


def _sip_of_another_unit(s):
    """A SIP the organisation initiated from another of its units: the manager answers for its
    lateness but has no relationship with its child (oversight is of the manager's own unit)."""
    elsewhere = make_actor(unit__organisation=s["manager"].organisation)
    case = CaseFactory(
        initiated_by=elsewhere.staff, initiating_organisation=elsewhere.organisation,
        proposed_at=timezone.now() - timedelta(days=40),
    )  # fmt: skip
    InvolvementFactory(child=case.child, unit=elsewhere.unit)
    return case


def test_sip_5_manager_oversees_the_child_of_a_case_assigned_to_a_caseworker(
    actor_client, unit_setting
):
    s = unit_setting
    # The unit's involvement names one caseworker: the manager still answers for it (oversight).
    s["own"].child.involvements.update(staff=s["caseworker"].staff)
    response = actor_client(s["manager"]).get(reverse("plans:overdue"))
    rows = {row.case: row for row in response.context["rows"]}
    assert rows[s["own"]].child_visible is True
    assert s["own"].child.last_name in response.content.decode()


def test_sip_5_manager_without_a_relationship_sees_the_sip_but_not_the_child(
    actor_client, unit_setting
):
    s = unit_setting
    elsewhere = _sip_of_another_unit(s)
    response = actor_client(s["manager"]).get(reverse("plans:overdue"))
    rows = {row.case: row for row in response.context["rows"]}
    assert rows[elsewhere].child_visible is False
    assert elsewhere.child.last_name not in response.content.decode()


def test_sip_5_overdue_list_links_each_sip_its_reader_may_open(actor_client, unit_setting):
    s = unit_setting
    s["own"].child.involvements.update(staff=s["caseworker"].staff)  # overseen by the manager
    _sip_of_another_unit(s)  # closed to the manager
    for reader, expected in (
        (s["manager"], [s["own"], s["colleagues"]]),
        (s["caseworker"], [s["own"]]),
    ):
        client = actor_client(reader)
        page = client.get(reverse("plans:overdue")).content.decode()
        table = page.split("<tbody>")[1].split("</tbody>")[0]
        links = re.findall(r'href="([^"]+)"', table)
        # Only where it leads somewhere: the SIP the manager may not open has no link.
        assert sorted(links) == sorted(reverse("plans:detail", args=[c.pk]) for c in expected)
        assert all(client.get(link).status_code == 200 for link in links)


def test_sip_5_another_organisation_sees_none(actor_client, unit_setting):
    s = unit_setting
    assert deadlines.overdue_count(s["outsider"]) == 0
    response = actor_client(s["outsider"]).get(reverse("plans:overdue"))
    assert response.context["rows"] == []
    assert gettext("No SIP is overdue.") in response.content.decode()


def test_sip_5_overdue_page_makes_a_bounded_number_of_queries(actor_client):
    caseworker = make_actor()
    client = actor_client(caseworker)
    url = reverse("plans:overdue")
    long_ago = timezone.now() - timedelta(days=40)

    def add(n):
        # One open SIP per child (SIP-9): each SIP is another child's.
        children = [InvolvementFactory(unit=caseworker.unit).child for _ in range(n)]
        Case.objects.bulk_create(
            Case(child=child, reason="r", proposed_at=long_ago, initiated_by=caseworker.staff,
                 initiating_organisation=caseworker.organisation, coordinator=caseworker.staff,
                 coordinator_organisation=caseworker.organisation)
            for child in children
        )  # fmt: skip

    counts = []
    for n in (10, 190):
        add(n)
        client.get(url)  # warm: session, caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert response.context["page"].paginator.count == 200
    assert counts[0] == counts[1], counts
