"""Issue 13 as a person meets it: signed in here and elsewhere, "Var du är inloggad" lists both
and signs the other out; the page asking for the code again explains a wrong code. axe-core
checks each page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import Page, expect
from staff import heading, sign_in_staff, sv

from samsyn.accounts.services import totp_device
from samsyn.accounts.tests.helpers import sign_in
from samsyn.accounts.tests.test_sign_in import wrong_code_for
from samsyn.directory.tests.factories import MembershipFactory, actor_of

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def caseworker(django_db_serialized_rollback, transactional_db):
    return MembershipFactory()


def test_signing_out_another_session_and_a_wrong_step_up_code(
    page: Page, caseworker, assert_accessible
):
    elsewhere = sign_in(Client(), actor_of(caseworker))
    sign_in_staff(page, caseworker.staff.user, assert_accessible)
    page.get_by_role("link", name=sv("Where you are signed in")).click()
    expect(heading(page)).to_have_text(sv("Where you are signed in"))
    expect(page.get_by_role("row")).to_have_count(3)  # the header and two sessions
    expect(page.get_by_text(sv("This session"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name=sv("Sign out every other session")).click()
    expect(page.get_by_role("row")).to_have_count(2)
    assert_accessible(page)
    assert elsewhere.get("/children/").status_code == 302

    page.goto("/accounts/step-up/?next=/children/")
    expect(heading(page)).to_have_text(sv("Confirm it is you"))
    assert_accessible(page)
    page.get_by_label(sv("Code from your authenticator app")).fill(
        wrong_code_for(totp_device(caseworker.staff.user))
    )
    page.get_by_role("button", name=sv("Confirm"), exact=True).click()
    expect(page.locator("main")).to_contain_text(
        sv("The code is wrong or has expired. Try the next code.")
    )
    expect(page).to_have_url(re.compile(r"/accounts/step-up/"))
    assert_accessible(page)
