"""SIP-9: a child has at most one open SIP; a new need joins it, never a second plan (ADR 0009).

In the database (a partial unique constraint), in the service (`open_or_join_case`: refused with
the SIP's number where the proposer's organisation already takes part, joined as an invited
party where it does not), on the page and over the API, and under two proposals at once."""

from __future__ import annotations

import html

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from samsyn.api.tests.conftest import token_client
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import ChildFactory, GuardianshipFactory, InvolvementFactory
from samsyn.common.tests.threads import at_once
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.directory.tests.factories import make_actor
from samsyn.plans.models import Case, Party
from samsyn.plans.selectors import cases as selectors
from samsyn.plans.services import cases
from samsyn.plans.tests.factories import CaseFactory, SipSettingsFactory, actor_in_organisation

pytestmark = pytest.mark.django_db

OLD_NEED = "Behöver både soc och BUP: oro hemma."
NEW_NEED = "Ny oro i skolan: frånvaro sedan oktober."


@pytest.fixture
def child(municipality, social, bup, school):
    child = ChildFactory(municipality=municipality)
    for _ in range(2):
        GuardianshipFactory(child=child)
    for actor in (social, bup, school):
        InvolvementFactory(child=child, unit=actor.unit)
    return child


@pytest.fixture
def open_sip(social, bup, child):
    """Social services' SIP for the child, BUP invited (no unit has accepted yet)."""
    return cases.propose_case(
        actor=social, child_id=child.pk, reason=OLD_NEED, party_ids=[bup.organisation.pk]
    )


def _sips(child) -> int:
    return Case.objects.filter(child=child).count()


# --- the service ------------------------------------------------------------------------------


def test_sip_9_a_second_proposal_by_the_sips_own_organisation_is_refused_with_its_number(
    social, child, open_sip
):
    colleague = make_actor(unit=social.unit, role=Role.CASEWORKER)
    with pytest.raises(cases.SipAlreadyOpen) as refused, translation.override("en"):
        cases.open_or_join_case(actor=colleague, child_id=child.pk, reason=NEW_NEED)
    assert refused.value.case_id == open_sip.pk
    assert not refused.value.invited_only
    assert refused.value.messages == [
        f"The child already has an open SIP (SIP {open_sip.pk}): add the need there."
    ]
    assert _sips(child) == 1
    assert not Entry.objects.filter(action="sip_joined", child_id=child.pk).exists()


def test_sip_9_an_invited_party_is_refused_and_pointed_to_its_invitation(bup, child, open_sip):
    with pytest.raises(cases.SipAlreadyOpen) as refused, translation.override("en"):
        cases.open_or_join_case(actor=bup, child_id=child.pk, reason=NEW_NEED)
    assert refused.value.case_id == open_sip.pk
    assert refused.value.invited_only
    assert f"SIP {open_sip.pk}" in refused.value.messages[0]
    assert "accepts the invitation" in refused.value.messages[0]
    assert _sips(child) == 1
    assert open_sip.parties.count() == 1


def test_sip_9_a_proposal_by_an_organisation_not_taking_part_joins_the_open_sip(
    social, school, child, open_sip
):
    opened = cases.open_or_join_case(actor=school, child_id=child.pk, reason=NEW_NEED)

    assert opened.joined
    assert opened.case.pk == open_sip.pk
    assert _sips(child) == 1
    party = opened.party
    assert (party.organisation_id, party.invited_by_id) == (
        school.organisation.pk,
        school.staff.pk,
    )
    assert party.joined_reason == NEW_NEED
    assert party.accepted_at is None
    open_sip.refresh_from_db()
    assert open_sip.reason == OLD_NEED  # the SIP itself is not rewritten
    entry = Entry.objects.get(action="sip_joined", child_id=child.pk)
    assert (entry.child_id, entry.object_id, entry.detail["party_id"]) == (
        child.pk,
        str(open_sip.pk),
        party.pk,
    )
    # The school is invited as any party: the SIP's number, not the child's plan.
    assert [p.case_id for p in selectors.invitations_for(school)] == [open_sip.pk]
    assert selectors.invitations_for(school)[0].joined
    with pytest.raises(selectors.CaseNotFound):
        selectors.case_for(school, case_id=open_sip.pk, purpose="planning")
    # The SIP's initiator (no coordinator yet) is told.
    assert [p.pk for p in selectors.joins_for(social)] == [party.pk]
    assert selectors.joins_for(school) == []
    # A unit of the school accepts as usual; the notice then leaves the initiator's list.
    cases.accept_invitation(actor=school, case_id=open_sip.pk)
    assert selectors.joins_for(social) == []


def test_sip_9_a_proposing_organisation_joins_instead_of_sending_a_second_proposal(
    region, social, child, open_sip
):
    SipSettingsFactory(region=region, school_may_initiate=False)
    police = actor_in_organisation(
        Principal.objects.create(kind=Principal.Kind.STATE, name="Polisen", code=""),
        Organisation.Kind.POLICE, Role.POLICE_OFFICER, "Polis Test",
    )  # fmt: skip
    InvolvementFactory(child=child, unit=police.unit)
    opened = cases.open_or_join_case(
        actor=police, child_id=child.pk, reason=NEW_NEED,
        receiving_organisation_id=social.organisation.pk,
    )  # fmt: skip
    assert opened.joined
    assert opened.case.pk == open_sip.pk
    assert _sips(child) == 1


def test_sip_9_the_coordinator_is_told_of_the_join(social, school, child):
    case = CaseFactory(
        child=child, consented=True, initiated_by=social.staff,
        initiating_organisation=social.organisation,
    )  # fmt: skip
    other = make_actor(unit=social.unit, role=Role.CASEWORKER)
    case.coordinator = other.staff
    case.save(update_fields=["coordinator"])
    party = cases.open_or_join_case(actor=school, child_id=child.pk, reason=NEW_NEED).party
    assert [p.pk for p in selectors.joins_for(other)] == [party.pk]
    assert selectors.joins_for(social) == []  # the initiator, no longer the one told


def test_sip_9_a_closed_sip_allows_a_new_one(social, child):
    closed = CaseFactory(child=child, closed=True)
    opened = cases.open_or_join_case(actor=social, child_id=child.pk, reason=NEW_NEED)
    assert not opened.joined
    assert opened.case.pk != closed.pk
    assert opened.case.status == Case.Status.PROPOSED
    assert _sips(child) == 2
    assert selectors.open_case_of(child.pk) == opened.case


def test_sip_9_open_case_of_is_the_open_one_or_none(child):
    assert selectors.open_case_of(child.pk) is None
    CaseFactory(child=child, closed=True)
    assert selectors.open_case_of(child.pk) is None
    case = CaseFactory(child=child, consented=True)
    assert selectors.open_case_of(child.pk) == case


# --- the database ----------------------------------------------------------------------------


def test_sip_9_the_database_refuses_a_second_open_sip_for_a_child(child, open_sip):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(
            child=child, reason="r", initiated_by=open_sip.initiated_by,
            initiating_organisation=open_sip.initiating_organisation,
            status=Case.Status.FINALISED,
        )  # fmt: skip
    # Closed ones are history, any number of them.
    CaseFactory.create_batch(2, child=child, closed=True)
    open_sip.status, open_sip.closed_at = Case.Status.CLOSED, timezone.now()
    open_sip.save()
    CaseFactory(child=child)
    assert Case.objects.filter(child=child).exclude(status=Case.Status.CLOSED).count() == 1


def test_sip_9_closing_frees_the_child_for_a_new_sip_only_once_closed(social, child, open_sip):
    with pytest.raises(cases.SipAlreadyOpen):
        cases.open_or_join_case(actor=social, child_id=child.pk, reason=NEW_NEED)
    cases.close_case(
        actor=social, case_id=open_sip.pk, reason="Inte längre aktuell.", version=open_sip.version
    )
    assert not cases.open_or_join_case(actor=social, child_id=child.pk, reason=NEW_NEED).joined


# --- the page --------------------------------------------------------------------------------


def _propose_page(client: Client, child, **data):
    url = reverse("plans:propose") + f"?child={child.pk}"
    token = client.get(url).context["form_token"]
    fields = {"form_token": token, "reason": NEW_NEED, "proposed_by_kind": "staff"}
    return client.post(url, {**fields, **data}, follow=True)


def test_sip_9_page_refuses_a_second_sip_with_a_link_to_the_open_one(
    actor_client, social, child, open_sip
):
    response = _propose_page(actor_client(social), child)
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("sv"):
        said = gettext("The child already has an open SIP (SIP %(number)s): add the need there.")
    assert said % {"number": open_sip.pk} in page
    assert "Barnet har redan en öppen SIP" in page  # in the user's language
    assert f'href="{reverse("plans:detail", args=[open_sip.pk])}"' in page
    assert NEW_NEED in page  # what was typed is kept
    assert _sips(child) == 1


def test_sip_9_page_join_says_invited_and_shows_nothing_of_the_sip(
    actor_client, social, school, child, open_sip
):
    response = _propose_page(actor_client(school), child)
    assert response.redirect_chain[-1][0] == reverse("plans:list")
    page = html.unescape(response.content.decode())
    with translation.override("sv"):
        said = gettext(
            "Your organisation is now invited to the child's SIP; a unit of yours accepts the "
            "invitation as usual. The need you described is with its coordinator."
        )
        number = gettext("SIP no. %(number)s") % {"number": open_sip.pk}
    assert said in page
    assert number in page  # the invitation, as any invited party sees it
    assert OLD_NEED not in page  # the SIP's content stays closed
    assert _sips(child) == 1
    # The initiator's list says so; the SIP's page shows the need that joined.
    coordinator = actor_client(social)
    assert "Skola Test" in coordinator.get(reverse("plans:list")).content.decode()
    detail = coordinator.get(reverse("plans:detail", args=[open_sip.pk])).content.decode()
    assert NEW_NEED in detail


# --- the API ---------------------------------------------------------------------------------


def _api_propose(actor, child):
    client = token_client(actor.membership)[0]
    return client.post(
        "/api/sip", {"child_id": child.pk, "reason": NEW_NEED}, content_type="application/json"
    )


def test_sip_9_api_join_answers_200_with_the_sip_and_joined(school, child, open_sip):
    response = _api_propose(school, child)
    assert response.status_code == 200, response.content
    assert response.json() == {"id": open_sip.pk, "status": None, "joined": True}
    assert _sips(child) == 1


def test_sip_9_api_refusal_answers_422_naming_the_sip(social, child, open_sip):
    response = _api_propose(social, child)
    assert response.status_code == 422, response.content
    [detail] = response.json()["detail"]
    assert (detail["type"], detail["sip_id"]) == ("sip_already_open", open_sip.pk)
    assert f"SIP {open_sip.pk}" in detail["msg"]
    assert _sips(child) == 1


def test_sip_9_api_opens_when_none_is_open(social, child):
    response = _api_propose(social, child)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["joined"] is False
    assert body["status"] == "proposed"
    assert Case.objects.get(child=child).pk == body["id"]


# --- two at once -----------------------------------------------------------------------------


# Serialized rollback: the flush after a transactional test would take the rows the migrations
# seeded (legal bases, rules, content types) with it, for every test after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sip_9_two_proposals_at_once_make_one_sip_and_one_join(social, bup, child):
    results = at_once(
        lambda: cases.open_or_join_case(actor=social, child_id=child.pk, reason=OLD_NEED),
        lambda: cases.open_or_join_case(actor=bup, child_id=child.pk, reason=NEW_NEED),
    )
    assert all(isinstance(r, cases.Opened) for r in results), results
    assert sorted(r.joined for r in results) == [False, True]
    assert _sips(child) == 1
    assert Party.objects.filter(case__child=child).exclude(joined_reason="").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sip_9_two_proposals_at_once_by_one_organisation_make_one_sip(social, child):
    colleague = make_actor(unit=social.unit, role=Role.CASEWORKER)
    results = at_once(
        lambda: cases.open_or_join_case(actor=social, child_id=child.pk, reason=OLD_NEED),
        lambda: cases.open_or_join_case(actor=colleague, child_id=child.pk, reason=NEW_NEED),
    )
    assert sorted(type(r).__name__ for r in results) == ["Opened", "SipAlreadyOpen"], results
    assert _sips(child) == 1


def test_sip_9_the_joins_on_the_sip_list_cost_the_same_for_1_and_10(
    actor_client, social, municipality
):
    client = actor_client(social)
    url = reverse("plans:list")
    client.get(url)  # warm the session and settings
    joiner = actor_in_organisation(
        municipality, Organisation.Kind.SCHOOL, Role.SCHOOL_COUNSELLOR, "Skola"
    )
    counts = []
    for extra in (1, 9):
        for _ in range(extra):
            other = ChildFactory(municipality=municipality)
            InvolvementFactory(child=other, unit=social.unit)
            case = cases.propose_case(actor=social, child_id=other.pk, reason=OLD_NEED)
            InvolvementFactory(child=other, unit=joiner.unit)
            assert cases.open_or_join_case(actor=joiner, child_id=other.pk, reason=NEW_NEED).joined
            assert case.parties.count() == 1
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(response.context["joins"]) == len(counts) * 9 + 1
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
