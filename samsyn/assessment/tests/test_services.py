"""Writing assessments: the triangle only under a licence (BBIC-1), risk and protective factors
everywhere (RSF-1), versions never overwritten, optimistic locking, every change audited."""

import pytest
from django.core.exceptions import ValidationError

from samsyn.access import rules
from samsyn.assessment.models import AreaRating, AssessmentVersion, Factor
from samsyn.assessment.selectors.assessments import AssessmentNotFound
from samsyn.assessment.services import assessments as services
from samsyn.assessment.services.assessments import DraftInput
from samsyn.assessment.tests.factories import BbicLicenceFactory, caseworker_for
from samsyn.audit.models import Entry
from samsyn.children.tests.factories import ChildFactory
from samsyn.common.errors import AccessDenied
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of

pytestmark = pytest.mark.django_db

ALLOWED = rules.Decision(True, "involvement")


def start(actor, child):
    return services.start_assessment(actor=actor, child_id=child.pk, decision=ALLOWED)


def draft_of(assessment):
    return AssessmentVersion.objects.get(assessment=assessment, status="draft")


def save(actor, assessment, **data):
    draft = draft_of(assessment)
    data.setdefault("child_heard", True)
    return services.save_draft(
        actor=actor, assessment_id=assessment.pk, lock_version=draft.lock_version,
        data=DraftInput(**data),
    )  # fmt: skip


def finalise(actor, assessment):
    draft = draft_of(assessment)
    return services.finalise_version(
        actor=actor, assessment_id=assessment.pk, lock_version=draft.lock_version
    )


def test_bbic_1_a_licensed_municipality_rates_the_triangle():
    child = ChildFactory()
    BbicLicenceFactory(municipality=child.municipality)
    actor = caseworker_for(child)
    assessment = start(actor, child)
    save(actor, assessment, child_view="Det är bra hemma.",
         ratings=(("health", 3, "Frisk."), ("safety", 1, "Våld i hemmet.")))  # fmt: skip
    draft = draft_of(assessment)
    assert draft.bbic
    assert {(r.area, r.level.value) for r in draft.areas.all()} == {("health", 3), ("safety", 1)}


def test_bbic_1_without_a_licence_no_triangle_only_risk_and_protective_factors():
    child = ChildFactory()
    actor = caseworker_for(child)
    assessment = start(actor, child)
    save(actor, assessment, ratings=(("health", 3, "Frisk."),),
         risk_factors=("Skolfrånvaro",), protective_factors=("Stöttande mormor",))  # fmt: skip
    draft = draft_of(assessment)
    assert not draft.bbic
    assert not AreaRating.objects.filter(version=draft).exists()
    assert {(f.kind, f.name) for f in draft.factors.all()} == {
        (Factor.Kind.RISK, "Skolfrånvaro"), (Factor.Kind.PROTECTIVE, "Stöttande mormor"),
    }  # fmt: skip


def test_bbic_1_a_licence_that_ended_offers_no_triangle_for_new_versions():
    import datetime

    child = ChildFactory()
    BbicLicenceFactory(municipality=child.municipality, ended_on=datetime.date(2021, 1, 1))
    actor = caseworker_for(child)
    assert not draft_of(start(actor, child)).bbic


def test_bbic_1_versions_are_never_overwritten():
    child = ChildFactory()
    BbicLicenceFactory(municipality=child.municipality)
    actor = caseworker_for(child)
    assessment = start(actor, child)
    save(actor, assessment, child_view="Första.", ratings=(("health", 2, "Astma."),),
         risk_factors=("Skolfrånvaro",))  # fmt: skip
    first = finalise(actor, assessment)
    with pytest.raises(services.NoDraft):
        services.save_draft(
            actor=actor, assessment_id=assessment.pk, lock_version=first.lock_version,
            data=DraftInput(child_heard=True, child_view="Ändrad i efterhand."),
        )  # fmt: skip
    assert start(actor, child) == assessment
    save(actor, assessment, child_view="Andra.", ratings=(("health", 4, "Bättre."),))
    second = finalise(actor, assessment)
    first.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert first.child_view == "Första."
    assert first.areas.get().level.value == 2
    assert first.factors.get().name == "Skolfrånvaro"
    assert second.areas.get().level.value == 4
    assert first.created_by == second.created_by == actor.staff
    assert first.finalised_at <= second.created_at


def test_bbic_1_a_new_version_starts_from_the_last_one_and_a_double_start_starts_one():
    child = ChildFactory()
    BbicLicenceFactory(municipality=child.municipality)
    actor = caseworker_for(child)
    assessment = start(actor, child)
    save(actor, assessment, child_view="Första.", ratings=(("health", 2, "Astma."),),
         protective_factors=("Idrott",))  # fmt: skip
    finalise(actor, assessment)
    start(actor, child)
    start(actor, child)
    assert assessment.versions.count() == 2
    draft = draft_of(assessment)
    assert draft.areas.get().description == "Astma."
    assert draft.factors.get().name == "Idrott"
    # The child's view is asked anew each time.
    assert draft.child_view == ""


def test_a_stale_save_is_refused_with_what_the_other_saved():
    child = ChildFactory()
    actor = caseworker_for(child)
    assessment = start(actor, child)
    lock = draft_of(assessment).lock_version
    save(actor, assessment, child_view="Den andras text.")
    with pytest.raises(services.StaleAssessment) as stale:
        services.save_draft(
            actor=actor, assessment_id=assessment.pk, lock_version=lock,
            data=DraftInput(child_heard=True, child_view="Min text."),
        )  # fmt: skip
    assert stale.value.current.child_view == "Den andras text."
    assert draft_of(assessment).child_view == "Den andras text."


def test_finalising_needs_the_childs_view_or_why_the_child_was_not_heard():
    child = ChildFactory()
    actor = caseworker_for(child)
    assessment = start(actor, child)
    with pytest.raises(services.AssessmentIncomplete):
        finalise(actor, assessment)
    save(actor, assessment, child_heard=False)
    with pytest.raises(services.AssessmentIncomplete):
        finalise(actor, assessment)
    save(actor, assessment, child_heard=False, child_not_heard_reason="Barnet är 1 år.")
    assert finalise(actor, assessment).status == "final"


def test_rsf_1_factors_are_named_once_each_and_bounded():
    child = ChildFactory()
    actor = caseworker_for(child)
    assessment = start(actor, child)
    save(actor, assessment, risk_factors=("Skolfrånvaro", " skolfrånvaro ", "", "Missbruk"))
    assert [f.name for f in draft_of(assessment).factors.order_by("position")] == [
        "Skolfrånvaro", "Missbruk",
    ]  # fmt: skip
    with pytest.raises(ValidationError):
        save(actor, assessment, risk_factors=tuple(f"Faktor {i}" for i in range(31)))
    assert draft_of(assessment).factors.count() == 2


def test_only_a_social_services_caseworker_of_the_owner_writes():
    child = ChildFactory()
    actor = caseworker_for(child)
    assessment = start(actor, child)
    bup = UnitFactory(organisation__kind=Organisation.Kind.BUP)
    clinician = actor_of(MembershipFactory(unit=bup, role=Role.CLINICIAN))
    with pytest.raises(AccessDenied):
        start(clinician, child)
    colleague_elsewhere = caseworker_for(child)  # another municipality's social services
    with pytest.raises(AssessmentNotFound):
        save(colleague_elsewhere, assessment, child_view="Nej.")


def test_every_change_is_audited_with_the_child():
    child = ChildFactory()
    actor = caseworker_for(child)
    assessment = start(actor, child)
    save(actor, assessment, child_view="Bra.")
    finalise(actor, assessment)
    events = list(
        Entry.objects.filter(object_type="assessment", child_id=child.pk)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert events == [
        "assessment_started", "assessment_version_started", "assessment_draft_saved",
        "assessment_finalised",
    ]  # fmt: skip
