"""Issue 8, item 3: guardians can be completed after registration. Adding one (a known person
linked, never copied; at most two), changing their contact details under optimistic locking,
ending a guardianship (kept as history); only a unit that may change the child does it, every
change audited, and protected identity hides a guardian's contact details as the child's."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from samsyn.access.models import Category, Purpose
from samsyn.audit.models import Entry
from samsyn.children.models import Guardian, Guardianship, ProtectedIdentityNeed
from samsyn.children.selectors import guardians_of
from samsyn.children.tests.factories import (
    ChildFactory,
    GuardianFactory,
    GuardianshipFactory,
    InvolvementFactory,
    identity_number,
)
from samsyn.children.tests.helpers import give_consent, says, takes_part
from samsyn.consent.models import Consent
from samsyn.directory.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NEW_NUMBER = identity_number(datetime.date(1986, 4, 9), 711)


@pytest.fixture
def child(social, kommun):
    child = ChildFactory(municipality=kommun)
    InvolvementFactory(child=child, unit=social.unit)
    return child


def _detail(child) -> str:
    return reverse("children:detail", args=[child.pk])


def _add_url(child) -> str:
    return reverse("children:add_guardian", args=[child.pk])


def _contact_url(child, guardian) -> str:
    return reverse("children:edit_guardian_contact", args=[child.pk, guardian.pk])


def _end_url(child, guardian) -> str:
    return reverse("children:end_guardianship", args=[child.pk, guardian.pk])


def _token(client, url) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', client.get(url).content.decode())[1]


def _version(client, url) -> str:
    return re.search(r'name="version" value="(\d+)"', client.get(url).content.decode())[1]


def _add(client, child, **overrides):
    data = {
        "form_token": _token(client, _add_url(child)),
        "identity_number": f"{NEW_NUMBER[:8]}-{NEW_NUMBER[8:]}",
        "first_name": "Sara",
        "last_name": "Berg",
        "email": "sara.berg@example.org",
        "phone": "070-174 06 42",
        "street_address": "",
        "postal_code": "",
        "city": "",
    }
    data.update(overrides)
    return client.post(_add_url(child), data)


def _contact(version, **overrides) -> dict:
    data = {
        "version": version,
        "email": "ny.adress@example.org",
        "phone": "070-174 06 50",
        "street_address": "Nygatan 5",
        "postal_code": "70211",
        "city": "Örebro",
    }
    data.update(overrides)
    return data


def _end(client, child, guardian, **overrides):
    data = {
        "form_token": _token(client, _end_url(child, guardian)),
        "ended_on": timezone.localdate().isoformat(),
        "reason": "Tingsrättens dom om ensam vårdnad",
    }
    data.update(overrides)
    return client.post(_end_url(child, guardian), data)


# Adding -----------------------------------------------------------------------------------


def test_log_1_a_new_guardian_is_added_with_contact_details_and_audited(social, child, client_for):
    client = client_for(social)
    assert says(client.get(_detail(child)), "Add a guardian")
    response = _add(client, child)
    assert response.status_code == 302
    assert response["Location"] == _detail(child)
    guardian = guardians_of(child).get()
    assert (guardian.identity_number, guardian.name) == (NEW_NUMBER, "Sara Berg")
    assert (guardian.email, guardian.phone) == ("sara.berg@example.org", "070-174 06 42")
    page = client.get(_detail(child))
    assert "sara.berg@example.org" in page.content.decode()
    assert says(page, "The guardian is added.")
    entry = Entry.objects.get(child_id=child.pk, action="guardian_added")
    assert (entry.staff_id, entry.object_type) == (social.staff.pk, "guardianship")
    assert entry.detail == {
        "guardian_id": guardian.pk, "linked_existing": False, "fields": ["email", "phone"],
    }  # fmt: skip
    # Which details were given, never their values.
    assert "example.org" not in str(entry.detail)


def test_an_existing_guardian_is_linked_as_recorded_never_duplicated(social, child, client_for):
    # The guardian of a sibling, in another organisation's knowledge: one person, one record.
    known = GuardianFactory(identity_number=NEW_NUMBER, email="kand@example.org")
    GuardianshipFactory(guardian=known)
    client = client_for(social)
    response = _add(client, child, first_name="Annan", email="skrivet@example.org")
    assert response.status_code == 302
    assert Guardian.objects.filter(identity_number=NEW_NUMBER).count() == 1
    assert list(guardians_of(child)) == [known]
    known.refresh_from_db()
    assert (known.first_name, known.email) != ("Annan", "skrivet@example.org")
    assert says(
        client.get(_detail(child)),
        "The guardian was already registered in Samsyn and is linked as recorded: only the "
        "identity number you typed was used. Change the contact details on the child's page "
        "if they need it.",
    )
    entry = Entry.objects.get(child_id=child.pk, action="guardian_added")
    assert entry.detail["linked_existing"] is True


def test_a_third_guardian_is_refused_keeping_what_was_typed(social, child, client_for):
    GuardianshipFactory(child=child)
    GuardianshipFactory(child=child)
    client = client_for(social)
    # The page offers no third: the button is gone.
    assert not says(client.get(_detail(child)), "Add a guardian")
    response = _add(client, child)
    assert response.status_code == 200
    assert says(
        response, "A child has at most two guardians. End a guardianship before adding another."
    )
    assert 'value="sara.berg@example.org"' in response.content.decode()
    assert guardians_of(child).count() == 2
    assert not Guardian.objects.filter(identity_number=NEW_NUMBER).exists()
    assert not Entry.objects.filter(child_id=child.pk, action="guardian_added").exists()


@pytest.mark.parametrize(
    ("number", "msgid"),
    [
        ("19860409-7110", "The identity number's check digit is wrong. Check the number and try "
         "again."),
        ("child", "A guardian cannot have the child's own identity number."),
        ("current", "This person is already a guardian of the child."),
    ],
)  # fmt: skip
def test_the_identity_number_is_validated_like_the_childs(social, child, client_for, number, msgid):
    current = GuardianshipFactory(child=child).guardian
    number = {"child": child.identity_number, "current": current.identity_number}.get(
        number, number
    )
    response = _add(client_for(social), child, identity_number=number)
    assert response.status_code == 200
    assert says(response, msgid)
    assert guardians_of(child).count() == 1


# Changing contact details ------------------------------------------------------------------


@pytest.fixture
def guardian(child):
    return GuardianshipFactory(child=child, guardian__email="").guardian


def test_log_1_a_guardians_contact_details_are_changed_and_audited(
    social, child, guardian, client_for
):
    client = client_for(social)
    url = _contact_url(child, guardian)
    response = client.post(url, _contact(_version(client, url)))
    assert response.status_code == 302
    guardian.refresh_from_db()
    assert (guardian.email, guardian.phone, guardian.version) == (
        "ny.adress@example.org", "070-174 06 50", 2,
    )  # fmt: skip
    entry = Entry.objects.get(child_id=child.pk, action="guardian_contact_changed")
    assert (entry.object_type, entry.object_id) == ("guardian", str(guardian.pk))
    assert entry.detail["fields"] == ["email", "phone", "street_address", "postal_code", "city"]
    assert "Nygatan" not in str(entry.detail)


def test_a_stale_guardian_contact_save_is_refused_showing_both_and_keeping_the_users(
    social, child, guardian, client_for
):
    client = client_for(social)
    url = _contact_url(child, guardian)
    version = _version(client, url)
    # Someone else saves first.
    Guardian.objects.filter(pk=guardian.pk).update(email="deras@example.org", version=2)
    response = client.post(url, _contact(version))
    content = response.content.decode()
    assert response.status_code == 200
    assert says(
        response,
        "Someone else saved the contact details while you were editing. Their values are shown "
        "next to yours below. Check, change if needed, and save again.",
    )
    assert "deras@example.org" in content  # theirs
    assert 'value="ny.adress@example.org"' in content  # yours, still in the form
    guardian.refresh_from_db()
    assert guardian.email == "deras@example.org"
    assert not Entry.objects.filter(child_id=child.pk, action="guardian_contact_changed").exists()
    # Saving again, having seen theirs, goes through.
    assert client.post(url, _contact(_version_on(response))).status_code == 302
    guardian.refresh_from_db()
    assert (guardian.email, guardian.version) == ("ny.adress@example.org", 3)


def _version_on(response) -> str:
    return re.search(r'name="version" value="(\d+)"', response.content.decode())[1]


def test_a_bad_e_mail_address_is_explained_and_kept(social, child, guardian, client_for):
    response = client_for(social).post(_contact_url(child, guardian), _contact("1", email="x@"))
    assert response.status_code == 200
    assert says(response, "Enter a valid email address.")
    assert 'value="x@"' in response.content.decode()


# Ending --------------------------------------------------------------------------------------


def test_log_1_ending_a_guardianship_keeps_it_as_history(social, child, guardian, client_for):
    client = client_for(social)
    ended_on = timezone.localdate() - datetime.timedelta(days=3)
    response = _end(client, child, guardian, ended_on=ended_on.isoformat())
    assert response.status_code == 302
    guardianship = Guardianship.objects.get(child=child, guardian=guardian)
    assert (guardianship.ended_on, guardianship.end_reason) == (
        ended_on, "Tingsrättens dom om ensam vårdnad",
    )  # fmt: skip
    assert not guardians_of(child).exists()
    page = client.get(_detail(child))
    assert says(page, "Former guardians")
    assert "Tingsrättens dom om ensam vårdnad" in page.content.decode()
    entry = Entry.objects.get(child_id=child.pk, action="guardianship_ended")
    assert entry.detail == {"guardian_id": guardian.pk, "ended_on": ended_on.isoformat()}
    # The same person may become guardian again: a new guardianship, the old one kept.
    _add(client, child, identity_number=guardian.identity_number)
    assert list(guardians_of(child)) == [guardian]
    assert Guardianship.objects.filter(child=child, guardian=guardian).count() == 2


def test_ending_an_ended_guardianship_is_refused_saying_by_whom_and_keeping_the_users(
    social, child, guardian, client_for
):
    client = client_for(social)
    token = _token(client, _end_url(child, guardian))
    # Someone else ends it first.
    Guardianship.objects.filter(guardian=guardian).update(
        ended_on=timezone.localdate(), end_reason="Dödsfall"
    )
    response = client.post(
        _end_url(child, guardian),
        {"form_token": token, "ended_on": timezone.localdate().isoformat(), "reason": "Flytt"},
    )
    assert response.status_code == 200
    assert says(
        response,
        "Someone else has already ended this guardianship, as of %(date)s: %(reason)s",
        date=timezone.localdate().isoformat(), reason="Dödsfall",
    )  # fmt: skip
    assert "Flytt" in response.content.decode()
    assert Guardianship.objects.get(guardian=guardian).end_reason == "Dödsfall"
    assert not Entry.objects.filter(child_id=child.pk, action="guardianship_ended").exists()


def test_a_guardianship_cannot_end_in_the_future(social, child, guardian, client_for):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = _end(client_for(social), child, guardian, ended_on=tomorrow.isoformat())
    assert response.status_code == 200
    assert says(response, "The date cannot be in the future.")
    assert guardians_of(child).exists()


def _guardian_consent(child, guardian, unit):
    recorder = MembershipFactory()
    return Consent.objects.create(
        child=child, given_by=Consent.GivenBy.GUARDIAN, guardian=guardian,
        receiving_organisation=unit.organisation, categories=[Category.BASIC],
        purposes=list(Purpose.values), form=Consent.Form.WRITTEN,
        valid_until=timezone.now() + datetime.timedelta(days=30), recorded_by=recorder.staff,
        recorded_for=recorder.unit.organisation,
    )  # fmt: skip


def _bup_sees(client, child) -> tuple[bool, bool]:
    """Whether the child's page opens (`decide`) and the list shows the child (`restrict`)."""
    page = client.get(_detail(child)).status_code == 200
    listed = child.name in client.get(reverse("children:list")).content.decode()
    return page, listed


def test_sek_3_only_the_guardians_in_force_consent(social, bup, child, guardian, client_for):
    other = GuardianshipFactory(child=child).guardian
    takes_part(child, bup.unit)
    _guardian_consent(child, other, bup.unit)
    bup_client = client_for(bup)
    # Both guardians must consent (the default setting): one is not enough.
    assert _bup_sees(bup_client, child) == (False, False)
    # The consenting guardian's guardianship ends: their consent no longer counts.
    _end(client_for(social), child, other)
    assert _bup_sees(bup_client, child) == (False, False)
    # The guardian in force consents: the one needed now.
    _guardian_consent(child, guardian, bup.unit)
    assert _bup_sees(bup_client, child) == (True, True)


# Who may ----------------------------------------------------------------------------------


def _every_change(client, child, guardian):
    return [
        client.get(_add_url(child)),
        client.post(_add_url(child), {"identity_number": NEW_NUMBER, "first_name": "X",
                                      "last_name": "Y"}),
        client.get(_contact_url(child, guardian)),
        client.post(_contact_url(child, guardian), _contact("1")),
        client.get(_end_url(child, guardian)),
        client.post(_end_url(child, guardian), {"ended_on": "2026-01-01", "reason": "X"}),
    ]  # fmt: skip


def test_sek_1_a_consent_lets_another_organisation_read_the_guardians_never_change_them(
    bup, child, guardian, client_for
):
    give_consent(child, bup.unit, categories=[Category.BASIC, Category.CONTACT])
    client = client_for(bup)
    page = client.get(_detail(child))
    assert guardian.name in page.content.decode()
    assert not says(page, "Add a guardian")
    assert not says(page, "End the guardianship")
    assert [r.status_code for r in _every_change(client, child, guardian)] == [403] * 6
    assert list(guardians_of(child)) == [guardian]
    guardian.refresh_from_db()
    assert guardian.version == 1
    # LOG-3: each refusal is logged.
    denied = Entry.objects.filter(child_id=child.pk, outcome="denied")
    assert denied.count() == 6


def test_sek_1_a_unit_without_a_relationship_finds_nothing(bup, child, guardian, client_for):
    statuses = [r.status_code for r in _every_change(client_for(bup), child, guardian)]
    assert statuses == [404] * 6


def test_a_guardian_of_another_child_is_not_found_here(social, child, client_for):
    stranger = GuardianshipFactory().guardian
    client = client_for(social)
    assert client.get(_contact_url(child, stranger)).status_code == 404
    assert client.get(_end_url(child, stranger)).status_code == 404


# Protected identity -----------------------------------------------------------------------


def test_protected_identity_hides_a_guardians_contact_details_until_a_need(
    social, child, client_for
):
    child.protected_identity = True
    child.save()
    guardian = GuardianshipFactory(
        child=child, guardian__email="skyddad@example.org", guardian__phone="070-174 06 77",
        guardian__protected_identity=True,
    ).guardian  # fmt: skip
    client = client_for(social)
    content = client.get(_detail(child)).content.decode()
    assert "skyddad@example.org" not in content
    assert "070-174 06 77" not in content
    # Without a need the unit changes nothing of a protected child's, guardians included.
    assert client.get(_add_url(child)).status_code == 403
    assert client.get(_contact_url(child, guardian)).status_code == 403
    ProtectedIdentityNeed.objects.create(
        child=child, unit=social.unit, reason="Hembesök", recorded_by=social.staff,
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
    )  # fmt: skip
    content = client.get(_detail(child)).content.decode()
    assert "skyddad@example.org" in content
    assert client.get(_contact_url(child, guardian)).status_code == 200


def test_a_protected_guardians_contact_details_are_neither_shown_nor_changed(
    social, child, client_for
):
    # The child is not protected, the guardian is: no need can be recorded for the child, so
    # nobody sees the guardian's details, and nobody overwrites them blind.
    guardian = GuardianshipFactory(
        child=child, guardian__email="dold@example.org", guardian__protected_identity=True
    ).guardian
    client = client_for(social)
    page = client.get(_detail(child))
    assert "dold@example.org" not in page.content.decode()
    assert says(page, "contact details not shown")
    assert client.get(_contact_url(child, guardian)).status_code == 403
    assert client.post(_contact_url(child, guardian), _contact("1")).status_code == 403
    guardian.refresh_from_db()
    assert guardian.email == "dold@example.org"
    assert (
        Entry.objects.filter(
            child_id=child.pk, outcome="denied", action="edit_guardian_contact"
        ).count()
        == 2
    )
    # Ending the guardianship overwrites no contact detail: allowed.
    assert _end(client, child, guardian).status_code == 302
