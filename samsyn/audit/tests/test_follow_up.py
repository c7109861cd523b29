"""Log follow-up (logguppföljning, DOMAIN LOG-1, LOG-2): each unit's monthly sample of reads —
a stable share and every flagged read — the days a person read far more than they usually do,
and the review recorded and logged."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.access.models import Purpose
from samsyn.access.rules import Decision
from samsyn.audit import selectors, services
from samsyn.audit.models import Entry, LogReview
from samsyn.children import selectors as children
from samsyn.children import services as children_services
from samsyn.children.identity import parse_identity_number
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import OrganisationFactory, UnitFactory, make_actor

pytestmark = pytest.mark.django_db

URL = reverse("audit:follow_up")


@pytest.fixture
def unit():
    return UnitFactory(organisation=OrganisationFactory(kind=Organisation.Kind.SOCIAL_SERVICES))


@pytest.fixture
def caseworker(unit):
    return make_actor(unit=unit)


@pytest.fixture
def manager(unit):
    return make_actor(unit=unit, role=Role.UNIT_MANAGER)


@pytest.fixture
def client_child(unit):
    """A child the unit has as client."""
    child = ChildFactory()
    InvolvementFactory(child=child, unit=unit)
    return child


def _read(actor, child, basis="involvement", **detail):
    return services.record_read(
        actor=actor, child_id=child.pk, obj="child", obj_id=child.pk,
        purpose=Purpose.INVESTIGATION, decision=Decision(True, basis, detail),
    )  # fmt: skip


def _this_month():
    return timezone.localdate().replace(day=1)


def _flags(follow, entry_id):
    return next(read.flags for read in follow.rows if read.id == entry_id)


def test_log_1_the_sample_takes_every_flagged_read_and_a_stable_share(
    unit, caseworker, manager, client_child
):
    ordinary = {_read(caseworker, client_child) for _ in range(200)}
    protected = ChildFactory(protected_identity=True)
    InvolvementFactory(child=protected, unit=unit)
    flagged = {
        "emergency": _read(caseworker, client_child, "emergency", emergency_access_id=1),
        "protected_identity": _read(caseworker, protected),
        "no_open_case": _read(caseworker, ChildFactory()),
        "refused": services.record_denied(
            actor=caseworker, child_id=client_child.pk, obj="child", obj_id=client_child.pk,
            purpose=Purpose.INVESTIGATION,
        ),
    }  # fmt: skip

    sampled, flagged_ids = selectors.sample_ids(manager, month=_this_month())

    assert set(flagged_ids) == set(flagged.values())
    picked = set(sampled) & ordinary
    # 5 % of 200 by the setting: some, far from all.
    assert 0 < len(picked) < 40
    # Stable: the same rows on every visit.
    assert selectors.sample_ids(manager, month=_this_month()) == (sampled, flagged_ids)
    follow = selectors.follow_up_for(manager, month=_this_month())
    assert (follow.reads, follow.sampled) == (204, len(sampled))
    assert follow.flag_counts == {flag: 1 for flag in selectors.FLAGS}
    for flag, entry_id in flagged.items():
        assert str(selectors.FLAGS[flag]) in _flags(follow, entry_id)


def test_log_1_the_sample_is_the_units_own_and_the_months(unit, manager, client_child):
    elsewhere = make_actor(unit=UnitFactory(organisation=unit.organisation))
    InvolvementFactory(child=client_child, unit=elsewhere.unit)
    _read(elsewhere, client_child, "emergency", emergency_access_id=1)
    assert selectors.follow_up_for(manager, month=_this_month()).reads == 0
    _read(make_actor(unit=unit), client_child)
    last_month = (_this_month() - dt.timedelta(days=1)).replace(day=1)
    assert selectors.follow_up_for(manager, month=last_month).reads == 0
    assert selectors.follow_up_for(manager, month=_this_month()).reads == 1


@override_settings(SAMSYN_LOG_SAMPLE_PERCENT=0)
def test_log_2_every_read_under_emergency_access_is_in_the_sample(unit, manager):
    # The real way in: another unit's client, opened by emergency access and read.
    child = ChildFactory()
    InvolvementFactory(child=child, unit=UnitFactory(organisation=unit.organisation))
    caseworker = make_actor(unit=unit)
    children_services.start_emergency_access(
        actor=caseworker, identity_number=parse_identity_number(child.identity_number),
        reason="Akut: barnet på akuten.",
    )  # fmt: skip
    children.child_for(caseworker, child_id=child.pk, purpose=Purpose.INVESTIGATION)
    read = Entry.objects.get(action="read", child_id=child.pk)

    follow = selectors.follow_up_for(manager, month=_this_month())

    assert [row.id for row in follow.rows] == [read.id]  # no share: only what is flagged
    assert str(selectors.FLAGS["emergency"]) in follow.rows[0].flags


def test_log_1_a_spike_is_measured_against_the_persons_own_usual():
    day = dt.date(2026, 11, 17)
    daily = [
        {"staff_id": 1, "staff_name": "Usually ten", "day": day, "reads": 40},
        {"staff_id": 2, "staff_name": "Usually fifty", "day": day, "reads": 60},
        {"staff_id": 3, "staff_name": "New, many", "day": day, "reads": 30},
        {"staff_id": 4, "staff_name": "New, few", "day": day, "reads": 29},
    ]
    found = selectors.spikes(daily, {1: 10.0, 2: 50.0})
    assert [(spike.staff_name, spike.usual) for spike in found] == [
        ("New, many", 0.0),
        ("Usually ten", 10.0),
    ]


@override_settings(SAMSYN_LOG_SPIKE_MIN_READS=5)
def test_log_1_todays_spike_is_on_the_page(actor_client, caseworker, manager, client_child):
    for _ in range(5):
        _read(caseworker, client_child)
    follow = selectors.follow_up_for(manager, month=_this_month())
    assert [(spike.staff_name, spike.reads) for spike in follow.spikes] == [
        (caseworker.staff.name, 5)
    ]
    assert caseworker.staff.name in actor_client(manager).get(URL).text


def _token(page: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', page)[1]


def test_log_1_the_review_is_recorded_and_logged(actor_client, caseworker, manager, client_child):
    _read(caseworker, client_child, "emergency", emergency_access_id=1)
    client = actor_client(manager)
    page = client.get(URL)
    assert page.status_code == 200
    month = f"{_this_month():%Y-%m}"

    missing_note = client.post(
        f"{URL}?month={month}", {"form_token": _token(page.text), "outcome": "followed_up"}
    )
    assert missing_note.status_code == 200
    assert 'href="#id_note"' in missing_note.text  # the error summary points at the note
    assert re.search(r'value="followed_up"[^>]* checked', missing_note.text)  # kept
    assert not LogReview.objects.exists()

    done = client.post(
        f"{URL}?month={month}",
        {"form_token": _token(missing_note.text), "outcome": "followed_up", "note": "Talat med"},
    )
    assert done.status_code == 302
    review = LogReview.objects.get()
    assert (review.unit_id, review.month, review.reviewed_by_id) == (
        manager.unit.pk, _this_month(), manager.staff.pk,
    )  # fmt: skip
    assert (review.outcome, review.note) == ("followed_up", "Talat med")
    assert review.sampled_entry_ids == selectors.sample_ids(manager, month=_this_month())[0]
    assert len(review.flagged_entry_ids) == 1
    logged = Entry.objects.get(action="log_review_recorded", staff_id=manager.staff.pk)
    assert (logged.object_id, logged.purpose) == (str(review.pk), Purpose.LOG_REVIEW)
    assert "Talat med" in client.get(done.url).text


def test_log_1_reading_the_sample_is_logged(actor_client, manager):
    actor_client(manager).get(URL)
    entry = Entry.objects.get(object_type="log_sample", staff_id=manager.staff.pk)
    assert (entry.staff_id, entry.purpose, entry.object_id) == (
        manager.staff.pk, Purpose.LOG_REVIEW, f"unit:{manager.unit.pk}:{_this_month():%Y-%m}",
    )  # fmt: skip


def test_log_1_only_reviewers_open_the_follow_up(actor_client, caseworker):
    assert actor_client(caseworker).get(URL).status_code == 403
    refused = Entry.objects.get(staff_id=caseworker.staff.pk)
    assert (refused.outcome, refused.object_id) == ("denied", "audit.review_unit")


def test_log_1_follow_up_queries_do_not_grow_with_the_sample(
    actor_client, unit, caseworker, manager
):
    client = actor_client(manager)

    def count():
        # Once first: the first visit counts the days over that are not counted yet (ReadDay).
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    def add(n):
        for _ in range(n):
            # Each read flagged (no open case), so each is on the sample's page.
            _read(caseworker, ChildFactory())

    add(10)
    few = count()
    add(290)
    many = count()
    print(f"follow-up page: {few} queries at 10 reads, {many} at 300")
    assert few == many


def test_log_1_the_samples_pages_follow_one_another(unit, caseworker, manager):
    """Page after page by cursor, the month's sample in (at, id) order, each read once."""
    for _ in range(2 * selectors.FOLLOW_UP_PAGE_SIZE + 3):
        _read(caseworker, ChildFactory())  # no case: flagged, so in the sample
    shown, after, firsts = [], None, []
    while True:
        follow = selectors.follow_up_for(manager, month=_this_month(), after=after)
        firsts.append(follow.is_first)
        shown += [read.id for read in follow.rows]
        if follow.next_cursor is None:
            break
        after = selectors.follow_up_cursor(follow.next_cursor, _this_month())
    sampled, _ = selectors.sample_ids(manager, month=_this_month())
    assert shown == sorted(sampled)  # written one after another: in id order is in time order
    assert len(shown) == 2 * selectors.FOLLOW_UP_PAGE_SIZE + 3
    assert firsts == [True, False, False]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("sv", "Länken till den här sidan av urvalet är trasig eller har ändrats"),
        ("en", "The link to this page of the sample is broken or has been changed"),
    ],
)
def test_log_1_a_broken_link_to_a_page_of_the_sample_is_said_so(
    actor_client, caseworker, manager, client_child, language, message
):
    """Changed by hand, cut short, out of range, or another month's: a 400 saying so in the
    reader's language, with the first page, never a 500 (the time out of range was one on the
    other logs) or a page of another month."""
    _read(caseworker, client_child)
    client = actor_client(manager)
    client.cookies["django_language"] = language
    last_month = selectors.follow_up_months()[1]
    another_month = selectors.Cursor(selectors.month_start(last_month), 1).encode()
    for after in ("x", "12_", "1_2_3", "99999999999999999999_1", another_month):
        response = client.get(URL, {"after": after})
        assert response.status_code == 400, after
        assert message in response.text
    assert client.get(URL).status_code == 200


def test_a_broken_cursor_on_the_logs_shows_the_newest_page(actor_client, manager):
    """A time out of range is not a cursor: the newest page, not a 500."""
    response = actor_client(manager).get(reverse("audit:unit"), {"before": "9" * 20 + "_1"})
    assert response.status_code == 200
