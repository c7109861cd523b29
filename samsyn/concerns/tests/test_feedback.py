"""Feedback to a professional reporter (DOMAIN ANM-6): exactly one of the three answers — the
initial assessment's decision — and nothing more, in the form, the service and the database; and
the offer of a meeting with its answer (ANM-7)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from samsyn.audit.models import Entry
from samsyn.concerns.forms.intake import FeedbackForm
from samsyn.concerns.models import Feedback, InitialAssessment, MeetingOffer
from samsyn.concerns.services import intake as services
from samsyn.concerns.tests.factories import (
    FeedbackFactory,
    InitialAssessmentFactory,
    ReportFactory,
)
from samsyn.directory.models import Role
from samsyn.directory.tests.factories import MembershipFactory, actor_of

pytestmark = pytest.mark.django_db

Decision = InitialAssessment.Decision


def intake_for(report):
    return actor_of(MembershipFactory(unit=report.intake_unit, role=Role.CASEWORKER))


def test_anm_6_the_form_offers_the_decision_and_nothing_else():
    form = FeedbackForm({"answer": Decision.OPENED, "version": 1}, decision=Decision.NOT_OPENED)
    assert [value for value, _label in form.fields["answer"].choices] == [Decision.NOT_OPENED]
    assert not form.is_valid()
    assert [field.name for field in form.visible_fields()] == ["answer"]  # no free text
    valid = {"answer": Decision.NOT_OPENED, "version": 1}
    assert FeedbackForm(valid, decision=Decision.NOT_OPENED).is_valid()


def test_anm_6_the_service_gives_only_the_decision_once_after_it_is_made():
    report = ReportFactory()
    intake = intake_for(report)
    with pytest.raises(ValidationError):
        services.give_feedback(
            actor=intake, report_id=report.pk, answer=Decision.NOT_OPENED, version=1
        )
    InitialAssessmentFactory(report=report, not_opened=True)
    with pytest.raises(ValidationError):
        services.give_feedback(actor=intake, report_id=report.pk, answer=Decision.OPENED, version=1)
    feedback = services.give_feedback(
        actor=intake, report_id=report.pk, answer=Decision.NOT_OPENED, version=1
    )
    assert feedback.answer == Decision.NOT_OPENED
    with pytest.raises(ValidationError):
        services.give_feedback(
            actor=intake, report_id=report.pk, answer=Decision.NOT_OPENED, version=2
        )
    [entry] = Entry.objects.filter(action="feedback_given", staff_id=intake.staff.pk)
    assert entry.detail == {"answer": "not_opened"}


def test_anm_6_the_database_holds_one_of_three_answers_only():
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackFactory(answer="placed")
    assert not [f.name for f in Feedback._meta.fields if f.get_internal_type() == "TextField"]


def test_anm_6_a_member_of_the_public_gets_no_feedback():
    report = ReportFactory(public=True)
    InitialAssessmentFactory(report=report, not_opened=True)
    intake = intake_for(report)
    with pytest.raises(ValidationError) as refused:
        services.give_feedback(
            actor=intake, report_id=report.pk, answer=Decision.NOT_OPENED, version=1
        )
    assert refused.value.code == "public"
    with pytest.raises(ValidationError):
        services.record_feedback_request(actor=intake, report_id=report.pk, version=1)


def test_anm_6_a_request_taken_by_phone_is_recorded_once():
    report = ReportFactory()
    intake = intake_for(report)
    services.record_feedback_request(actor=intake, report_id=report.pk, version=1)
    report.refresh_from_db()
    assert report.feedback_requested_at is not None
    assert report.feedback_requested_at <= timezone.now()
    with pytest.raises(ValidationError):
        services.record_feedback_request(actor=intake, report_id=report.pk, version=2)
    mine = Entry.objects.filter(staff_id=intake.staff.pk)
    assert mine.filter(action="feedback_request_recorded").count() == 1


def test_anm_7_the_offer_of_a_meeting_and_its_answer_are_recorded():
    report = ReportFactory()
    intake = intake_for(report)
    with pytest.raises(ValidationError):
        services.answer_meeting_offer(
            actor=intake, report_id=report.pk, answer="accepted", version=1
        )
    services.offer_meeting(
        actor=intake, report_id=report.pk, note="Erbjudet per telefon.", version=1
    )
    with pytest.raises(ValidationError):
        services.answer_meeting_offer(
            actor=intake, report_id=report.pk, answer="pending", version=2
        )
    offer = services.answer_meeting_offer(
        actor=intake, report_id=report.pk, answer="declined", note="Vill inte i nuläget.",
        version=2,
    )  # fmt: skip
    assert offer.answer == MeetingOffer.Answer.DECLINED
    assert offer.answered_at is not None
    assert "Vill inte" in offer.note
    mine = Entry.objects.filter(object_type="report", staff_id=intake.staff.pk).order_by("id")
    assert [e.action for e in mine] == [
        "meeting_offered", "meeting_offer_answered",
    ]  # fmt: skip
