"""Session limits (ASVS 3.3.2, issue 13): 15 idle minutes, 12 hours at most; a session written
only when it changed (issue 12); the page listing one's sessions, each signed out (ASVS 3.3.4)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext, override

from samsyn.accounts import session_services
from samsyn.accounts.models import SignedInSession
from samsyn.accounts.tests.helpers import sign_in
from samsyn.accounts.tests.test_sign_in import LOGIN
from samsyn.accounts.tests.test_sign_in import sign_in as sign_in_through_pages
from samsyn.audit.models import Entry
from samsyn.directory.tests.factories import MembershipFactory, actor_of

pytestmark = [pytest.mark.django_db, pytest.mark.periodic_writes]


def _back(client: Client, **marks: timedelta) -> None:
    """Let time pass for the session: move its marks into the past."""
    session = client.session
    for mark, ago in marks.items():
        session[mark] = (timezone.now() - ago).timestamp()
    session.save()


def _on(device: str, membership) -> Client:
    """A client signed in on a device. The test client's sign-in sends no User-Agent: the row
    gets the one the browser would have sent to the sign-in page."""
    client = sign_in(Client(), actor_of(membership))
    SignedInSession.objects.filter(session_key=client.session.session_key).update(user_agent=device)
    return client


def _said(singular: str, plural: str, number: int) -> str:
    """What the Swedish sign-in page says, as the catalogue has it."""
    with override("sv"):
        return ngettext(singular, plural, number) % {"n": number}


def _signed_in(client: Client) -> bool:
    return client.get(reverse("children:list")).status_code == 200


@pytest.fixture
def membership():
    return MembershipFactory()


@pytest.fixture
def staff(membership) -> Client:
    return _on("Firefox på Linux", membership)


def test_a_session_ends_after_fifteen_idle_minutes(client, membership):
    sign_in_through_pages(client, membership.staff.user)
    assert _signed_in(client)
    _back(client, samsyn_seen=timedelta(minutes=14, seconds=30))
    assert _signed_in(client)
    _back(client, samsyn_seen=timedelta(minutes=15, seconds=1))
    response = client.get(reverse("children:list"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    # The sign-in page says why, once.
    said = _said(
        "You were signed out after %(n)s minute without activity. Sign in again to go on.",
        "You were signed out after %(n)s minutes without activity. Sign in again to go on.",
        15,
    )
    assert said in client.get(response.url).content.decode()
    assert said not in client.get(response.url).content.decode()
    # Ended, not just refused: the session's row is gone and so is its place in the list.
    assert not SignedInSession.objects.filter(user=membership.staff.user).exists()


def test_a_session_ends_after_twelve_hours_however_active(staff):
    _back(staff, samsyn_started=timedelta(hours=11, minutes=59))
    assert _signed_in(staff)
    _back(staff, samsyn_started=timedelta(hours=12, seconds=1))
    assert not _signed_in(staff)
    said = _said(
        "You were signed out: a session lasts at most %(n)s hour. Sign in again to go on.",
        "You were signed out: a session lasts at most %(n)s hours. Sign in again to go on.",
        12,
    )
    assert said in staff.get(LOGIN).content.decode()


def test_the_session_cookie_ends_with_the_browser_and_its_row_with_the_idle_limit(
    client, membership
):
    response = sign_in_through_pages(client, membership.staff.user)
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""
    expires = Session.objects.get(pk=client.session.session_key).expire_date
    assert abs(expires - (timezone.now() + timedelta(minutes=15))) < timedelta(seconds=30)


def _session_writes(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [
        q["sql"] for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().startswith("SELECT")
    ]  # fmt: skip


def test_a_request_writes_the_session_only_when_it_changed(staff):
    # Within the minute: nothing changed, nothing written, /healthz included (issue 12).
    assert _session_writes(staff, "/healthz") == []
    assert _session_writes(staff, reverse("children:list")) == []
    # A minute on, the last-seen mark moves: one write, which slides the row's expiry too.
    _back(staff, samsyn_seen=timedelta(seconds=61))
    Session.objects.filter(pk=staff.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=1)
    )
    assert len(_session_writes(staff, reverse("children:list"))) == 1
    expires = Session.objects.get(pk=staff.session.session_key).expire_date
    assert expires > timezone.now() + timedelta(minutes=14)
    row = SignedInSession.objects.get(session_key=staff.session.session_key)
    assert timezone.now() - row.last_seen_at < timedelta(seconds=30)


def test_activity_keeps_a_session_alive_past_fifteen_minutes(staff):
    for _ in range(3):
        _back(staff, samsyn_seen=timedelta(minutes=10))
        assert _signed_in(staff)


def test_the_sessions_page_lists_ones_own_sessions(staff, membership):
    _on("Safari på iPhone", membership)
    _on("Someone else's Edge", MembershipFactory())
    page = staff.get(reverse("accounts:sessions"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Firefox på Linux" in html
    assert "Safari på iPhone" in html
    assert "Someone else" not in html
    assert "no-store" in page["Cache-Control"]


def test_signing_out_another_session_ends_it_and_is_audited(staff, membership):
    phone = _on("Safari på iPhone", membership)
    row = SignedInSession.objects.get(session_key=phone.session.session_key)
    response = staff.post(reverse("accounts:session_end", args=[row.pk]))
    assert response.status_code == 302
    assert not _signed_in(phone)
    assert _signed_in(staff)
    # By user: rows a browser test committed stay, as audit rows do.
    entry = Entry.objects.get(action="session_ended", user_id=membership.staff.user_id)
    assert (entry.object_type, entry.object_id) == ("session", str(row.pk))
    assert entry.detail["device"] == "Safari på iPhone"
    assert entry.user_id == membership.staff.user_id


def test_another_persons_session_and_ones_own_are_not_ended_here(staff):
    other = sign_in(Client(), actor_of(MembershipFactory()))
    theirs = SignedInSession.objects.get(session_key=other.session.session_key)
    mine = SignedInSession.objects.get(session_key=staff.session.session_key)
    for row in (theirs, mine):
        assert staff.post(reverse("accounts:session_end", args=[row.pk])).status_code == 404
    assert _signed_in(other)
    assert _signed_in(staff)


def test_signing_out_every_other_session(staff, membership):
    others = [sign_in(Client(), actor_of(membership)) for _ in range(2)]
    stranger = sign_in(Client(), actor_of(MembershipFactory()))
    staff.post(reverse("accounts:session_end_others"))
    assert not any(_signed_in(other) for other in others)
    assert _signed_in(staff)
    assert _signed_in(stranger)
    entry = Entry.objects.get(action="other_sessions_ended", user_id=membership.staff.user_id)
    assert entry.detail == {"count": 2}


def test_signing_out_forgets_the_session(staff):
    key = staff.session.session_key
    staff.post(reverse("accounts:logout"))
    assert not SignedInSession.objects.filter(session_key=key).exists()


def test_lapsed_sessions_are_not_listed(staff, membership):
    old = _on("Lapsed Opera", membership)
    SignedInSession.objects.filter(session_key=old.session.session_key).update(
        last_seen_at=timezone.now() - timedelta(minutes=16)
    )
    assert "Lapsed Opera" not in staff.get(reverse("accounts:sessions")).content.decode()
    assert session_services.sessions_of(membership.staff.user_id).count() == 1
