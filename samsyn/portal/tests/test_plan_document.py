"""The family's own print of the plan is a document they can hold (SIP-8): whose plan, who holds
it and how to reach them, who takes part and how to reach each, when it is followed up; and
still nothing hidden from the guardians (SEK-2)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation
from django.utils.html import escape

from samsyn.directory.models import Organisation
from samsyn.directory.tests.factories import OrganisationFactory, StaffFactory
from samsyn.plans.models import PlanItem
from samsyn.plans.tests.factories import PartyFactory
from samsyn.portal.tests.conftest import make_version

pytestmark = pytest.mark.django_db


def test_sip_8_the_familys_print_says_whose_plan_and_how_to_reach_everyone(
    family_client, child, case
):
    coordinator = StaffFactory(
        title="Socialsekreterare", phone="019-21 10 00", email="sara@orebro.example"
    )
    case.coordinator, case.coordinator_organisation = coordinator, case.initiating_organisation
    case.save()
    bup = OrganisationFactory(
        kind=Organisation.Kind.BUP, phone="019-602 00 00",
        contact_route="Ring mottagningen vardagar 8–16.",
    )  # fmt: skip
    PartyFactory(case=case, organisation=bup)
    version = make_version(
        case, 1,
        items=[(PlanItem.Kind.EFFORT, "Samtal hos BUP", False),
               (PlanItem.Kind.EFFORT, "HEMLIG insats", True)],
    )  # fmt: skip
    version.follow_up_on = datetime.date(2027, 3, 26)
    version.save(update_fields=["follow_up_on"])
    url = f"/family/children/{child.pk}/sip/{case.pk}/versions/1/print/"
    with translation.override("sv"):
        page = family_client.get(url).text
    organisation = case.initiating_organisation
    for fact in (
        child.identity_display, coordinator.name, "019-21 10 00", "sara@orebro.example",
        f"{organisation} ({organisation.principal})", str(bup), "019-602 00 00",
        "Ring mottagningen vardagar 8–16.", "26 mars 2027",
    ):  # fmt: skip
        assert escape(fact) in page, fact
    assert "HEMLIG" not in page
