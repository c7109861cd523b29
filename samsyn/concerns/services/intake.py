"""Intake's steps on a report of concern (DOMAIN ANM-3…ANM-7): link the report to the child it
is about, record the protection assessment, decide the initial assessment (open an
investigation, not open one, or join the one already under way) or extend its 14 days, extend
and finish an investigation, give the professional reporter their feedback, record their request
for it, and record the offer of a meeting and its answer.

Every step opens its record through the one door (`report_for_change`,
`investigation_for_change`: locked, through access), checks the version the person saw so two
intake workers never overwrite each other (DESIGN invariant 6), and writes its audit row in the
same transaction.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.audit import services as audit
from samsyn.children.models import Involvement
from samsyn.concerns.models import (
    Feedback,
    InitialAssessment,
    Investigation,
    MeetingOffer,
    ProtectionAssessment,
    Report,
)
from samsyn.concerns.selectors import deadlines as dl
from samsyn.concerns.selectors import intake as selectors
from samsyn.concerns.selectors.intake import PURPOSE

Decision = InitialAssessment.Decision


class StaleReport(ValidationError):
    """Someone else changed the report since the person read it."""

    def __init__(self, current: int):
        super().__init__(
            _(
                "Someone else changed this report since you opened it. Read it again: "
                "your step was not saved."
            ),
            code="stale",
        )
        self.current = current


class StaleInvestigation(ValidationError):
    def __init__(self, current: int):
        super().__init__(
            _(
                "Someone else changed this investigation since you opened it. Read it again: "
                "your step was not saved."
            ),
            code="stale",
        )
        self.current = current


def _check_version(report: Report, version: int) -> None:
    if report.version != version:
        raise StaleReport(report.version)


def _bump(report: Report) -> None:
    Report.objects.filter(pk=report.pk).update(version=F("version") + 1)
    report.version += 1


def _record(actor, report, decision, event: str, **detail) -> None:
    audit.record_change(
        actor=actor, child_id=report.child_id, obj="report", obj_id=report.pk, event=event,
        purpose=PURPOSE, decision=decision, detail=detail,
    )  # fmt: skip


def _open(actor: Actor, report_id: int, version: int) -> tuple[Report, rules.Decision]:
    report, decision = selectors.report_for_change(actor, report_id)
    _check_version(report, version)
    return report, decision


def _assessment(report: Report) -> InitialAssessment:
    assessment = InitialAssessment.objects.filter(report=report).first()
    return assessment or InitialAssessment(report=report)


# ---------------------------------------------------------------------------- linking


@transaction.atomic
def link_report(*, actor: Actor, report_id: int, child_id: int, version: int) -> Report:
    """Link the report to a child Samsyn knows, confirmed by a person in intake: only a child
    the match found (the exact identity number, or the name at the address), never a new one.
    A report about a child with no match waits while the child is registered; it is never
    linked to a duplicate."""
    report, decision = _open(actor, report_id, version)
    if report.child_id is not None:
        raise ValidationError(_("The report is already linked to a child."), code="linked")
    if not selectors.is_candidate(report, child_id):
        raise ValidationError(
            {"child": _("Choose one of the children the search found for this report.")}
        )
    report.child_id = child_id
    report.linked_by = actor.staff
    report.linked_at = timezone.now()
    report.save(update_fields=["child", "linked_by", "linked_at"])
    _bump(report)
    _record(actor, report, decision, "report_linked")
    return report


# ---------------------------------------------------------------------------- ANM-3


@transaction.atomic
def assess_protection(
    *, actor: Actor, report_id: int, immediate_protection_needed: bool, assessment: str,
    version: int,
) -> ProtectionAssessment:  # fmt: skip
    """The protection assessment, made at once (ANM-3), recorded once."""
    report, decision = _open(actor, report_id, version)
    if ProtectionAssessment.objects.filter(report=report).exists():
        raise ValidationError(_("The protection assessment is already recorded."), code="done")
    if not assessment.strip():
        raise ValidationError({"assessment": _("Write the assessment.")})
    protection = ProtectionAssessment(
        report=report, immediate_protection_needed=immediate_protection_needed,
        assessment=assessment, decided_by=actor.staff,
    )  # fmt: skip
    protection.full_clean()
    protection.save()
    _bump(report)
    _record(
        actor, report, decision, "protection_assessed",
        immediate_protection_needed=immediate_protection_needed,
    )  # fmt: skip
    return protection


# ---------------------------------------------------------------------------- ANM-4


@transaction.atomic
def decide_initial_assessment(
    *, actor: Actor, report_id: int, decision: str, reasons: str = "", version: int,
    unit_id: int | None = None, caseworker_id: int | None = None,
) -> InitialAssessment:  # fmt: skip
    """The initial assessment's decision (ANM-4): open an investigation in the intake's
    organisation (with the unit and caseworker chosen, and the unit involved with the child so
    its investigators have the child), not open one (with reasons), or join the child's
    investigation already under way — refused when none is open."""
    report, access_decision = _open(actor, report_id, version)
    assessment = _assessment(report)
    if assessment.decision:
        raise ValidationError(_("The initial assessment is already decided."), code="done")
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose one of the three decisions.")})
    if decision != Decision.NOT_OPENED and report.child_id is None:
        raise ValidationError(
            _("Link the report to the child before an investigation is opened or joined."),
            code="unlinked",
        )
    if decision == Decision.NOT_OPENED and not reasons.strip():
        raise ValidationError({"reasons": _("Give the reasons for not opening an investigation.")})
    investigation = None
    if decision == Decision.OPENED:
        investigation = _open_investigation(actor, report, unit_id, caseworker_id)
    elif decision == Decision.UNDER_WAY:
        investigation = selectors.open_investigation(report.child_id, report.organisation_id)
        if investigation is None:
            raise ValidationError(
                {
                    "decision": _(
                        "No investigation about this child is under way in your organisation. "
                        "Open one, or decide not to."
                    )
                }
            )
    assessment.decision = decision
    assessment.reasons = reasons
    assessment.decided_by = actor.staff
    assessment.decided_at = timezone.now()
    assessment.investigation = investigation
    assessment.version = (assessment.version or 1) + (1 if assessment.pk else 0)
    assessment.full_clean(exclude=["report"])
    assessment.save()
    _bump(report)
    _record(
        actor, report, access_decision, "initial_assessment_decided", outcome=decision,
        investigation_id=investigation.pk if investigation else None,
    )  # fmt: skip
    return assessment


def _open_investigation(
    actor: Actor, report: Report, unit_id: int | None, caseworker_id: int | None
) -> Investigation:
    if selectors.open_investigation(report.child_id, report.organisation_id) is not None:
        raise ValidationError(
            {
                "decision": _(
                    "An investigation about this child is already under way in your "
                    "organisation: choose “investigation already under way”."
                )
            }
        )
    unit = selectors.investigation_units(report).filter(pk=unit_id).first()
    if unit is None:
        raise ValidationError({"unit": _("Choose the unit that is to investigate.")})
    caseworker = None
    if caseworker_id is not None:
        membership = (
            selectors.caseworkers(report.organisation_id)
            .filter(staff_id=caseworker_id, unit=unit)
            .first()
        )
        if membership is None:
            raise ValidationError(
                {"caseworker": _("Choose a caseworker of the unit that is to investigate.")}
            )
        caseworker = membership.staff
    investigation = Investigation(
        child_id=report.child_id, organisation_id=report.organisation_id, unit=unit,
        caseworker=caseworker, opened_on=timezone.localdate(), opened_by=actor.staff,
    )  # fmt: skip
    try:
        with transaction.atomic():
            investigation.save()
    except IntegrityError:
        # Another worker opened one for the child at the same moment (investigation_one_open).
        raise ValidationError(
            {"decision": _("An investigation about this child was just opened by someone else.")}
        ) from None
    Involvement.objects.create(
        child_id=report.child_id, unit=unit, staff=None,
        reason=_("Child-protection investigation"),
    )  # fmt: skip
    audit.record_change(
        actor=actor, child_id=report.child_id, obj="investigation", obj_id=investigation.pk,
        event="investigation_opened", purpose=PURPOSE,
        detail={"report_id": report.pk, "unit_id": unit.pk,
                "caseworker_id": caseworker.pk if caseworker else None},
    )  # fmt: skip
    return investigation


@transaction.atomic
def extend_initial_assessment(
    *, actor: Actor, report_id: int, until: datetime.date, reasons: str, version: int
) -> InitialAssessment:
    """Extend the 14 days: only with exceptional reasons recorded (ANM-4)."""
    report, decision = _open(actor, report_id, version)
    assessment = _assessment(report)
    if assessment.decision:
        raise ValidationError(_("The initial assessment is already decided."), code="done")
    if not reasons.strip():
        raise ValidationError({"reasons": _("An extension needs exceptional reasons: write them.")})
    due = dl.initial_assessment_due(report, assessment if assessment.pk else None,
                                    dl.deadline_rules())  # fmt: skip
    if due is not None and until <= due:
        raise ValidationError(
            {"until": _("Choose a day after the current due date, %(due)s.") % {"due": due}}
        )
    assessment.extended_until = until
    assessment.extension_reason = reasons
    assessment.extended_by = actor.staff
    if assessment.pk:
        assessment.version += 1
    assessment.full_clean(exclude=["report"])
    assessment.save()
    _bump(report)
    _record(actor, report, decision, "initial_assessment_extended", until=until.isoformat())
    return assessment


# ---------------------------------------------------------------------------- ANM-5


def _open_investigation_for_change(actor, investigation_id, version):
    investigation, decision = selectors.investigation_for_change(actor, investigation_id)
    if investigation.version != version:
        raise StaleInvestigation(investigation.version)
    if investigation.finished_on is not None:
        raise ValidationError(_("The investigation is finished."), code="finished")
    return investigation, decision


def _record_investigation(actor, investigation, decision, event, **detail) -> None:
    audit.record_change(
        actor=actor, child_id=investigation.child_id, obj="investigation",
        obj_id=investigation.pk, event=event, purpose=PURPOSE, decision=decision, detail=detail,
    )  # fmt: skip


@transaction.atomic
def extend_investigation(
    *, actor: Actor, investigation_id: int, until: datetime.date, reasons: str, version: int
) -> Investigation:
    """An extension of the four months is a recorded decision for a set period on special
    grounds (ANM-5, 20 kap. 3 §)."""
    investigation, decision = _open_investigation_for_change(actor, investigation_id, version)
    if not reasons.strip():
        raise ValidationError({"reasons": _("An extension needs special grounds: write them.")})
    due = dl.investigation_due(investigation, dl.deadline_rules())
    if due is not None and until <= due:
        raise ValidationError(
            {"until": _("Choose a day after the current due date, %(due)s.") % {"due": due}}
        )
    investigation.extended_until = until
    investigation.extension_reason = reasons
    investigation.extended_by = actor.staff
    investigation.version += 1
    investigation.full_clean()
    investigation.save(
        update_fields=["extended_until", "extension_reason", "extended_by", "version"]
    )
    _record_investigation(
        actor, investigation, decision, "investigation_extended", until=until.isoformat()
    )
    return investigation


@transaction.atomic
def finish_investigation(
    *, actor: Actor, investigation_id: int, finished_on: datetime.date, outcome: str,
    version: int,
) -> Investigation:  # fmt: skip
    investigation, decision = _open_investigation_for_change(actor, investigation_id, version)
    if not outcome.strip():
        raise ValidationError({"outcome": _("Write the outcome of the investigation.")})
    if finished_on > timezone.localdate():
        raise ValidationError({"finished_on": _("The day cannot be in the future.")})
    if finished_on < investigation.opened_on:
        raise ValidationError(
            {"finished_on": _("The day cannot be before the investigation was opened.")}
        )
    investigation.finished_on = finished_on
    investigation.outcome = outcome
    investigation.version += 1
    investigation.full_clean()
    investigation.save(update_fields=["finished_on", "outcome", "version"])
    _record_investigation(
        actor, investigation, decision, "investigation_finished", on=finished_on.isoformat()
    )
    return investigation


# ---------------------------------------------------------------------------- ANM-6, ANM-7


def _professional(report: Report) -> None:
    if report.reporter_kind != Report.ReporterKind.PROFESSIONAL:
        raise ValidationError(
            _(
                "Feedback is given to a professional reporter only (SoL 19 kap. 6 §): a member "
                "of the public gets none."
            ),
            code="public",
        )


@transaction.atomic
def record_feedback_request(*, actor: Actor, report_id: int, version: int) -> Report:
    """The professional reporter asked for feedback, e.g. by phone: then it must be given."""
    report, decision = _open(actor, report_id, version)
    _professional(report)
    if report.feedback_requested_at is not None:
        raise ValidationError(_("The request for feedback is already recorded."), code="done")
    report.feedback_requested_at = timezone.now()
    report.save(update_fields=["feedback_requested_at"])
    _bump(report)
    _record(actor, report, decision, "feedback_request_recorded")
    return report


@transaction.atomic
def give_feedback(*, actor: Actor, report_id: int, answer: str, version: int) -> Feedback:
    """Feedback to a professional reporter (ANM-6): exactly the initial assessment's decision,
    one of three answers, nothing more; only once the decision is made; once."""
    report, decision = _open(actor, report_id, version)
    _professional(report)
    assessment = InitialAssessment.objects.filter(report=report).first()
    if assessment is None or not assessment.decision:
        raise ValidationError(
            _("Feedback can be given once the initial assessment is decided."), code="undecided"
        )
    if Feedback.objects.filter(report=report).exists():
        raise ValidationError(_("Feedback has already been given."), code="done")
    if answer != assessment.decision:
        raise ValidationError(
            {"answer": _("The feedback is the initial assessment's decision and nothing else.")}
        )
    feedback = Feedback(report=report, answer=answer, given_by=actor.staff)
    feedback.full_clean()
    feedback.save()
    _bump(report)
    _record(actor, report, decision, "feedback_given", answer=answer)
    return feedback


@transaction.atomic
def offer_meeting(*, actor: Actor, report_id: int, note: str = "", version: int) -> MeetingOffer:
    """The offer of a meeting with the child, the guardians and the reporter (ANM-7)."""
    report, decision = _open(actor, report_id, version)
    if MeetingOffer.objects.filter(report=report).exists():
        raise ValidationError(_("A meeting has already been offered."), code="done")
    offer = MeetingOffer(report=report, offered_by=actor.staff, note=note)
    offer.full_clean()
    offer.save()
    _bump(report)
    _record(actor, report, decision, "meeting_offered")
    return offer


@transaction.atomic
def answer_meeting_offer(
    *, actor: Actor, report_id: int, answer: str, note: str = "", version: int
) -> MeetingOffer:
    report, decision = _open(actor, report_id, version)
    offer = MeetingOffer.objects.select_for_update().filter(report=report).first()
    if offer is None:
        raise ValidationError(_("No meeting has been offered."), code="none")
    if offer.answer != MeetingOffer.Answer.PENDING:
        raise ValidationError(_("The answer to the offer is already recorded."), code="done")
    if answer not in (MeetingOffer.Answer.ACCEPTED, MeetingOffer.Answer.DECLINED):
        raise ValidationError({"answer": _("Choose accepted or declined.")})
    offer.answer = answer
    offer.answered_at = timezone.now()
    if note.strip():
        offer.note = f"{offer.note}\n{note}".strip() if offer.note else note
    offer.full_clean()
    offer.save(update_fields=["answer", "answered_at", "note"])
    _bump(report)
    _record(actor, report, decision, "meeting_offer_answered", answer=answer)
    return offer
