"""The child's page as one read (docs/adr/0016): what it folds into fewer statements shows
exactly what the separate reads showed, and nothing the viewer may not see."""

import datetime

import pytest
from django.urls import reverse

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Category, Purpose
from samsyn.access.tests.factories import LegalGroundFactory
from samsyn.children.models import Guardianship
from samsyn.children.tests.factories import (
    ChildFactory,
    GuardianshipFactory,
    InvolvementFactory,
)
from samsyn.children.tests.helpers import give_consent
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.directory.models import Organisation
from samsyn.directory.tests.factories import OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(social, kommun):
    child = ChildFactory(municipality=kommun)
    InvolvementFactory(child=child, unit=social.unit)
    return child


def test_sek_4_grounds_read_with_the_child_are_the_grounds_read_alone(bup, kommun):
    """The grounds folded into the statement that opens the child are `_grounds`' own: the
    child's consent, guardians' consents only where every guardian consented, legal grounds
    with their reference; withdrawn consents and other organisations' grounds left out."""
    child = ChildFactory(municipality=kommun)
    organisation = bup.unit.organisation
    give_consent(child, bup.unit, categories=[Category.BASIC, Category.HEALTH])
    LegalGroundFactory(
        child=child, receiving_organisation=organisation, basis__reference="OSL 25 kap. 13 §",
        basis__categories=[Category.BASIC], basis__purposes=list(Purpose.values),
    )  # fmt: skip
    first, second = GuardianshipFactory(child=child), GuardianshipFactory(child=child)
    for guardianship in (first, second):
        ConsentFactory(
            child=child, guardian=guardianship.guardian, receiving_organisation=organisation,
            categories=[Category.SOCIAL], purposes=[Purpose.TREATMENT],
        )  # fmt: skip
    # Only one guardian of two: no ground where the county asks for both (the default).
    ConsentFactory(
        child=child, guardian=first.guardian, receiving_organisation=organisation,
        categories=[Category.SCHOOL], purposes=[Purpose.TREATMENT],
    )  # fmt: skip
    ConsentFactory(
        child=child, by_child=True, withdrawn=True, receiving_organisation=organisation,
        categories=[Category.POLICE], purposes=list(Purpose.values),
    )  # fmt: skip
    ConsentFactory(
        child=child, by_child=True, receiving_organisation=OrganisationFactory(),
        categories=[Category.PLAN], purposes=list(Purpose.values),
    )  # fmt: skip
    actor = Actor.for_membership(bup.pk, user_id=bup.staff.user_id)
    assert actor is not None
    assert actor.memo is not None

    assert rules.child_with_relationships(actor, child.pk) is not None

    folded = actor.memo[("grounds", child.pk)]
    assert folded == rules._grounds(child.pk, organisation)
    treatment = folded[Purpose.TREATMENT]
    assert set(treatment.consents) == {Category.BASIC, Category.HEALTH, Category.SOCIAL}
    assert len(treatment.consents[Category.SOCIAL]) == 2
    assert treatment.legal[Category.BASIC][1] == "OSL 25 kap. 13 §"
    assert not {Category.SCHOOL, Category.POLICE, Category.PLAN} & set(treatment.consents)


def test_sek_4_child_page_involvements_and_contacts_only_of_covered_categories(
    social, child, client_for
):
    """The involvements in force and the timeline's contacts now come from one read: another
    organisation's involvement shows only where a ground covers its category, ended ones only
    on the timeline."""
    give_consent(child, social.unit, categories=[Category.BASIC, Category.SCHOOL])
    school = OrganisationFactory(kind=Organisation.Kind.SCHOOL, name="Skolan Norr")
    bup = OrganisationFactory(kind=Organisation.Kind.BUP, name="BUP Syd")
    ended = datetime.date(2025, 1, 31)
    units = {
        name: UnitFactory(organisation=organisation, name=name)
        for name, organisation in (
            ("Klass 4B", school), ("Elevhälsan", school), ("Mottagning Öst", bup),
            ("Mottagning Väst", bup),
        )
    }  # fmt: skip
    InvolvementFactory(child=child, unit=units["Klass 4B"])
    InvolvementFactory(
        child=child, unit=units["Elevhälsan"], started_on=datetime.date(2024, 8, 1),
        ended_on=ended,
    )  # fmt: skip
    InvolvementFactory(child=child, unit=units["Mottagning Öst"])
    InvolvementFactory(
        child=child, unit=units["Mottagning Väst"], started_on=datetime.date(2024, 8, 1),
        ended_on=ended,
    )  # fmt: skip

    response = client_for(social).get(reverse("children:detail", args=[child.pk]))

    assert response.status_code == 200
    shown = {involvement.unit.name for involvement in response.context["view"].involvements}
    assert shown == {social.unit.name, "Klass 4B"}
    on_timeline = {entry.title for entry in response.context["timeline"].object_list}
    assert any("Elevhälsan" in title for title in on_timeline)
    assert any("Klass 4B" in title for title in on_timeline)
    page = response.content.decode()
    assert "Mottagning" not in page
    assert "BUP Syd" not in page


def test_guardians_read_as_json_are_the_rows_the_orm_reads(social, child, client_for):
    """The guardianships come in the same statement as the involvements: each guardian, in
    force or ended, with every field as the ORM loads it."""
    current = GuardianshipFactory(child=child, guardian__phone="070-123 45 67")
    GuardianshipFactory(child=child, guardian__protected_identity=True)
    ended = GuardianshipFactory(
        child=child, ended_on=datetime.date(2025, 3, 1), end_reason="Vårdnaden överflyttad"
    )

    view = client_for(social).get(reverse("children:detail", args=[child.pk])).context["view"]

    def fields(instance) -> dict:
        return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.fields}

    expected = sorted(
        (g.guardian for g in child.guardianships.filter(ended_on=None)),
        key=lambda g: (g.last_name, g.first_name, g.pk),
    )
    assert [fields(g) for g in view.guardians] == [fields(g) for g in expected]
    assert current.guardian in view.guardians
    [former] = view.former_guardianships
    assert fields(former) == fields(Guardianship.objects.get(pk=ended.pk))
    assert fields(former.guardian) == fields(ended.guardian)
