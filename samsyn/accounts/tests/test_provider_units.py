"""Issue 13, staff identity: the administrator's page connecting the identity provider's unit
ids (HSA-ids) to Samsyn units, without the command line. Listed, added, changed and removed,
each change audited; only an administrator, and only for the units of their own principal."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from samsyn.accounts import provider_unit_services as services
from samsyn.accounts.models import ProviderUnit
from samsyn.accounts.tests.oidc_provider import oidc_provider_fixture  # noqa: F401
from samsyn.accounts.tests.test_oidc import HSA_PERSON, through_provider
from samsyn.audit.models import Entry
from samsyn.directory.models import Membership, Role, Unit
from samsyn.directory.tests.factories import OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db

HSA_UNIT = "SE2321000016-E001"
HSA_OTHER = "SE2321000016-E002"
LIST = reverse("accounts:provider_units")
# With the session and the user (its actor read with it): pinned, so a list that starts to cost
# more per request fails.
PINNED_LIST_QUERIES = 3


@pytest.fixture
def admin_client(actor_client):
    return actor_client(role=Role.ADMINISTRATOR)


@pytest.fixture
def own_unit(admin_client):
    """A unit of another organisation of the administrator's principal (a BUP of the region)."""
    principal = admin_client.actor.organisation.principal
    return UnitFactory(
        name="BUP Lindesberg", organisation=OrganisationFactory(principal=principal, name="BUP")
    )


@pytest.fixture
def log():
    since = timezone.now()
    return lambda **kwargs: Entry.objects.filter(at__gte=since, **kwargs)


def _form(admin_client, url: str, **data):
    page = admin_client.get(url)
    assert page.status_code == 200
    token = page.context["form_token"]
    return admin_client.post(url, {"form_token": token, **data})


def test_an_administrator_connects_a_unit_on_the_page_and_it_is_logged(admin_client, own_unit, log):
    answer = _form(
        admin_client, reverse("accounts:provider_unit_new"), external_id=f" {HSA_UNIT} ",
        unit=own_unit.pk,
    )  # fmt: skip
    assert answer.status_code == 302
    assert answer["Location"] == LIST
    connection = ProviderUnit.objects.get()
    assert (connection.external_id, connection.unit) == (HSA_UNIT, own_unit)
    entry = log(action="provider_unit_connected").get()
    assert (entry.object_type, entry.object_id, entry.outcome) == (
        "provider_unit", str(connection.pk), "allowed",
    )  # fmt: skip
    assert entry.detail == {"external_id": HSA_UNIT, "unit_id": own_unit.pk}
    page = admin_client.get(LIST).text
    assert HSA_UNIT in page
    assert "BUP Lindesberg" in page


def test_the_list_shows_the_role_codes_in_swedish_and_english(admin_client, own_unit, settings):
    settings.SAMSYN_OIDC_ROLES = {"SOC-HANDL": "handlaggare"}
    ProviderUnit.objects.create(external_id=HSA_UNIT, unit=own_unit)
    page = admin_client.get(LIST).text
    with translation.override("sv"):
        assert translation.gettext("Units at the identity provider") in page
        assert "SOC-HANDL" in page
        assert str(Role.CASEWORKER.label).capitalize() in page
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = admin_client.get(LIST).text
    assert "Units at the identity provider" in page
    assert "Caseworker" in page


def test_an_administrator_changes_and_removes_a_connection_each_logged(admin_client, own_unit, log):
    connection = ProviderUnit.objects.create(external_id=HSA_UNIT, unit=own_unit)
    other = UnitFactory(organisation=admin_client.actor.organisation)
    edit = reverse("accounts:provider_unit_edit", args=[connection.pk])
    answer = admin_client.post(edit, {"external_id": HSA_OTHER, "unit": other.pk})
    assert answer["Location"] == LIST
    connection.refresh_from_db()
    assert (connection.external_id, connection.unit) == (HSA_OTHER, other)
    assert log(action="provider_unit_changed").get().detail == {
        "before": {"external_id": HSA_UNIT, "unit_id": own_unit.pk},
        "after": {"external_id": HSA_OTHER, "unit_id": other.pk},
    }

    answer = admin_client.post(reverse("accounts:provider_unit_remove", args=[connection.pk]))
    assert answer["Location"] == LIST
    assert not ProviderUnit.objects.exists()
    entry = log(action="provider_unit_disconnected").get()
    assert entry.detail == {"external_id": HSA_OTHER, "unit_id": other.pk}


def test_saving_unchanged_values_logs_nothing(admin_client, own_unit, log):
    connection = ProviderUnit.objects.create(external_id=HSA_UNIT, unit=own_unit)
    edit = reverse("accounts:provider_unit_edit", args=[connection.pk])
    admin_client.post(edit, {"external_id": HSA_UNIT, "unit": own_unit.pk})
    assert not log(action="provider_unit_changed").exists()


def test_an_id_already_connected_is_refused_on_the_form(admin_client, own_unit):
    ProviderUnit.objects.create(external_id=HSA_UNIT, unit=own_unit)
    answer = _form(
        admin_client, reverse("accounts:provider_unit_new"), external_id=HSA_UNIT,
        unit=own_unit.pk,
    )  # fmt: skip
    assert answer.status_code == 200
    assert answer.context["form"].errors == {
        "external_id": [translation.gettext("That id is already connected to a unit.")]
    }
    assert ProviderUnit.objects.count() == 1


def test_another_principals_units_are_neither_offered_nor_reached(admin_client, own_unit, log):
    foreign_unit = UnitFactory(name="Socialtjänsten i en annan kommun")
    foreign = ProviderUnit.objects.create(external_id=HSA_OTHER, unit=foreign_unit)
    page = admin_client.get(reverse("accounts:provider_unit_new")).text
    assert "BUP Lindesberg" in page
    assert "Socialtjänsten i en annan kommun" not in page
    assert HSA_OTHER not in admin_client.get(LIST).text
    edit = reverse("accounts:provider_unit_edit", args=[foreign.pk])
    assert admin_client.get(edit).status_code == 404
    assert admin_client.post(edit, {"external_id": "X", "unit": own_unit.pk}).status_code == 404
    remove = reverse("accounts:provider_unit_remove", args=[foreign.pk])
    assert admin_client.post(remove).status_code == 404
    assert ProviderUnit.objects.get(pk=foreign.pk).external_id == HSA_OTHER
    # Nor through the service, whatever a form would let through.
    with pytest.raises(ValidationError):
        services.connect(actor=admin_client.actor, external_id="SE-X", unit_id=foreign_unit.pk)
    assert not log(object_type="provider_unit", outcome="allowed").exists()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.UNIT_MANAGER, Role.ANALYST])
def test_log_3_only_an_administrator_reaches_the_page_and_a_refusal_is_logged(
    actor_client, role, log
):
    client = actor_client(role=role)
    connection = ProviderUnit.objects.create(external_id=HSA_UNIT, unit=client.actor.unit)
    assert client.get(LIST).status_code == 403
    remove = reverse("accounts:provider_unit_remove", args=[connection.pk])
    assert client.post(remove).status_code == 403
    assert ProviderUnit.objects.exists()
    assert log(outcome="denied", object_id="accounts.provider_units").count() == 2


def test_the_navigation_offers_the_page_only_where_staff_sign_in_at_a_provider(
    admin_client, settings
):
    settings.SAMSYN_OIDC_ISSUER = ""
    assert f'href="{LIST}"' not in admin_client.get(reverse("accounts:sessions")).text
    settings.SAMSYN_OIDC_ISSUER = "https://idp.region.example"
    assert f'href="{LIST}"' in admin_client.get(reverse("accounts:sessions")).text


def test_a_unit_connected_on_the_page_is_granted_at_the_next_sign_in(
    admin_client, own_unit, oidc_provider, client
):
    _form(
        admin_client, reverse("accounts:provider_unit_new"), external_id=HSA_UNIT,
        unit=own_unit.pk,
    )  # fmt: skip
    oidc_provider.person = {
        "sub": HSA_PERSON, "name": "Karin Behandlare",
        "assignments": [{"unit": HSA_UNIT, "role": "behandlare"}],
    }  # fmt: skip
    assert through_provider(client, oidc_provider).status_code == 302
    membership = Membership.objects.get(staff__name="Karin Behandlare")
    assert (membership.unit, membership.role, membership.active) == (own_unit, "behandlare", True)


def test_the_list_costs_the_same_with_ten_connections_as_with_a_thousand(admin_client):
    organisation = admin_client.actor.organisation

    def grow(upto: int) -> int:
        start = ProviderUnit.objects.count()
        units = Unit.objects.bulk_create(
            Unit(organisation=organisation, name=f"Mottagning {n}") for n in range(start, upto)
        )
        ProviderUnit.objects.bulk_create(
            ProviderUnit(external_id=f"SE2321000016-E{unit.pk}", unit=unit) for unit in units
        )
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(LIST).status_code == 200
        return len(queries)

    assert grow(10) == grow(1_000) == PINNED_LIST_QUERIES
