"""The log follow-up's counts of the days and hours that are over (ReadDay, ADR 0013 amendments,
issue 12): the page shows exactly what a count over the log shows, for a month of counted days,
today's counted hours and the last hour read from the log, and when a child's protection or a
unit's case changes after its days were counted; and the page reads at most a page of the log's
rows for what is counted, however many reads the month and today have, and however deep the
page of the sample."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDate
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from samsyn.access.models import Purpose
from samsyn.access.rules import Decision
from samsyn.audit import selectors, services, tasks
from samsyn.audit.models import ReadDay, SummarisedDay
from samsyn.audit.tests.test_follow_up import _read
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import OrganisationFactory, UnitFactory, make_actor

pytestmark = pytest.mark.django_db

URL = reverse("audit:follow_up")


def _copies(entry_id: int, at: dt.datetime, count: int, **columns) -> None:
    """`count` copies of a read, at `at` and the seconds after, with some columns changed."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_ensure_partition(%s)", [at])
        names = ["child_id", "outcome", "basis", "staff_id", "staff_name"]
        values = [columns.get(name) for name in names]
        cursor.execute(
            """
            INSERT INTO audit_entry (at, user_id, staff_id, staff_name, organisation_id,
                organisation_name, unit_id, unit_name, role, action, outcome, child_id,
                object_type, object_id, purpose, basis, detail)
            SELECT %s + make_interval(secs => n), e.user_id, coalesce(%s, e.staff_id),
                coalesce(%s, e.staff_name), e.organisation_id, e.organisation_name, e.unit_id,
                e.unit_name, e.role, e.action, coalesce(%s, e.outcome),
                coalesce(%s, e.child_id), e.object_type, e.object_id, e.purpose,
                coalesce(%s::jsonb, e.basis), e.detail
            FROM audit_entry e, generate_series(1, %s) n
            WHERE e.id = %s
            """,
            [at, values[3], values[4], values[1], values[0], values[2], count, entry_id],
        )


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


HOURS_OVER = 3


@pytest.fixture
def hours_over(monkeypatch) -> dt.datetime:
    """Today's first three hours are over and counted, whenever the test runs: before the page
    sees them so (04:10), the counts are told they end at 03:00. The start of today."""
    today = selectors._start_of(timezone.localdate())
    page_sees = selectors.counted_until(timezone.now() - selectors.PAGE_LAG)
    if page_sees < today + dt.timedelta(hours=HOURS_OVER):
        until = today + dt.timedelta(hours=HOURS_OVER)
        monkeypatch.setattr(selectors, "counted_until", lambda now=None: until)
    return today


def _direct(actor, month: dt.date):
    """The month's totals and spikes counted from the log row by row, as the page once did."""
    start = selectors.month_start(month)
    end = selectors.month_start(selectors.next_month(month))
    reads = selectors._flagged(selectors._unit_reads(actor, start, end))
    totals = reads.aggregate(
        reads=Count("id"),
        sampled=Count("id", filter=Q(picked=True) | selectors._any_flag()),
        **{flag: Count("id", filter=Q(**{f"f_{flag}": True})) for flag in selectors.FLAGS},
    )
    daily = (
        selectors._unit_reads(actor, start, end)
        .annotate(day=TruncDate("at"))
        .values("staff_id", "day")
        .annotate(reads=Count("id"), staff_name=Max("staff_name"))
        .order_by()
    )
    weeks_before = selectors._start_of(month - dt.timedelta(weeks=selectors.USUAL_WEEKS))
    usual = {
        row["staff_id"]: row["reads"] / row["days"]
        for row in selectors._unit_reads(actor, weeks_before, start)
        .annotate(day=TruncDate("at"))
        .values("staff_id")
        .annotate(reads=Count("id"), days=Count("day", distinct=True))
        .order_by()
    }
    return totals, selectors.spikes(daily, usual)


def _shown(actor, month: dt.date):
    follow = selectors.follow_up_for(actor, month=month)
    totals = {"reads": follow.reads, "sampled": follow.sampled} | follow.flag_counts
    return totals, follow.spikes


@override_settings(SAMSYN_LOG_SPIKE_MIN_READS=20)
def test_log_1_counted_days_and_today_show_what_the_log_shows(hours_over):
    unit = UnitFactory(organisation=OrganisationFactory(kind=Organisation.Kind.SOCIAL_SERVICES))
    caseworker, colleague = make_actor(unit=unit), make_actor(unit=unit)
    manager = make_actor(unit=unit, role=Role.UNIT_MANAGER)
    clients_child, stranger, later_protected = ChildFactory(), ChildFactory(), ChildFactory()
    InvolvementFactory(child=clients_child, unit=unit)
    InvolvementFactory(child=later_protected, unit=unit)
    protected = ChildFactory(protected_identity=True)
    read = _read(caseworker, clients_child)
    refused = services.record_read(
        actor=caseworker, child_id=stranger.pk, obj="child", obj_id=stranger.pk,
        purpose=Purpose.INVESTIGATION, decision=Decision(False, "none", {}),
    )  # fmt: skip
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    # Every day from 8 weeks before last month to today: a few ordinary reads a day by each,
    # and each kind of flagged read; a spike on some days.
    day = last_month - dt.timedelta(weeks=selectors.USUAL_WEEKS)
    # Today: in its first two hours (counted hour by hour) and five minutes ago (from the log).
    while day <= today:
        if day < today:
            moments = [_noon(day)]
        else:
            moments = [hours_over + dt.timedelta(minutes=m) for m in (10, 70)]
            moments.append(timezone.now() - dt.timedelta(minutes=5))
        for at in moments:
            _copies(read, at, 40 if day.day == 10 or day == today else 3)
            _copies(read, at, 2, staff_id=colleague.staff.pk, staff_name=colleague.staff.name)
            _copies(read, at, 1, child_id=stranger.pk)
            _copies(read, at, 1, child_id=protected.pk)
            _copies(read, at, 1, child_id=later_protected.pk)
            _copies(refused, at, 1)
            _copies(read, at, 1, basis='{"basis": "emergency", "relationship": {}}')
        day += dt.timedelta(days=1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_entry")

    # Before the task has run: the days over are counted by the page, today read from the log.
    for month in (last_month, this_month):
        assert _shown(manager, month) == _direct(manager, month)
    assert not SummarisedDay.objects.filter(day=today).exists()
    tasks.summarise_reads.call()
    for month in (last_month, this_month):
        assert _shown(manager, month) == _direct(manager, month)
    assert SummarisedDay.objects.filter(day__gte=last_month).exists()
    assert ReadDay.objects.filter(unit_id=unit.pk, day=last_month).exists()
    counted_today = SummarisedDay.objects.get(day=today)
    assert counted_today.hours_until >= hours_over + dt.timedelta(hours=HOURS_OVER)
    hours = set(ReadDay.objects.filter(day=today).values_list("hour", flat=True))
    assert {hours_over, hours_over + dt.timedelta(hours=1)} <= hours, sorted(hours)

    # A read at the instant the counts end is the log's: counted once, not twice or never.
    _copies(read, selectors.counted_until(), 1)

    # What the flags hang on changes after the days were counted: the page follows.
    later_protected.protected_identity = True
    later_protected.save()
    InvolvementFactory(child=stranger, unit=unit, started_on=last_month)
    for month in (last_month, this_month):
        shown, direct = _shown(manager, month), _direct(manager, month)
        assert shown == direct
        assert direct[1], "the month has spikes"

    # Another share picks other rows: the days are counted again with it, today's hours read
    # from the log until the task counts them again.
    with override_settings(SAMSYN_LOG_SAMPLE_PERCENT=50):
        for month in (last_month, this_month):
            assert _shown(manager, month) == _direct(manager, month)
        tasks.summarise_reads.call()
        assert _shown(manager, this_month) == _direct(manager, this_month)
        assert SummarisedDay.objects.get(day=today).sample_key == selectors.sample_key()


def _log_rows_read() -> int:
    """Rows of the log's partitions read so far in this transaction, by scans of any kind."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT coalesce(sum(coalesce(s.seq_tup_read, 0) + coalesce(s.idx_tup_fetch, 0)), 0)
            FROM pg_stat_xact_user_tables s JOIN pg_inherits i ON i.inhrelid = s.relid
            WHERE i.inhparent = 'audit_entry'::regclass
            """
        )
        return int(cursor.fetchone()[0])


def test_log_1_the_page_reads_a_page_of_the_log_not_the_month(actor_client):
    """10,000 reads on a day that is over: the page reads their counts, not the rows, besides
    the rows it scans for the page of the sample it shows. The old page read every row of the
    month, twice over (its totals, its spikes)."""
    unit = UnitFactory(organisation=OrganisationFactory(kind=Organisation.Kind.SOCIAL_SERVICES))
    caseworker = make_actor(unit=unit)
    client = actor_client(make_actor(unit=unit, role=Role.UNIT_MANAGER))
    clients_child = ChildFactory()
    InvolvementFactory(child=clients_child, unit=unit)
    read = _read(caseworker, clients_child)
    month = selectors.follow_up_months()[1]  # last month: every day of it is over
    _copies(read, _noon(month + dt.timedelta(days=3)), 10_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_entry")
    url = f"{URL}?month={month:%Y-%m}"
    tasks.summarise_reads.call()
    before = _log_rows_read()
    response = client.get(url)
    rows_read = _log_rows_read() - before
    assert response.status_code == 200
    assert selectors.follow_up_for(client.actor, month=month).reads == 10_000
    print(f"\nfollow-up page read {rows_read} rows of the log at 10,000 reads")
    # The sample's first page: its 50 rows are the share's picks, one in 20 of the rows read.
    share = settings.SAMSYN_LOG_SAMPLE_PERCENT / 100
    assert rows_read < 2 * selectors.FOLLOW_UP_PAGE_SIZE / share


def _flagged_copies(read: int, stranger_id: int, start: dt.datetime, count: int) -> None:
    """`count` reads a second apart from `start`, every third of a child the unit has no case
    with (flagged, so in the sample): a sample of a third and a twentieth of the rest."""
    _copies(read, start, count - count // 3)
    _copies(read, start + dt.timedelta(milliseconds=500), count // 3, child_id=stranger_id)


def _sample_page_rows_read(client, url: str) -> int:
    before = _log_rows_read()
    assert client.get(url).status_code == 200, url
    return _log_rows_read() - before


@pytest.mark.parametrize("today", [10, 10_000])
def test_log_1_todays_reads_and_a_deep_page_cost_what_the_first_page_does(
    actor_client, hours_over, today
):
    """Today's reads in hours that are over are counted, not read: at 10 and at 10,000 of them
    the page reads the log's rows of the sample's page it shows, and a page deep in the month's
    sample (after 10,000 reads of last month, or today's) reads what the first does. The old page
    read every read of today on each visit (10,000 rows and more) and its 60th page read and threw
    away 59 pages of the sample (3,000 rows and their flags)."""
    unit = UnitFactory(organisation=OrganisationFactory(kind=Organisation.Kind.SOCIAL_SERVICES))
    caseworker = make_actor(unit=unit)
    client = actor_client(make_actor(unit=unit, role=Role.UNIT_MANAGER))
    clients_child, stranger = ChildFactory(), ChildFactory()
    InvolvementFactory(child=clients_child, unit=unit)
    read = _read(caseworker, clients_child)
    this_month, last_month = selectors.follow_up_months()[:2]
    _flagged_copies(read, stranger.pk, _noon(last_month + dt.timedelta(days=3)), 10_000)
    # In today's first hours, over (10,000 seconds: 2 h 47 min).
    _flagged_copies(read, stranger.pk, hours_over, today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE audit_entry")
    tasks.summarise_reads.call()

    measured = {}
    for month in (last_month, this_month):
        sample = list(
            selectors._sample(client.actor, month).order_by("at", "id").values_list("at", "id")
        )
        deep = 60 * selectors.FOLLOW_UP_PAGE_SIZE - 1  # the last row of the 60th page
        url = f"{URL}?month={month:%Y-%m}"
        measured[f"{month:%Y-%m} first page"] = _sample_page_rows_read(client, url)
        if len(sample) > deep + 1:
            after = selectors.Cursor(*sample[deep]).encode()
            measured[f"{month:%Y-%m} page 61"] = _sample_page_rows_read(
                client, f"{url}&after={after}"
            )
            shown = selectors.follow_up_for(
                client.actor, month=month, after=selectors.Cursor(*sample[deep])
            )
            assert [row.id for row in shown.rows] == [
                entry_id for _, entry_id in sample[deep + 1 : deep + 1 + len(shown.rows)]
            ]
    # Today's copies and the read they were copied from.
    assert selectors.follow_up_for(client.actor, month=this_month).reads == today + 1
    print(f"\nlog rows read at {today:,} reads today: {measured}")
    # Where these pages are, every other read is in the sample: 50 rows shown, some 100 read.
    assert max(measured.values()) < 4 * selectors.FOLLOW_UP_PAGE_SIZE


def test_counts_follow_the_logs_retention_and_are_made_again():
    """ReadDay is derived data: the days before the log's oldest month go with the log (ADR
    0014), and a day emptied or never counted is counted again from the log."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT audit_ensure_partition(now())")
    old, kept = dt.date(2001, 1, 5), timezone.localdate() - dt.timedelta(days=1)
    for day in (old, kept):
        SummarisedDay.objects.create(day=day, sample_key="another share")
        ReadDay.objects.create(
            day=day, organisation_id=1, unit_id=1, staff_id=1, staff_name="x", child_id=1,
            reads=1, allowed=1, emergency=0, refused=0, row_sampled=0,
        )  # fmt: skip
    tasks.summarise_reads.call()
    assert not ReadDay.objects.filter(day=old).exists()
    assert not SummarisedDay.objects.filter(day=old).exists()
    # Counted with another key: counted again, from a log with no reads that day.
    assert not ReadDay.objects.filter(day=kept).exists()
    assert SummarisedDay.objects.get(day=kept).sample_key == selectors.sample_key()


def test_the_task_runs_again_when_the_next_hour_may_be_counted():
    """Counted until 15:00 at 16:20 (the grace an hour): the next hour may be counted at 17:00."""
    stockholm = timezone.get_default_timezone()
    now = dt.datetime(2026, 12, 3, 16, 20, tzinfo=stockholm)
    assert selectors.counted_until(now) == dt.datetime(2026, 12, 3, 15, tzinfo=stockholm)
    assert tasks.until_next_hour(now) == dt.timedelta(minutes=41)
