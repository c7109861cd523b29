"""The demo county's reports of concern (issue 9, item 7): every reporter category in every
municipality, every step of the path, some late on each deadline — counted with the deadline
rules held as data — and the seeds' school, whose report got no answer."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from samsyn.children.identity import parse_identity_number
from samsyn.children.models import Involvement
from samsyn.concerns.models import (
    DeadlineRule,
    Feedback,
    InitialAssessment,
    Intake,
    Investigation,
    MeetingOffer,
    Report,
)
from samsyn.demo import data, services
from samsyn.demo.concerns import draw_concerns
from samsyn.demo.generator import generate_county
from samsyn.demo.logins import DEMO_SCHOOL
from samsyn.directory.models import Membership, Organisation, Role

SEED, CHILDREN, YEAR = 5, 200, 2026
TODAY = datetime.date(2026, 11, 23)  # the reports' dates count back from the build day

# Who may file a professional report of each category: the kinds of organisation.
KINDS = {
    Report.ReporterCategory.SCHOOL: {Organisation.Kind.SCHOOL},
    Report.ReporterCategory.PRESCHOOL: {Organisation.Kind.SCHOOL},
    Report.ReporterCategory.HEALTH: {Organisation.Kind.BVC, Organisation.Kind.BUP},
    Report.ReporterCategory.SOCIAL: {Organisation.Kind.SOCIAL_SERVICES, Organisation.Kind.LSS},
    Report.ReporterCategory.POLICE: {Organisation.Kind.POLICE},
    Report.ReporterCategory.AUTHORITY: {Organisation.Kind.BARNAHUS},
}


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """One small county for the module, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield services.build_county(seed=SEED, children=CHILDREN, year=YEAR, today=TODAY)
        transaction.set_rollback(True)


@pytest.fixture
def rules(county, db) -> dict[str, DeadlineRule]:
    return {rule.code: rule for rule in DeadlineRule.objects.all()}


def received_on(report: Report) -> datetime.date:
    return timezone.localtime(report.received_at).date()


def reports():
    return Report.objects.select_related(
        "intake__municipality", "child", "protection", "initial_assessment", "feedback",
        "reporter_unit__organisation", "reporter_staff",
    )  # fmt: skip


def test_anm_1_an_intake_in_every_municipality(county, db):
    intakes = Intake.objects.select_related("municipality", "organisation", "unit")
    assert {i.municipality.code for i in intakes} == {m.code for m in data.MUNICIPALITIES}
    for intake in intakes:
        assert intake.unit.name == "Barn och unga – mottagning"
        assert intake.unit.organisation_id == intake.organisation_id
        assert intake.organisation.kind == Organisation.Kind.SOCIAL_SERVICES
        assert intake.organisation.principal_id == intake.municipality_id


def test_anm_1_reports_from_every_category_in_every_municipality(county, db):
    rows = list(reports())
    assert {r.reporter_category for r in rows} == set(Report.ReporterCategory.values)
    assert {r.intake.municipality.code for r in rows} == {m.code for m in data.MUNICIPALITIES}
    # In proportion to size: Örebro, half the county, has the most.
    per_code = {m.code: 0 for m in data.MUNICIPALITIES}
    for r in rows:
        per_code[r.intake.municipality.code] += 1
    assert max(per_code, key=per_code.__getitem__) == "1880"
    assert min(per_code.values()) >= 3
    for r in rows:
        assert r.organisation_id == r.intake.organisation_id
        assert r.intake_unit_id == r.intake.unit_id
        if r.child is not None:
            assert r.child.municipality_id == r.intake.municipality_id


def test_anm_2_professional_reports_by_demo_staff_of_the_right_kind(county, db):
    rows = list(reports())
    memberships = set(Membership.objects.values_list("staff_id", "unit_id"))
    professional = [r for r in rows if r.reporter_kind == Report.ReporterKind.PROFESSIONAL]
    assert professional
    for r in professional:
        assert not r.anonymous
        assert (r.reporter_staff_id, r.reporter_unit_id) in memberships
        assert r.reporter_unit.organisation.kind in KINDS[r.reporter_category]
        assert r.reporter_name == r.reporter_staff.name
    public = [r for r in rows if r.reporter_kind == Report.ReporterKind.PUBLIC]
    assert {r.reporter_category for r in public} == {Report.ReporterCategory.PUBLIC}
    assert all(r.reporter_staff_id is None for r in public)
    assert any(r.anonymous for r in public)
    assert not all(r.anonymous for r in public)
    assert all(r.reporter_name == "" for r in public if r.anonymous)
    assert all(r.feedback_requested_at is None for r in public)


def test_most_reports_linked_by_identity_number_a_few_left_to_intake(county, db):
    rows = list(reports())
    linked = [r for r in rows if r.child is not None]
    unlinked = [r for r in rows if r.child is None]
    assert len(linked) > 0.8 * len(rows)
    assert unlinked
    by_number = [r for r in linked if r.given_identity_number]
    assert len(by_number) > 0.8 * len(linked)
    for r in by_number:
        # An exact identity number links on receipt; nobody had to confirm it.
        assert r.linked_at == r.received_at
        assert r.linked_by_id is None
        assert r.given_identity_number == r.child.identity_number
        assert 980 <= int(parse_identity_number(r.given_identity_number).digits[8:11]) <= 999
    for r in linked:
        if not r.given_identity_number:
            # Named by name and address: linked only when intake confirmed the match.
            assert r.linked_by_id is not None
            assert r.linked_at > r.received_at
            assert r.given_name == f"{r.child.first_name} {r.child.last_name}"
    for r in unlinked:
        # Name and address of a child the county knows: a match for intake to confirm.
        assert r.given_identity_number == ""
        assert r.given_name
        assert r.given_address
        assert r.linked_at is None
        assert not hasattr(r, "initial_assessment") or not r.initial_assessment.decision


def test_reports_received_over_the_last_two_months_mostly(county, db):
    days = [(TODAY - received_on(r)).days for r in Report.objects.all()]
    assert min(days) >= 1  # nothing in the future, whatever the hour of the build
    assert sum(d <= 60 for d in days) > 0.75 * len(days)


def test_anm_3_new_reports_some_late(county, db, rules):
    rule = rules[DeadlineRule.Code.PROTECTION]
    new = [r for r in reports() if not hasattr(r, "protection")]
    late = [r for r in new if rule.due(received_on(r)) < TODAY]
    assert late, "no report is late for its protection assessment"
    assert len(late) < len(new), "every new report is late"


def test_anm_4_initial_assessments_some_late_one_extended(county, db, rules):
    rule = rules[DeadlineRule.Code.INITIAL_ASSESSMENT]

    def decision(r):
        return r.initial_assessment if hasattr(r, "initial_assessment") else None

    undecided = [r for r in reports() if not (decision(r) and decision(r).decision)]
    late = [
        r for r in undecided
        if rule.due(received_on(r)) < TODAY
        and not (decision(r) and decision(r).extended_until and decision(r).extended_until >= TODAY)
    ]  # fmt: skip
    assert late, "no initial assessment is late"
    extended = InitialAssessment.objects.filter(decision="", extended_until__isnull=False)
    assert extended.count() >= 1
    for assessment in extended:
        assert assessment.extension_reason.startswith("Synnerliga skäl")
        assert assessment.extended_by.memberships.filter(role=Role.UNIT_MANAGER).exists()
        assert assessment.extended_until >= TODAY  # extended, so not late
        received = received_on(assessment.report)
        assert rule.due(received) < TODAY  # …although the 14 days have passed
    decisions = set(InitialAssessment.objects.values_list("decision", flat=True))
    assert set(InitialAssessment.Decision.values) <= decisions


def test_anm_4_opened_and_under_way_name_an_investigation_with_its_involvement(county, db):
    decided = InitialAssessment.objects.filter(decision__in=["opened", "under_way"]).select_related(
        "report", "investigation__unit"
    )
    assert decided.filter(decision="under_way").exists()
    for assessment in decided:
        investigation = assessment.investigation
        assert investigation.child_id == assessment.report.child_id
        assert investigation.organisation_id == assessment.report.organisation_id
        assert investigation.unit.name == "Barn och unga – utredning"
        assert Involvement.objects.filter(
            child_id=investigation.child_id, unit_id=investigation.unit_id,
            started_on=investigation.opened_on, ended_on=investigation.finished_on,
        ).exists()  # fmt: skip
        if assessment.decision == "opened":
            assert investigation.opened_on == timezone.localtime(assessment.decided_at).date()
        else:  # joined an investigation opened on an earlier report about the child
            assert investigation.reports.filter(decision="opened").exists()
            assert investigation.opened_on <= received_on(assessment.report)
    # One open investigation per child and organisation (also a constraint).
    open_pairs = list(
        Investigation.objects.filter(finished_on__isnull=True).values_list(
            "child_id", "organisation_id"
        )
    )
    assert len(open_pairs) == len(set(open_pairs))


def test_anm_5_investigations_some_late_one_extended(county, db, rules):
    rule = rules[DeadlineRule.Code.INVESTIGATION]
    running = Investigation.objects.filter(finished_on__isnull=True)
    late = [i for i in running if (i.extended_until or rule.due(i.opened_on)) < TODAY]
    assert late, "no investigation is late"
    extended = [i for i in running if i.extended_until]
    assert extended
    for investigation in extended:
        assert rule.due(investigation.opened_on) < TODAY <= investigation.extended_until
        assert investigation.extension_reason
        assert investigation.extended_by_id
    assert Investigation.objects.filter(finished_on__isnull=False).exclude(outcome="").exists()
    assert [i for i in running if rule.due(i.opened_on) >= TODAY]


def test_anm_6_feedback_given_for_some_owed_for_others(county, db, rules):
    rule = rules[DeadlineRule.Code.FEEDBACK]
    asked = [
        r for r in reports()
        if r.feedback_requested_at and hasattr(r, "initial_assessment")
        and r.initial_assessment.decision
    ]  # fmt: skip
    given = [r for r in asked if hasattr(r, "feedback")]
    owed_late = [
        r for r in asked
        if not hasattr(r, "feedback")
        and rule.due(timezone.localtime(r.initial_assessment.decided_at).date()) < TODAY
    ]  # fmt: skip
    assert given
    assert owed_late
    for feedback in Feedback.objects.select_related("report__initial_assessment"):
        # Only the decision, one of the three answers, after it was made.
        assert feedback.answer == feedback.report.initial_assessment.decision
        assert feedback.given_at >= feedback.report.initial_assessment.decided_at
        assert feedback.report.reporter_kind == Report.ReporterKind.PROFESSIONAL


def test_anm_7_meeting_offers_with_answers(county, db):
    offers = list(MeetingOffer.objects.select_related("report"))
    assert {o.answer for o in offers} == set(MeetingOffer.Answer.values)
    for offer in offers:
        assert not offer.report.anonymous
        assert (offer.answered_at is None) == (offer.answer == MeetingOffer.Answer.PENDING)
        if offer.answered_at:
            assert offer.answered_at > offer.offered_at


def test_the_seeds_school_was_not_answered(county, db, rules):
    """ "We saw the child every day … and were not taken seriously": the counsellor's report
    asked for feedback, was decided more than a week ago, and no feedback was given."""
    rule = rules[DeadlineRule.Code.FEEDBACK]
    report = Report.objects.select_related("initial_assessment", "reporter_unit").get(
        reporter_staff__user__username="kurator", what_seen__startswith="Vi ser barnet varje dag"
    )
    assert report.reporter_unit.name == DEMO_SCHOOL.split("/", 1)[1]
    assert report.reporter_category == Report.ReporterCategory.SCHOOL
    assert report.feedback_requested_at is not None
    decided = timezone.localtime(report.initial_assessment.decided_at).date()
    assert rule.due(decided) < TODAY
    assert (TODAY - decided).days > 7
    assert not Feedback.objects.filter(report=report).exists()
    assert not MeetingOffer.objects.filter(report=report).exists()
    # The history intake sees: an earlier report about the same child from the same school.
    earlier = Report.objects.filter(child=report.child, received_at__lt=report.received_at)
    assert earlier.filter(reporter_unit=report.reporter_unit).count() == 1


def test_the_intake_login_works_in_orebros_intake(county, db):
    membership = Membership.objects.select_related("unit__organisation").get(
        staff__user__username="mottagning"
    )
    assert membership.role == Role.CASEWORKER
    intake = Intake.objects.get(municipality__code="1880")
    assert membership.unit_id == intake.unit_id
    assert Report.objects.filter(intake_unit=intake.unit).count() >= 10


def test_same_seed_same_reports():
    county = generate_county(seed=SEED, children=CHILDREN, year=YEAR, today=TODAY)
    first = draw_concerns(county, TODAY)
    again = draw_concerns(generate_county(seed=SEED, children=CHILDREN, year=YEAR, today=TODAY),
                          TODAY)  # fmt: skip
    other = draw_concerns(
        generate_county(seed=SEED + 1, children=CHILDREN, year=YEAR, today=TODAY), TODAY
    )
    assert first.digest() == again.digest()
    assert first.digest() != other.digest()
    assert first.digest() != draw_concerns(county, TODAY + datetime.timedelta(days=1)).digest()


def test_database_holds_the_drawn_reports(county, db):
    drawn = draw_concerns(generate_county(seed=SEED, children=CHILDREN, year=YEAR, today=TODAY),
                          TODAY)  # fmt: skip
    stored = sorted(
        Report.objects.values_list("received_at", "reporter_category", "given_name", "what_seen")
    )
    assert stored == sorted(
        (r.received_at, r.reporter_category, r.given_name, r.what_seen) for r in drawn.reports
    )
    assert Investigation.objects.count() == len(drawn.investigations)
    assert Feedback.objects.count() == len(drawn.feedback)
    assert MeetingOffer.objects.count() == len(drawn.offers)


def test_report_count_grows_with_the_county():
    small = draw_concerns(generate_county(seed=SEED, children=200, year=YEAR, today=TODAY), TODAY)
    large = draw_concerns(
        generate_county(seed=SEED, children=20_000, year=YEAR, today=TODAY), TODAY
    )
    assert len(small.reports) >= 3 * len(data.MUNICIPALITIES)
    assert len(large.reports) >= 20_000 // 40
    orebro = sum(r.municipality == "1880" for r in large.reports)
    assert 0.4 < orebro / len(large.reports) < 0.6  # about half the county's people
