"""The plan as a document a family can hold (SIP-6 point 4, SIP-8): whose plan, who holds it and
how to reach them, who takes part and how to reach each, and when it is followed up; on the
print page and in the PDF, the guardians' copy included, which still leaves out what is hidden
from them (SEK-2)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from pypdf import PdfReader

from samsyn.children.tests.factories import InvolvementFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import make_actor
from samsyn.plans.models import PlanItem, PlanVersion
from samsyn.plans.tests.factories import CaseFactory, PartyFactory

pytestmark = pytest.mark.django_db

FOLLOW_UP = datetime.date(2027, 3, 26)
HIDDEN = "HEMLIG insats som skadar barnet"


@pytest.fixture
def plan():
    social = make_actor(role=Role.CASEWORKER)
    coordinator = social.staff
    coordinator.title, coordinator.phone = "Socialsekreterare", "019-21 10 00"
    coordinator.email = "sara.lindholm@orebro.example"
    coordinator.save()
    case = CaseFactory(
        initiated_by=coordinator, initiating_organisation=social.organisation,
        coordinator=coordinator, coordinator_organisation=social.organisation,
    )  # fmt: skip
    InvolvementFactory(child=case.child, unit=social.unit)
    bup = make_actor(unit__organisation__kind=Organisation.Kind.BUP, role=Role.CLINICIAN)
    Organisation.objects.filter(pk=bup.organisation.pk).update(
        phone="019-602 00 00", contact_route="Ring mottagningen vardagar 8–16."
    )
    PartyFactory(case=case, accepted_for=bup.unit)
    version = PlanVersion.objects.create(
        case=case, number=1, status=PlanVersion.Status.FINAL, child_view="Jag vill sova.",
        follow_up_on=FOLLOW_UP, follow_up_how="Nytt SIP-möte.", created_by=coordinator,
        finalised_at=timezone.now(), finalised_by=coordinator,
    )  # fmt: skip
    for position, (text, hidden) in enumerate([("Samtal hos BUP", False), (HIDDEN, True)]):
        PlanItem.objects.create(
            version=version, kind=PlanItem.Kind.EFFORT, text=text, position=position,
            hidden_from_guardians=hidden,
        )  # fmt: skip
    return {"case": case, "social": social, "bup": bup, "coordinator": coordinator}


def holdable(plan) -> list[str]:
    case, coordinator, bup = plan["case"], plan["coordinator"], plan["bup"].organisation
    return [
        case.child.identity_display,
        coordinator.name, coordinator.phone, coordinator.email,
        f"{case.coordinator_organisation} ({case.coordinator_organisation.principal})",
        str(bup), "019-602 00 00", "Ring mottagningen vardagar 8–16.",
        "2027-03-26",
    ]  # fmt: skip


@pytest.mark.parametrize("copy", ["", "guardians"])
def test_sip_8_the_printed_plan_says_whose_it_is_and_how_to_reach_everyone(
    actor_client, plan, copy
):
    client = actor_client(plan["social"])
    url = reverse("plans:plan_print", args=[plan["case"].pk, 1])
    with translation.override("sv"):
        page = client.get(url, {"for": copy} if copy else {}).text
    for fact in holdable(plan):
        assert escape(fact) in page, fact
    assert (HIDDEN in page) is (copy == "")


@pytest.mark.parametrize("copy", ["", "guardians"])
def test_sip_8_the_pdf_says_whose_it_is_and_how_to_reach_everyone(actor_client, plan, copy):
    client = actor_client(plan["social"])
    url = reverse("plans:plan_pdf", args=[plan["case"].pk, 1])
    response = client.get(url, {"lang": "sv", **({"for": copy} if copy else {})})
    reader = PdfReader(io.BytesIO(response.content))
    # The text as printed, its lines joined: a long line wraps where the page ends.
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for fact in holdable(plan):
        assert fact in text, fact
    assert (HIDDEN in text) is (copy == "")
