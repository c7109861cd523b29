"""Sign-in through the real pages (issue 3, item 7): password, then a TOTP code, then the unit
the person acts for; rate limiting; idle expiry; nothing with personal data signed out."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext, override
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.accounts.middleware import SESSION_MEMBERSHIP, SESSION_PASSWORD_USER
from samsyn.accounts.tests.factories import UserFactory
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the factories' password
LOGIN = "/accounts/login/"
CODE = "/accounts/code/"
ACTING_FOR = "/accounts/acting-for/"


def sv(msgid: str) -> str:
    # The UI is Swedish by default: expect whatever the catalogue makes of the English msgid,
    # so these tests hold before and after the Swedish translations land.
    with override("sv"):
        return gettext(msgid)


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return f"{token:0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    # A code outside the device's tolerance window (one step either way), never by chance valid.
    valid = {code_for(device, offset) for offset in range(-2, 3)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


def device_of(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user)


@pytest.fixture
def membership():
    return MembershipFactory()


@pytest.fixture
def user(membership):
    return membership.staff.user


def post_password(client, user, password=PASSWORD, next_url=""):
    data = {"username": user.username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def sign_in(client, user, next_url=""):
    response = post_password(client, user, next_url=next_url)
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(response.url, {"token": code_for(device_of(user))})
    assert response.status_code == 302
    return response


def test_password_then_code_signs_in(client, user, membership):
    response = post_password(client, user)
    assert response.status_code == 302
    assert response.url.startswith(CODE)
    # The password alone signs nobody in: the actor pages still send the person to sign in.
    assert client.session[SESSION_PASSWORD_USER] == user.pk
    home = client.get("/")
    assert home.status_code == 302
    assert home.url.startswith(LOGIN)

    response = client.post(response.url, {"token": code_for(device_of(user))})
    assert response.status_code == 302
    assert response.url == "/"
    # One membership: no choice to make, the person acts for it at once.
    assert client.session[SESSION_MEMBERSHIP] == membership.pk
    assert SESSION_PASSWORD_USER not in client.session
    home = client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.actor.membership == membership
    assert home.wsgi_request.user.is_verified()


def test_wrong_password_is_refused(client, user):
    response = post_password(client, user, password="wrong horse battery")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [sv("The username or password is wrong.")]
    assert SESSION_PASSWORD_USER not in client.session
    assert client.get(CODE).url.startswith(LOGIN)


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client, db):
    response = client.post(LOGIN, {"username": "nobody", "password": PASSWORD})
    assert response.context["form"].non_field_errors() == [sv("The username or password is wrong.")]


def test_wrong_code_is_refused(client, user):
    post_password(client, user)
    response = client.post(CODE, {"token": wrong_code_for(device_of(user))})
    assert response.status_code == 200
    assert response.context["form"].errors["token"] == [
        sv("The code is wrong or has expired. Try the next code.")
    ]
    assert SESSION_MEMBERSHIP not in client.session
    assert not response.wsgi_request.user.is_authenticated
    assert client.get("/").url.startswith(LOGIN)


def test_a_used_code_cannot_be_replayed(client, user):
    device = device_of(user)
    token = code_for(device)
    post_password(client, user)
    assert client.post(CODE, {"token": token}).status_code == 302
    client.post(reverse("accounts:logout"))

    post_password(client, user)
    response = client.post(CODE, {"token": token})
    assert response.status_code == 200
    assert "token" in response.context["form"].errors


def test_user_without_totp_device_is_refused(client):
    user = UserFactory()
    TOTPDevice.objects.filter(user=user).delete()
    MembershipFactory(staff__user=user)
    response = post_password(client, user)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        sv("Your account has no second factor. Ask your administrator to enrol one.")
    ]
    assert SESSION_PASSWORD_USER not in client.session
    assert client.get(CODE).url.startswith(LOGIN)


def test_user_with_unconfirmed_device_is_refused(client, user):
    TOTPDevice.objects.filter(user=user).update(confirmed=False)
    response = post_password(client, user)
    assert response.status_code == 200
    assert SESSION_PASSWORD_USER not in client.session


def test_two_memberships_choose_acting_for(client, membership, user):
    second = MembershipFactory(staff=membership.staff, role=Role.UNIT_MANAGER)
    response = sign_in(client, user)
    assert response.url.startswith(ACTING_FOR)
    assert SESSION_MEMBERSHIP not in client.session
    # Signed in but acting for nobody: the actor pages send the person to choose.
    home = client.get("/")
    assert home.url.startswith(ACTING_FOR)

    page = client.get(response.url)
    choices = dict(page.context["form"].fields["membership"].choices)
    assert set(choices) == {membership.pk, second.pk}

    response = client.post(response.url, {"membership": second.pk})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.actor.membership == second
    assert home.wsgi_request.actor.role == Role.UNIT_MANAGER


def test_acting_for_someone_elses_membership_is_refused(client, membership, user):
    MembershipFactory(staff=membership.staff, role=Role.UNIT_MANAGER)
    strangers = MembershipFactory()
    sign_in(client, user)
    response = client.post(ACTING_FOR, {"membership": strangers.pk})
    assert response.status_code == 200
    assert "membership" in response.context["form"].errors
    assert SESSION_MEMBERSHIP not in client.session


def test_inactive_membership_is_not_offered(client, membership, user):
    MembershipFactory(staff=membership.staff, role=Role.UNIT_MANAGER, active=False)
    response = sign_in(client, user)
    # One active membership left: acting for it at once, no choice offered.
    assert response.url == "/"
    assert client.session[SESSION_MEMBERSHIP] == membership.pk


def test_five_failures_lock_out_the_sixth_attempt(client, user):
    # AXES_FAILURE_LIMIT = 5: five wrong passwords are each checked; the fifth failure reaches
    # the limit, and from then on even the right password is refused for the cool-off time.
    assert settings.AXES_FAILURE_LIMIT == 5
    statuses = [post_password(client, user, password=f"wrong {n}").status_code for n in range(1, 6)]
    assert statuses[:4] == [200, 200, 200, 200]
    assert statuses[4] == 429

    sixth = post_password(client, user)
    assert sixth.status_code == 429
    assert sv("Too many attempts") in sixth.content.decode()
    assert SESSION_PASSWORD_USER not in client.session


def test_four_failures_still_let_the_right_password_in(client, user):
    # The counterpart of the lockout: the limit is not lower than five.
    for n in range(4):
        post_password(client, user, password=f"wrong {n}")
    response = post_password(client, user)
    assert response.status_code == 302
    assert response.url.startswith(CODE)


def test_lockout_is_per_username(client, user):
    for n in range(5):
        post_password(client, user, password=f"wrong {n}")
    other = MembershipFactory().staff.user
    assert post_password(client, other).status_code == 302


def test_signed_out_actor_page_redirects_to_sign_in_and_back(client, user):
    response = client.get("/children/")
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=%2Fchildren%2F"

    response = sign_in(client, user, next_url="/children/")
    assert response.url == "/children/"
    assert client.get("/children/").status_code == 200


def test_next_never_leaves_the_site(client, user):
    response = sign_in(client, user, next_url="https://evil.example/")
    assert response.url == "/"


def test_sign_out_ends_the_session(client, user):
    sign_in(client, user)
    assert client.get("/").status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get("/").url.startswith(LOGIN)
