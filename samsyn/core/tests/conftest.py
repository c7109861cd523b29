"""A SIP on real pages: social services run it, BUP takes part, a school is involved with the
child but takes no part."""

import datetime

import pytest
from django.utils import timezone

from samsyn.access.models import Category
from samsyn.children.tests.factories import ChildFactory, GuardianshipFactory, InvolvementFactory
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import make_actor
from samsyn.plans.services import cases
from samsyn.plans.services import consents as consent


def _actor(principal, kind, role, name):
    organisation = Organisation.objects.create(principal=principal, kind=kind, name=name)
    return make_actor(unit__organisation=organisation, role=role)


@pytest.fixture
def municipality():
    Principal.objects.create(kind=Principal.Kind.REGION, name="Region Test", code="18")
    return Principal.objects.create(
        kind=Principal.Kind.MUNICIPALITY, name="Testkommun", code="1880"
    )


@pytest.fixture
def social(municipality):
    return _actor(municipality, Organisation.Kind.SOCIAL_SERVICES, Role.CASEWORKER, "Soc Test")


@pytest.fixture
def bup(municipality):
    region = Principal.objects.get(code="18")
    return _actor(region, Organisation.Kind.BUP, Role.CLINICIAN, "BUP Test")


@pytest.fixture
def school(municipality):
    return _actor(municipality, Organisation.Kind.SCHOOL, Role.SCHOOL_COUNSELLOR, "Skola Test")


@pytest.fixture
def case(municipality, social, bup, school):
    """A SIP social services run, BUP takes part in; all three are involved with the child."""
    child = ChildFactory(municipality=municipality)
    GuardianshipFactory(child=child)
    for actor in (social, bup, school):
        InvolvementFactory(child=child, unit=actor.unit)
    return cases.propose_case(
        actor=social, child_id=child.pk, reason="Oro.", party_ids=[bup.organisation.pk]
    )


@pytest.fixture
def consented(social, bup, case):
    """The guardian consents: the SIP starts and social services' caseworker coordinates it."""
    today = timezone.localdate()
    consent.record_sip_consent(
        actor=social, case_id=case.pk, given_by="guardian",
        guardian_id=case.child.guardianships.get().guardian_id,
        receiving_organisation_ids=[bup.organisation.pk], categories=[Category.BASIC],
        form="written", given_on=today, valid_until=today + datetime.timedelta(days=365),
    )  # fmt: skip
    case.refresh_from_db()
    return case
