"""The API token page: list, make (shown once), revoke; only one's own tokens."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import include, path

from samsyn.accounts.models import ApiToken
from samsyn.accounts.tests.helpers import sign_in
from samsyn.audit.models import Entry
from samsyn.directory.tests.factories import MembershipFactory, actor_of

# The project's URLs with the token pages mounted where samsyn/urls.py mounts them.
urlpatterns = [
    path("accounts/tokens/", include("samsyn.accounts.token_urls")),
    path("", include("samsyn.urls")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

URL = "/accounts/tokens/"


@pytest.fixture
def member():
    return MembershipFactory()


@pytest.fixture
def client(member) -> Client:
    return sign_in(Client(), actor_of(member))


def test_signed_out_is_sent_to_sign_in():
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_make_a_token_shows_it_once_and_it_works(client, member):
    response = client.post(URL, {"name": "rapport", "days": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["created"]["secret"]
    assert secret.startswith("ssn_")
    assert secret in response.content.decode()

    token = ApiToken.objects.get()
    assert (token.name, token.membership_id, token.user_id) == (
        "rapport", member.pk, member.staff.user_id,
    )  # fmt: skip
    assert token.digest == ApiToken.digest_of(secret)
    assert Entry.objects.filter(action="api_token_created", object_id=str(token.pk)).exists()

    listed = client.get(URL)
    assert "rapport" in listed.content.decode()
    assert secret not in listed.content.decode()

    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/directory/organisations").status_code == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "days": "30"}, "name"),
        ({"name": "x", "days": "0"}, "days"),
        ({"name": "x", "days": "366"}, "days"),
        ({"name": "x" * 101, "days": "30"}, "name"),
        ({"name": "x", "days": "many"}, "days"),
    ],
)
def test_bad_input_keeps_what_was_typed(client, data, field):
    response = client.post(URL, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["created"] is None
    assert not ApiToken.objects.exists()
    if data["name"]:
        assert data["name"] in response.content.decode()


def test_revoke_own_token(client, member):
    secret = client.post(URL, {"name": "gammal", "days": "5"}).context["created"]["secret"]
    token = ApiToken.objects.get()
    response = client.post(f"{URL}{token.pk}/revoke/")
    assert response.status_code == 302
    assert not ApiToken.objects.exists()
    assert Entry.objects.filter(action="api_token_revoked", object_id=str(token.pk)).exists()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/directory/organisations").status_code == 401


def test_cannot_see_or_revoke_someone_elses_token(client):
    other = MembershipFactory()
    other_client = sign_in(Client(), actor_of(other))
    other_client.post(URL, {"name": "hemlig", "days": "5"})
    token = ApiToken.objects.get()

    assert "hemlig" not in client.get(URL).content.decode()
    assert client.post(f"{URL}{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_revoke_needs_post(client):
    assert client.get(f"{URL}1/revoke/").status_code == 405
