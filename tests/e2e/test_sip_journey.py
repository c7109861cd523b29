"""Issue 4, Tests: one SIP from proposal to the first follow-up, carried in the browser by a
caseworker in social services, a clinician at BUP (another organisation, another principal) and
a guardian in the family portal. axe-core checks every page any of the three sees, and the
`new_page` fixture fails the test on any CSP violation or script error."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import override
from playwright.sync_api import Page, expect
from staff import CITIZEN_KEY, code_for, heading, sign_in_staff, sv

from samsyn.children.tests.factories import (
    ChildFactory,
    GuardianFactory,
    GuardianshipFactory,
    InvolvementFactory,
    identity_number,
    name_no_staff_member_shares,
)
from samsyn.consent.models import Consent
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import MembershipFactory, PrincipalFactory, UnitFactory
from samsyn.plans.models import Case, Invitation, Meeting, PlanVersion
from samsyn.portal.services import enrol_citizen

pytestmark = [
    pytest.mark.e2e,
    # The live server needs committed rows; serialized rollback puts back the seeded legal bases.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REPLY_LINK = re.compile(r"https?://\S+/sip/reply/[0-9a-f-]{36}/")
SIP_10 = (
    "No SIP meeting has been held with its minutes recorded. The first version is finalised "
    "after the meeting, or with the reason it cannot wait (SIP-10)."
)


def sv_label(choice) -> str:
    with override("sv"):
        return str(choice.label)


def row_label(kind: str, number: str, field: str) -> str:
    # The plan's item fields are labelled "Need 1: Text", "Effort 1.2: Text" (plan_forms.ItemForm).
    return sv("%(kind)s %(number)s: %(field)s") % {
        "kind": sv(kind), "number": number, "field": sv(field),
    }  # fmt: skip


@pytest.fixture
def county(django_db_serialized_rollback, transactional_db, settings):
    # The stand-in for BankID, which the family signs in with here (docs/adr/0005).
    settings.SAMSYN_CITIZEN_STANDIN = True
    region = PrincipalFactory(kind=Principal.Kind.REGION, name="Region Örebro län", code="18")
    municipality = PrincipalFactory(name="Örebro kommun", code="1880")
    social_unit = UnitFactory(
        name="Barn och unga",
        organisation__principal=municipality,
        organisation__kind=Organisation.Kind.SOCIAL_SERVICES,
        organisation__name="Socialtjänsten Örebro",
    )
    bup_unit = UnitFactory(
        name="BUP-mottagningen",
        organisation__principal=region,
        organisation__kind=Organisation.Kind.BUP,
        organisation__name="BUP Örebro",
    )
    caseworker = MembershipFactory(
        unit=social_unit, role=Role.CASEWORKER, staff__email="handlaggare@example.org"
    )
    clinician = MembershipFactory(
        unit=bup_unit, role=Role.CLINICIAN, staff__email="behandlare@example.org"
    )
    # Explicit numbers: the factories' sequences overflow the serial after 999 rows.
    child = ChildFactory(
        first_name="Alva",
        last_name="Lindqvist",
        identity_number=identity_number(datetime.date(2012, 9, 3), 41),
        municipality=municipality,
    )
    # The mails must name the child nowhere; a random staff name may hold "Lindqvist".
    name_no_staff_member_shares(child)
    InvolvementFactory(child=child, unit=social_unit)
    InvolvementFactory(child=child, unit=bup_unit)
    guardians = [
        GuardianFactory(
            first_name=first,
            last_name="Lindqvist",
            email=f"{first.lower()}@example.org",
            identity_number=identity_number(datetime.date(1984, 2, 11), serial),
        )
        for first, serial in (("Karin", 52), ("Johan", 53))
    ]
    for guardian in guardians:
        GuardianshipFactory(child=child, guardian=guardian)
    citizen = enrol_citizen(guardian=guardians[0], totp_key=CITIZEN_KEY)
    return {
        "region": region,
        "social": social_unit.organisation,
        "bup": bup_unit.organisation,
        "caseworker": caseworker,
        "clinician": clinician,
        "child": child,
        "guardians": guardians,
        "citizen": citizen,
    }


def expect_step(page: Page, status: Case.Status) -> None:
    expect(page.locator('[aria-current="step"]')).to_contain_text(capfirst(sv_label(status)))


def test_sip_from_proposal_to_first_follow_up(new_page, county, assert_accessible):
    check = assert_accessible
    child, guardians = county["child"], county["guardians"]
    bup, region = county["bup"], county["region"]
    caseworker, clinician = county["caseworker"], county["clinician"]
    mail.outbox.clear()

    # 1. The caseworker signs in, opens the child and proposes (initiates) a SIP with BUP.
    staff = new_page()
    sign_in_staff(staff, caseworker.staff.user, check)
    staff.get_by_role("link", name=sv("Children"), exact=True).first.click()
    staff.get_by_role("link", name=child.name, exact=True).click()
    expect(heading(staff)).to_have_text(child.name)
    check(staff)
    staff.get_by_role("link", name=sv("Propose a SIP"), exact=True).click()
    expect(heading(staff)).to_have_text(sv("Initiate a SIP"))
    check(staff)
    staff.get_by_label(sv("Why a SIP is needed")).fill(
        "Alva har inte gått i skolan sedan höstlovet och väntar på bedömning hos BUP."
    )
    parties = staff.get_by_role("group", name=sv("Organisations to invite"))
    parties.get_by_label(bup.name, exact=False).check()
    staff.get_by_role("button", name=sv("Initiate the SIP"), exact=True).click()
    expect(heading(staff)).to_have_text(sv("SIP for %(child)s") % {"child": child.name})
    expect_step(staff, Case.Status.PROPOSED)
    check(staff)
    case = Case.objects.get(child=child)
    sip_url = f"/sip/{case.pk}/"

    # 2. Both guardians' consent for BUP (the plan is always covered), then first contact.
    for guardian in guardians:
        staff.get_by_role("link", name=sv("Record consent"), exact=True).click()
        expect(heading(staff)).to_have_text(sv("Record consent"))
        check(staff)
        staff.get_by_label(sv("Guardian: %(name)s") % {"name": guardian.name}).check()
        staff.get_by_role(
            "group", name=sv("Organisations that may receive the information")
        ).get_by_label(bup.name, exact=True).check()
        staff.get_by_label(sv_label(Consent.Form.WRITTEN), exact=True).check()
        staff.get_by_role("button", name=sv("Record consent"), exact=True).click()
        expect(heading(staff)).to_have_text(sv("SIP for %(child)s") % {"child": child.name})
    expect_step(staff, Case.Status.CONSENTED)
    expect(
        staff.get_by_text(sv("The consent the SIP needs is recorded for every party."))
    ).to_be_visible()
    check(staff)

    staff.get_by_role("link", name=sv("Record first contact"), exact=True).click()
    expect(heading(staff)).to_have_text(sv("Record first contact"))
    check(staff)
    staff.get_by_role("button", name=sv("Record first contact"), exact=True).click()
    expect(staff.get_by_role("link", name=sv("Record first contact"), exact=True)).to_have_count(0)
    check(staff)

    # 3. The SIP meeting, with the clinician and both guardians invited.
    meeting_day = timezone.localdate() + datetime.timedelta(days=7)
    staff.get_by_role("link", name=sv("Book a meeting"), exact=True).click()
    expect(heading(staff)).to_have_text(sv("Book a SIP meeting"))
    check(staff)
    staff.get_by_label(sv("Date"), exact=True).fill(meeting_day.isoformat())
    staff.get_by_label(sv("Starts at"), exact=True).fill("13:00")
    staff.get_by_label(sv("Ends at"), exact=True).fill("14:30")
    staff.get_by_label(sv("Place"), exact=False).first.fill("Familjens hus, rum 2")
    # Staff come by organisation and unit, the child's units first; the search narrows the list
    # and keeps what is ticked (issue 8, item 9).
    search = sv("Search: %(label)s") % {"label": sv("Staff of the organisations taking part")}
    staff.get_by_label(search).fill("bup")
    expect(staff.get_by_label(caseworker.staff.name, exact=True)).to_be_hidden()
    staff.get_by_label(clinician.staff.name, exact=False).check()
    check(staff)
    staff.get_by_label(search).fill("")
    for guardian in guardians:
        staff.get_by_label(f"{guardian.name} ({guardian.email})", exact=True).check()
    staff.get_by_role("button", name=sv("Book and send the invitations"), exact=True).click()
    expect(heading(staff)).to_have_text(sv("SIP for %(child)s") % {"child": child.name})
    expect_step(staff, Case.Status.MEETING_BOOKED)
    check(staff)

    invited = {message.to[0]: message for message in mail.outbox}
    assert set(invited) == {"behandlare@example.org", *(g.email for g in guardians)}
    for message in invited.values():
        assert [a.filename for a in message.attachments] == ["sip-mote.ics"]
        assert child.last_name not in message.body  # the e-mail says nothing about the child
    reply_link = REPLY_LINK.search(invited[guardians[0].email].body).group(0)

    # 4. The guardian answers from the e-mail (no sign-in), then signs in to the family portal.
    family = new_page()
    family.goto(reply_link)
    expect(heading(family)).to_have_text(sv("SIP meeting"))
    check(family)
    family.get_by_role("button", name=sv("I am coming"), exact=True).click()
    expect(family.get_by_text(sv("Thank you. Your answer is recorded."))).to_be_visible()
    expect(family.get_by_text(sv_label(Invitation.Reply.ACCEPTED), exact=True)).to_be_visible()
    check(family)

    family.goto("/family/login/")
    expect(heading(family)).to_have_text(sv("Sign in as a guardian"))
    check(family)
    family.get_by_label(sv("Your personal identity number")).fill(guardians[0].identity_number)
    family.get_by_label(sv("One-time code")).fill(code_for(county["citizen"].user))
    family.get_by_role("button", name=sv("Sign in"), exact=True).click()
    expect(heading(family)).to_have_text(sv("Welcome"))
    check(family)
    family.get_by_role("link", name=child.name, exact=True).click()
    expect(heading(family)).to_have_text(child.name)
    meeting = family.get_by_role("region", name=re.compile(r"13:00–14:30"))
    expect(meeting).to_contain_text("Familjens hus, rum 2")
    expect(meeting.get_by_role("radio", name=sv("Yes, I am coming"))).to_be_checked()
    check(family)

    # 5. The clinician at BUP finds the SIP and starts the plan.
    bup_page = new_page()
    sign_in_staff(bup_page, clinician.staff.user, check)
    bup_page.get_by_role("link", name=sv("SIPs"), exact=True).click()
    expect(heading(bup_page)).to_have_text(sv("Coordinated individual plans (SIP)"))
    check(bup_page)
    bup_page.get_by_role("link", name=child.name, exact=True).click()
    expect(bup_page).to_have_url(re.compile(re.escape(sip_url) + "$"))
    check(bup_page)
    bup_page.get_by_role("button", name=sv("Start the plan"), exact=True).click()
    expect(heading(bup_page)).to_contain_text(
        sv("Edit the plan, version %(number)s: %(name)s") % {"number": 1, "name": child.name}
    )
    check(bup_page)
    follow_up = timezone.localdate() + datetime.timedelta(days=90)
    bup_page.get_by_label(row_label("Need", "1", "Text")).fill(
        "Alva behöver komma tillbaka till skolan."
    )
    bup_page.get_by_label(row_label("Measure by others", "1", "Text")).fill(
        "Anpassad skolgång med hemklassrum."
    )
    bup_page.get_by_label(
        row_label("Measure by others", "1", "Responsible (school, police …)")
    ).fill("Ekängsskolan")
    bup_page.get_by_label(sv("The child's own view"), exact=False).first.fill(
        "Jag vill gå i skolan men inte i den stora klassen."
    )
    bup_page.get_by_label(sv("Follow-up date"), exact=False).fill(follow_up.isoformat())
    bup_page.get_by_label(sv("How the plan is followed up"), exact=False).fill(
        "Nytt SIP-möte med alla."
    )
    bup_page.get_by_role("button", name=sv("Save the draft"), exact=True).first.click()
    expect(bup_page.get_by_text(sv("The draft plan is saved."))).to_be_visible()
    check(bup_page)

    # 6a. The coordinator tries to finalise before any effort is written and before the meeting:
    # refused, and told why.
    staff.goto(sip_url)
    # The guardian's answer from the e-mail link is on the SIP page.
    meetings = staff.get_by_role("region", name=sv("SIP meetings"))
    answered = meetings.get_by_role("row").filter(has_text=guardians[0].name)
    expect(answered).to_contain_text(sv_label(Invitation.Reply.ACCEPTED))
    expect_step(staff, Case.Status.DRAFTED)
    check(staff)
    staff.get_by_role("link", name=sv("Finalise the plan"), exact=True).click()
    expect(heading(staff)).to_have_text(
        sv("Finalise version %(number)s of the plan") % {"number": 1}
    )
    check(staff)
    staff.get_by_role("button", name=sv("Finalise"), exact=True).click()
    refused = staff.locator("[data-error-summary]")
    expect(refused).to_contain_text(sv("The plan cannot be finalised yet"))
    expect(refused).to_contain_text(sv("The plan records no effort (SIP-6, point 1)."))
    expect(refused).to_contain_text(sv(SIP_10))
    assert PlanVersion.objects.get(case=case).status == PlanVersion.Status.DRAFT
    check(staff)

    # 5b. The clinician adds BUP's effort, with the region as responsible principal, and a need
    # hidden from the guardians (SEK-2).
    bup_page.reload()
    bup_page.get_by_role(
        "button", name=sv("Add an effort for need %(number)s") % {"number": 1}, exact=True
    ).click()
    bup_page.get_by_label(row_label("Effort", "1.1", "Text")).fill(
        "Utredning och samtalsbehandling på BUP varannan vecka."
    )
    bup_page.get_by_label(
        row_label("Effort", "1.1", "Responsible organisation"), exact=False
    ).select_option(label=bup.name)
    bup_page.get_by_label(
        row_label("Effort", "1.1", "Responsible principal"), exact=False
    ).select_option(label=region.name)
    bup_page.get_by_role("button", name=sv("Add a need"), exact=True).click()
    bup_page.get_by_label(row_label("Need", "2", "Text")).fill(
        "Stöd kring pappans psykiska ohälsa."
    )
    bup_page.get_by_label(row_label("Need", "2", "Hidden from guardians")).check()
    bup_page.get_by_role("button", name=sv("Save the draft"), exact=True).first.click()
    expect(bup_page.get_by_text(sv("The draft plan is saved."))).to_be_visible()
    check(bup_page)

    # 6b. The meeting day comes (the clock is moved, not waited for): the coordinator writes the
    # minutes, and now finalises (SIP-10).
    meeting_at = timezone.now() - datetime.timedelta(hours=2)
    Meeting.objects.filter(case=case).update(
        starts_at=meeting_at, ends_at=meeting_at + datetime.timedelta(hours=1, minutes=30)
    )
    staff.goto(sip_url)
    staff.get_by_role("link", name=sv("Write the minutes"), exact=True).click()
    expect(heading(staff)).to_have_text(sv("Minutes of the SIP meeting"))
    check(staff)
    staff.get_by_label(sv("Minutes"), exact=False).fill(
        "Alva, Karin, Johan, BUP och socialtjänsten gick igenom planen tillsammans."
    )
    staff.get_by_role("button", name=sv("Save the minutes"), exact=True).click()
    expect(staff.get_by_text(sv("The minutes are saved."))).to_be_visible()
    staff.goto(sip_url)
    expect(
        staff.get_by_text(sv("Everything the plan must record is there: it can be finalised."))
    ).to_be_visible()
    check(staff)
    staff.get_by_role("link", name=sv("Finalise the plan"), exact=True).click()
    check(staff)
    staff.get_by_role("button", name=sv("Finalise"), exact=True).click()
    expect(heading(staff)).to_have_text(
        sv("The plan, version %(number)s: %(name)s") % {"number": 1, "name": child.name}
    )
    expect(staff.get_by_text(sv("Hidden from guardians"), exact=True)).to_be_visible()
    check(staff)

    # 7. The guardian reads the finalised plan, without the hidden need.
    family.reload()
    check(family)
    family.get_by_role("link", name=sv("Read the plan"), exact=True).click()
    expect(heading(family)).to_have_text(sv("The plan for %(name)s") % {"name": child.name})
    expect(
        family.get_by_text("Utredning och samtalsbehandling på BUP varannan vecka.")
    ).to_be_visible()
    expect(family.get_by_text("Jag vill gå i skolan men inte i den stora klassen.")).to_be_visible()
    expect(family.get_by_text("pappans", exact=False)).to_have_count(0)
    check(family)

    # 8. The follow-up: version 2, one effort changed, finalised; the diff shows it.
    staff.goto(sip_url)
    expect_step(staff, Case.Status.FINALISED)
    check(staff)
    staff.get_by_role("button", name=sv("Start the follow-up: a new version"), exact=True).click()
    expect(heading(staff)).to_have_text(
        sv("Edit the plan, version %(number)s: %(name)s") % {"number": 2, "name": child.name}
    )
    check(staff)
    staff.get_by_label(row_label("Effort", "1.1", "Text")).fill(
        "Samtalsbehandling på BUP varje vecka."
    )
    staff.get_by_label(sv("Follow-up date"), exact=False).fill(
        (follow_up + datetime.timedelta(days=90)).isoformat()
    )
    staff.get_by_role("button", name=sv("Save the draft"), exact=True).first.click()
    expect(staff.get_by_text(sv("The draft plan is saved."))).to_be_visible()
    check(staff)
    staff.get_by_role("link", name=sv("Finalise the plan"), exact=True).click()
    check(staff)
    staff.get_by_role("button", name=sv("Finalise"), exact=True).click()
    expect(heading(staff)).to_have_text(
        sv("The plan, version %(number)s: %(name)s") % {"number": 2, "name": child.name}
    )
    check(staff)

    staff.get_by_role(
        "link", name=sv("What changed since the previous version"), exact=True
    ).click()
    expect(heading(staff)).to_contain_text(
        sv("What changed in the plan: %(name)s") % {"name": child.name}
    )
    change = staff.locator(".samsyn-diff li")
    expect(change).to_have_count(1)
    expect(change.locator("del")).to_have_text(
        "Utredning och samtalsbehandling på BUP varannan vecka."
    )
    expect(change.locator("ins")).to_have_text("Samtalsbehandling på BUP varje vecka.")
    check(staff)

    # Version 1 stays readable as it was finalised.
    staff.get_by_role("link", name=sv("All versions of the plan"), exact=True).click()
    check(staff)
    staff.get_by_role("link", name=sv("Version %(number)s") % {"number": 1}, exact=True).click()
    expect(heading(staff)).to_have_text(
        sv("The plan, version %(number)s: %(name)s") % {"number": 1, "name": child.name}
    )
    expect(
        staff.get_by_text("Utredning och samtalsbehandling på BUP varannan vecka.")
    ).to_be_visible()
    check(staff)

    # The guardian sees version 2, and version 1 stays in the list.
    family.reload()
    expect(family.get_by_text("Samtalsbehandling på BUP varje vecka.")).to_be_visible()
    check(family)
