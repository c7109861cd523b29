import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samsyn.accounts.tests.factories import UserFactory
from samsyn.children.tests.factories import GuardianshipFactory
from samsyn.demo.logins import DEMO_TOTP_KEY
from samsyn.directory.tests.factories import MembershipFactory
from samsyn.plans.tests.factories import CaseFactory, PartyFactory
from samsyn.portal.models import Citizen

pytestmark = pytest.mark.django_db


def test_portal_demo_enrols_the_first_shared_sip_childs_first_guardian(capsys):
    social = MembershipFactory(staff__user=UserFactory(username="handlaggare"))
    bup = MembershipFactory(staff__user=UserFactory(username="behandlare"))
    lone = CaseFactory()  # a SIP only social services takes part in: not the demo's
    GuardianshipFactory(child=lone.child)
    PartyFactory(case=lone, organisation=social.unit.organisation)
    case = CaseFactory()
    first = GuardianshipFactory(child=case.child)
    GuardianshipFactory(child=case.child)
    PartyFactory(case=case, organisation=social.unit.organisation)
    PartyFactory(case=case, organisation=bup.unit.organisation)

    call_command("portal_demo")
    call_command("portal_demo")  # again: nothing new

    citizen = Citizen.objects.get()
    assert citizen.guardian == first.guardian
    assert citizen.user.username == "vardnadshavare"
    assert citizen.user.totpdevice_set.get().key == DEMO_TOTP_KEY
    assert first.guardian.identity_display in capsys.readouterr().out


def test_portal_demo_without_the_demo_county_says_so():
    with pytest.raises(CommandError):
        call_command("portal_demo")
