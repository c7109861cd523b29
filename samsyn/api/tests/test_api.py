"""The JSON API: both ways in, the same access rules and audit rows as the pages, bounded
queries, and a committed OpenAPI document that matches the code."""

from __future__ import annotations

import datetime
import json

import pytest
from django.conf import settings
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver
from django.utils import timezone
from ninja.errors import HttpError

from samsyn.access import http as access_http
from samsyn.access.models import Category, Purpose
from samsyn.accounts import token_services
from samsyn.accounts.backends import PASSWORD_BACKEND
from samsyn.accounts.models import ApiToken
from samsyn.api.auth import SessionActor
from samsyn.api.spec import COMMITTED, openapi_document
from samsyn.api.tests.conftest import token_client
from samsyn.audit.models import Entry
from samsyn.children.selectors import guardians_of
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.children.tests.helpers import give_consent
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UnitFactory,
    actor_of,
)

pytestmark = pytest.mark.django_db

CHILDREN = "/api/children"
ORGANISATIONS = "/api/directory/organisations"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


# --- authentication -----------------------------------------------------------------------


def test_signed_out_gets_401_json(child):
    for url in (CHILDREN, f"{CHILDREN}/{child.pk}", ORGANISATIONS):
        response = Client().get(url)
        assert response.status_code == 401
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"]
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_session_auth_works(session_client, social, child):
    assert ids(session_client(social).get(CHILDREN)) == [child.pk]


def test_session_without_second_factor_is_401(social, child):
    client = Client()
    client.force_login(social.staff.user, backend=PASSWORD_BACKEND)
    session = client.session
    session["samsyn_membership_id"] = social.pk
    session.save()
    assert client.get(CHILDREN).status_code == 401


def test_token_auth_works(social, child):
    client, _ = token_client(social)
    assert ids(client.get(CHILDREN)) == [child.pk]
    assert client.get(f"{CHILDREN}/{child.pk}").json()["ground"] == "involvement"


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(
            lambda token: ApiToken.objects.filter(pk=token.pk).update(
                expires_at=timezone.now() - datetime.timedelta(seconds=1)
            ),
            id="expired",
        ),
        pytest.param(
            lambda token: token_services.revoke_token(
                actor=actor_of(token.membership), token_id=token.pk
            ),
            id="revoked",
        ),
        pytest.param(
            lambda token: (
                type(token.membership).objects.filter(pk=token.membership_id).update(active=False)
            ),
            id="membership ended",
        ),
        pytest.param(
            lambda token: type(token.user).objects.filter(pk=token.user_id).update(is_active=False),
            id="user deactivated",
        ),
    ],
)
def test_spoilt_token_is_401(social, child, spoil):
    client, secret = token_client(social)
    assert client.get(CHILDREN).status_code == 200
    spoil(ApiToken.objects.select_related("membership", "user").get())
    response = client.get(CHILDREN)
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "header",
    ["Bearer ssn_unknown", "Bearer not-even-ours", "Bearer ", "Basic dXNlcjpwYXNz"],
)
def test_unknown_token_is_401(child, header):
    assert Client(HTTP_AUTHORIZATION=header).get(CHILDREN).status_code == 401


def test_failing_token_is_not_rescued_by_a_session(session_client, social, child):
    client = session_client(social)
    assert client.get(CHILDREN, HTTP_AUTHORIZATION="Bearer ssn_revoked").status_code == 401


def test_token_acts_for_its_membership_only(social, bup, child):
    """One person in two organisations: a token made acting for BUP sees what BUP may see."""
    bup_child = ChildFactory()
    InvolvementFactory(child=bup_child, unit=bup.unit)
    second = MembershipFactory(staff=social.staff, unit=bup.unit, role=Role.CLINICIAN)

    client, _ = token_client(second)
    assert ids(client.get(CHILDREN)) == [bup_child.pk]
    response = client.get(f"{CHILDREN}/{child.pk}")
    assert response.status_code == 404
    denied = Entry.objects.get(child_id=child.pk, outcome="denied")
    assert (denied.unit_id, denied.organisation_id) == (bup.unit.pk, bup.unit.organisation_id)

    social_client, _ = token_client(social)
    assert ids(social_client.get(CHILDREN)) == [child.pk]


@pytest.mark.periodic_writes
def test_last_used_is_written_at_most_once_a_minute(social, child):
    client, _ = token_client(social)
    client.get(CHILDREN)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        client.get(CHILDREN)
    assert not [q for q in queries if 'UPDATE "accounts_apitoken"' in q["sql"]]
    assert ApiToken.objects.get().last_used_at == first

    ApiToken.objects.update(last_used_at=first - datetime.timedelta(minutes=2))
    client.get(CHILDREN)
    assert ApiToken.objects.get().last_used_at > first


def _cookie_request(method: str, social, **extra):
    request = getattr(RequestFactory(), method)("/api/children", **extra)
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "x"
    request.actor = actor_of(social)
    return request


def test_session_auth_enforces_csrf_on_unsafe_methods(social):
    auth = SessionActor()
    assert auth(_cookie_request("get", social)) is not None
    with pytest.raises(HttpError) as refused:
        auth(_cookie_request("post", social))
    assert refused.value.status_code == 403

    secret = _get_new_csrf_string()
    request = _cookie_request("post", social, HTTP_X_CSRFTOKEN=secret)
    request.COOKIES[settings.CSRF_COOKIE_NAME] = secret
    assert auth(request) is not None


def test_every_api_url_is_marked_for_the_middleware():
    resolver = get_resolver("samsyn.api.urls")
    patterns = [p for p in resolver.url_patterns if isinstance(p, URLPattern)]
    assert patterns
    assert {p.callback.access_rule for p in patterns} == {access_http.API}


# --- children ------------------------------------------------------------------------------


def test_child_summary_shows_what_the_page_shows_and_is_audited(session_client, social, child):
    response = session_client(social).get(f"{CHILDREN}/{child.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == child.name
    assert body["identity_number"] == child.identity_display
    assert body["age"] == child.age
    assert body["municipality"]["name"] == child.municipality.name
    assert body["address"] == {
        "street_address": child.street_address,
        "postal_code": child.postal_code,
        "city": child.city,
    }
    assert sorted(g["name"] for g in body["guardians"]) == sorted(
        g.name for g in guardians_of(child)
    )
    assert [i["unit_id"] for i in body["involved"]] == [social.unit.pk]
    assert (body["ground"], body["purpose"]) == ("involvement", Purpose.INVESTIGATION)

    entry = Entry.objects.get(child_id=child.pk, object_type="child")
    assert (entry.action, entry.outcome, entry.purpose) == ("read", "allowed", "investigation")
    assert entry.staff_id == social.staff.pk


def test_purpose_is_validated_and_audited(session_client, social, child):
    client = session_client(social)
    assert client.get(f"{CHILDREN}/{child.pk}?purpose=curiosity").status_code == 422
    assert client.get(f"{CHILDREN}/{child.pk}?purpose=planning").json()["purpose"] == "planning"
    assert Entry.objects.get(child_id=child.pk, object_type="child").purpose == "planning"


def test_other_organisation_without_ground_gets_404_and_is_audited(session_client, bup, child):
    client = session_client(bup)
    response = client.get(f"{CHILDREN}/{child.pk}")
    missing = client.get(f"{CHILDREN}/{child.pk + 10_000}")
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content
    denied = Entry.objects.get(child_id=child.pk)
    assert (denied.action, denied.outcome, denied.staff_id) == ("read", "denied", bup.staff.pk)
    assert child.pk not in ids(client.get(CHILDREN))


def test_withdrawn_consent_stops_api_access_at_once(session_client, bup, child):
    consent = give_consent(child, bup.unit, purposes=[Purpose.TREATMENT])
    client = session_client(bup)
    response = client.get(f"{CHILDREN}/{child.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["ground"] == "consent"
    # The consent covers identity, not contact details or social services' involvement.
    assert body["address"] is None
    assert body["involved"] == []
    assert ids(client.get(CHILDREN)) == [child.pk]

    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    assert client.get(f"{CHILDREN}/{child.pk}").status_code == 404
    assert ids(client.get(CHILDREN)) == []


def test_consent_for_contact_details_shows_the_address(session_client, bup, child):
    give_consent(child, bup.unit, categories=[Category.BASIC, Category.CONTACT])
    body = session_client(bup).get(f"{CHILDREN}/{child.pk}").json()
    assert body["address"]["street_address"] == child.street_address


def test_protected_identity_hides_address_and_location(session_client, social, child):
    child.protected_identity = True
    child.save(update_fields=["protected_identity"])
    client = session_client(social)
    body = client.get(f"{CHILDREN}/{child.pk}").json()
    assert (body["protected_identity"], body["address"], body["municipality"]) == (
        True, None, None,
    )  # fmt: skip
    assert client.get(CHILDREN).json()["items"][0]["municipality"] is None


def test_role_without_children_gets_403(session_client, social, child):
    analyst = MembershipFactory(unit=social.unit, role=Role.ANALYST)
    client = session_client(analyst)
    assert client.get(CHILDREN).status_code == 403
    assert client.get(f"{CHILDREN}/{child.pk}").status_code == 403


def test_child_list_searches_and_audits_the_page(session_client, social, child):
    other = ChildFactory(first_name="Zlatan", municipality=child.municipality)
    InvolvementFactory(child=other, unit=social.unit)
    client = session_client(social)
    assert ids(client.get(CHILDREN, {"q": "Zlatan"})) == [other.pk]
    # Audit rows outlive the browser tests' flushes (the table is unmanaged): scope to this actor.
    entry = Entry.objects.get(object_type="child_list", staff_id=social.staff.pk)
    assert entry.detail["child_ids"] == [other.pk]
    assert entry.action == "read"


def test_bad_input_is_422_not_500(session_client, social, child):
    client = session_client(social)
    for url in (
        f"{CHILDREN}/{2**63}",
        f"{CHILDREN}?q=a%00b",
        f"{CHILDREN}?page=0",
        f"{CHILDREN}?page_size=101",
        f"{ORGANISATIONS}?principal=-1",
        f"{ORGANISATIONS}?kind=bank",
        f"{ORGANISATIONS}/0",
    ):
        response = client.get(url)
        assert response.status_code == 422, url
        assert isinstance(response.json()["detail"], list)


# --- directory -----------------------------------------------------------------------------


def test_organisations_search_and_detail(session_client, social):
    bup_org = OrganisationFactory(kind="bup", name="BUP Lindesberg", mandate="Psykiatri")
    UnitFactory(organisation=bup_org, name="Mottagning")
    client = session_client(social)
    found = client.get(ORGANISATIONS, {"kind": "bup"}).json()
    assert [o["id"] for o in found["items"]] == [bup_org.pk]
    assert found["count"] == 1
    by_principal = client.get(ORGANISATIONS, {"principal": bup_org.principal_id}).json()
    assert [o["id"] for o in by_principal["items"]] == [bup_org.pk]
    assert [o["id"] for o in client.get(ORGANISATIONS, {"q": "BUP"}).json()["items"]] == [
        bup_org.pk
    ]

    detail = client.get(f"{ORGANISATIONS}/{bup_org.pk}")
    assert detail.status_code == 200
    assert [u["name"] for u in detail.json()["units"]] == ["Mottagning"]
    assert client.get(f"{ORGANISATIONS}/{bup_org.pk + 10_000}").status_code == 404


# --- bounded queries (DESIGN invariant 7) ---------------------------------------------------


def _queries(client, url) -> int:
    client.get(url)  # warm: session, audit partition
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _add_children(unit, n: int) -> None:
    for _ in range(n):
        InvolvementFactory(child=ChildFactory(), unit=unit)


@pytest.mark.parametrize("url", [f"{CHILDREN}?page_size=100", f"{ORGANISATIONS}?page_size=100"])
def test_list_queries_do_not_grow_with_rows(social, url):
    client, _ = token_client(social)
    _add_children(social.unit, 10)
    for _ in range(10):
        UnitFactory(organisation=OrganisationFactory())
    small = _queries(client, url)
    _add_children(social.unit, 190)
    for _ in range(190):
        UnitFactory(organisation=OrganisationFactory())
    large = _queries(client, url)
    assert large == small


# --- the OpenAPI document -------------------------------------------------------------------


def test_committed_openapi_document_is_current():
    assert COMMITTED.read_text(encoding="utf-8") == openapi_document(), (
        "samsyn/api/openapi.json is out of date: regenerate it with `samsyn openapi` "
        "(or `python manage.py openapi`) and commit it."
    )


def test_served_openapi_document_is_the_committed_one():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json() == json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_every_operation_declares_its_errors():
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert {"200", "401", "404", "422"} <= set(operation["responses"]), (path, method)


def test_unit_manager_reads_a_child_assigned_to_a_caseworker_on_oversight(social, kommun):
    # The manager's ground is oversight of the caseworker's case: the answer names it (the
    # response schema refused it, a 500, found by `samsyn load`).
    child = ChildFactory(municipality=kommun)
    InvolvementFactory(child=child, unit=social.unit, staff=social.staff)
    manager = MembershipFactory(unit=social.unit, role=Role.UNIT_MANAGER)
    client, _ = token_client(manager)
    response = client.get(f"{CHILDREN}/{child.pk}")
    assert response.status_code == 200
    assert response.json()["ground"] == "oversight"
