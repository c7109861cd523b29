"""Guardianships in force and ended ones: an ended guardianship stays as history and counts for
nothing (consent, invitations, the family portal)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samsyn.access.models import Category, Purpose
from samsyn.children.models import Guardianship
from samsyn.children.selectors import guardians_of
from samsyn.children.tests.factories import ChildFactory, GuardianshipFactory, InvolvementFactory
from samsyn.children.tests.helpers import takes_part
from samsyn.consent.models import Consent
from samsyn.directory.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(social, kommun):
    child = ChildFactory(municipality=kommun)
    InvolvementFactory(child=child, unit=social.unit)
    return child


@pytest.fixture
def guardian(child):
    return GuardianshipFactory(child=child).guardian


def _detail(child) -> str:
    return reverse("children:detail", args=[child.pk])


def _end(child, guardian) -> None:
    Guardianship.objects.filter(child=child, guardian=guardian).update(
        ended_on=timezone.localdate(), end_reason="Tingsrättens dom om ensam vårdnad"
    )


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


def test_sek_3_only_the_guardians_in_force_consent(bup, child, guardian, client_for):
    other = GuardianshipFactory(child=child).guardian
    takes_part(child, bup.unit)
    _guardian_consent(child, other, bup.unit)
    bup_client = client_for(bup)
    # Both guardians must consent (the default setting): one is not enough.
    assert _bup_sees(bup_client, child) == (False, False)
    # The consenting guardian's guardianship ends: their consent no longer counts.
    _end(child, other)
    assert _bup_sees(bup_client, child) == (False, False)
    # The guardian in force consents: the one needed now.
    _guardian_consent(child, guardian, bup.unit)
    assert _bup_sees(bup_client, child) == (True, True)


def test_an_ended_guardianship_stays_as_history(child, guardian):
    _end(child, guardian)
    assert not guardians_of(child).exists()
    assert Guardianship.objects.get(child=child, guardian=guardian).ended_on is not None
    # The same person may become guardian again: a new guardianship beside the old one.
    GuardianshipFactory(child=child, guardian=guardian)
    assert list(guardians_of(child)) == [guardian]
