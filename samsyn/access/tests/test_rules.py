"""The access matrix: who sees a child, on which ground, and what the audit log says about it.

One shared setup, one row per condition (STYLE: data-hub-api's permission matrix). Every row is
checked three ways that must agree: the list filter (`restrict`), the single decision
(`decide`), and the selector a page uses (`child_for`), which also writes the audit row.
Parameter ids carry the DOMAIN rule they prove, so `pytest -k sek_1` runs that rule's proof.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Category, LegalGround, Purpose
from samsyn.access.tests.factories import EmergencyAccessFactory, LegalGroundFactory
from samsyn.accounts.tests.helpers import sign_in
from samsyn.audit.models import Entry
from samsyn.children import selectors
from samsyn.children.models import Child, Guardianship
from samsyn.children.tests.factories import (
    ChildFactory,
    GuardianshipFactory,
    InvolvementFactory,
    ProtectedIdentityNeedFactory,
)
from samsyn.consent.models import Consent
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import (
    OrganisationFactory,
    StaffFactory,
    UnitFactory,
    make_actor,
)
from samsyn.plans.tests.factories import CaseFactory, PartyFactory

pytestmark = pytest.mark.django_db

TREATMENT = Purpose.TREATMENT
BASIC = Category.BASIC


@dataclass
class World:
    """A child known to one social-services unit, and a BUP clinic in another organisation."""

    child: Child
    social: Organisation
    social_unit: object  # has the child as client
    social_other_unit: object  # same organisation, no involvement
    bup: Organisation
    bup_unit: object  # no involvement: needs a ground
    recorder: object  # the caseworker who records consents and grounds

    def consent(self, **overrides) -> Consent:
        """The child's consent for BUP to read basic data for treatment, in force."""
        fields = {
            "child": self.child,
            "by_child": True,
            "receiving_organisation": self.bup,
            "categories": [BASIC],
            "purposes": [TREATMENT],
            "recorded_by": self.recorder,
            "recorded_for": self.social,
        }
        return ConsentFactory(**{**fields, **overrides})

    def legal_ground(self, **overrides) -> LegalGround:
        """A legal ground for BUP to read basic data for treatment, in force."""
        fields = {
            "child": self.child,
            "basis__reference": "OSL 25 kap. 12 §",
            "basis__categories": [BASIC, Category.HEALTH, Category.SOCIAL],
            "basis__purposes": [TREATMENT, Purpose.INVESTIGATION],
            "basis__authorities_only": True,
            "basis__max_age": 18,
            "receiving_organisation": self.bup,
            "categories": [BASIC],
            "purposes": [TREATMENT],
            "recorded_by": self.recorder,
        }
        return LegalGroundFactory(**{**fields, **overrides})

    def actor(self, unit, role=Role.CASEWORKER) -> Actor:
        return make_actor(unit=unit, role=role)

    def clinician_taking_part(self, unit=None, *, accepted: bool = True) -> Actor:
        """A BUP clinician whose unit took part in a SIP about the child: the relationship a
        ground needs inside the receiving organisation (SEK-4)."""
        unit = unit or self.bup_unit
        case = CaseFactory(child=self.child, initiating_organisation=self.social)
        PartyFactory(
            case=case, organisation=unit.organisation, accepted_for=unit if accepted else None
        )
        return self.actor(unit, Role.CLINICIAN)


@pytest.fixture
def world() -> World:
    return make_world()


def make_world(bup_name: str = "BUP") -> World:
    social_unit = UnitFactory(organisation__kind=Organisation.Kind.SOCIAL_SERVICES)
    social = social_unit.organisation
    bup_unit = UnitFactory(organisation__kind=Organisation.Kind.BUP, organisation__name=bup_name)
    child = ChildFactory()
    # The whole unit treats the child (no named staff), from a date in the past, still open.
    InvolvementFactory(child=child, unit=social_unit, started_on=datetime.date(2024, 1, 1))
    return World(
        child=child,
        social=social,
        social_unit=social_unit,
        social_other_unit=UnitFactory(organisation=social),
        bup=bup_unit.organisation,
        bup_unit=bup_unit,
        recorder=StaffFactory(),
    )


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - timedelta(days=days)


def own_unit(w: World) -> Actor:
    return w.actor(w.social_unit)


def own_unit_named_staff(w: World) -> Actor:
    actor = w.actor(w.social_unit)
    InvolvementFactory(child=w.child, unit=w.social_unit, staff=actor.staff)
    return actor


def own_unit_case_assigned_to_someone_else(w: World) -> Actor:
    # The unit's involvement names another caseworker: this one has no relationship.
    w.child.involvements.update(staff=StaffFactory())
    return w.actor(w.social_unit)


def own_unit_involvement_ended(w: World) -> Actor:
    w.child.involvements.update(ended_on=_days_ago(1))
    return w.actor(w.social_unit)


def own_unit_involvement_not_started(w: World) -> Actor:
    w.child.involvements.update(started_on=timezone.localdate() + timedelta(days=1))
    return w.actor(w.social_unit)


def same_org_other_unit(w: World) -> Actor:
    return w.actor(w.social_other_unit)


def other_org_no_ground(w: World) -> Actor:
    return w.actor(w.bup_unit, Role.CLINICIAN)


def other_org_with_consent(w: World) -> Actor:
    w.consent()
    return w.clinician_taking_part()


def consent_for_another_org(w: World) -> Actor:
    w.consent(receiving_organisation=OrganisationFactory(kind=Organisation.Kind.SCHOOL))
    return w.clinician_taking_part()


def consent_wrong_purpose(w: World) -> Actor:
    w.consent(purposes=[Purpose.PLANNING])
    return w.clinician_taking_part()


def consent_wrong_category(w: World) -> Actor:
    w.consent(categories=[Category.HEALTH])
    return w.clinician_taking_part()


def consent_withdrawn(w: World) -> Actor:
    w.consent(withdrawn=True)
    return w.clinician_taking_part()


def consent_expired(w: World) -> Actor:
    w.consent(expired=True)
    return w.clinician_taking_part()


def consent_not_yet_given(w: World) -> Actor:
    w.consent(given_at=timezone.now() + timedelta(hours=1))
    return w.clinician_taking_part()


def other_org_with_legal_ground(w: World) -> Actor:
    w.legal_ground()
    return w.clinician_taking_part()


def legal_ground_ended(w: World) -> Actor:
    w.legal_ground(ended=True)
    return w.clinician_taking_part()


def legal_ground_expired(w: World) -> Actor:
    w.legal_ground(expired=True)
    return w.clinician_taking_part()


def legal_ground_wrong_purpose(w: World) -> Actor:
    w.legal_ground(purposes=[Purpose.FOLLOW_UP])
    return w.clinician_taking_part()


def consent_without_relationship(w: World) -> Actor:
    # The organisation may receive, but this unit has no relationship with the child.
    w.consent()
    return w.actor(w.bup_unit, Role.CLINICIAN)


def consent_another_unit_takes_part(w: World) -> Actor:
    w.consent()
    w.clinician_taking_part(UnitFactory(organisation=w.bup))
    return w.actor(w.bup_unit, Role.CLINICIAN)


def consent_invitation_not_accepted(w: World) -> Actor:
    w.consent()
    return w.clinician_taking_part(accepted=False)


def legal_ground_without_relationship(w: World) -> Actor:
    w.legal_ground()
    return w.actor(w.bup_unit, Role.CLINICIAN)


def manager_case_assigned_to_a_caseworker(w: World) -> Actor:
    # The unit manager answers for every case of the unit, whoever is assigned (oversight).
    w.child.involvements.update(staff=StaffFactory())
    return w.actor(w.social_unit, Role.UNIT_MANAGER)


def manager_involvement_ended(w: World) -> Actor:
    w.child.involvements.update(staff=StaffFactory(), ended_on=_days_ago(1))
    return w.actor(w.social_unit, Role.UNIT_MANAGER)


def manager_of_another_unit(w: World) -> Actor:
    # Oversight is of the manager's own unit, not of the organisation.
    return w.actor(w.social_other_unit, Role.UNIT_MANAGER)


def emergency_access(w: World) -> Actor:
    actor = w.actor(w.social_other_unit)
    EmergencyAccessFactory(staff=actor.staff, unit=actor.unit, child=w.child)
    return actor


def emergency_access_expired(w: World) -> Actor:
    actor = w.actor(w.social_other_unit)
    EmergencyAccessFactory(staff=actor.staff, unit=actor.unit, child=w.child, expired=True)
    return actor


def emergency_access_of_a_colleague(w: World) -> Actor:
    # The person's, never the unit's: a colleague's emergency access opens nothing to others.
    colleague = w.actor(w.social_other_unit)
    EmergencyAccessFactory(staff=colleague.staff, unit=colleague.unit, child=w.child)
    return w.actor(w.social_other_unit)


def emergency_access_acting_for_another_unit(w: World) -> Actor:
    actor = w.actor(w.social_other_unit)
    EmergencyAccessFactory(
        staff=actor.staff, unit=UnitFactory(organisation=w.social), child=w.child
    )
    return actor


def administrator_with_involvement(w: World) -> Actor:
    return w.actor(w.social_unit, Role.ADMINISTRATOR)


def analyst_with_involvement(w: World) -> Actor:
    return w.actor(w.social_unit, Role.ANALYST)


def administrator_with_consent(w: World) -> Actor:
    # A consent naming the administrator's organisation and its role's purpose: still no.
    w.consent(receiving_organisation=w.social, purposes=[Purpose.FOLLOW_UP])
    return w.actor(w.social_other_unit, Role.ADMINISTRATOR)


@dataclass(frozen=True)
class Case:
    id: str
    actor: Callable[[World], Actor]
    basis: str | None  # the ground that allows the read; None: the child is not there at all


MATRIX = [
    Case("involvement_own_unit_sees", own_unit, "involvement"),
    Case("involvement_named_staff_sees", own_unit_named_staff, "involvement"),
    Case("involvement_assigned_to_another_not", own_unit_case_assigned_to_someone_else, None),
    Case("involvement_ended_not", own_unit_involvement_ended, None),
    Case("involvement_not_started_not", own_unit_involvement_not_started, None),
    Case("same_organisation_other_unit_not", same_org_other_unit, None),
    Case(
        "oversight_manager_sees_a_case_assigned_to_another",
        manager_case_assigned_to_a_caseworker,
        "oversight",
    ),  # noqa: E501
    Case("oversight_ended_involvement_not", manager_involvement_ended, None),
    Case("oversight_manager_of_another_unit_not", manager_of_another_unit, None),
    Case("log_2_emergency_access_sees", emergency_access, "emergency"),
    Case("log_2_emergency_access_expired_not", emergency_access_expired, None),
    Case("log_2_emergency_access_of_a_colleague_not", emergency_access_of_a_colleague, None),
    Case(
        "log_2_emergency_access_for_another_unit_not",
        emergency_access_acting_for_another_unit,
        None,
    ),  # noqa: E501
    Case("sek_1_other_org_no_ground_no_row", other_org_no_ground, None),
    Case("sek_1_consent_for_org_category_purpose_sees", other_org_with_consent, "consent"),
    Case("sek_1_consent_for_another_org_not", consent_for_another_org, None),
    Case("sek_1_consent_wrong_purpose_not", consent_wrong_purpose, None),
    Case("sek_1_consent_wrong_category_not", consent_wrong_category, None),
    Case("sip_3_consent_withdrawn_not", consent_withdrawn, None),
    Case("sek_1_consent_expired_not", consent_expired, None),
    Case("sek_1_consent_not_yet_given_not", consent_not_yet_given, None),
    Case("sek_1_legal_ground_sees", other_org_with_legal_ground, "legal_ground"),
    Case("sek_1_legal_ground_ended_not", legal_ground_ended, None),
    Case("sek_1_legal_ground_expired_not", legal_ground_expired, None),
    Case("sek_1_legal_ground_wrong_purpose_not", legal_ground_wrong_purpose, None),
    Case("sek_4_consent_without_relationship_not", consent_without_relationship, None),
    Case("sek_4_consent_only_to_the_unit_taking_part", consent_another_unit_takes_part, None),
    Case("sek_4_invited_but_not_accepted_not", consent_invitation_not_accepted, None),
    Case("sek_4_legal_ground_without_relationship_not", legal_ground_without_relationship, None),
    Case("role_administrator_never_sees_a_child", administrator_with_involvement, None),
    Case("role_analyst_never_sees_a_child", analyst_with_involvement, None),
    Case("role_administrator_not_even_with_consent", administrator_with_consent, None),
]


def _purpose(actor: Actor) -> str:
    # The clinicians read for treatment, which the consents and grounds above name; the others
    # for their role's default, which an involvement does not depend on.
    return rules.default_purpose(actor)


@pytest.mark.parametrize("case", MATRIX, ids=lambda case: case.id)
def test_access_matrix(world, case):
    actor = case.actor(world)
    purpose = _purpose(actor)
    sees = case.basis is not None

    listed = rules.restrict(actor, Child.objects.all(), purpose=purpose, category=BASIC)
    assert list(listed) == ([world.child] if sees else [])

    decision = rules.decide(actor, world.child, purpose=purpose, category=BASIC)
    assert (decision.allowed, decision.basis) == (sees, case.basis or "none")

    if sees:
        view = selectors.child_for(actor, child_id=world.child.pk, purpose=purpose)
        assert view.child == world.child
    else:
        with pytest.raises(selectors.ChildNotFound):
            selectors.child_for(actor, child_id=world.child.pk, purpose=purpose)

    # LOG-1: the read or the refused attempt is logged with who, where, why and on what ground.
    entry = Entry.objects.filter(child_id=world.child.pk).order_by("-id").first()
    assert entry is not None
    assert (entry.staff_id, entry.unit_id, entry.organisation_id, entry.role) == (
        actor.staff.pk,
        actor.unit.pk,
        actor.organisation.pk,
        actor.role,
    )
    assert (entry.action, entry.purpose, entry.object_type) == ("read", purpose, "child")
    assert entry.outcome == ("allowed" if sees else "denied")
    assert entry.basis["basis"] == (case.basis or "none")


@pytest.mark.django_db
def test_sek_4_the_list_of_children_is_exactly_the_children_decide_opens():
    """Every case of the matrix in one county, side by side: for each actor, the list
    (`restrict` over all children, as the children list and the start page read it) holds
    exactly the children that `decide` opens one by one, whatever the others' grounds."""
    actors = [case.actor(make_world(f"BUP {n}")) for n, case in enumerate(MATRIX)]
    # And the guardians' consents (SIP-4, both needed by default): one of them, then all.
    for everyone in (False, True):
        w = make_world(f"BUP, guardians' consent {everyone}")
        GuardianshipFactory.create_batch(2, child=w.child)
        guardianships = list(Guardianship.objects.current().filter(child=w.child))
        for guardianship in guardianships if everyone else guardianships[:1]:
            w.consent(by_child=False, guardian=guardianship.guardian)
        actors.append(w.clinician_taking_part())
    children = list(Child.objects.all())
    for actor in actors:
        purpose = _purpose(actor)
        listed = set(rules.restrict(actor, Child.objects.all(), purpose=purpose, category=BASIC))
        opened = {
            child
            for child in children
            if rules.decide(actor, child, purpose=purpose, category=BASIC).allowed
        }
        assert listed == opened, (actor.role, actor.unit.name)
    assert any(
        rules.restrict(actor, Child.objects.all(), purpose=_purpose(actor)).exists()
        for actor in actors
    )


def test_sek_1_legal_ground_decision_carries_the_reference(world):
    ground = world.legal_ground()
    actor = world.clinician_taking_part()
    decision = rules.decide(actor, world.child, purpose=TREATMENT, category=BASIC)
    assert decision.detail == {"legal_ground_id": ground.pk, "reference": "OSL 25 kap. 12 §"}
    selectors.child_for(actor, child_id=world.child.pk, purpose=TREATMENT)
    entry = Entry.objects.filter(child_id=world.child.pk).order_by("-id").first()
    sip = world.child.sip_cases.get()
    assert entry.basis == {
        "basis": "legal_ground",
        "legal_ground_id": ground.pk,
        "reference": "OSL 25 kap. 12 §",
        # SEK-4: and the relationship inside the receiving organisation.
        "relationship": {"record": "sip", "record_id": sip.pk},
    }


def test_sek_1_consent_decision_names_the_consent(world):
    consent = world.consent()
    actor = world.clinician_taking_part()
    decision = rules.decide(actor, world.child, purpose=TREATMENT, category=BASIC)
    assert decision.detail == {"consent_id": consent.pk}


def test_sip_3_withdrawal_takes_effect_on_the_very_next_query(world):
    consent = world.consent()
    actor = world.clinician_taking_part()
    visible = rules.restrict(actor, Child.objects.all(), purpose=TREATMENT)
    assert visible.exists()

    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())

    # Same actor object, same queryset: nothing is cached between the two queries.
    assert not visible.exists()
    assert not rules.decide(actor, world.child, purpose=TREATMENT, category=BASIC).allowed
    with pytest.raises(selectors.ChildNotFound):
        selectors.child_for(actor, child_id=world.child.pk, purpose=TREATMENT)


def test_sip_3_withdrawal_takes_effect_on_the_next_page(world, client):
    consent = world.consent()
    world.clinician_taking_part()
    sign_in(client, make_actor(unit=world.bup_unit, role=Role.CLINICIAN))
    url = f"/children/{world.child.pk}/?purpose={TREATMENT}"
    assert client.get(url).status_code == 200

    Consent.objects.filter(pk=consent.pk).update(withdrawn_at=timezone.now())

    assert client.get(url).status_code == 404


def test_log_1_a_missing_child_is_logged_like_a_forbidden_one(world):
    # Missing and forbidden look the same to the actor, and both attempts are on record.
    actor = world.actor(world.bup_unit, Role.CLINICIAN)
    missing_id = Child.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000
    with pytest.raises(selectors.ChildNotFound):
        selectors.child_for(actor, child_id=missing_id, purpose=TREATMENT)
    entry = Entry.objects.filter(object_id=str(missing_id)).get()
    assert (entry.outcome, entry.child_id, entry.staff_id) == ("denied", None, actor.staff.pk)


# Protected identity (DOMAIN: children): the address is hidden from everyone without a need.


def need_for_own_unit(w: World, actor: Actor) -> None:
    ProtectedIdentityNeedFactory(child=w.child, unit=w.social_unit, recorded_by=actor.staff)


def need_expired(w: World, actor: Actor) -> None:
    ProtectedIdentityNeedFactory(
        child=w.child, unit=w.social_unit, recorded_by=actor.staff, expired=True
    )


def need_for_another_unit(w: World, actor: Actor) -> None:
    ProtectedIdentityNeedFactory(child=w.child, unit=w.social_other_unit, recorded_by=actor.staff)


def no_need(w: World, actor: Actor) -> None:
    return None


@pytest.mark.parametrize(
    ("protected", "need", "shown"),
    [
        pytest.param(False, no_need, True, id="not_protected_shown"),
        pytest.param(True, no_need, False, id="protected_without_need_hidden"),
        pytest.param(True, need_for_own_unit, True, id="protected_with_recorded_need_shown"),
        pytest.param(True, need_expired, False, id="protected_need_expired_hidden"),
        pytest.param(True, need_for_another_unit, False, id="protected_need_of_other_unit_hidden"),
    ],
)
def test_protected_identity_address(world, protected, need, shown):
    Child.objects.filter(pk=world.child.pk).update(protected_identity=protected)
    world.child.refresh_from_db()
    actor = own_unit(world)
    need(world, actor)

    decision = rules.may_see_address(actor, world.child, purpose=rules.default_purpose(actor))

    assert decision.allowed is shown
    view = selectors.child_for(actor, child_id=world.child.pk, purpose=rules.default_purpose(actor))
    assert view.shows_address is shown


def test_protected_identity_address_not_in_the_page(world, client):
    Child.objects.filter(pk=world.child.pk).update(
        protected_identity=True, street_address="Hemliga vägen 7"
    )
    sign_in(client, make_actor(unit=world.social_unit))
    response = client.get(f"/children/{world.child.pk}/")
    assert response.status_code == 200
    assert world.child.first_name in response.content.decode()
    assert "Hemliga vägen 7" not in response.content.decode()


def test_address_in_the_page_when_not_protected(world, client):
    # The counterpart of the test above: proves the page would show the address at all.
    Child.objects.filter(pk=world.child.pk).update(street_address="Öppna vägen 3")
    sign_in(client, make_actor(unit=world.social_unit))
    response = client.get(f"/children/{world.child.pk}/")
    assert "Öppna vägen 3" in response.content.decode()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (own_unit, (TREATMENT, "involvement")),  # the preferred purpose, when it serves
        (consent_wrong_purpose, (Purpose.PLANNING, "consent")),  # else one that does
        (other_org_no_ground, (TREATMENT, "none")),
    ],
)
def test_log_1_for_any_purpose_opens_what_some_purpose_opens(world, make, expected):
    actor = make(world)
    purpose, decision = rules.purpose_to_read(
        actor, world.child, preferred=TREATMENT, category=BASIC
    )
    assert (purpose, decision.basis) == expected
    listed = rules.restrict_for_any_purpose(actor, Child.objects.all(), category=BASIC)
    assert list(listed) == ([world.child] if decision.allowed else [])


def test_sek_4_oversight_opens_for_reading_never_for_changing(world):
    caseworker = world.actor(world.social_unit)
    world.child.involvements.update(staff=caseworker.staff)
    manager = world.actor(world.social_unit, Role.UNIT_MANAGER)
    involvement = world.child.involvements.get()

    decision = rules.decide(manager, world.child, purpose=Purpose.FOLLOW_UP, category=BASIC)

    assert (decision.basis, decision.detail) == (
        "oversight",
        {"overseen_involvement_id": involvement.pk},
    )
    assert rules.can_edit_child(caseworker, world.child)
    assert not rules.can_edit_child(manager, world.child)


def test_log_2_emergency_access_opens_for_reading_never_for_changing(world):
    actor = emergency_access(world)
    decision = rules.decide(
        actor, world.child, purpose=rules.default_purpose(actor), category=BASIC
    )
    assert decision.basis == "emergency"
    assert set(decision.detail) == {"emergency_access_id"}
    assert not rules.can_edit_child(actor, world.child)
