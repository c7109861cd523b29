"""The SIP case: initiation (SIP-1, SIP-2), consent gating (SIP-3, SIP-4), the coordinator
relay, closing, the list and page, and who has a part in a child's SIP."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samsyn.access import rules
from samsyn.access.models import Category, Purpose
from samsyn.access.tests.factories import LegalBasisFactory
from samsyn.audit.models import Entry
from samsyn.children import selectors as children
from samsyn.children.tests.factories import (
    ChildFactory,
    GuardianshipFactory,
    InvolvementFactory,
)
from samsyn.consent.models import Consent
from samsyn.consent.tests.factories import ConsentSettingsFactory
from samsyn.directory.models import Organisation, Principal, Role
from samsyn.plans.models import Case, Handover
from samsyn.plans.selectors import cases as selectors
from samsyn.plans.selectors.consents import sip_consent_status
from samsyn.plans.services import cases
from samsyn.plans.services import consents as consent
from samsyn.plans.state import TransitionRefused
from samsyn.plans.tests.factories import (
    CaseFactory,
    PartyFactory,
    SipSettingsFactory,
    actor_in_organisation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(municipality, social, bup, school, police):
    child = ChildFactory(municipality=municipality)
    for _ in range(2):
        GuardianshipFactory(child=child)
    for actor in (social, bup, school, police):
        InvolvementFactory(child=child, unit=actor.unit)
    return child


@pytest.fixture
def case(social, bup, child):
    return cases.propose_case(
        actor=social, child_id=child.pk, reason="Behöver både soc och BUP.",
        party_ids=[bup.organisation.pk],
    )  # fmt: skip


def _guardian_consents(actor, case, organisations, guardians=None):
    guardians = guardians or [g.guardian_id for g in case.child.guardianships.all()]
    today = timezone.localdate()
    for guardian_id in guardians:
        consent.record_sip_consent(
            actor=actor, case_id=case.pk, given_by="guardian", guardian_id=guardian_id,
            receiving_organisation_ids=[o.pk for o in organisations],
            categories=[Category.BASIC], form="written", given_on=today,
            valid_until=today + datetime.timedelta(days=365),
        )  # fmt: skip
    case.refresh_from_db()
    return case


# --- SIP-1, SIP-2: who may initiate, who may propose ---


@pytest.mark.parametrize(
    ("who", "school_may_initiate", "mode"),
    [
        ("social", True, cases.Mode.INITIATE),
        ("social", False, cases.Mode.INITIATE),
        ("bup", True, cases.Mode.INITIATE),
        ("bup", False, cases.Mode.INITIATE),
        ("school", True, cases.Mode.INITIATE),
        ("school", False, cases.Mode.PROPOSE),
        ("police", True, cases.Mode.PROPOSE),
        ("police", False, cases.Mode.PROPOSE),
    ],
)
def test_sip_2_who_may_initiate_is_a_rule_held_as_data(
    request, region, child, who, school_may_initiate, mode
):
    SipSettingsFactory(region=region, school_may_initiate=school_may_initiate)
    actor = request.getfixturevalue(who)
    assert cases.initiation_mode(actor, child) == mode
    social = request.getfixturevalue("social")
    created = cases.propose_case(
        actor=actor, child_id=child.pk, reason="Oro i skolan och hemma.",
        receiving_organisation_id=social.organisation.pk,
    )  # fmt: skip
    if mode == cases.Mode.INITIATE:
        assert created.initiating_organisation == actor.organisation
    else:
        # The proposal lands with social services; the proposer's organisation takes part.
        assert created.initiating_organisation == social.organisation
        assert created.parties.filter(organisation=actor.organisation).exists()


def test_sip_2_a_proposal_without_a_receiving_organisation_is_refused(police, child):
    with pytest.raises(ValidationError) as refused:
        cases.propose_case(actor=police, child_id=child.pk, reason="Oro.")
    assert "receiving_organisation" in refused.value.error_dict
    assert not Case.objects.exists()


def test_sip_2_nobody_proposes_for_a_child_they_may_not_see(social, municipality):
    stranger = ChildFactory(municipality=municipality)
    with pytest.raises(rules.AccessDenied):
        cases.propose_case(actor=social, child_id=stranger.pk, reason="Oro.")


def test_sip_1_reason_proposer_and_parties_are_stored_and_audited(social, bup, school, child):
    created = cases.propose_case(
        actor=social, child_id=child.pk, reason="Både soc och BUP behövs.",
        proposed_by_kind=Case.Proposer.GUARDIAN, proposer_name="Anna Andersson",
        party_ids=[bup.organisation.pk, school.organisation.pk],
    )  # fmt: skip
    assert created.reason == "Både soc och BUP behövs."
    assert (created.proposed_by_kind, created.proposer_name) == ("guardian", "Anna Andersson")
    assert set(created.parties.values_list("organisation_id", flat=True)) == {
        bup.organisation.pk, school.organisation.pk,
    }  # fmt: skip
    assert created.status == Case.Status.PROPOSED
    row = Entry.objects.get(action="sip_proposed", child_id=child.pk)
    assert row.purpose == Purpose.PLANNING


def test_sip_2_on_behalf_of_someone_needs_their_name(social, child):
    with pytest.raises(ValidationError):
        cases.propose_case(
            actor=social, child_id=child.pk, reason="Oro.", proposed_by_kind=Case.Proposer.CHILD
        )


def test_sip_5_first_contact_recorded_and_not_in_the_future(social, case):
    with pytest.raises(ValidationError):
        cases.record_first_contact(
            actor=social, case_id=case.pk,
            contacted_on=timezone.localdate() + datetime.timedelta(days=1),
        )  # fmt: skip
    cases.record_first_contact(actor=social, case_id=case.pk, contacted_on=timezone.localdate())
    case.refresh_from_db()
    assert case.first_contact_at is not None


# --- SIP-3, SIP-4: consent gates the SIP ---


def test_sip_3_sip_stays_proposed_until_consent_is_complete(social, bup, case):
    first, second = [g.guardian_id for g in case.child.guardianships.all()]
    _guardian_consents(social, case, [bup.organisation], [first])
    assert case.status == Case.Status.PROPOSED
    assert case.coordinator is None
    _guardian_consents(social, case, [bup.organisation], [second])
    assert case.status == Case.Status.CONSENTED
    # The initiating staff member is the first coordinator, and the relay says so.
    assert (case.coordinator, case.coordinator_organisation) == (
        social.staff, social.organisation,
    )  # fmt: skip
    first_step = Handover.objects.get(case=case)
    assert first_step.from_staff is None
    assert first_step.accepted_at is not None


def test_sip_3_consent_only_for_parties(social, school, case):
    with pytest.raises(ValidationError):
        _guardian_consents(social, case, [school.organisation])


def test_sip_4_child_consents_only_when_assessed_mature(social, bup, case):
    today = timezone.localdate()

    def child_consent():
        consent.record_sip_consent(
            actor=social, case_id=case.pk, given_by="child", guardian_id=None,
            receiving_organisation_ids=[bup.organisation.pk], categories=[], form="oral",
            given_on=today, valid_until=today + datetime.timedelta(days=90),
        )  # fmt: skip

    with pytest.raises(ValidationError):
        child_consent()
    consent.record_sip_maturity(actor=social, case_id=case.pk, mature=True, reasoning="16 år.")
    child_consent()
    case.refresh_from_db()
    assert case.status == Case.Status.CONSENTED


def test_sip_4_one_guardian_is_enough_where_the_region_says_so(region, social, bup, case):
    ConsentSettingsFactory(region=region, both_guardians_must_consent=False)
    first = case.child.guardianships.first().guardian_id
    assert _guardian_consents(social, case, [bup.organisation], [first]).status == "consented"


def test_sip_4_a_guardian_of_another_child_cannot_consent(social, bup, case):
    other = GuardianshipFactory()
    with pytest.raises(ValidationError):
        _guardian_consents(social, case, [bup.organisation], [other.guardian_id])


def test_sip_3_only_the_running_organisation_records_consent(bup, case):
    with pytest.raises((rules.AccessDenied, selectors.CaseNotFound)):
        _guardian_consents(bup, case, [bup.organisation])


def test_sip_3_withdrawal_stops_the_other_organisation_at_once(social, bup, case):
    # BUP sees the SIP only through the consent, not an involvement of its own.
    case.child.involvements.filter(unit=bup.unit).delete()
    cases.accept_invitation(actor=bup, case_id=case.pk)
    _guardian_consents(social, case, [bup.organisation])
    assert list(selectors.cases_visible_to(bup, purpose=Purpose.PLANNING)) == [case]
    first, second = Consent.objects.filter(child=case.child).order_by("pk")
    consent.withdraw_sip_consent(actor=social, case_id=case.pk, consent_id=first.pk)
    first.refresh_from_db()
    assert first.withdrawn_recorded_by == social.staff
    # One guardian's withdrawal: the SIP's consent is incomplete at once (the gate of every
    # further step); the other guardian's consent alone still opens it in access.rules.
    assert not sip_consent_status(case).complete
    consent.withdraw_sip_consent(actor=social, case_id=case.pk, consent_id=second.pk)
    assert list(selectors.cases_visible_to(bup, purpose=Purpose.PLANNING)) == []


# --- SEK-1: a legal ground instead of consent, within its scope ---


def _basis(**kwargs):
    return LegalBasisFactory(
        **{"categories": [Category.PLAN], "purposes": [Purpose.PLANNING], **kwargs}
    )


def _ground(actor, case, basis, organisation):
    return consent.record_sip_legal_ground(
        actor=actor, case_id=case.pk, basis_id=basis.pk, receiving_organisation_id=organisation.pk,
        reason="Nödvändig vård.", valid_until=timezone.localdate() + datetime.timedelta(days=90),
    )  # fmt: skip


def test_sek_1_a_legal_ground_moves_the_sip_on_instead_of_consent(social, bup, case):
    _ground(social, case, _basis(to_kinds=[Organisation.Kind.BUP]), bup.organisation)
    case.refresh_from_db()
    assert case.status == Case.Status.CONSENTED


@pytest.mark.parametrize(
    "scope",
    [
        {"to_kinds": [Organisation.Kind.SOCIAL_SERVICES]},
        {"max_age": 5},
        {"categories": [Category.HEALTH]},
    ],
)
def test_sek_1_a_legal_ground_outside_its_scope_is_refused(social, bup, case, scope):
    with pytest.raises(ValidationError):
        _ground(social, case, _basis(**scope), bup.organisation)
    case.refresh_from_db()
    assert case.status == Case.Status.PROPOSED


def test_sek_1_authorities_only_refuses_a_private_provider(social, case):
    private = Principal.objects.create(kind=Principal.Kind.PRIVATE, name="Privat AB", code="1880")
    clinic = Organisation.objects.create(
        principal=private, kind=Organisation.Kind.BUP, name="Privat BUP"
    )
    PartyFactory(case=case, organisation=clinic, invited_by=social.staff)
    with pytest.raises(ValidationError):
        _ground(social, case, _basis(authorities_only=True), clinic)


# --- The coordinator relay: the role passes only on acceptance ---


@pytest.fixture
def consented(social, bup, case):
    return _guardian_consents(social, case, [bup.organisation])


def test_coordinator_role_passes_only_when_accepted(social, bup, consented):
    offer = cases.offer_handover(
        actor=social, case_id=consented.pk, membership_id=bup.membership.pk, note="BUP tar över."
    )
    consented.refresh_from_db()
    assert consented.coordinator == social.staff  # not yet passed
    cases.accept_handover(actor=bup, case_id=consented.pk, handover_id=offer.pk)
    consented.refresh_from_db()
    assert (consented.coordinator, consented.coordinator_organisation) == (
        bup.staff, bup.organisation,
    )  # fmt: skip
    accepted = Entry.objects.filter(action="sip_coordinator_accepted", child_id=consented.child_id)
    assert accepted.count() == 1


def test_coordinator_declined_offer_keeps_the_role(social, bup, consented):
    offer = cases.offer_handover(
        actor=social, case_id=consented.pk, membership_id=bup.membership.pk
    )
    cases.decline_handover(actor=bup, case_id=consented.pk, handover_id=offer.pk)
    consented.refresh_from_db()
    assert consented.coordinator == social.staff
    offer.refresh_from_db()
    assert offer.declined_at is not None
    assert offer.accepted_at is None
    with pytest.raises(TransitionRefused):
        cases.accept_handover(actor=bup, case_id=consented.pk, handover_id=offer.pk)


def test_coordinator_only_the_offered_person_accepts(social, bup, consented):
    offer = cases.offer_handover(
        actor=social, case_id=consented.pk, membership_id=bup.membership.pk
    )
    with pytest.raises(rules.AccessDenied):
        cases.accept_handover(actor=social, case_id=consented.pk, handover_id=offer.pk)
    consented.refresh_from_db()
    assert consented.coordinator == social.staff


def test_coordinator_only_the_coordinator_offers(bup, consented):
    with pytest.raises(TransitionRefused):
        cases.offer_handover(actor=bup, case_id=consented.pk, membership_id=bup.membership.pk)


def test_coordinator_cannot_be_offered_to_an_outsider(social, consented, municipality):
    outsider = actor_in_organisation(
        municipality, Organisation.Kind.LSS, Role.CASEWORKER, "LSS Test"
    )
    with pytest.raises(ValidationError):
        cases.offer_handover(
            actor=social, case_id=consented.pk, membership_id=outsider.membership.pk
        )


def test_sip_2_a_police_proposal_is_taken_up_by_social_services(police, social, bup, child):
    proposal = cases.propose_case(
        actor=police, child_id=child.pk, reason="Oro efter ingripande.",
        receiving_organisation_id=social.organisation.pk, party_ids=[bup.organisation.pk],
    )  # fmt: skip
    _guardian_consents(social, proposal, [bup.organisation, police.organisation])
    # The police officer is not social services' staff: no coordinator until it is taken up.
    assert proposal.status == Case.Status.CONSENTED
    assert proposal.coordinator is None
    cases.take_up_proposal(actor=social, case_id=proposal.pk)
    proposal.refresh_from_db()
    assert (proposal.initiated_by, proposal.coordinator) == (social.staff, social.staff)


# --- Close: closed, never deleted ---


def test_close_keeps_the_sip_readable(social, bup, consented):
    cases.close_case(
        actor=social, case_id=consented.pk, reason="Målen nådda.", version=consented.version
    )
    consented.refresh_from_db()
    assert consented.status == Case.Status.CLOSED
    assert consented.closed_at
    found, _ = selectors.case_for(social, case_id=consented.pk, purpose=Purpose.PLANNING)
    assert found.close_reason == "Målen nådda."
    assert Case.objects.filter(pk=consented.pk).exists()


def test_close_needs_a_reason_and_a_fresh_version(social, consented):
    with pytest.raises(ValidationError):
        cases.close_case(actor=social, case_id=consented.pk, reason=" ", version=consented.version)
    with pytest.raises(cases.StaleCase):
        cases.close_case(actor=social, case_id=consented.pk, reason="Klar.", version=0)
    consented.refresh_from_db()
    assert consented.status == Case.Status.CONSENTED


# --- Who has a part in this child's SIP ---


def _sips(actor, child):
    return children.section_of_child(actor, child, selectors.sips_section(actor))


def _as_listed(sips):
    return [
        (
            sip.case.pk, sip.case.status, sip.case.coordinator.name if sip.case.coordinator else "",
            str(sip.case.coordinator_organisation), [o.pk for o in sip.organisations],
            [(offer.pk, offer.to_staff.name, offer.to_organisation.name) for offer in sip.pending],
        )
        for sip in sips
    ]  # fmt: skip


def _sips_read_alone(actor, child):
    """What the child's page listed when the section was statements of its own (before the
    page's one read, docs/adr/0016): `cases_visible_to`'s first 20 of the child, with their
    parties and the offers of the coordinator role not answered yet, through the ORM."""
    cases = selectors.cases_visible_to(actor, purpose=Purpose.PLANNING).filter(child=child)[:20]
    return _as_listed(
        selectors.ChildSip(
            case,
            [case.initiating_organisation]
            + [party.organisation for party in case.parties.order_by("pk")],
            list(
                case.handovers.filter(accepted_at__isnull=True, declined_at__isnull=True).order_by(
                    "offered_at", "pk"
                )
            ),
        )
        for case in cases
    )


def test_the_sips_section_lists_organisations_and_the_coordinator(social, bup, consented):
    [sip] = _sips(social, consented.child)
    assert sip.case == consented
    assert {o.pk for o in sip.organisations} == {social.organisation.pk, bup.organisation.pk}
    assert sip.case.coordinator == social.staff
    assert Entry.objects.filter(object_type="sip_parties", child_id=consented.child_id).exists()


def test_the_sips_section_shows_nothing_to_an_organisation_not_taking_part(school, consented):
    assert _sips(school, consented.child) == []
    assert not Entry.objects.filter(object_type="sip_parties", staff_id=school.staff.pk).exists()


def test_the_sips_read_with_the_child_are_those_read_alone(social, bup, police, consented):
    """The section as a value of the page's one read lists what the SIPs' own selector lists:
    the same SIPs, parties and pending offers, at most 20 (the newest), none of a SIP the
    viewer's organisation takes no part in; its audit row names them."""
    child = consented.child
    offer = cases.offer_handover(
        actor=social, case_id=consented.pk, membership_id=bup.membership.pk, note="BUP tar över."
    )
    PartyFactory(case=consented, organisation=police.organisation, invited_by=social.staff)
    hidden = CaseFactory(
        child=child, initiating_organisation=police.organisation, closed=True,
        proposed_at=timezone.now() + datetime.timedelta(days=1),
    )  # fmt: skip
    expected = _sips_read_alone(social, child)
    assert _as_listed(_sips(social, child)) == expected
    [(case_id, *_, organisations, pending)] = expected
    assert (case_id, pending[0][0]) == (consented.pk, offer.pk)
    assert organisations == [social.organisation.pk, bup.organisation.pk, police.organisation.pk]

    for days in range(1, 25):
        CaseFactory(
            child=child, initiating_organisation=social.organisation, closed=True,
            initiated_by=social.staff, proposed_at=timezone.now() - datetime.timedelta(days=days),
        )  # fmt: skip
    shown = _as_listed(_sips(social, child))
    assert shown == _sips_read_alone(social, child)
    assert len(shown) == 20
    assert hidden.pk not in {row[0] for row in shown}
    read = Entry.objects.filter(object_type="sip_parties", staff_id=social.staff.pk).latest("id")
    assert read.detail == {"case_ids": [row[0] for row in shown]}
    assert read.object_id == str(child.pk)


# --- HTTP ---


def test_http_propose_page_initiates_and_refuses_a_double_submit(actor_client, social, bup, child):
    client = actor_client(social)
    url = reverse("plans:propose") + f"?child={child.pk}"
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "form_token": page.context["form_token"], "reason": "Oro.",
        "proposed_by_kind": "staff", "parties": [bup.organisation.pk],
    }  # fmt: skip
    first = client.post(url, data)
    created = Case.objects.get()
    assert first.status_code == 302
    assert first["Location"] == reverse("plans:detail", args=[created.pk])
    second = client.post(url, data)
    assert second.status_code == 302
    assert Case.objects.count() == 1


def test_http_propose_keeps_what_was_typed_when_refused(actor_client, police, child):
    client = actor_client(police)
    url = reverse("plans:propose") + f"?child={child.pk}"
    token = client.get(url).context["form_token"]
    response = client.post(
        url, {"form_token": token, "reason": "Min text.", "proposed_by_kind": "staff"}
    )
    assert response.status_code == 200
    assert "Min text." in response.content.decode()
    assert response.context["form"].errors["receiving_organisation"]
    assert not Case.objects.exists()


def test_http_propose_refuses_a_too_long_reason(actor_client, social, child):
    client = actor_client(social)
    url = reverse("plans:propose") + f"?child={child.pk}"
    token = client.get(url).context["form_token"]
    response = client.post(
        url, {"form_token": token, "reason": "x" * 4001, "proposed_by_kind": "staff"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]


def test_http_detail_404_for_an_organisation_not_taking_part(actor_client, school, case):
    assert actor_client(school).get(reverse("plans:detail", args=[case.pk])).status_code == 404


def test_sip_3_http_withdrawal_stops_access_on_the_next_request(actor_client, social, bup, case):
    case.child.involvements.filter(unit=bup.unit).delete()
    cases.accept_invitation(actor=bup, case_id=case.pk)
    _guardian_consents(social, case, [bup.organisation])
    bup_client, social_client = actor_client(bup), actor_client(social)
    sip_url = reverse("plans:detail", args=[case.pk])
    child_url = reverse("children:detail", args=[case.child_id]) + "?purpose=planning"
    assert bup_client.get(sip_url).status_code == 200
    assert bup_client.get(child_url).status_code == 200
    for given in Consent.objects.filter(child=case.child).all():
        url = reverse("plans:consent_withdraw", args=[case.pk, given.pk])
        token = social_client.get(url).context["form_token"]
        assert social_client.post(url, {"form_token": token}).status_code == 302
    # BUP's next request finds neither the SIP nor the child.
    assert bup_client.get(sip_url).status_code == 404
    assert bup_client.get(child_url).status_code == 404
    assert social_client.get(sip_url).status_code == 200


def test_http_relay_offer_shown_in_the_list_and_accepted(actor_client, social, bup, consented):
    offer = cases.offer_handover(
        actor=social, case_id=consented.pk, membership_id=bup.membership.pk
    )
    client = actor_client(bup)
    listing = client.get(reverse("plans:list"))
    assert listing.context["offers"] == [offer]
    detail = client.get(reverse("plans:detail", args=[consented.pk]))
    response = client.post(
        reverse("plans:accept_handover", args=[consented.pk, offer.pk]),
        {"form_token": detail.context["token"]},
    )
    assert response.status_code == 302
    consented.refresh_from_db()
    assert consented.coordinator == bup.staff


def test_http_close_without_reason_keeps_the_sip_open(actor_client, social, consented):
    client = actor_client(social)
    url = reverse("plans:close", args=[consented.pk])
    page = client.get(url)
    response = client.post(
        url, {"form_token": page.context["form_token"], "reason": "", "version": consented.version}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    consented.refresh_from_db()
    assert consented.status == Case.Status.CONSENTED


def test_http_list_queries_are_bounded(actor_client, social, bup, municipality):
    client = actor_client(social)
    client.get(reverse("plans:list"))  # warm the session and settings
    counts = []
    for extra in (1, 10):
        for _ in range(extra):
            # One open SIP per child (SIP-9): each SIP is another child's.
            other = ChildFactory(municipality=municipality)
            InvolvementFactory(child=other, unit=social.unit)
            cases.propose_case(
                actor=social, child_id=other.pk, reason="Oro.", party_ids=[bup.organisation.pk]
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("plans:list")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_http_detail_queries_are_bounded(actor_client, social, bup, consented):
    client = actor_client(social)
    url = reverse("plans:detail", args=[consented.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _guardian_consents(social, consented, [bup.organisation])
    for _ in range(3):
        offer = cases.offer_handover(
            actor=social, case_id=consented.pk, membership_id=bup.membership.pk
        )
        cases.decline_handover(actor=bup, case_id=consented.pk, handover_id=offer.pk)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many)


def test_child_parties_template_names_the_organisations(social, bup, consented):
    from django.template.loader import render_to_string

    html = render_to_string(
        "plans/cases/_child_parties.html", {"sips": _sips(social, consented.child)}
    )
    assert bup.organisation.name in html
    assert social.staff.name in html


def test_http_first_contact_and_invite(actor_client, social, school, case):
    client = actor_client(social)
    url = reverse("plans:first_contact", args=[case.pk])
    token = client.get(url).context["form_token"]
    today = timezone.localdate().isoformat()
    assert client.post(url, {"form_token": token, "contacted_on": today}).status_code == 302
    url = reverse("plans:invite_party", args=[case.pk])
    token = client.get(url).context["form_token"]
    data = {"form_token": token, "organisation": school.organisation.pk}
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.first_contact_at is not None
    assert case.parties.filter(organisation=school.organisation).exists()
