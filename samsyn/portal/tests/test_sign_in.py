"""Citizen sign-in: the development stand-in for BankID, and the wall between staff and family."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.translation import gettext as _

from samsyn.audit.models import Entry
from samsyn.portal.tests.conftest import code_now, shows, sign_in_citizen

pytestmark = pytest.mark.django_db


def _login(client, guardian, token):
    return client.post(
        "/family/login/", {"identity_number": guardian.identity_number, "token": token}
    )


def test_right_code_signs_the_guardian_in(citizen, guardian):
    client = Client()
    response = _login(client, guardian, code_now())
    assert response.status_code == 302
    assert response.url == "/family/"
    page = client.get("/family/")
    assert page.status_code == 200
    assert page.context["request"].actor is None  # a citizen never gets a staff actor


def test_identity_number_with_a_dash_is_accepted(citizen, guardian):
    client = Client()
    number = f"{guardian.identity_number[:8]}-{guardian.identity_number[8:]}"
    response = client.post("/family/login/", {"identity_number": number, "token": code_now()})
    assert response.status_code == 302


def test_wrong_code_is_refused(citizen, guardian):
    client = Client()
    right = code_now()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = _login(client, guardian, wrong)
    assert response.status_code == 200
    assert shows(response, _("The identity number or the code is wrong. Try again."))
    assert client.get("/family/").status_code == 302


def test_unknown_identity_number_gets_the_same_answer(citizen, guardian):
    from samsyn.children.tests.factories import GuardianFactory

    stranger = GuardianFactory()  # a real guardian, never enrolled
    response = _login(Client(), stranger, code_now())
    assert response.status_code == 200
    assert shows(response, _("The identity number or the code is wrong. Try again."))


def test_login_page_says_it_is_the_stand_in_for_bankid():
    response = Client().get("/family/login/")
    assert response.status_code == 200
    assert shows(response, _("Test sign-in, not BankID"))


def test_stand_in_is_off_without_debug_or_the_flag(settings, citizen, guardian):
    settings.DEBUG = False
    settings.SAMSYN_CITIZEN_STANDIN = False
    client = Client()
    assert client.get("/family/login/").status_code == 404
    assert _login(client, guardian, code_now()).status_code == 404


def test_stand_in_is_on_under_debug(settings):
    settings.DEBUG = True
    settings.SAMSYN_CITIZEN_STANDIN = False
    assert Client().get("/family/login/").status_code == 200


def test_signed_out_family_pages_send_to_the_family_sign_in(child):
    response = Client().get(f"/family/children/{child.pk}/")
    assert response.status_code == 302
    assert response.url.startswith("/family/login/")


def test_staff_cannot_use_the_portal_as_a_citizen(actor_client, child):
    client = actor_client()
    for url in ("/family/", f"/family/children/{child.pk}/", f"/family/children/{child.pk}/log/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/family/login/"), url


def test_staff_credentials_do_not_sign_in_to_the_portal(actor_client):
    staff_user = actor_client().actor.staff.user
    response = Client().post(
        "/family/login/", {"identity_number": staff_user.username, "token": code_now()}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session


@pytest.mark.parametrize("url", ["/children/", "/directory/", "/audit/unit/", "/"])
def test_citizen_session_gets_no_staff_page(citizen, url):
    client = sign_in_citizen(citizen)
    response = client.get(url)
    assert response.status_code in (302, 404), url
    if response.status_code == 302:
        assert not response.url.startswith(url) or url == "/"
        assert "/family/" not in url
    assert client.get(url, follow=True).context.get("actor") is None


def test_citizen_has_no_usable_password(citizen):
    assert not citizen.user.has_usable_password()


def test_sign_in_writes_no_child_read(citizen, guardian, child):
    _login(Client(), guardian, code_now())
    assert not Entry.objects.filter(child_id=child.pk).exists()


def test_sign_out_ends_the_family_session(family_client):
    response = family_client.post("/family/logout/")
    assert response.status_code == 302
    assert family_client.get("/family/").status_code == 302
