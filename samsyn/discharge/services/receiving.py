"""Changes a receiving unit makes: acknowledging a notice (which starts its planning, UTS-3),
ticking off a planning task, appointing the fixed care contact (UTS-2), opening or joining the
child's SIP to call the meeting in (UTS-5) and writing the care given for the family's summary
(UTS-6). Each in one transaction, through access, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.audit import services as audit
from samsyn.common.errors import AccessDenied, Denial, NotFound
from samsyn.discharge.models import Admission, Notice, PlanningTask
from samsyn.discharge.selectors import AdmissionNotFound
from samsyn.discharge.selectors import receiving as selectors
from samsyn.plans.models import Case
from samsyn.plans.services import cases

PURPOSE = selectors.PURPOSE


def _refused(
    actor: Actor, error: NotFound | AccessDenied, *, obj: str, obj_id: int, child_id: int | None
) -> NotFound | AccessDenied:
    """The refusal with its denial, for the log (LOG-3): the step's transaction rolls back."""
    error.denial = Denial(actor=actor, child_id=child_id, obj=obj, obj_id=obj_id, purpose=PURPOSE)
    return error


def _open(actor: Actor, admission_id: int) -> tuple[Admission, rules.Decision]:
    rules.require(actor, selectors.PERMISSION)
    return rules.open_for_change(actor, Admission.objects.all(), pk=admission_id, purpose=PURPOSE)


@transaction.atomic
def acknowledge(*, actor: Actor, notice_id: int) -> Notice:
    """The unit has received the notice. The first acknowledgement for an admission starts the
    unit's planning: its default tasks (UTS-3: planning starts when notified). A repeat is a
    no-op. Another unit's notice is not found."""
    rules.require(actor, selectors.PERMISSION)
    notice = Notice.objects.select_for_update().filter(pk=notice_id).first()
    if notice is None or notice.to_unit_id != actor.unit.pk:
        raise _refused(
            actor, AdmissionNotFound(notice_id), obj="discharge_notice", obj_id=notice_id,
            child_id=None if notice is None else notice.admission.child_id,
        )  # fmt: skip
    admission, decision = _open(actor, notice.admission_id)
    if notice.acknowledged_at is not None:
        return notice
    notice.acknowledged_at = timezone.now()
    notice.acknowledged_by = actor.staff
    notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
    created = []
    if not PlanningTask.objects.filter(admission=admission, unit_id=actor.unit.pk).exists():
        created = PlanningTask.objects.bulk_create(
            PlanningTask(admission=admission, unit_id=actor.unit.pk, text=text)
            for text in selectors.default_tasks(actor)
        )
    audit.record_change(
        actor=actor, child_id=admission.child_id, obj="discharge_notice", obj_id=notice.pk,
        event="discharge_notice_acknowledged", purpose=PURPOSE, decision=decision,
        detail={"admission_id": admission.pk, "tasks_created": len(created)},
    )  # fmt: skip
    return notice


@transaction.atomic
def set_task_done(*, actor: Actor, task_id: int, done: bool = True) -> PlanningTask:
    """Tick a planning task of the actor's own unit off (or back on)."""
    rules.require(actor, selectors.PERMISSION)
    task = PlanningTask.objects.select_for_update().filter(pk=task_id).first()
    if task is None or task.unit_id != actor.unit.pk:
        raise _refused(
            actor, AdmissionNotFound(task_id), obj="planning_task", obj_id=task_id,
            child_id=None if task is None else task.admission.child_id,
        )  # fmt: skip
    admission, decision = _open(actor, task.admission_id)
    task.done_at = timezone.now() if done else None
    task.done_by = actor.staff if done else None
    task.save(update_fields=["done_at", "done_by"])
    audit.record_change(
        actor=actor, child_id=admission.child_id, obj="planning_task", obj_id=task.pk,
        event="planning_task_done" if done else "planning_task_reopened", purpose=PURPOSE,
        decision=decision,
    )  # fmt: skip
    return task


@transaction.atomic
def appoint_fixed_care_contact(*, actor: Actor, admission_id: int, staff_id: int) -> Admission:
    """UTS-2: the head (or a clinician) of the outpatient unit that was notified appoints a
    staff member of that unit as the child's fast vårdkontakt, before discharge."""
    admission, decision = _open(actor, admission_id)
    notified = Notice.objects.filter(admission=admission, to_unit_id=actor.unit.pk).exists()
    if not selectors.may_appoint(actor) or not (
        notified or admission.outpatient_unit_id == actor.unit.pk
    ):
        raise _refused(
            actor, AccessDenied(selectors.PERMISSION), obj="admission", obj_id=admission_id,
            child_id=admission.child_id,
        )  # fmt: skip
    if admission.discharged_at is not None:
        raise ValidationError(
            _("The child has been discharged: the fixed care contact is appointed before.")
        )
    if not selectors.is_unit_member(actor.unit.pk, staff_id):
        raise ValidationError(
            {"fixed_care_contact": _("Choose a member of staff of your own unit.")}
        )
    previous = admission.fixed_care_contact_id
    admission.outpatient_unit_id = actor.unit.pk
    admission.fixed_care_contact_id = staff_id
    admission.version += 1
    admission.save(update_fields=["outpatient_unit", "fixed_care_contact", "version"])
    audit.record_change(
        actor=actor, child_id=admission.child_id, obj="admission", obj_id=admission.pk,
        event="fixed_care_contact_appointed", purpose=PURPOSE, decision=decision,
        detail={"staff_id": staff_id, "previous_staff_id": previous},
    )  # fmt: skip
    return admission


@transaction.atomic
def write_care_given(*, actor: Actor, admission_id: int, text: str) -> Admission:
    """UTS-6: the care given, in plain words, for the family's summary: written by the fixed
    care contact (or another member of the outpatient unit)."""
    admission, decision = _open(actor, admission_id)
    if not selectors.speaks_for_outpatient_care(actor, admission):
        raise _refused(
            actor, AccessDenied(selectors.PERMISSION), obj="discharge_summary",
            obj_id=admission_id, child_id=admission.child_id,
        )  # fmt: skip
    admission.care_given = text.strip()
    admission.version += 1
    admission.save(update_fields=["care_given", "version"])
    audit.record_change(
        actor=actor, child_id=admission.child_id, obj="discharge_summary", obj_id=admission.pk,
        event="discharge_care_given_written", purpose=PURPOSE, decision=decision,
    )  # fmt: skip
    return admission


@transaction.atomic
def call_sip(*, actor: Actor, admission_id: int) -> cases.Opened:
    """UTS-5: the fixed care contact (or the head or a clinician of the outpatient unit) opens
    the child's SIP, with the other notified organisations invited, to call the meeting in —
    or, where the child has an open SIP, the discharge goes into it: the organisation joins it
    as an invited party and the actor's unit accepts, or, taking part already, simply uses it.
    Never a second plan (SIP-9, `plans.services.cases.open_or_join_case`)."""
    admission, _decision = _open(actor, admission_id)
    if not selectors.speaks_for_outpatient_care(actor, admission):
        raise _refused(
            actor, AccessDenied(selectors.PERMISSION), obj="admission", obj_id=admission_id,
            child_id=admission.child_id,
        )  # fmt: skip
    if admission.compulsory_outpatient_care:
        raise ValidationError(
            _("The child goes on to compulsory outpatient psychiatric care: the LPT 7 a § care "
              "plan replaces the SIP.")
        )  # fmt: skip
    if admission.fixed_care_contact_id is None:
        raise ValidationError(
            _("Appoint the fixed care contact first: the fixed care contact calls the SIP "
              "meeting.")
        )  # fmt: skip
    notified = {
        organisation_id
        for organisation_id in Notice.objects.filter(admission=admission).values_list(
            "to_unit__organisation_id", flat=True
        )
        if organisation_id != actor.organisation.pk
    }
    reason = _(
        "Discharge from inpatient care at %(unit)s: the SIP meeting is called within the days "
        "the region's agreement sets after the ready-for-discharge notice (%(reference)s)."
    ) % {"unit": admission.unit.name, "reference": selectors.SIP_REFERENCE}
    try:
        opened = cases.open_or_join_case(
            actor=actor, child_id=admission.child_id, reason=reason, party_ids=sorted(notified),
            purpose=PURPOSE,
        )  # fmt: skip
    except AccessDenied as error:
        raise _refused(
            actor, error, obj="admission", obj_id=admission_id, child_id=admission.child_id
        ) from None
    except cases.SipAlreadyOpen as already:
        if already.invited_only:
            cases.accept_invitation(actor=actor, case_id=already.case_id)
        elif selectors.open_sip_of(actor, admission.child_id) is None:
            # Another unit of the organisation takes part: the meeting is called from there.
            raise ValidationError(
                _(
                    "The child's open SIP (SIP %(number)s) is not open to your unit: the unit of "
                    "your organisation that takes part in it calls the meeting."
                )
                % {"number": already.case_id}
            ) from None
        # `joined`: the discharge went into the SIP that was open.
        return cases.Opened(Case.objects.get(pk=already.case_id), joined=True)
    if opened.joined:
        cases.accept_invitation(actor=actor, case_id=opened.case.pk)
    return opened
