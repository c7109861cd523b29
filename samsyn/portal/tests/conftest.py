"""Fixtures for the family portal: a guardian with a child, enrolled as a citizen with a known
TOTP key, and a signed-in client for them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from samsyn.accounts.backends import PASSWORD_BACKEND
from samsyn.children.tests.factories import ChildFactory, GuardianFactory, GuardianshipFactory
from samsyn.plans.models import Invitation, PlanVersion
from samsyn.plans.tests.factories import (
    CaseFactory,
    InvitationFactory,
    MeetingFactory,
    PlanItemFactory,
    PlanVersionFactory,
)
from samsyn.portal.services import enrol_citizen

KEY = "73616d73796e2d64656d6f2d323032362d6f7470"


def code_now(key: str = KEY) -> str:
    return f"{TOTP(bytes.fromhex(key)).token():06d}"


@pytest.fixture(autouse=True)
def standin(settings):
    """The test settings run with DEBUG off, as production: switch the stand-in on explicitly."""
    settings.SAMSYN_CITIZEN_STANDIN = True
    return settings


@pytest.fixture
def guardian(db):
    return GuardianFactory()


@pytest.fixture
def child(guardian):
    child = ChildFactory()
    GuardianshipFactory(child=child, guardian=guardian)
    return child


@pytest.fixture
def citizen(guardian, child):
    return enrol_citizen(guardian=guardian, totp_key=KEY)


def sign_in_citizen(citizen) -> Client:
    client = Client()
    client.force_login(citizen.user, backend=PASSWORD_BACKEND)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = citizen.user.totpdevice_set.get().persistent_id
    session.save()
    return client


@pytest.fixture
def family_client(citizen) -> Client:
    return sign_in_citizen(citizen)


@pytest.fixture
def case(child):
    return CaseFactory(child=child)


def make_version(case, number: int, *, status=PlanVersion.Status.FINAL, items=()) -> PlanVersion:
    version = PlanVersionFactory(
        case=case,
        number=number,
        final=status == PlanVersion.Status.FINAL,
        child_view=f"Barnets röst v{number}",
        follow_up_on=None,
        follow_up_how="Uppföljningsmöte",
    )
    for position, (kind, text, hidden) in enumerate(items):
        PlanItemFactory(
            version=version, kind=kind, text=text, hidden_from_guardians=hidden, position=position
        )
    return version


def make_meeting(case, *, guardian=None, days: int = 7, cancelled: bool = False) -> Invitation:
    meeting = MeetingFactory(
        case=case,
        starts_at=timezone.now() + dt.timedelta(days=days),
        place="Familjens hus, Örebro",
        cancelled=cancelled,
    )
    return InvitationFactory(
        meeting=meeting,
        kind=Invitation.Kind.GUARDIAN,
        guardian=guardian,
        name=str(guardian) if guardian else "Någon",
        email="",
    )


def shows(response, text: str) -> bool:
    """Whether the page shows the text: as written by a template's translate tag, or escaped as
    a variable (an apostrophe becomes &#x27;)."""
    return text in response.text or escape(text) in response.text
