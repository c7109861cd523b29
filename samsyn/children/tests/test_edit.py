"""Editing contact details under optimistic locking, and recording a need to see a protected
address."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from samsyn.audit.models import Entry
from samsyn.children.models import Child, ProtectedIdentityNeed
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.children.tests.helpers import give_consent, says

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(social, kommun):
    child = ChildFactory(municipality=kommun, street_address="Storgatan 1", city="Örebro")
    InvolvementFactory(child=child, unit=social.unit)
    return child


def _contact_url(child):
    return reverse("children:edit_contact", args=[child.pk])


def _version_on(response) -> str:
    return re.search(r'name="version" value="(\d+)"', response.content.decode())[1]


def _contact(version, **overrides):
    data = {
        "version": version,
        "street_address": "Nygatan 5",
        "postal_code": "70211",
        "city": "Örebro",
        "phone": "019-555 12 34",
    }
    data.update(overrides)
    return data


def test_a_save_bumps_the_version_and_is_audited(social, child, client_for):
    client = client_for(social)
    version = _version_on(client.get(_contact_url(child)))
    response = client.post(_contact_url(child), _contact(version))
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.street_address, child.version) == ("Nygatan 5", 2)
    entry = Entry.objects.get(child_id=child.pk, action="child_contact_changed")
    assert entry.detail == {"fields": ["street_address", "postal_code", "phone"], "version": 2}
    assert "Nygatan" not in str(entry.detail)


def test_a_stale_save_is_refused_showing_both_values_and_keeping_the_users(
    social, child, client_for
):
    client = client_for(social)
    version = _version_on(client.get(_contact_url(child)))
    # Someone else saves first.
    Child.objects.filter(pk=child.pk).update(street_address="Annangatan 9", version=2)
    response = client.post(_contact_url(child), _contact(version))
    content = response.content.decode()
    assert response.status_code == 200
    assert says(
        response,
        "Someone else saved the contact details while you were editing. Their values are shown "
        "next to yours below. Check, change if needed, and save again.",
    )
    assert "Annangatan 9" in content  # theirs
    assert 'value="Nygatan 5"' in content  # yours, still in the form
    child.refresh_from_db()
    assert child.street_address == "Annangatan 9"
    assert not Entry.objects.filter(action="child_contact_changed", child_id=child.pk).exists()
    # Saving again, having seen theirs, goes through.
    assert _version_on(response) == "2"
    assert client.post(_contact_url(child), _contact("2")).status_code == 302
    child.refresh_from_db()
    assert (child.street_address, child.version) == ("Nygatan 5", 3)


def test_a_double_submit_of_the_same_edit_is_no_conflict(social, child, client_for):
    client = client_for(social)
    data = _contact(_version_on(client.get(_contact_url(child))))
    assert client.post(_contact_url(child), data).status_code == 302
    assert client.post(_contact_url(child), data).status_code == 302
    child.refresh_from_db()
    assert child.version == 2


def test_a_missing_version_counts_as_stale(social, child, client_for):
    response = client_for(social).post(_contact_url(child), _contact(""))
    assert response.status_code == 200
    child.refresh_from_db()
    assert child.version == 1


@pytest.mark.parametrize(
    ("field", "value", "msgid", "params"),
    [
        ("postal_code", "7021", "Enter the postal code as five digits, e.g. 702 10.", {}),
        (
            "city",
            "x" * 101,
            "At most %(limit)d character.",
            {"plural": ("At most %(limit)d characters.", 100), "limit": 100},
        ),
        (
            "phone",
            "ring me",
            "Enter a phone number with digits, spaces, hyphens and an optional +.",
            {},
        ),
    ],
)
def test_bad_contact_input_is_explained_and_kept(
    social, child, client_for, field, value, msgid, params
):
    client = client_for(social)
    response = client.post(_contact_url(child), _contact("1", **{field: value}))
    assert response.status_code == 200
    assert says(response, msgid, **params)
    assert f'value="{value}"' in response.content.decode()
    child.refresh_from_db()
    assert child.version == 1


def test_sek_1_a_consent_lets_another_organisation_read_but_not_edit(bup, child, client_for):
    give_consent(child, bup.unit)
    client = client_for(bup)
    assert client.get(_contact_url(child)).status_code == 403
    assert client.post(_contact_url(child), _contact("1")).status_code == 403
    child.refresh_from_db()
    assert child.street_address == "Storgatan 1"


def test_sek_1_without_a_ground_the_edit_page_is_404(bup, child, client_for):
    assert client_for(bup).get(_contact_url(child)).status_code == 404


def test_a_protected_address_is_not_edited_without_a_need(social, child, client_for):
    child.protected_identity = True
    child.save()
    assert client_for(social).get(_contact_url(child)).status_code == 403


# Recording a need to see a protected address.


def _need_url(child):
    return reverse("children:address_need", args=[child.pk])


def _need(client, child, **overrides):
    content = client.get(_need_url(child)).content.decode()
    data = {
        "form_token": re.search(r'name="form_token" value="([^"]+)"', content)[1],
        "reason": "Home visits in the investigation",
        "valid_until": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def protected(child):
    child.protected_identity = True
    child.save()
    return child


def test_a_unit_manager_records_a_need_and_the_unit_sees_the_address(
    manager, social, protected, client_for
):
    client = client_for(manager)
    detail = reverse("children:detail", args=[protected.pk])
    data = _need(client, protected)
    response = client.post(_need_url(protected), data)
    assert response.status_code == 302
    assert client.post(_need_url(protected), data).status_code == 302  # double submit
    need = ProtectedIdentityNeed.objects.get(child=protected)
    assert (need.unit, need.recorded_by) == (manager.unit, manager.staff)
    assert Entry.objects.filter(
        child_id=protected.pk, action="protected_identity_need_recorded"
    ).exists()
    assert "Storgatan 1" in client_for(social).get(detail).content.decode()


def test_a_caseworker_cannot_record_a_need(social, protected, client_for):
    assert client_for(social).get(_need_url(protected)).status_code == 403


@pytest.mark.parametrize(
    ("overrides", "msgid"),
    [
        ({"reason": ""}, "This field is required."),
        ({"valid_until": "2020-01-01"}, "The date must be today or later."),
        ({"valid_until": "not a date"}, "Enter a valid date."),
    ],
)
def test_bad_need_input_is_explained(manager, protected, client_for, overrides, msgid):
    client = client_for(manager)
    response = client.post(_need_url(protected), _need(client, protected, **overrides))
    assert response.status_code == 200
    assert says(response, msgid)
    assert not ProtectedIdentityNeed.objects.exists()


def test_a_need_lasts_at_most_a_year(manager, protected, client_for):
    client = client_for(manager)
    too_late = timezone.localdate() + datetime.timedelta(days=400)
    response = client.post(
        _need_url(protected), _need(client, protected, valid_until=too_late.isoformat())
    )
    assert response.status_code == 200
    assert not ProtectedIdentityNeed.objects.exists()
