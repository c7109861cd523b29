"""The UI shell and the start page per role."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PrincipalFactory,
    StaffFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")


def test_home_needs_sign_in(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_shell_has_landmarks_skip_link_and_acting_for(actor_client):
    client = actor_client(role=Role.CASEWORKER)
    text = client.get(HOME).text
    assert '<html lang="sv"' in text
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in text
    assert 'href="#main"' in text
    assert client.actor.staff.name in text
    assert client.actor.unit.name in text
    assert reverse("accounts:acting_for") in text
    assert reverse("accounts:logout") in text


def test_shell_has_no_inline_script_or_style(actor_client):
    response = actor_client().get(HOME)
    text = response.text
    assert "<style" not in text
    assert " style=" not in text
    # Every script is an external file carrying the CSP nonce.
    for tag in text.split("<script")[1:]:
        head = tag.split(">", 1)[0]
        assert " src=" in head
        assert " nonce=" in head
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert 'name="htmx-config"' in text


def test_shell_switches_to_english(actor_client):
    client = actor_client()
    client.post(reverse("core:set_language"), {"language": "en", "next": HOME})
    assert '<html lang="en"' in client.get(HOME).text


def test_caseworker_start_page_counts_only_visible_children(actor_client):
    unit = UnitFactory()
    client = actor_client(unit=unit, role=Role.CASEWORKER)
    for _ in range(3):
        InvolvementFactory(child=ChildFactory(), unit=unit, staff=client.actor.staff)
    InvolvementFactory(child=ChildFactory(), unit=UnitFactory())  # another organisation's child
    response = client.get(HOME)
    assert response.context["children_count"] == 3
    assert reverse("children:list") in response.text
    assert reverse("directory:list") in response.text
    assert reverse("audit:unit") not in response.text


def test_unit_manager_start_page_shows_unit_staff_and_log_follow_up(actor_client):
    unit = UnitFactory(name="Barn och unga Kumla")
    MembershipFactory(unit=unit, staff=StaffFactory(name="Anna Lind", title="Socialsekreterare"))
    client = actor_client(unit=unit, role=Role.UNIT_MANAGER)
    text = client.get(HOME).text
    assert "Barn och unga Kumla" in text
    assert "Anna Lind" in text
    assert "Socialsekreterare" in text
    assert reverse("audit:unit") in text


@pytest.mark.parametrize(
    ("role", "says"),
    [
        (Role.POLICE_OFFICER, "SIPs you coordinate or initiated with a step past its deadline."),
        (Role.CASEWORKER, "SIPs you coordinate or initiated with a step past its deadline."),
        (
            Role.UNIT_MANAGER,
            "SIPs that %(organisation)s initiated or coordinates with a step past its deadline.",
        ),
    ],
)
def test_start_page_names_the_overdue_count_in_words_for_the_role(actor_client, role, says):
    client = actor_client(role=role)
    with translation.override("sv"):
        text = client.get(HOME).text
        expected = gettext(says) % {"organisation": client.actor.organisation}
        card = text.split(gettext("Overdue SIPs"))[1].split("</li>")[0]
    # The number sits under a heading that says what it counts.
    assert 'class="samsyn-count">0<' in card
    assert escape(expected) in card
    # No role is told about the unit manager's part ("…och för dig som enhetschef…").
    assert "för dig som enhetschef" not in text


def test_administrator_start_page_shows_units_with_staff_counts(actor_client):
    organisation = OrganisationFactory()
    unit = UnitFactory(organisation=organisation, name="Mottagningen")
    MembershipFactory(unit=unit)
    MembershipFactory(unit=unit)
    client = actor_client(unit=UnitFactory(organisation=organisation), role=Role.ADMINISTRATOR)
    response = client.get(HOME)
    counts = {unit.name: unit.staff_count for unit in response.context["units"]}
    assert counts["Mottagningen"] == 2
    assert "children_count" not in response.context
    assert reverse("directory:list") in response.text


def test_analyst_start_page_counts_county_organisations_by_kind(actor_client):
    region = PrincipalFactory(name="Region Örebro län", kind=Principal.Kind.REGION, code="18")
    kumla = PrincipalFactory(name="Kumla kommun", code="1881")
    elsewhere = PrincipalFactory(name="Uppsala kommun", code="0380")
    OrganisationFactory(principal=region, kind=Organisation.Kind.BUP)
    OrganisationFactory(principal=kumla, kind=Organisation.Kind.SOCIAL_SERVICES)
    OrganisationFactory(principal=kumla, kind=Organisation.Kind.SCHOOL)
    OrganisationFactory(principal=elsewhere, kind=Organisation.Kind.SOCIAL_SERVICES)
    police = OrganisationFactory(
        principal=PrincipalFactory(name="Staten", kind=Principal.Kind.STATE, code=""),
        kind=Organisation.Kind.POLICE,
    )
    UnitFactory(organisation=police, municipality=kumla)
    analyst_unit = UnitFactory(organisation=OrganisationFactory(principal=region))
    response = actor_client(unit=analyst_unit, role=Role.ANALYST).get(HOME)
    counts = {row.kind: row.count for row in response.context["kinds"]}
    # The analyst's own organisation is a social-services kind by the factory's default.
    assert counts == {
        Organisation.Kind.BUP: 1,
        Organisation.Kind.SOCIAL_SERVICES: 2,
        Organisation.Kind.SCHOOL: 1,
        Organisation.Kind.POLICE: 1,
    }
    assert "Region Örebro län" in response.text
    assert "children_count" not in response.context


@pytest.mark.parametrize("role", list(Role))
def test_home_queries_do_not_grow_with_data(actor_client, role):
    region = PrincipalFactory(kind=Principal.Kind.REGION, code="18")
    unit = UnitFactory(organisation=OrganisationFactory(principal=region))
    client = actor_client(unit=unit, role=role)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        return len(queries)

    few = count()
    for _ in range(10):
        MembershipFactory(unit=unit)
        UnitFactory(organisation=unit.organisation)
        OrganisationFactory(principal=region)
        InvolvementFactory(child=ChildFactory(), unit=unit)
    assert count() == few


def test_sign_in_form_keeps_username_not_password_on_error(client):
    UserFactory(username="anna")
    response = client.post(
        reverse("accounts:login"), {"username": "anna", "password": "wrong password"}
    )
    assert response.status_code == 200
    assert "data-error-summary" in response.text
    assert 'value="anna"' in response.text
    assert "wrong password" not in response.text


def test_sign_in_form_ties_errors_to_fields(client):
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    text = response.text
    assert 'href="#id_username"' in text
    assert 'id="id_username_error"' in text
    assert 'aria-describedby="id_username_error"' in text
    assert 'aria-invalid="true"' in text
    assert 'class="ds-input"' in text


def test_start_page_says_what_to_do_today_each_a_link(actor_client):
    """Issue 8: offers waiting for me, meetings this week, consents about to run out."""
    from samsyn.consent.models import Consent
    from samsyn.directory.tests.factories import MembershipFactory, actor_of, make_actor
    from samsyn.plans.tests.factories import CaseFactory, HandoverFactory, MeetingFactory

    actor = make_actor(unit__organisation__kind=Organisation.Kind.SOCIAL_SERVICES)
    case = CaseFactory(
        consented=True, initiated_by=actor.staff, initiating_organisation=actor.organisation
    )
    InvolvementFactory(child=case.child, unit=actor.unit)
    coordinator = case.coordinator
    Consent.objects.filter(child=case.child).update(valid_until=timezone.now() + timedelta(days=10))
    meeting = MeetingFactory(
        case=case, booked_by=coordinator, starts_at=timezone.now() + timedelta(days=2)
    )
    page = actor_client(actor).get(reverse("core:home"))
    detail = reverse("plans:detail", args=[case.pk])
    assert [m.pk for m in page.context["meetings"]] == [meeting.pk]
    assert len(page.context["consent_alerts"]) == 2
    html = page.content.decode()
    assert f'href="{detail}#meetings"' in html
    assert f'href="{detail}#consent"' in html
    # An offer of the coordinator role waits for a colleague: it is on the colleague's page.
    colleague = actor_of(MembershipFactory(unit=actor.unit))
    HandoverFactory(case=case, from_staff=coordinator, to_staff=colleague.staff,
                    to_organisation=actor.organisation)  # fmt: skip
    other = actor_client(colleague).get(reverse("core:home"))
    assert [o.case_id for o in other.context["offers"]] == [case.pk]
    assert f'href="{detail}#relay"' in other.content.decode()
    # Each list names children: each is a read, logged once a list (LOG-1).
    from samsyn.audit.models import Entry

    logged = {
        (staff_id, object_type): child_ids
        for staff_id, object_type, child_ids in Entry.objects.filter(
            object_type__in=["sip_meetings_soon", "sip_consent_alerts", "sip_offers"],
            staff_id__in=[actor.staff.pk, colleague.staff.pk],
        ).values_list("staff_id", "object_type", "detail__child_ids")
    }
    assert logged == {
        (actor.staff.pk, "sip_meetings_soon"): [case.child_id],
        (actor.staff.pk, "sip_consent_alerts"): [case.child_id],
        (colleague.staff.pk, "sip_offers"): [case.child_id],
    }
