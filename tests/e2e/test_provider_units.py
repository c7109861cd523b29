"""Issue 13, staff identity, in the browser, in Swedish and in English: a region's administrator
connects the identity provider's unit id (an HSA-id) to a Samsyn unit on its page, changes it
and removes it, without the command line; each change is logged. axe-core checks every page,
and the list and the form again at 360 px wide, where no page may scroll sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from staff import fits_a_phone, heading, open_as, tr

from samsyn.accounts.models import ProviderUnit
from samsyn.audit.models import Entry
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, OrganisationFactory, UnitFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HSA_UNIT = "SE2321000016-E001"
HSA_CORRECTED = "SE2321000016-E0A1"


@pytest.fixture
def region(django_db_serialized_rollback, transactional_db, settings):
    settings.SAMSYN_OIDC_ISSUER = "https://idp.region.example"
    settings.SAMSYN_OIDC_ROLES = {"SOC-HANDL": "handlaggare"}
    admin = MembershipFactory(
        role=Role.ADMINISTRATOR,
        unit=UnitFactory(
            organisation=OrganisationFactory(kind=Organisation.Kind.ADMINISTRATION),
            name="Regionledning",
        ),
    )
    principal = admin.unit.organisation.principal
    bup = OrganisationFactory(principal=principal, kind=Organisation.Kind.BUP, name="BUP Örebro")
    return {
        "admin": admin,
        "unit": UnitFactory(organisation=bup, name="BUP Lindesberg"),
        "other": UnitFactory(organisation=bup, name="BUP Karlskoga"),
    }


@pytest.mark.parametrize("language", ["sv", "en"])
def test_an_administrator_connects_changes_and_removes_a_unit_at_the_provider(
    new_page, live_server, region, assert_accessible, language
):
    t = lambda msgid: tr(msgid, language)  # noqa: E731
    page = open_as(new_page, live_server, region["admin"], language, assert_accessible)
    page.get_by_role("navigation", name=t("Main menu")).get_by_role(
        "link", name=t("Identity provider")
    ).click()
    expect(heading(page)).to_have_text(t("Units at the identity provider"))
    expect(
        page.get_by_text(t("No unit is connected yet: nobody can sign in through the provider."))
    ).to_be_visible()
    expect(page.get_by_role("rowheader", name="SOC-HANDL")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=t("Connect a unit")).click()
    expect(heading(page)).to_have_text(t("Connect a unit"))
    assert_accessible(page)
    fits_a_phone(page, assert_accessible)
    # The unit is required; the id typed is kept.
    page.get_by_label(t("The unit's id at the identity provider")).fill(HSA_UNIT)
    page.get_by_role("button", name=t("Connect"), exact=True).click()
    expect(page.locator("[data-error-summary]")).to_contain_text(t("This field is required."))
    expect(page.get_by_label(t("The unit's id at the identity provider"))).to_have_value(HSA_UNIT)
    assert_accessible(page)
    page.get_by_label(t("Samsyn unit")).select_option(label="BUP Örebro: BUP Lindesberg")
    page.get_by_role("button", name=t("Connect"), exact=True).click()

    expect(page).to_have_url(re.compile(r"/accounts/provider-units/$"))
    expect(page.get_by_text(t("The unit is connected."))).to_be_visible()
    row = page.get_by_role("row").filter(has_text=HSA_UNIT)
    expect(row).to_contain_text("BUP Lindesberg")
    assert_accessible(page)
    fits_a_phone(page, assert_accessible)

    page.get_by_role("row").filter(has_text=HSA_UNIT).get_by_role("link", name=t("Change")).click()
    expect(heading(page)).to_have_text(t("Change a connected unit"))
    assert_accessible(page)
    page.get_by_label(t("The unit's id at the identity provider")).fill(HSA_CORRECTED)
    page.get_by_label(t("Samsyn unit")).select_option(label="BUP Örebro: BUP Karlskoga")
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.get_by_text(t("The connection is saved."))).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=HSA_CORRECTED)).to_contain_text("BUP Karlskoga")
    connection = ProviderUnit.objects.get()
    assert (connection.external_id, connection.unit) == (HSA_CORRECTED, region["other"])

    page.get_by_role("row").filter(has_text=HSA_CORRECTED).get_by_role(
        "button", name=t("Remove")
    ).click()
    expect(page.get_by_text(t("The connection is removed."))).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=HSA_CORRECTED)).to_have_count(0)
    assert_accessible(page)
    assert not ProviderUnit.objects.exists()
    logged = Entry.objects.filter(
        object_type="provider_unit", staff_id=region["admin"].staff_id
    ).values_list("action", flat=True)
    assert sorted(logged) == [
        "provider_unit_changed", "provider_unit_connected", "provider_unit_disconnected",
    ]  # fmt: skip
