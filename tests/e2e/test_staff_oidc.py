"""Issue 13, staff identity: a caseworker signs in through the organisation's OpenID Connect
provider (a real one on a thread, tests' own), in Swedish and in English, and signing out ends
the provider's session too; a person whose assignment Samsyn does not know meets a refusal
page. axe-core checks every Samsyn page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.utils.translation import gettext, override
from playwright.sync_api import Page, expect
from staff import heading

from samsyn.accounts.models import ProviderUnit
from samsyn.accounts.tests.oidc_provider import oidc_provider_fixture  # noqa: F401
from samsyn.directory.models import Membership
from samsyn.directory.tests.factories import UnitFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HSA_UNIT = "SE2321000016-E001"


def words(language: str, msgid: str, **values) -> str:
    with override(language):
        return gettext(msgid) % values if values else gettext(msgid)


def page_in(new_page, live_server, language: str) -> Page:
    page = new_page()
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    return page


@pytest.fixture
def unit(django_db_serialized_rollback, transactional_db):
    unit = UnitFactory(name="Socialtjänsten Barn och unga")
    ProviderUnit.objects.create(external_id=HSA_UNIT, unit=unit)
    return unit


def _sign_in_at_provider(page: Page, language: str, check) -> None:
    page.goto("/children/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    check(page)
    page.get_by_role(
        "link", name=words(language, "Sign in with %(provider)s", provider="SITHS")
    ).click()
    expect(page.get_by_role("heading", name="Testleverantör")).to_be_visible()
    page.get_by_role("button", name="Legitimera").click()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_caseworker_signs_in_through_the_organisations_provider(
    new_page, live_server, oidc_provider, unit, assert_accessible, language
):
    oidc_provider.person = {
        "sub": "SE2321000016-P001", "name": "Karin Handläggare",
        "assignments": [{"unit": HSA_UNIT, "role": "SOC-HANDL"}],
    }  # fmt: skip
    page = page_in(new_page, live_server, language)
    _sign_in_at_provider(page, language, assert_accessible)

    expect(page).to_have_url(re.compile(r"/children/$"))
    expect(heading(page)).to_have_text(words(language, "Children"))
    expect(page.locator("header")).to_contain_text("Karin Handläggare")
    assert_accessible(page)
    assert Membership.objects.get(staff__name="Karin Handläggare").unit == unit

    # Signing out ends the session at the provider too, and comes back to the sign-in page.
    page.get_by_role("button", name=words(language, "Sign out"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    assert oidc_provider.signed_out == ["SE2321000016-P001"]
    assert_accessible(page)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_an_unknown_unit_meets_a_refusal_page(
    new_page, live_server, oidc_provider, unit, assert_accessible, language
):
    oidc_provider.person = {
        "sub": "SE2321000016-P002",
        "assignments": [{"unit": "SE2321000016-OKAND", "role": "handlaggare"}],
    }
    page = page_in(new_page, live_server, language)
    _sign_in_at_provider(page, language, assert_accessible)

    expect(heading(page)).to_have_text(words(language, "You could not be signed in"))
    expect(page.get_by_role("alert")).to_contain_text("HSA-id")
    assert_accessible(page)
    page.get_by_role("link", name=words(language, "Back to sign-in")).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
