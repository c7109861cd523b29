"""The child's timeline (issue 11, points 6 and 7): every contact, report of concern, SIP with its
meetings and plan versions, consultation, admission with its notices, and radar signal on one
list, newest first, each with its organisation — and never a record the viewer may not read."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.access import rules
from samsyn.access.models import Purpose
from samsyn.accounts import token_services
from samsyn.audit.models import Entry
from samsyn.children import timeline
from samsyn.children.models import Child, Involvement
from samsyn.children.selectors import opened_child, timeline_for
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.children.tests.helpers import County, ago, signal, timeline_county
from samsyn.concerns.models import Report
from samsyn.consent.models import Consent
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import (
    MembershipFactory,
    UnitFactory,
    actor_of,
)
from samsyn.plans.models import PlanVersion
from samsyn.plans.tests.factories import HandoverFactory, PlanItemFactory
from samsyn.radar.models import Signal

pytestmark = pytest.mark.django_db


@pytest.fixture
def county() -> County:
    return timeline_county()


def shown(actor, child, purpose) -> dict[str, list[int]]:
    timeline_for(actor, child, purpose=purpose)
    entry = Entry.objects.filter(object_type="timeline", staff_id=actor.staff.pk).latest("id")
    return {kind: sorted(ids) for kind, ids in entry.detail["entries"].items()}


def test_the_timeline_shows_every_kind_the_viewer_may_read_and_nothing_else(county):
    """Point 7: the same child, several organisations; each sees only its own and what a
    ground gives it — for the purpose the ground names: the guardians' consent and the notice's
    legal ground are for planning, so reading for an investigation, BUP's records close."""
    caseworker = actor_of(county.social)
    assert shown(caseworker, county.child, Purpose.PLANNING) == county.seen
    for_investigation = shown(caseworker, county.child, Purpose.INVESTIGATION)
    assert set(county.seen) - set(for_investigation) == {
        "sip", "sip_meeting", "plan_version", "admission", "discharge_notice",
    }  # fmt: skip
    assert len(for_investigation["contact"]) == 1


def test_sek_4_a_record_the_viewer_may_not_read_never_reaches_the_timeline(county):
    for purpose in Purpose.values:
        entries = shown(actor_of(county.social), county.child, purpose)
        for kind, ids in county.hidden.items():
            assert not set(ids) & set(entries.get(kind, [])), (purpose, kind)


def test_the_other_organisation_sees_its_own_and_not_social_services(county):
    clinician = actor_of(county.bup_ward)
    entries = shown(clinician, county.child, Purpose.PLANNING)
    assert set(entries["admission"]) == set(county.seen["admission"] + county.hidden["admission"])
    assert entries["signal"] == county.hidden["signal"]
    assert "report" not in entries
    assert "investigation" not in entries
    assert "consultation" not in entries


def test_sek_4_restrict_for_one_child_reads_exactly_what_the_general_rule_reads(county):
    """The timeline's sources are restricted for one child (`rules.about_one_child`, issue 12):
    for each viewer, purpose and kind, the same records as `restrict` without the scope, the
    records of other organisations and of no ground included."""
    for membership in (county.social, county.bup_ward):
        actor = actor_of(membership)
        for purpose in Purpose.values:
            for source in timeline.sources():
                general = set(source.rows(actor, county.child, purpose))
                with rules.about_one_child(actor, county.child.pk):
                    one = set(source.rows(actor, county.child, purpose))
                assert one == general, (membership.role, purpose, source.name)


def test_restrict_for_one_child_reads_no_other_child(county):
    other = ChildFactory()
    InvolvementFactory(child=other, unit=county.social.unit)
    actor = actor_of(county.social)
    with rules.about_one_child(actor, county.child.pk):
        children = rules.restrict(actor, Child.objects.all(), purpose=Purpose.PLANNING)
        reports = rules.restrict(
            actor, Report.objects.filter(child=other), purpose=Purpose.PLANNING
        )
        assert list(children.values_list("pk", flat=True)) == [county.child.pk]
        assert not reports.exists()
    assert other.pk in rules.restrict(
        actor, Child.objects.all(), purpose=Purpose.PLANNING
    ).values_list("pk", flat=True)


def test_a_withdrawn_consent_takes_the_sip_off_the_timeline_at_once(county):
    Consent.objects.filter(child=county.child).update(withdrawn_at=timezone.now())
    entries = shown(actor_of(county.social), county.child, Purpose.PLANNING)
    assert {"sip", "sip_meeting", "plan_version"}.isdisjoint(entries)


def test_the_page_lists_newest_first_with_the_organisation_and_audits_the_page(
    county, actor_client
):
    viewer = actor_of(county.social)
    client = actor_client(viewer)
    url = reverse("children:detail", args=[county.child.pk])
    page = client.get(url, {"purpose": Purpose.PLANNING})
    assert page.status_code == 200
    entries = page.context["timeline"].object_list
    moments = [_moment(e.at) for e in entries]
    assert moments == sorted(moments, reverse=True)
    html = page.content.decode()
    assert "BUP heldygnsvård" in html
    assert reverse("concerns:intake_report", args=county.seen["report"]) in html
    assert reverse("concerns:intake_report", args=county.hidden["report"]) not in html
    # The page is one read of the child: its own row names the timeline's entries, and no
    # row of the timeline's own is written (docs/adr/0016).
    rows = Entry.objects.filter(staff_id=viewer.staff.pk, child_id=county.child.pk)
    row = rows.get(object_type="child")
    assert row.purpose == Purpose.PLANNING
    shown = {kind: sorted(ids) for kind, ids in row.detail["timeline"]["entries"].items()}
    assert shown == county.seen
    assert not rows.filter(object_type="timeline").exists()


def _moment(at) -> datetime.datetime:
    if isinstance(at, datetime.datetime):
        return at
    return datetime.datetime.combine(at, datetime.time(), tzinfo=datetime.UTC)


def test_the_timeline_is_paginated(county):
    caseworker = actor_of(county.social)
    unit = county.social.unit
    for _ in range(30):
        InvolvementFactory(child=county.child, unit=UnitFactory(organisation=unit.organisation))
    first = timeline_for(caseworker, county.child, purpose=Purpose.PLANNING)
    assert len(first.object_list) == 25
    second = timeline_for(caseworker, county.child, purpose=Purpose.PLANNING, page=2)
    assert second.number == 2
    assert second.paginator.count == first.paginator.count


def _grow(county: County, n: int) -> None:
    """n more rows on the child's timeline, in bulk: reports to the unit's intake, signals of
    its organisation and contacts of its units, a third each, all older than the rest, so the
    first page shows the same kinds of record at any size."""
    long_ago = ago(1000)
    report = Report.objects.get(pk=county.seen["report"][0])
    fields = {
        f.attname: getattr(report, f.attname)
        for f in Report._meta.concrete_fields
        if not f.primary_key
    }
    fields["received_at"] = long_ago
    Report.objects.bulk_create(Report(**fields) for _ in range(n // 3))
    own = Signal.objects.get(pk=county.seen["signal"][0])
    Signal.objects.bulk_create(
        Signal(
            rule_id=own.rule_id,
            child_id=own.child_id,
            subject_type=own.subject_type,
            subject_id=10**9 + index,
            organisation_id=own.organisation_id,
            unit_id=own.unit_id,
            due_on=own.due_on,
            found_at=long_ago,
        )  # fmt: skip
        for index in range(1, n // 3 + 1)
    )
    unit = county.social.unit
    Involvement.objects.bulk_create(
        Involvement(child=county.child, unit=unit, started_on=long_ago.date())
        for _ in range(n - 2 * (n // 3))
    )


def _queries(client, url: str) -> int:
    # Once unmeasured: the first audit row of a process checks its month's partition.
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_child_page_with_its_timeline_query_counts_at_10_and_10000(county, actor_client):
    """DESIGN invariant 7: the child's page with its timeline makes as many queries with a dozen
    rows on the timeline as with 10,000 more (every kind present, three of them grown)."""
    client = actor_client(actor_of(county.social))
    url = reverse("children:detail", args=[county.child.pk]) + f"?purpose={Purpose.PLANNING}"
    counts = []
    # The county's own dozen first (one or two of every kind), then 10,000 more.
    for n in (0, 10_000):
        _grow(county, n)
        counts.append(_queries(client, url))
        entries = client.get(url).context["timeline"]
        print(f"\nchild page with {entries.paginator.count} on the timeline: {counts[-1]} queries")
    assert counts[0] == counts[1], counts
    # The last page, deep in the OFFSET, costs no more.
    assert _queries(client, url + f"&page={entries.paginator.num_pages}") <= counts[0]


def test_the_timeline_over_the_api_is_the_pages_and_a_stranger_gets_404(county):
    def client(membership) -> Client:
        _, secret = token_services.create_token(actor=actor_of(membership), name="script", days=30)
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    url = f"/api/children/{county.child.pk}/timeline"
    body = client(county.social).get(url, {"purpose": Purpose.PLANNING}).json()
    sources: dict[str, set[str]] = {}
    for item in body["items"]:
        sources.setdefault(item["source"], set()).add(item["title"])
    assert set(sources) == set(county.seen)
    assert body["count"] == sum(len(ids) for ids in county.seen.values())
    row = Entry.objects.filter(object_type="timeline").latest("id")
    assert {k: sorted(v) for k, v in row.detail["entries"].items()} == county.seen
    stranger = MembershipFactory(unit=UnitFactory(), role=Role.CASEWORKER)
    assert client(stranger).get(url).status_code == 404
    assert Entry.objects.filter(
        staff_id=stranger.staff_id, outcome="denied", object_type="timeline"
    ).exists()


# Issue 12: the page, described, is one SQL expression. What it gives is checked against the
# sources read one by one, as the timeline read them before: each source's rows through the
# general `restrict` (no one-child scope), ordered and paged in Python, and each entry described
# from its record loaded by the ORM.

PAGES_ASKED = (1, 2, 3, 99, 0, -1, "x", "", None, "2.0")


def _reference(actor, child, purpose) -> list[tuple]:
    """Every entry's source, id and moment, in the timeline's order."""
    return sorted(
        (
            (source.name, pk, at)
            for source in timeline.sources()
            for _name, pk, at in source.rows(actor, child, purpose)
        ),
        key=lambda row: (-row[2].timestamp(), row[0], -row[1]),
    )


def _reference_page(actor, listed: list[tuple], page) -> tuple[int, list[tuple], dict]:
    """The page's number (`Paginator.get_page`'s past the end; the first for no number), its
    entries described from records the ORM loaded, and its ids by source."""
    try:
        number = max(1, int(str(page)))
    except ValueError:
        number = 1
    number = min(number, max(1, -(-len(listed) // 25)))
    entries = []
    by_source: dict[str, list[int]] = {}
    for name, pk, _at in listed[(number - 1) * 25 : number * 25]:
        source = timeline.source(name)
        record = source.records().get(pk=pk)
        entries.append(_fields(dataclasses.replace(source.describe(actor, record), source=name)))
        by_source.setdefault(name, []).append(pk)
    return number, entries, by_source


def _fields(entry: timeline.Entry) -> tuple:
    return (
        entry.source, entry.kind, entry.title, entry.organisation, entry.url, entry.detail,
        entry.at,
    )  # fmt: skip


def _busier(county: County) -> set[str]:
    """Two pages and a bit, and the radar's subjects whose page needs another record (a plan
    item's and a handover's SIP, an admission's organisation), each kind on the page."""
    unit = county.social.unit
    social_org = unit.organisation
    version = PlanVersion.objects.get(pk=county.seen["plan_version"][0])
    item = PlanItemFactory(version=version)
    handover = HandoverFactory(case=version.case)
    admission = county.seen["admission"][0]
    for subject, subject_id, days in (
        (Signal.Subject.PLAN_ITEM, item.pk, 2),
        (Signal.Subject.HANDOVER, handover.pk, 6),
        (Signal.Subject.ADMISSION, admission, 7),
    ):
        signal(county.child, social_org, unit, subject=subject, subject_id=subject_id, days=days)
    for index in range(40):
        InvolvementFactory(
            child=county.child, unit=UnitFactory(organisation=social_org),
            started_on=timezone.localdate() - datetime.timedelta(days=500 + index),
            ended_on=timezone.localdate() - datetime.timedelta(days=index) if index % 2 else None,
        )  # fmt: skip
    return {
        reverse("plans:plan_versions", args=[version.case_id]),
        reverse("plans:detail", args=[version.case_id]),
        reverse("discharge:received_admission", args=[admission]),
    }


def test_the_timeline_read_in_one_statement_gives_what_the_sources_read_one_by_one(county):
    """Every page, and pages past the last (the last) or no page (the first), for each viewer
    and purpose: the same entries in the same order, the same count, and the audit row naming
    the page's number and its ids by source, the other organisations' records left out."""
    subjects = _busier(county)
    for membership in (county.social, county.bup_ward):
        actor = actor_of(membership)
        for purpose in (Purpose.PLANNING, Purpose.INVESTIGATION):
            listed = _reference(actor, county.child, purpose)
            for asked in PAGES_ASKED:
                number, entries, ids = _reference_page(actor, listed, asked)
                page = timeline_for(actor, county.child, purpose=purpose, page=asked)
                where = (membership.role, purpose, asked)
                assert [_fields(e) for e in page.object_list] == entries, where
                assert (page.paginator.count, page.number) == (len(listed), number), where
                row = Entry.objects.filter(object_type="timeline").latest("id")
                assert row.detail == {"page": number, "entries": ids}, where
    social = actor_of(county.social)
    shown = [
        entry
        for number in (1, 2, 3)
        for entry in timeline_for(
            social, county.child, purpose=Purpose.PLANNING, page=number
        ).object_list
    ]
    assert {entry.source for entry in shown} == set(county.seen), "each kind on three pages"
    # Where the radar's signals lead, read with them: the SIP of a plan item or a handover,
    # and the admission's page for the organisation notified of it, not the inpatient's.
    urls = {entry.url for entry in shown if entry.source == "signal"}
    assert urls >= subjects


def test_the_timeline_over_the_api_is_one_statement(county):
    """Issue 12: the page, counted and described, whatever kinds it holds, is one SELECT (and
    the audit row's INSERT)."""
    _busier(county)
    # As a request's actor: the child opened first, its relationships kept for the request.
    actor = dataclasses.replace(actor_of(county.social), memo={})
    opened_child(actor, child_id=county.child.pk, purpose=Purpose.PLANNING, obj="timeline")
    timeline_for(actor, county.child, purpose=Purpose.PLANNING)  # the month's partition, once
    for asked in (1, 2, 99):
        with CaptureQueriesContext(connection) as queries:
            page = timeline_for(actor, county.child, purpose=Purpose.PLANNING, page=asked)
        assert asked != 1 or len({entry.source for entry in page.object_list}) > 3
        selects = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
        assert len(selects) == 1, selects


def test_the_child_page_reads_its_timeline_with_its_guardians(county, actor_client):
    """Issue 12: on the child's page the timeline costs no statement of its own: the statement
    that reads the guardianships and involvements selects the page, described, as one column."""
    _busier(county)
    client = actor_client(actor_of(county.social))
    url = reverse("children:detail", args=[county.child.pk]) + f"?purpose={Purpose.PLANNING}"
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url + "&page=99")
    assert response.context["timeline"].number == 3
    reads = [q["sql"] for q in queries if "timeline_rows" in q["sql"]]
    assert len(reads) == 1, reads
    assert "guardianship_rows" in reads[0]
