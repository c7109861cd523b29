"""Staff sign-in through the organisation's OpenID Connect provider (issue 13, docs/adr/0015),
against a real provider on a thread: the redirect, the code exchange with PKCE, the signed ID
token fetched and verified, the claims mapped to a user, units and roles."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from io import StringIO
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from samsyn.accounts import oidc_services, session_services
from samsyn.accounts.middleware import SESSION_MEMBERSHIP
from samsyn.accounts.models import (
    ExternalIdentity,
    ProviderDevice,
    ProviderUnit,
    SignedInSession,
    User,
)
from samsyn.accounts.tests.helpers import sign_in
from samsyn.accounts.tests.oidc_provider import CLIENT_ID, Provider, oidc_provider_fixture  # noqa: F401
from samsyn.accounts.tests.test_sign_in import sv
from samsyn.audit.models import Entry
from samsyn.common.tests.threads import at_once
from samsyn.directory.models import Membership
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, make_actor

pytestmark = pytest.mark.django_db

HSA_PERSON = "SE2321000016-P001"
HSA_UNIT = "SE2321000016-E001"
HSA_OTHER_UNIT = "SE2321000016-E002"
NO_ASSIGNMENT = (
    "Your organisation's sign-in names no unit and role that Samsyn knows, so you cannot be "
    "signed in. Ask your administrator to connect your assignment (the unit's HSA-id and your "
    "role) to Samsyn."
)
UNKNOWN = "The sign-in through your organisation could not be completed. Try again, or ask your administrator."  # noqa: E501


@pytest.fixture
def unit():
    unit = UnitFactory(name="Socialtjänsten Barn och unga")
    ProviderUnit.objects.create(external_id=HSA_UNIT, unit=unit)
    return unit


def person(*assignments: tuple[str, str]) -> dict:
    return {
        "sub": HSA_PERSON, "name": "Karin Handläggare", "email": "karin@example.se",
        "assignments": [{"unit": unit, "role": role} for unit, role in assignments],
    }  # fmt: skip


def to_callback(client: Client, provider: Provider, start: str = "/accounts/oidc/start/") -> str:
    """Follow the browser's way to the provider's page and its button: the callback it leads to."""
    to_provider = client.get(start)
    assert to_provider.status_code == 302, to_provider
    authorize = to_provider["Location"]
    assert authorize.startswith(f"{provider.issuer}/authorize?")
    assert requests.get(authorize, timeout=5).status_code == 200
    query = {k: v[0] for k, v in parse_qs(urlparse(authorize).query).items()}
    back = requests.post(
        f"{provider.issuer}/authorize", data=query, allow_redirects=False, timeout=5
    )
    callback = urlparse(back.headers["Location"])
    return f"{callback.path}?{callback.query}"


def through_provider(client: Client, provider: Provider, start: str = "/accounts/oidc/start/"):
    """Follow the browser's way: Samsyn → the provider's page → its button → Samsyn's callback."""
    return client.get(to_callback(client, provider, start))


@pytest.fixture
def log():
    """This test's audit rows: rows of browser walks outlive their tests in a reused database."""
    since = timezone.now()
    return lambda **kwargs: Entry.objects.filter(at__gte=since, **kwargs)


def refusals(log, reason: str) -> int:
    return log(action="sign_in", outcome="denied", object_type="sign_in", object_id=reason).count()


def test_a_caseworker_signs_in_through_the_provider(client, oidc_provider, unit):
    oidc_provider.person = person((HSA_UNIT, "SOC-HANDL"))
    answer = through_provider(client, oidc_provider, "/accounts/oidc/start/?next=/children/")

    assert answer.status_code == 302
    assert answer["Location"] == "/children/"
    asked = oidc_provider.authorize_requests[-1]
    assert asked["client_id"] == CLIENT_ID
    assert asked["code_challenge_method"] == "S256"
    assert asked["nonce"]
    assert asked["state"]
    assert "prompt" not in asked
    user = ExternalIdentity.objects.get(subject=HSA_PERSON).user
    assert not user.has_usable_password()
    assert user.staff.name == "Karin Handläggare"
    membership = Membership.objects.get(staff__user=user)
    assert (membership.unit, membership.role, membership.active) == (unit, "handlaggare", True)
    # The same signed-in session as a password and code leave: listed, acting for the unit.
    assert SignedInSession.objects.filter(user=user, session_key=client.session.session_key)
    assert client.session[SESSION_MEMBERSHIP] == membership.pk
    assert isinstance(ProviderDevice.objects.get(user=user), ProviderDevice)
    assert client.get("/children/").status_code == 200


# Serialized rollback: the flush after a transactional test would take the rows the migrations
# seeded with it, for every test after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_first_sign_in_finished_in_two_tabs_at_once_signs_both_in_as_one_person(
    oidc_provider, unit, monkeypatch
):
    oidc_provider.person = person((HSA_UNIT, "SOC-HANDL"))
    first_tab = Client()
    # Two tabs of one browser: one session, two sign-ins started, each with its own state.
    start = "/accounts/oidc/start/?next=/children/"
    callbacks = [to_callback(first_tab, oidc_provider, start) for _ in range(2)]
    second_tab = Client()
    second_tab.cookies = first_tab.cookies
    # The window two tabs open: both have looked for the person, found no one, and create them.
    # Code that serializes the creations lets the second see the first's row and never come
    # here, so the first waits for it only a moment.
    looked, save = threading.Barrier(2), User.save

    def save_once_both_looked(self, *args, **kwargs):
        if self._state.adding:
            with contextlib.suppress(threading.BrokenBarrierError):
                looked.wait(timeout=2)
        return save(self, *args, **kwargs)

    monkeypatch.setattr(User, "save", save_once_both_looked)
    answers = at_once(lambda: first_tab.get(callbacks[0]), lambda: second_tab.get(callbacks[1]))

    assert [getattr(a, "status_code", a) for a in answers] == [302, 302]
    assert [a["Location"] for a in answers] == ["/children/", "/children/"]
    user = User.objects.get(username__startswith="oidc:")
    assert ExternalIdentity.objects.get(subject=HSA_PERSON).user == user
    assert Membership.objects.get(staff__user=user).role == "handlaggare"
    signed_in = {s.session_key for s in SignedInSession.objects.filter(user=user)}
    assert len(signed_in) == 2


def test_the_next_sign_in_matches_the_stored_id_and_follows_the_provider(
    client, oidc_provider, unit
):
    other = UnitFactory()
    ProviderUnit.objects.create(external_id=HSA_OTHER_UNIT, unit=other)
    oidc_provider.person = person((HSA_UNIT, "handlaggare"))
    through_provider(client, oidc_provider)
    client.post("/accounts/logout/")

    oidc_provider.person = person((HSA_OTHER_UNIT, "enhetschef")) | {"name": "Karin Chef"}
    through_provider(client, oidc_provider)

    user = User.objects.get(external_identities__subject=HSA_PERSON)
    assert User.objects.filter(username__startswith="oidc:").count() == 1
    assert user.staff.name == "Karin Chef"
    held = {(m.unit_id, m.role): m.active for m in Membership.objects.filter(staff__user=user)}
    # The assignment the provider no longer names has ended.
    assert held == {(unit.pk, "handlaggare"): False, (other.pk, "enhetschef"): True}


def test_a_stored_external_id_signs_in_an_existing_staff_member(client, oidc_provider, unit):
    existing = MembershipFactory(unit=unit)
    ExternalIdentity.objects.create(
        user=existing.staff.user, issuer=oidc_provider.issuer, subject=HSA_PERSON
    )
    oidc_provider.person = person((HSA_UNIT, "handlaggare"))
    through_provider(client, oidc_provider)
    assert client.session["_auth_user_id"] == str(existing.staff.user.pk)
    assert Membership.objects.get(staff=existing.staff).active


def test_signing_out_ends_the_session_at_the_provider_too(client, oidc_provider, unit):
    oidc_provider.person = person((HSA_UNIT, "handlaggare"))
    through_provider(client, oidc_provider)
    signed_in = client.session.session_key

    answer = client.post("/accounts/logout/")

    assert "_auth_user_id" not in client.session
    assert not SignedInSession.objects.filter(session_key=signed_in).exists()
    end_session = urlparse(answer["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == (
        f"{oidc_provider.issuer}/end-session"
    )
    query = {k: v[0] for k, v in parse_qs(end_session.query).items()}
    assert query["post_logout_redirect_uri"] == "http://testserver/accounts/login/"
    assert query["client_id"] == CLIENT_ID
    # The provider checks the hint is the ID token it issued for Samsyn, ends that session and
    # sends the browser back to Samsyn's sign-in page.
    back = requests.get(answer["Location"], allow_redirects=False, timeout=5)
    assert back.status_code == 302
    assert back.headers["Location"] == "http://testserver/accounts/login/"
    assert oidc_provider.signed_out == [HSA_PERSON]


def test_without_an_end_session_endpoint_signing_out_stays_in_samsyn(
    client, oidc_provider, unit, settings
):
    settings.SAMSYN_OIDC_END_SESSION_ENDPOINT = ""
    oidc_provider.person = person((HSA_UNIT, "handlaggare"))
    through_provider(client, oidc_provider)
    answer = client.post("/accounts/logout/")
    assert answer["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert oidc_provider.signed_out == []


def test_a_local_account_signs_out_of_samsyn_only(client, oidc_provider):
    sign_in(client, make_actor())
    answer = client.post("/accounts/logout/")
    assert answer["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_the_content_security_policy_lets_the_sign_out_form_go_to_the_end_session_endpoint():
    # A subprocess: the settings derive form-action from the environment as they load. A browser
    # holds the sign-out form's redirect to form-action, which allows only Samsyn otherwise.
    env = {
        **os.environ,
        "SAMSYN_OIDC_END_SESSION_ENDPOINT": "https://idp.region.example:8443/logout?x=1",
    }
    show = "from samsyn.conf import base; print(*base.SECURE_CSP['form-action'])"
    loaded = subprocess.run(  # noqa: S603 - this interpreter, this code
        [sys.executable, "-c", show], env=env, capture_output=True, text=True, timeout=60,
        check=True,
    )  # fmt: skip
    assert loaded.stdout.split() == ["'self'", "https://idp.region.example:8443"]


def test_a_refused_sign_in_leaves_no_token_for_a_later_sign_out(client, oidc_provider, unit):
    oidc_provider.person = person(("SE2321000016-OKÄND", "handlaggare"))
    assert through_provider(client, oidc_provider).status_code == 403
    sign_in(client, make_actor())
    # The local account's sign-out does not send a provider the refused person's token.
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"
    assert oidc_provider.signed_out == []


def test_a_sign_in_started_without_a_next_page_lands_on_the_start_page(client, oidc_provider, unit):
    oidc_provider.person = person((HSA_UNIT, "handlaggare"))
    assert through_provider(client, oidc_provider)["Location"] == "/"


def test_several_assignments_choose_the_unit_as_today(client, oidc_provider, unit):
    ProviderUnit.objects.create(external_id=HSA_OTHER_UNIT, unit=UnitFactory())
    oidc_provider.person = person((HSA_UNIT, "handlaggare"), (HSA_OTHER_UNIT, "enhetschef"))
    answer = through_provider(client, oidc_provider)
    assert answer["Location"].startswith("/accounts/acting-for/")
    assert SESSION_MEMBERSHIP not in client.session
    assert client.get("/accounts/acting-for/").status_code == 200


@pytest.mark.parametrize(
    ("unit_id", "role"),
    [("SE2321000016-OKÄND", "handlaggare"), (HSA_UNIT, "kirurg")],
    ids=["unknown-unit", "unknown-role"],
)
def test_log_3_an_unknown_unit_or_role_is_refused_in_swedish_and_logged(
    client, oidc_provider, unit, unit_id, role, log
):
    oidc_provider.person = person((unit_id, role))
    answer = through_provider(client, oidc_provider)

    assert answer.status_code == 403
    assert sv("You could not be signed in") in answer.content.decode()
    assert escape(sv(NO_ASSIGNMENT)) in answer.content.decode()
    assert not User.objects.filter(username__startswith="oidc:").exists()
    assert not ExternalIdentity.objects.exists()
    assert "_auth_user_id" not in client.session
    entry = log(action="sign_in", object_id="unknown_assignment").get()
    assert entry.outcome == "denied"
    assert entry.detail == {"subject": HSA_PERSON, "unknown": [{"unit": unit_id, "role": role}]}


@pytest.mark.parametrize(
    ("lie", "reason"),
    [
        ({"iss": "https://idp.example.invalid"}, "issuer"),
        ({"aud": "another-client"}, "audience"),
        ({"aud": [CLIENT_ID, "another-client"]}, "audience"),  # no azp naming Samsyn
        ({"nonce": "not-the-one-sent"}, "invalid_answer"),
    ],
    ids=["wrong-issuer", "wrong-audience", "several-audiences", "wrong-nonce"],
)
def test_a_token_not_for_samsyn_is_refused(client, oidc_provider, unit, lie, reason, log):
    oidc_provider.person = person((HSA_UNIT, "handlaggare"))
    oidc_provider.token_overrides = lie
    answer = through_provider(client, oidc_provider)
    assert answer.status_code == 403
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(username__startswith="oidc:").exists()
    assert refusals(log, reason) == 1


def test_a_token_signed_with_an_unpublished_key_is_refused(client, oidc_provider, unit, log):
    oidc_provider.person = person((HSA_UNIT, "handlaggare"))
    oidc_provider.sign_with_stranger = True
    answer = through_provider(client, oidc_provider)
    assert answer.status_code == 403
    assert "_auth_user_id" not in client.session
    assert refusals(log, "invalid_answer") == 1


def test_a_callback_with_a_state_this_browser_never_sent_is_refused(
    client, oidc_provider, unit, log
):
    oidc_provider.person = person((HSA_UNIT, "handlaggare"))
    client.get("/accounts/oidc/start/")  # a state of its own in the session
    answer = client.get("/accounts/oidc/callback/?code=stolen&state=forged")
    assert answer.status_code == 403
    assert "_auth_user_id" not in client.session
    assert refusals(log, "invalid_answer") == 1


def test_an_error_from_the_provider_is_refused_and_logged(client, oidc_provider, log):
    answer = client.get("/accounts/oidc/callback/?error=access_denied&state=x")
    assert answer.status_code == 403
    assert sv(UNKNOWN) in answer.content.decode()
    assert refusals(log, "failed") == 1


def test_the_provider_is_not_offered_or_served_when_not_configured(client, settings):
    settings.SAMSYN_OIDC_ISSUER = ""
    assert client.get("/accounts/oidc/start/").status_code == 404
    assert client.get("/accounts/oidc/callback/?code=a&state=b").status_code == 404
    assert b"/accounts/oidc/start/" not in client.get("/accounts/login/").content


def test_the_sign_in_page_offers_the_provider(client, oidc_provider):
    page = client.get("/accounts/login/?next=/children/").content.decode()
    assert 'href="/accounts/oidc/start/?next=%2Fchildren%2F"' in page


def _lapse_step_up(client: Client) -> None:
    session = client.session
    session[session_services.STEPPED_UP] = (timezone.now() - timedelta(minutes=6)).timestamp()
    session.save()


def test_step_up_for_a_provider_user_is_signing_in_there_again(client, oidc_provider, unit, log):
    oidc_provider.person = person((HSA_UNIT, "handlaggare"))
    through_provider(client, oidc_provider)
    key, started = client.session.session_key, client.session[session_services.STARTED]
    _lapse_step_up(client)

    asked = client.get("/accounts/step-up/?next=/children/")
    assert asked.status_code == 302
    assert asked["Location"].startswith("/accounts/oidc/start/?")
    answer = through_provider(client, oidc_provider, asked["Location"])

    request = oidc_provider.authorize_requests[-1]
    assert (request["prompt"], request["max_age"]) == ("login", "0")
    assert answer["Location"] == "/children/"
    assert session_services.stepped_up(client.session)
    # The same session goes on: the step-up neither restarts its limits nor makes a new one.
    assert client.session.session_key == key
    assert client.session[session_services.STARTED] == started
    assert log(action="step_up_confirmed", outcome="allowed").count() == 1


def test_a_step_up_the_provider_answers_from_an_old_sign_in_is_refused(
    client, oidc_provider, unit, log
):
    oidc_provider.person = person((HSA_UNIT, "handlaggare"))
    through_provider(client, oidc_provider)
    _lapse_step_up(client)
    # A provider that ignores prompt=login and answers from its remembered session.
    oidc_provider.token_overrides = {"auth_time": int(time.time()) - 3600}
    answer = through_provider(client, oidc_provider, "/accounts/oidc/start/?step_up=1&next=/")
    assert answer.status_code == 403
    assert not session_services.stepped_up(client.session)
    assert refusals(log, "not_authenticated_again") == 1


def test_a_region_connects_and_removes_a_unit_from_the_command_line(client, oidc_provider):
    unit = UnitFactory(name="BUP Lindesberg")
    call_command("provider_unit", HSA_OTHER_UNIT, unit=unit.pk, stdout=StringIO())
    listed = StringIO()
    call_command("provider_unit", stdout=listed)
    assert f"{HSA_OTHER_UNIT}\t{unit.pk}\tBUP Lindesberg" in listed.getvalue()

    oidc_provider.person = person((HSA_OTHER_UNIT, "behandlare"))
    through_provider(client, oidc_provider)
    assert Membership.objects.get(unit=unit, active=True).role == "behandlare"

    call_command("provider_unit", HSA_OTHER_UNIT, remove=True, stdout=StringIO())
    assert not ProviderUnit.objects.exists()
    with pytest.raises(CommandError):
        call_command("provider_unit", "SE-NONE", unit=unit.pk + 1000)


ISSUER = "https://idp.region.example"


@pytest.fixture
def configured(settings):
    settings.SAMSYN_OIDC_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.SAMSYN_OIDC_ROLES = {"SOC-HANDL": "handlaggare"}


def token(**changes) -> dict:
    now = int(time.time())
    return {"iss": ISSUER, "aud": CLIENT_ID, "exp": now + 60, "auth_time": now} | changes


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        (token(iss="https://idp.region.example/other"), "issuer"),
        (token(aud="samsyn-other"), "audience"),
        (token(aud=[CLIENT_ID, "x"]), "audience"),
        (token(exp=None), "expiry"),
    ],
    ids=["issuer", "audience", "audiences-without-azp", "no-expiry"],
)
def test_check_token_refuses_a_token_not_issued_for_samsyn(configured, claims, reason):
    with pytest.raises(oidc_services.SignInRefused) as refused:
        oidc_services.check_token(claims)
    assert refused.value.reason == reason


def test_check_token_accepts_samsyn_among_audiences_when_azp_names_it(configured):
    oidc_services.check_token(token(aud=[CLIENT_ID, "x"], azp=CLIENT_ID))


def test_check_token_for_a_step_up_wants_an_authentication_after_the_request(configured):
    asked = time.time()
    oidc_services.check_token(token(auth_time=int(asked)), authenticated_since=asked)
    for stale in ({"auth_time": int(asked) - 3600}, {"auth_time": None}):
        with pytest.raises(oidc_services.SignInRefused):
            oidc_services.check_token(token(**stale), authenticated_since=asked)


def test_claims_map_known_assignments_and_name_the_unknown(configured, unit):
    claims = {
        "assignments": [
            {"unit": HSA_UNIT, "role": "SOC-HANDL"},  # the provider's code, mapped
            {"unit": HSA_UNIT, "role": "enhetschef"},  # Samsyn's own code
            {"unit": HSA_UNIT, "role": "kirurg"},
            {"unit": "SE-OKAND", "role": "handlaggare"},
            "not an assignment",
        ]
    }
    known, unknown = oidc_services.assignments(claims)
    assert known == [(unit.pk, "handlaggare"), (unit.pk, "enhetschef")]
    assert unknown == [
        {"unit": HSA_UNIT, "role": "kirurg"},
        {"unit": "SE-OKAND", "role": "handlaggare"},
    ]
    assert oidc_services.assignments({"assignments": "SE-1"}) == ([], [])


def test_claims_without_a_subject_create_nothing(configured, unit):
    claims = {"assignments": [{"unit": HSA_UNIT, "role": "handlaggare"}]}
    with pytest.raises(oidc_services.SignInRefused) as refused:
        oidc_services.staff_for_claims(claims)
    assert refused.value.reason == "no_subject"
    assert not User.objects.filter(username__startswith="oidc:").exists()
