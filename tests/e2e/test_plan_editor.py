"""Issue 8, item 1: the plan editor in one sitting. A caseworker writes two needs, three goals
and four efforts (who is responsible included), adding rows as she goes (htmx) and taking one
back, sees a long text counted and never cut, and saves once. axe-core checks every state, in
Swedish and, after the header's language switch, in English. The live server's session is the
test client's (the sign-in itself is the journey's, tests/e2e/test_sip_journey.py)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, override
from playwright.sync_api import Page, expect

from samsyn.access.models import Category, Purpose
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory, identity_number
from samsyn.consent.models import Consent, MaturityAssessment
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import PrincipalFactory, UnitFactory, make_actor
from samsyn.plans.models import Case, PlanItem, PlanVersion
from samsyn.plans.services.versions import start_plan
from samsyn.plans.tests.factories import CaseFactory, PartyFactory

pytestmark = [
    pytest.mark.e2e,
    # The live server needs committed rows; serialized rollback puts back the seeded legal bases.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def draft(django_db_serialized_rollback, transactional_db):
    region = PrincipalFactory(kind=Principal.Kind.REGION, name="Region Örebro län", code="18")
    municipality = PrincipalFactory(name="Örebro kommun", code="1880")
    caseworker = make_actor(
        role=Role.CASEWORKER, unit__name="Barn och unga",
        unit__organisation__principal=municipality,
        unit__organisation__name="Socialtjänsten Örebro",
    )  # fmt: skip
    bup = UnitFactory(
        name="BUP-mottagningen", organisation__principal=region,
        organisation__kind=Organisation.Kind.BUP, organisation__name="BUP Örebro",
    )  # fmt: skip
    # Explicit numbers: the factories' sequences overflow the serial after 999 rows.
    child = ChildFactory(
        first_name="Alva", last_name="Lindqvist", municipality=municipality,
        identity_number=identity_number(datetime.date(2012, 9, 3), 41),
    )  # fmt: skip
    InvolvementFactory(child=child, unit=caseworker.unit)
    case = CaseFactory(
        child=child, initiated_by=caseworker.staff, status=Case.Status.CONSENTED,
        initiating_organisation=caseworker.organisation, coordinator=caseworker.staff,
        coordinator_organisation=caseworker.organisation,
    )  # fmt: skip
    PartyFactory(case=case, accepted_for=bup)
    MaturityAssessment.objects.create(
        child=child, mature=True, reasoning="14 år.", assessed_by=caseworker.staff,
        assessed_for=caseworker.organisation,
    )  # fmt: skip
    Consent.objects.create(
        child=child, given_by=Consent.GivenBy.CHILD, receiving_organisation=bup.organisation,
        categories=[Category.BASIC, Category.PLAN], purposes=[Purpose.PLANNING],
        form=Consent.Form.WRITTEN, valid_until=timezone.now() + datetime.timedelta(days=90),
        recorded_by=caseworker.staff, recorded_for=caseworker.organisation,
    )  # fmt: skip
    start_plan(actor=caseworker, case_id=case.pk)
    return case, caseworker


def label(kind: str, number: str, field: str = "Text") -> str:
    # "Goal 1.2: Text" in the language the test runs in (plan_forms.ItemForm).
    return gettext("%(kind)s %(number)s: %(field)s") % {
        "kind": gettext(kind), "number": number, "field": gettext(field),
    }  # fmt: skip


def button(page: Page, name: str, **numbers):
    return page.get_by_role("button", name=gettext(name) % numbers, exact=True)


def counter(page: Page, field: str):
    # The count samsyn.js writes under the text area.
    return page.get_by_label(field).locator("xpath=following-sibling::p[1]")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_plan_with_two_needs_three_goals_and_four_efforts_in_one_sitting(
    new_page, draft, actor_client, live_server, assert_accessible, language
):
    check = assert_accessible
    case, caseworker = draft
    session = actor_client(caseworker).cookies[settings.SESSION_COOKIE_NAME].value
    page = new_page()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page.goto(f"/sip/{case.pk}/plan/edit/")
    if language == "en":
        page.get_by_role("button", name="English", exact=True).click()
    with override(language):
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            gettext("Edit the plan, version %(number)s: %(name)s")
            % {"number": 1, "name": case.child.name}
        )
        check(page)
        # Gone if the page reloads: every row below comes and goes without one.
        page.evaluate("() => { window.stillTheSamePage = true; }")

        # Need 1: two goals, two efforts (one each was on the page; htmx adds the second).
        page.get_by_label(label("Need", "1")).fill("Alva behöver komma tillbaka till skolan.")
        page.get_by_label(label("Goal", "1.1")).fill("Alva går i skolan tre dagar i veckan.")
        button(page, "Add a goal to need %(number)s", number=1).click()
        expect(page.get_by_label(label("Goal", "1.2"))).to_be_focused()
        page.get_by_label(label("Goal", "1.2")).fill("Alva äter lunch i skolan.")
        page.get_by_label(label("Effort", "1.1")).fill("Anpassad studiegång, samtal varje vecka.")
        page.get_by_label(label("Effort", "1.1", "Responsible organisation")).select_option(
            label="BUP Örebro"
        )
        button(page, "Add an effort for need %(number)s", number=1).click()
        expect(page.get_by_label(label("Effort", "1.2"))).to_be_focused()
        page.get_by_label(label("Effort", "1.2")).fill("Familjebehandling i hemmet.")
        page.get_by_label(label("Effort", "1.2", "Responsible organisation")).select_option(
            label="Socialtjänsten Örebro"
        )
        check(page)

        # Need 2, added with an empty goal and effort under it.
        button(page, "Add a need").click()
        expect(page.get_by_label(label("Need", "2"))).to_be_focused()
        page.get_by_label(label("Need", "2")).fill("Alva sover dåligt och orkar inte.")
        goal = "Alva sover hela nätter."
        page.get_by_label(label("Goal", "2.1")).fill(goal)
        expect(counter(page, label("Goal", "2.1"))).to_have_text(
            gettext("%(count)s of %(limit)s characters") % {"count": len(goal), "limit": 4000}
        )
        page.get_by_label(label("Effort", "2.1")).fill("Sömnskola på BUP.")
        page.get_by_label(label("Effort", "2.1", "Responsible organisation")).select_option(
            label="BUP Örebro"
        )
        button(page, "Add an effort for need %(number)s", number=2).click()
        effort = page.get_by_label(label("Effort", "2.2"))
        # A pasted text over the limit is counted, never cut: the page says by how much.
        effort.fill("x" * 4010)
        expect(effort).to_have_value("x" * 4010)
        expect(counter(page, label("Effort", "2.2"))).to_have_text(
            gettext("%(count)s of %(limit)s characters: %(over)s too many")
            % {"count": 4010, "limit": 4000, "over": 10}
        )
        expect(counter(page, label("Effort", "2.2"))).to_have_class(
            re.compile("samsyn-counter-over")
        )
        check(page)
        effort.fill("Kvällsrutiner med stöd av familjebehandlaren.")
        page.get_by_label(label("Effort", "2.2", "Responsible organisation")).select_option(
            label="Socialtjänsten Örebro"
        )

        # A goal added by mistake goes without a reload, and can come back.
        button(page, "Add a goal to need %(number)s", number=2).click()
        page.get_by_label(label("Goal", "2.2")).fill("Ett mål för mycket.")
        title = gettext("%(kind)s %(number)s") % {"kind": gettext("Goal"), "number": "2.2"}
        button(page, "Remove %(title)s", title=title.lower()).click()
        expect(page.get_by_label(label("Goal", "2.2"))).to_be_hidden()
        undo = button(page, "Undo")
        expect(undo).to_be_focused()
        check(page)
        undo.click()
        expect(page.get_by_label(label("Goal", "2.2"))).to_be_visible()
        button(page, "Remove %(title)s", title=title.lower()).click()

        page.get_by_label(label("Measure by others", "1")).fill("Hemklassrum i skolan.")
        page.get_by_label(label("Measure by others", "1", "Responsible (school, police …)")).fill(
            "Ekängsskolan"
        )
        page.get_by_label(gettext("The child's own view"), exact=False).first.fill(
            "Jag vill gå i skolan men inte i den stora klassen."
        )
        page.get_by_label(gettext("Follow-up date"), exact=False).fill(
            (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
        )
        page.get_by_label(gettext("How the plan is followed up"), exact=False).fill(
            "Nytt SIP-möte med alla."
        )
        assert page.evaluate("() => window.stillTheSamePage === true")
        button(page, "Save the draft").first.click()
        expect(page.get_by_text(gettext("The draft plan is saved."))).to_be_visible()
        check(page)

    items = PlanItem.objects.filter(version=PlanVersion.objects.get(case=case))
    needs = {i.key: i.text for i in items if i.kind == PlanItem.Kind.NEED}
    served = sorted((needs[i.need_key], i.kind, i.text) for i in items if i.need_key)
    assert len(needs) == 2
    assert [(need[:10], kind) for need, kind, _text in served] == [
        ("Alva behöv", "effort"), ("Alva behöv", "effort"),
        ("Alva behöv", "goal"), ("Alva behöv", "goal"),
        ("Alva sover", "effort"), ("Alva sover", "effort"), ("Alva sover", "goal"),
    ]  # fmt: skip
    assert "Ett mål för mycket." not in {i.text for i in items}
    assert all(i.responsible_principal_id for i in items if i.kind == PlanItem.Kind.EFFORT)
    # One sitting, one save.
    assert Entry.objects.filter(action="plan_draft_saved", child_id=case.child_id).count() == 1
