"""Step-up (issue 13): printing, the PDF and the family's log extract ask for the second factor
again once the last one is more than a few minutes old."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samsyn.accounts.services import totp_device
from samsyn.accounts.step_up import step_up_required
from samsyn.accounts.tests.helpers import sign_in
from samsyn.accounts.tests.test_sign_in import code_for, sv, wrong_code_for
from samsyn.audit.models import Entry
from samsyn.plans.tests.factories import CaseFactory
from samsyn.plans.tests.test_versions import _finalise, bup, case, complete_draft, social  # noqa: F401
from samsyn.portal.tests.conftest import child, citizen, code_now, guardian, sign_in_citizen  # noqa: F401

pytestmark = pytest.mark.django_db

STEP_UP = "/accounts/step-up/"


def _lapse(client: Client) -> None:
    session = client.session
    session["samsyn_stepped_up"] = (timezone.now() - timedelta(minutes=5, seconds=1)).timestamp()
    session.save()


def test_a_form_sent_without_step_up_comes_back_to_its_page_after_the_code(rf, case_staff):
    # Emergency access is a form (the reason stated): its POST cannot be replayed after the
    # code, so the person returns to the page that sent it.
    _sip, staff = case_staff
    _lapse(staff)
    request = rf.post("/x/", HTTP_REFERER="http://testserver/children/7/")
    request.session = staff.session
    response = step_up_required(lambda request: None)(request)
    assert response.url == f"{STEP_UP}?next={quote('http://testserver/children/7/', safe='')}"
    request = rf.post("/x/", HTTP_REFERER="https://evil.example/")
    request.session = staff.session
    assert step_up_required(lambda request: None)(request).url == f"{STEP_UP}?next=%2F"


def _print_urls(sip) -> list[str]:
    return [
        reverse("plans:plan_print", args=[sip.pk, 1]),
        reverse("plans:plan_pdf", args=[sip.pk, 1]),
    ]


def test_printing_asks_for_the_second_factor_again_after_five_minutes(case_staff):
    sip, staff = case_staff
    for url in _print_urls(sip):
        assert staff.get(url).status_code == 200, url  # just signed in: the code is fresh
    _lapse(staff)
    for url in _print_urls(sip):
        response = staff.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{STEP_UP}?next={quote(url, safe='')}"


def test_a_wrong_code_is_refused_in_swedish_and_audited(case_staff):
    sip, staff = case_staff
    _lapse(staff)
    url = _print_urls(sip)[0]
    device = totp_device(staff.actor.staff.user)
    response = staff.post(STEP_UP, {"token": wrong_code_for(device), "next": url})
    assert response.status_code == 200
    assert sv("The code is wrong or has expired. Try the next code.") in response.content.decode()
    assert staff.get(url).status_code == 302
    user_id = staff.actor.staff.user_id
    assert Entry.objects.get(action="step_up_confirmed", user_id=user_id).outcome == "denied"


def test_the_right_code_opens_printing_for_five_minutes(case_staff):
    sip, staff = case_staff
    _lapse(staff)
    url = _print_urls(sip)[1]
    device = totp_device(staff.actor.staff.user)
    response = staff.post(STEP_UP, {"token": code_for(device), "next": url})
    assert response.status_code == 302
    assert response.url == url
    assert staff.get(url).status_code == 200
    user_id = staff.actor.staff.user_id
    assert Entry.objects.get(action="step_up_confirmed", user_id=user_id).outcome == "allowed"


def test_the_step_up_page_never_sends_elsewhere(case_staff):
    _sip, staff = case_staff
    device = totp_device(staff.actor.staff.user)
    response = staff.post(STEP_UP, {"token": code_for(device), "next": "https://evil.example/"})
    assert response.url == "/"


def test_signed_out_the_step_up_page_sends_to_sign_in(client):
    response = client.get(STEP_UP)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_family_steps_up_before_the_log_extract_and_printing(citizen, child):  # noqa: F811
    family = sign_in_citizen(citizen)
    url = reverse("portal:extract", args=[child.pk])
    printing = reverse("portal:print", args=[child.pk, CaseFactory(child=child).pk, 1])
    assert family.get(url).status_code == 200
    _lapse(family)
    for guarded in (url, printing):
        response = family.get(guarded)
        assert response.url == f"{STEP_UP}?next={quote(guarded, safe='')}"
    page = family.get(response.url)
    assert page.status_code == 200
    response = family.post(STEP_UP, {"token": code_now(), "next": url})
    assert response.url == url
    assert family.get(url).status_code == 200


@pytest.fixture
def case_staff(complete_draft, case, social):  # noqa: F811
    _finalise(social, case)
    return case, sign_in(Client(), social)
