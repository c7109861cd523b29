"""The demo county's SIPs (issue 4, item 8): every state, overdue ones, withdrawn consents, the
seed case, and SIPs the demo caseworker and the BUP clinician share."""

from __future__ import annotations

import pytest
from django.utils import timezone

from samsyn.access.models import Category, Purpose
from samsyn.consent.models import Consent
from samsyn.demo.generator import generate_county
from samsyn.demo.tests.helpers import actor, county_built_today
from samsyn.plans.models import Case, Handover, Invitation, Party, PlanItem, PlanVersion
from samsyn.plans.selectors import deadlines
from samsyn.plans.selectors.cases import cases_visible_to
from samsyn.plans.services import meetings

SEED, CHILDREN, YEAR = 11, 200, 2026


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """A small county built today, rolled back afterwards."""
    with django_db_blocker.unblock():
        with county_built_today(SEED, children=CHILDREN, year=YEAR) as county:
            yield county


def test_same_seed_same_sips():
    today = timezone.localdate()
    first = generate_county(seed=SEED, children=CHILDREN, year=YEAR, today=today)
    again = generate_county(seed=SEED, children=CHILDREN, year=YEAR, today=today)
    assert first.digest() == again.digest()
    assert len(first.sips) >= 20


def test_sips_in_every_state(county, db):
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == set(Case.Status.values)
    today = timezone.localdate()
    finals = PlanVersion.objects.filter(status=PlanVersion.Status.FINAL)
    # Follow-up due (the date has passed) and followed up (a newer version finalised).
    assert finals.filter(follow_up_on__lt=today, case__status=Case.Status.FINALISED).exists()
    assert finals.filter(number=2).exists()
    assert Invitation.objects.filter(kind=Invitation.Kind.GUARDIAN).exists()
    assert PlanItem.objects.filter(kind=PlanItem.Kind.EFFORT).exists()
    assert Handover.objects.filter(accepted_at__isnull=True, declined_at__isnull=True).exists()
    assert Party.objects.filter(organisation__kind="skola").exists()


def test_sip_7_the_demo_invitations_reach_most_guardians(county, db, mailoutbox):
    invitations = list(
        Invitation.objects.filter(kind=Invitation.Kind.GUARDIAN).select_related("guardian")
    )
    assert all(invitation.email == invitation.guardian.email for invitation in invitations)
    reached = [invitation for invitation in invitations if invitation.email]
    assert len(reached) > 0.8 * len(invitations)
    meetings.send_meeting_mail(
        meeting_id=reached[0].meeting_id, notice="invitation", base_url="https://demo.example.org/"
    )
    assert reached[0].email in [message.to[0] for message in mailoutbox]


def test_sip_5_demo_has_overdue_sips_of_each_step(county, db):
    late = deadlines.annotate_deadlines(Case.objects.all())
    assert late.filter(late_first_contact=True).exists()
    assert late.filter(late_first_meeting=True).exists()
    assert late.filter(late_follow_up=True).exists()
    assert late.filter(late_first_contact=False, late_first_meeting=False,
                       late_follow_up=False).exists()  # fmt: skip


def test_sip_3_demo_has_sips_with_a_withdrawn_consent(county, db):
    assert Consent.objects.filter(
        child__sip_cases__isnull=False, categories__contains=[Category.PLAN],
        withdrawn_at__isnull=False,
    ).exists()  # fmt: skip


def test_seed_case_the_child_who_waited(county, db):
    case = Case.objects.get(reason__contains="ett och ett halvt år")
    assert (case.first_contact_at - case.proposed_at).days > 30
    handovers = list(case.handovers.order_by("offered_at"))
    assert sum(1 for h in handovers if h.declined_at) >= 3
    assert handovers[-1].accepted_at is not None
    assert handovers[-1].to_staff == case.coordinator
    assert case.coordinator.user.username == "handlaggare"
    first_meeting = case.meetings.order_by("starts_at").first()
    assert (first_meeting.starts_at - case.proposed_at).days >= 540  # a year and a half


def test_caseworker_and_bup_clinician_share_sips(county, db):
    caseworker = cases_visible_to(actor("handlaggare"), purpose=Purpose.PLANNING)
    clinician = cases_visible_to(actor("behandlare"), purpose=Purpose.PLANNING)
    shared = set(caseworker.values_list("pk", flat=True)) & set(
        clinician.values_list("pk", flat=True)
    )
    assert len(shared) >= 3
    # On the guardians' consent for the plan: BUP's own patient relationship alone never opens
    # social services' plan (SEK-1, SEK-4).
    bup = actor("behandlare").organisation
    on_consent = Case.objects.filter(
        pk__in=shared,
        child__consents__receiving_organisation=bup,
        child__consents__categories__contains=[Category.PLAN],
        child__consents__withdrawn_at__isnull=True,
    ).distinct()
    assert on_consent.count() >= 3


def test_caseworker_has_overdue_sips_on_the_list(county, db):
    assert deadlines.overdue_count(actor("handlaggare")) >= 1
    assert deadlines.overdue_count(actor("enhetschef")) >= deadlines.overdue_count(
        actor("handlaggare")
    )


@pytest.mark.parametrize(("seed", "children"), [(SEED, CHILDREN), (3, 1000)])
def test_sip_9_the_demo_draws_one_open_sip_per_child(seed, children):
    county = generate_county(seed=seed, children=children, year=YEAR, today=timezone.localdate())
    open_children = [row.child for row in county.sips if row.status != Case.Status.CLOSED]
    assert open_children
    assert len(open_children) == len(set(open_children))


def test_sip_9_the_demo_builds_with_one_open_sip_per_child(county, db):
    # The database's constraint let the county in; the count says it holds.
    open_sips = Case.objects.exclude(status=Case.Status.CLOSED)
    assert open_sips.count() == open_sips.values("child").distinct().count() > 0
