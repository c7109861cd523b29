"""Issue 12: what every signed-in request reads before its page — the session, the user (with
whether it is a family member and its confirmed devices) and the actor's membership — and that
reading less refuses all it refused before."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.accounts import backends, session_services
from samsyn.accounts.backends import PASSWORD_BACKEND
from samsyn.accounts.middleware import SESSION_MEMBERSHIP, SESSION_PASSWORD_USER
from samsyn.accounts.services import totp_device
from samsyn.accounts.tests.helpers import sign_in
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import make_actor
from samsyn.portal.tests.conftest import child, citizen, guardian, sign_in_citizen  # noqa: F401

pytestmark = pytest.mark.django_db

PAGE = "children:list"


@pytest.fixture
def staff() -> Client:
    return sign_in(Client(), make_actor(role=Role.CASEWORKER))


def _statements(client: Client) -> list[str]:
    client.get(reverse(PAGE))  # the first request fills process-wide caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(PAGE)).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_a_staff_request_reads_neither_its_device_nor_a_family_member_row(staff):
    statements = _statements(staff)
    # Read with the user instead (a join and a subquery), never as statements of their own.
    assert [s for s in statements if s.startswith('SELECT "accounts_user".')], statements
    assert not [s for s in statements if s.startswith('SELECT "otp_totp_totpdevice".')]
    assert not [s for s in statements if s.startswith('SELECT "portal_citizen".')]


def test_a_device_removed_after_sign_in_signs_the_session_out_on_its_next_request(staff):
    totp_device(staff.actor.staff.user).delete()
    response = staff.get(reverse(PAGE))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_device_unconfirmed_after_sign_in_is_refused_on_the_next_request(staff):
    TOTPDevice.objects.filter(user=staff.actor.staff.user).update(confirmed=False)
    assert staff.get(reverse(PAGE)).url.startswith("/accounts/login/")


def test_another_users_device_in_the_session_does_not_count():
    me = make_actor(role=Role.CASEWORKER)
    other = sign_in(Client(), make_actor(role=Role.CASEWORKER))
    client = sign_in(Client(), me)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(other.actor.staff.user).persistent_id
    session.save()
    assert client.get(reverse(PAGE)).url.startswith("/accounts/login/")


def test_a_half_signed_in_session_password_without_code_reaches_no_page():
    actor = make_actor(role=Role.CASEWORKER)
    client = Client()
    session = client.session
    session[SESSION_PASSWORD_USER] = actor.staff.user.pk
    session.save()
    assert client.get(reverse(PAGE)).url.startswith("/accounts/login/")
    # Signed in without the second factor's mark: the same.
    client.force_login(actor.staff.user, backend=PASSWORD_BACKEND)
    session = client.session
    session[SESSION_MEMBERSHIP] = actor.membership.pk
    session.save()
    assert client.get(reverse(PAGE)).url.startswith("/accounts/login/")


def test_a_session_whose_membership_ended_is_refused_on_its_next_request(staff):
    assert staff.get(reverse(PAGE)).status_code == 200
    membership = staff.actor.membership
    membership.active = False
    membership.save(update_fields=["active"])
    assert staff.get(reverse(PAGE)).url.startswith("/accounts/acting-for/")


def test_a_deactivated_user_is_signed_out_on_the_next_request(staff):
    user = staff.actor.staff.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert staff.get(reverse(PAGE)).url.startswith("/accounts/login/")


def test_a_family_session_never_reaches_a_staff_page(citizen):  # noqa: F811
    family = sign_in_citizen(citizen)
    assert family.get(reverse(PAGE)).status_code == 404


def test_a_family_page_reads_the_family_member_with_the_user(citizen):  # noqa: F811
    family = sign_in_citizen(citizen)
    family.get("/family/")
    with CaptureQueriesContext(connection) as queries:
        assert family.get("/family/").status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in statements if s.startswith('SELECT "portal_citizen".')], statements
    assert not [s for s in statements if s.startswith('SELECT "otp_totp_totpdevice".')]


def test_a_staff_request_reads_its_membership_with_the_user(staff):
    statements = _statements(staff)
    assert not [s for s in statements if s.startswith('SELECT "directory_membership".')]
    assert len([s for s in statements if s.startswith('SELECT "accounts_user".')]) == 1


def test_another_users_membership_in_the_session_acts_for_nobody(staff):
    """The membership read with the user is only the user's own: another's id in the session
    (a tampered or stale session) gives no actor, as `Actor.for_membership` refused it."""
    other = make_actor(role=Role.CASEWORKER, unit=staff.actor.unit)
    session = staff.session
    session[SESSION_MEMBERSHIP] = other.membership.pk
    session.save()
    assert staff.get(reverse(PAGE)).url.startswith("/accounts/acting-for/")


def test_the_actor_read_with_the_user_is_the_sessions_membership(staff):
    staff.get(reverse(PAGE))
    response = staff.get(reverse(PAGE))
    actor = response.wsgi_request.actor
    assert actor.membership.pk == staff.actor.membership.pk
    assert actor.staff.user_id == staff.actor.staff.user_id
    assert actor.organisation.principal.pk == staff.actor.organisation.principal.pk
    assert actor.memo is not None


def test_a_counted_request_meets_no_periodic_write_however_slow_the_test(staff):
    """The suite pins statements at 10 and 10,000 rows; on a loaded machine the rows take more
    than a minute to make, and the session's once-a-minute last-seen write then fell inside the
    second count (conftest's `_no_periodic_writes` keeps it out)."""
    fresh = len(_statements(staff))
    session = staff.session
    session[session_services.SEEN] -= 120
    session.save()
    with CaptureQueriesContext(connection) as queries:
        assert staff.get(reverse(PAGE)).status_code == 200
    assert len(queries) == fresh


def test_the_users_query_composed_once_per_process_is_never_read_itself(staff):
    """`backends._users` is shared by every request of the process: each filters a copy, so
    no request's rows can reach another's."""
    _statements(staff)
    assert backends._users()._result_cache is None
    # The next request reads the user afresh: a deactivated person is refused at once.
    type(staff.actor.staff.user).objects.filter(pk=staff.actor.staff.user.pk).update(
        is_active=False
    )
    response = staff.get(reverse(PAGE))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
