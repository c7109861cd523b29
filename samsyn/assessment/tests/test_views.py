"""The assessment's pages as a caseworker meets them: the triangle in Swedish in every language
(BBIC-1), no triangle without a licence (RSF-1 alone), the comparison marking changes, and
access: who may not see it gets the 404 of a missing page, and the attempt is audited."""

import pytest
from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils import translation

from samsyn.access import rules
from samsyn.access.models import Category, Purpose
from samsyn.assessment.models import AssessmentVersion
from samsyn.assessment.selectors import assessments as selectors
from samsyn.assessment.tests.factories import (
    AssessmentFactory,
    BbicLicenceFactory,
    VersionFactory,
    caseworker_for,
    caseworker_of,
    name_factor,
    rate,
)
from samsyn.assessment.triangle import AREAS, SIDES
from samsyn.audit.models import Entry
from samsyn.children import selectors as children
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of

pytestmark = pytest.mark.django_db

ENGLISH_AREA_NAMES = ("Health", "Education", "Safety", "Stability", "Housing", "Income")


def licensed_assessment():
    assessment = AssessmentFactory()
    BbicLicenceFactory(municipality=assessment.organisation.principal)
    return assessment


def two_versions(assessment):
    first = VersionFactory(assessment=assessment, number=1, final=True, bbic=True)
    rate(first, "health", 2, "Astma, ingen kontakt med vården.")
    rate(first, "safety", 1, "Våld i hemmet.")
    name_factor(first, "risk", "Skolfrånvaro")
    second = VersionFactory(assessment=assessment, number=2, final=True, bbic=True)
    rate(second, "health", 3, "Kontakt med BVC.")
    rate(second, "safety", 1, "Oförändrat.")
    name_factor(second, "protective", "Stöttande mormor")
    return first, second


@pytest.mark.parametrize("language", ["sv", "en"])
def test_bbic_1_the_labels_are_the_swedish_ones_in_every_language(actor_client, language):
    assessment = licensed_assessment()
    two_versions(assessment)
    client = actor_client(caseworker_of(assessment))
    client.cookies["django_language"] = language
    with translation.override(language):
        detail = client.get(reverse("assessment:detail", args=[assessment.pk]))
        version = client.get(reverse("assessment:version", args=[assessment.pk, 2]))
    for page in (detail, version):
        html = page.content.decode()
        assert page.status_code == 200
        for side in SIDES:
            assert side.label in html
        for area in AREAS:
            assert area.label in html
        for english in ENGLISH_AREA_NAMES:
            assert f">{english}<" not in html


def test_bbic_1_the_english_page_translates_what_surrounds_the_triangle(actor_client):
    assessment = licensed_assessment()
    two_versions(assessment)
    client = actor_client(caseworker_of(assessment))
    client.cookies["django_language"] = "en"
    html = client.get(reverse("assessment:detail", args=[assessment.pk])).content.decode()
    assert "Comparison over time" in html
    assert "Känslo- och beteendemässig utveckling" in html


def test_bbic_1_the_edit_page_names_the_areas_in_swedish_in_english_too(actor_client):
    assessment = licensed_assessment()
    VersionFactory(assessment=assessment, number=1, bbic=True)
    client = actor_client(caseworker_of(assessment))
    client.cookies["django_language"] = "en"
    html = client.get(reverse("assessment:edit", args=[assessment.pk])).content.decode()
    assert "Grundläggande omsorg – rating" in html
    assert "Lokalsamhällets resurser" in html


def test_rsf_1_no_licence_no_triangle_on_the_child_page_and_it_says_why(actor_client):
    child = ChildFactory()
    client = actor_client(caseworker_for(child))
    client.cookies["django_language"] = "en"
    html = client.get(reverse("children:detail", args=[child.pk])).content.decode()
    assert "no licence from Socialstyrelsen" in html
    client.post(reverse("assessment:start"), {"child": child.pk})
    draft = AssessmentVersion.objects.get(assessment__child=child)
    assert not draft.bbic
    edit = client.get(reverse("assessment:edit", args=[draft.assessment_id])).content.decode()
    assert "Hälsa" not in edit
    assert 'name="risk_factors"' in edit
    assert 'name="protective_factors"' in edit
    assert 'name="child_view"' in edit


def _section(actor, child):
    section = selectors.assessments_section(actor, purpose=rules.default_purpose(actor))
    return _as_listed(children.section_of_child(actor, child, section))


def _as_listed(found):
    assessments = [
        (
            a.pk, a.organisation.name, a.unit.name, a.version_count,
            [(v.pk, v.number, v.status, v.created_by.name) for v in a.latest],
        )
        for a in found.assessments
    ]  # fmt: skip
    licence = found.licence and (found.licence.reference, found.licence.municipality.name)
    return assessments, found.may_start, found.own and found.own.pk, licence


def _read_alone(actor, child):
    """What the child's page listed when the section was statements of its own (before the
    page's one read, docs/adr/0016): `assessments_visible_to`'s first 20 of the child, their
    versions counted, their latest prefetched, and the licence read on its own."""
    latest = AssessmentVersion.objects.select_related("created_by").order_by("-number")
    assessments = list(
        selectors.assessments_visible_to(actor, purpose=rules.default_purpose(actor))
        .filter(child=child)
        .annotate(version_count=Count("versions"))
        .prefetch_related(
            Prefetch("versions", queryset=latest[: selectors.SECTION_VERSIONS], to_attr="latest")
        )[:20]
    )
    own = next((a for a in assessments if a.organisation_id == actor.organisation.pk), None)
    may = selectors.may_assess(actor)
    municipality = selectors.assessing_municipality(actor.organisation)
    licence = selectors.licence_of(municipality) if may else None
    return _as_listed(selectors.ChildAssessments(assessments, may, own, licence))


def test_bbic_1_the_assessments_read_with_the_child_are_those_read_alone():
    """The section as a value of the page's one read lists what the assessments' own reads
    listed: the same assessments, version counts and latest versions, at most 20, none of
    another organisation without a ground; its audit row names them."""
    assessment = licensed_assessment()
    for number in range(1, 8):
        VersionFactory(assessment=assessment, number=number, final=number < 7)
    child = assessment.child
    hidden = AssessmentFactory(child=child)
    VersionFactory(assessment=hidden, number=1)
    viewer = caseworker_of(assessment)
    expected = _read_alone(viewer, child)
    assert _section(viewer, child) == expected
    [(assessment_id, *_, count, latest)], may_start, own, licence = expected
    assert (assessment_id, own, count, may_start) == (assessment.pk, assessment.pk, 7, True)
    assert [number for _pk, number, *_ in latest] == [7, 6, 5, 4, 3]
    assert licence[1] == assessment.organisation.principal.name

    # A ground opens the others' assessments to the viewer's organisation: 20 of 23 are shown.
    ConsentFactory(
        child=child, by_child=True, receiving_organisation=assessment.organisation,
        categories=[Category.BASIC, Category.SOCIAL], purposes=list(Purpose.values),
    )  # fmt: skip
    for _ in range(21):
        AssessmentFactory(child=child)
    shown = _section(viewer, child)
    assert shown == _read_alone(viewer, child)
    assert len(shown[0]) == 20
    read = Entry.objects.filter(object_type="assessment_list", staff_id=viewer.staff.pk).latest(
        "id"
    )
    assert read.detail == {"assessment_ids": [row[0] for row in shown[0]]}


def test_rsf_1_the_section_of_one_who_may_not_assess_offers_no_licence():
    assessment = licensed_assessment()
    bup = UnitFactory(organisation__kind=Organisation.Kind.BUP)
    InvolvementFactory(child=assessment.child, unit=bup)
    clinician = actor_of(MembershipFactory(unit=bup, role=Role.CLINICIAN))
    assert _section(clinician, assessment.child) == _read_alone(clinician, assessment.child)
    assert _section(clinician, assessment.child) == ([], False, None, None)
    assert not Entry.objects.filter(object_type="assessment_list", staff_id=clinician.staff.pk)


def test_bbic_1_a_licensed_caseworker_records_and_finalises_through_the_pages(actor_client):
    child = ChildFactory()
    BbicLicenceFactory(municipality=child.municipality)
    client = actor_client(caseworker_for(child))
    response = client.post(reverse("assessment:start"), {"child": child.pk})
    draft = AssessmentVersion.objects.get(assessment__child=child)
    assert response.url == reverse("assessment:edit", args=[draft.assessment_id])
    assert draft.bbic
    url = reverse("assessment:edit", args=[draft.assessment_id])
    form = {
        "lock_version": draft.lock_version, "child_heard": "yes", "child_view": "Jag trivs.",
        "rating_health": "3", "description_health": "Frisk.", "risk_factors": "Skolfrånvaro",
        "protective_factors": "Idrott\nMormor",
    }  # fmt: skip
    assert client.post(url, form).status_code == 302
    draft.refresh_from_db()
    assert draft.areas.get().level.value == 3
    response = client.post(
        reverse("assessment:finalise", args=[draft.assessment_id]),
        {"lock_version": draft.lock_version},
    )
    draft.refresh_from_db()
    assert draft.status == "final"


def test_a_stale_save_keeps_what_was_typed_and_shows_the_other(actor_client):
    assessment = AssessmentFactory()
    draft = VersionFactory(assessment=assessment, number=1, lock_version=3, child_view="Deras.")
    client = actor_client(caseworker_of(assessment))
    response = client.post(
        reverse("assessment:edit", args=[assessment.pk]),
        {"lock_version": 2, "child_heard": "yes", "child_view": "Min egen text."},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Min egen text." in html
    assert "Deras." in html
    assert 'name="lock_version" value="3"' in html
    draft.refresh_from_db()
    assert draft.child_view == "Deras."


def test_a_missing_reason_is_a_clear_error_and_nothing_is_saved(actor_client):
    assessment = AssessmentFactory()
    draft = VersionFactory(assessment=assessment, number=1)
    client = actor_client(caseworker_of(assessment))
    response = client.post(
        reverse("assessment:edit", args=[assessment.pk]),
        {"lock_version": draft.lock_version, "child_heard": "no", "risk_factors": "Missbruk"},
    )
    assert response.status_code == 200
    assert "ds-error-summary" in response.content.decode()
    assert not draft.factors.exists()


def test_bbic_1_the_comparison_shows_changes(actor_client):
    assessment = licensed_assessment()
    two_versions(assessment)
    client = actor_client(caseworker_of(assessment))
    client.cookies["django_language"] = "en"
    response = client.get(reverse("assessment:detail", args=[assessment.pk]))
    compared = response.context["compared"]
    rows = {row.area.code: row for side in compared.sides for row in side.rows}
    assert [c.change for c in rows["health"].cells] == ["", "better"]
    assert [c.change for c in rows["safety"].cells] == ["", "same"]
    assert rows["health"].changed
    assert not rows["safety"].changed
    factors = {row.name: [(c.present, c.change) for c in row.cells] for row in compared.factors}
    assert factors["Skolfrånvaro"] == [(True, ""), (False, "gone")]
    assert factors["Stöttande mormor"] == [(False, ""), (True, "new")]
    html = response.content.decode()
    assert "↑ better" in html
    assert "no longer named" in html
    assert "<svg" in html
    assert 'role="img"' in html


def test_rsf_1_the_comparison_changes_on_the_oldest_column_count_from_the_page_before(
    actor_client,
):
    assessment = licensed_assessment()
    for number in range(1, 8):
        version = VersionFactory(assessment=assessment, number=number, final=True, bbic=True)
        rate(version, "housing", 1 + number % 4)
    client = actor_client(caseworker_of(assessment))
    response = client.get(reverse("assessment:detail", args=[assessment.pk]) + "?page=1")
    compared = response.context["compared"]
    assert [v.number for v in compared.versions] == [3, 4, 5, 6, 7]
    housing = compared.sides[2].rows[2]
    assert housing.area.code == "housing"
    # Version 3 (rated 4) against version 2 (rated 3), the last of the page before.
    assert housing.cells[0].change == "better"


def assert_hidden_and_audited(client, assessment):
    urls = [
        reverse("assessment:detail", args=[assessment.pk]),
        reverse("assessment:version", args=[assessment.pk, 1]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    denied = Entry.objects.filter(
        object_type__in=["assessment", "assessment_version"], outcome="denied",
        staff_id=client.actor.staff.pk,
    )  # fmt: skip
    assert denied.count() == len(urls)


def test_bbic_1_another_organisation_with_no_ground_does_not_see_it(actor_client):
    assessment = licensed_assessment()
    two_versions(assessment)
    bup = UnitFactory(organisation__kind=Organisation.Kind.BUP)
    InvolvementFactory(child=assessment.child, unit=bup)
    client = actor_client(actor_of(MembershipFactory(unit=bup, role=Role.CLINICIAN)))
    assert_hidden_and_audited(client, assessment)
    html = client.get(reverse("children:detail", args=[assessment.child.pk])).content.decode()
    assert reverse("assessment:detail", args=[assessment.pk]) not in html


def test_bbic_1_a_unit_of_the_owner_with_no_relationship_does_not_see_it(actor_client):
    assessment = licensed_assessment()
    two_versions(assessment)
    other = UnitFactory(organisation=assessment.organisation, name="Ekonomiskt bistånd")
    client = actor_client(actor_of(MembershipFactory(unit=other, role=Role.CASEWORKER)))
    assert_hidden_and_audited(client, assessment)


def test_another_organisation_with_a_ground_and_a_relationship_reads_but_never_writes(
    actor_client,
):
    assessment = licensed_assessment()
    two_versions(assessment)
    bup = UnitFactory(organisation__kind=Organisation.Kind.BUP)
    InvolvementFactory(child=assessment.child, unit=bup)
    ConsentFactory(
        child=assessment.child, receiving_organisation=bup.organisation, by_child=True,
        categories=[Category.SOCIAL, Category.BASIC], purposes=[Purpose.TREATMENT],
    )  # fmt: skip
    client = actor_client(actor_of(MembershipFactory(unit=bup, role=Role.CLINICIAN)))
    response = client.get(reverse("assessment:detail", args=[assessment.pk]))
    assert response.status_code == 200
    assert not response.context["may_write"]
    read = Entry.objects.filter(object_type="assessment", staff_id=client.actor.staff.pk).get()
    assert read.basis["basis"] == "consent"
    response = client.post(reverse("assessment:start"), {"child": assessment.child.pk})
    assert response.status_code == 403


def test_the_reads_are_audited(actor_client):
    assessment = licensed_assessment()
    two_versions(assessment)
    client = actor_client(caseworker_of(assessment))
    client.get(reverse("children:detail", args=[assessment.child.pk]))
    client.get(reverse("assessment:detail", args=[assessment.pk]))
    client.get(reverse("assessment:version", args=[assessment.pk, 1]))
    objects = set(
        Entry.objects.filter(
            child_id=assessment.child_id, outcome="allowed", action="read"
        ).values_list("object_type", flat=True)
    )
    assert {"assessment_list", "assessment", "assessment_version"} <= objects
