"""The SIP tests' cast: a region and a municipality of its county, and one actor each in social
services, BUP, school and police, each in an organisation of its own."""

import pytest

from samsyn.directory.models import Organisation, Principal, Role
from samsyn.plans.tests.factories import actor_in_organisation


@pytest.fixture
def region():
    return Principal.objects.create(kind=Principal.Kind.REGION, name="Region Test", code="18")


@pytest.fixture
def municipality(region):
    return Principal.objects.create(
        kind=Principal.Kind.MUNICIPALITY, name="Testkommun", code="1880"
    )


@pytest.fixture
def social(municipality):
    return actor_in_organisation(
        municipality, Organisation.Kind.SOCIAL_SERVICES, Role.CASEWORKER, "Soc Test"
    )


@pytest.fixture
def bup(region):
    return actor_in_organisation(region, Organisation.Kind.BUP, Role.CLINICIAN, "BUP Test")


@pytest.fixture
def school(municipality):
    return actor_in_organisation(
        municipality, Organisation.Kind.SCHOOL, Role.SCHOOL_COUNSELLOR, "Skola Test"
    )


@pytest.fixture
def police(municipality):
    state = Principal.objects.create(kind=Principal.Kind.STATE, name="Polisen", code="")
    actor = actor_in_organisation(
        state, Organisation.Kind.POLICE, Role.POLICE_OFFICER, "Polis Test"
    )
    return actor
