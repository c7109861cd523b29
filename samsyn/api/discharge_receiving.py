"""The receiving units of a discharge over the API (issue 10): incoming notices and expected
discharges, one admission with its planning and SIP deadline, acknowledging a notice, ticking a
task, appointing the fixed care contact and the family's summary. The same selectors and
services as the pages: the same access decides and the same audit rows are written.

An admission or notice the actor's unit was not notified of answers 404 like a missing one; a
step the unit may not take is 403; a refusal by the rules is 422. No child's address is given.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.api import errors
from samsyn.api.schemas import ERRORS, MAX_ID, NO_NUL, ErrorOut, RefOut, api_enum
from samsyn.audit import services as audit
from samsyn.discharge.models import Notice
from samsyn.discharge.selectors import receiving as selectors
from samsyn.discharge.services import receiving as services

router = Router(tags=["discharge"])

NoticeKind = api_enum("DischargeNoticeKind", Notice.Kind)
AdmissionId = Annotated[int, Path(ge=1, le=MAX_ID)]
NoticeId = Annotated[int, Path(ge=1, le=MAX_ID)]
TaskId = Annotated[int, Path(ge=1, le=MAX_ID)]
PageQuery = Annotated[int, Query(ge=1, le=100_000, description="Pages of 25.")]

READ: dict[int, Any] = {**ERRORS}
CHANGE: dict[int, Any] = {**ERRORS, 400: ErrorOut}


_refusals = errors.refusals(gettext_lazy("Your unit does not take this step on this record."))


def _actor(request: HttpRequest) -> Actor:
    actor: Actor = request.auth
    if not selectors.may_receive(actor):
        audit.record_refused_role(actor=actor, permission=selectors.PERMISSION)
        raise rules.AccessDenied(selectors.PERMISSION)
    return actor


class FlagsOut(Schema):
    late_notice: bool = Field(..., description="Admission notice later than the agreed hours.")
    short_notice: bool = Field(..., description="Discharge announced with less than the minimum.")
    notice_hours: int
    minimum_notice_hours: int
    reference: str
    sip_call_overdue: bool = Field(
        ..., description="No SIP meeting called within the agreed days of the ready notice "
        "(UTS-5), where both region and municipality act."
    )  # fmt: skip
    sip_call_days: int
    sip_reference: str


class ReceivedDateChangeOut(Schema):
    from_date: datetime.date
    to_date: datetime.date
    changed_at: datetime.datetime


class ReceivedNoticeOut(Schema):
    id: int
    admission_id: int
    kind: NoticeKind
    child: RefOut
    protected_identity: bool = Field(..., description="The address is never given here.")
    from_unit: RefOut
    sent_at: datetime.datetime
    acknowledged_at: datetime.datetime | None


class ExpectedOut(Schema):
    admission_id: int
    child: RefOut
    inpatient_unit: RefOut
    expected_discharge_on: datetime.date
    date_changes: list[ReceivedDateChangeOut]
    flags: FlagsOut


class ReceivedOut(Schema):
    notices: list[ReceivedNoticeOut]
    notices_count: int
    expected_discharges: list[ExpectedOut]
    expected_count: int
    page: int


class TaskOut(Schema):
    id: int
    text: str
    done_at: datetime.datetime | None


class StaffOut(Schema):
    id: int
    name: str
    phone: str
    email: str


class DischargeSipOut(Schema):
    required: bool = Field(..., description="Both region and municipality were notified.")
    lpt: bool = Field(..., description="The LPT 7 a § care plan replaces the SIP.")
    due: datetime.date | None = Field(..., description="Call the SIP meeting by this day.")
    rule: str
    overdue: bool
    open_sip_id: int | None = Field(..., description="The child's open SIP, to book in.")
    called_at: datetime.datetime | None
    meeting_at: datetime.datetime | None


class ReceivedAdmissionOut(Schema):
    id: int
    child: RefOut
    protected_identity: bool
    inpatient_unit: RefOut
    admitted_at: datetime.datetime
    expected_discharge_on: datetime.date
    date_changes: list[ReceivedDateChangeOut]
    ready_at: datetime.datetime | None
    discharged_at: datetime.datetime | None
    flags: FlagsOut
    notices: list[ReceivedNoticeOut]
    tasks: list[TaskOut]
    fixed_care_contact: StaffOut | None
    earlier_fixed_care_contact: StaffOut | None
    sip: DischargeSipOut


class SummaryOut(Schema):
    admission_id: int
    child: RefOut
    care_given: str
    fixed_care_contact: StaffOut | None
    fixed_care_contact_unit: str
    sip_meeting_at: datetime.datetime | None
    open_sip_id: int | None
    lpt: bool


class AppointIn(Schema):
    staff_id: int = Field(..., ge=1, le=MAX_ID, description="A member of your own unit.")


class CareGivenIn(Schema):
    care_given: str = Field(..., max_length=2000, pattern=NO_NUL)


class TaskIn(Schema):
    done: bool = True


def _ref(obj) -> dict:
    return {"id": obj.pk, "name": obj.name}


def _staff(staff) -> dict | None:
    if staff is None:
        return None
    return {"id": staff.pk, "name": staff.name, "phone": staff.phone, "email": staff.email}


def _changes(admission) -> list[dict]:
    return [
        {"from_date": c.from_date, "to_date": c.to_date, "changed_at": c.changed_at}
        for c in admission.date_changes.all()
    ]


def _notice(notice) -> dict:
    admission = notice.admission
    return {
        "id": notice.pk, "admission_id": admission.pk, "kind": notice.kind,
        "child": _ref(admission.child), "protected_identity": admission.child.protected_identity,
        "from_unit": _ref(admission.unit), "sent_at": notice.sent_at,
        "acknowledged_at": notice.acknowledged_at,
    }  # fmt: skip


def _sip(sip: selectors.SipStep) -> dict:
    return {
        "required": sip.required, "lpt": sip.lpt, "due": sip.due,
        "rule": f"{sip.period} {'working days' if sip.working_days else 'days'}, {sip.reference}",
        "overdue": sip.overdue, "open_sip_id": sip.sip.pk if sip.sip else None,
        "called_at": sip.called_at, "meeting_at": sip.meeting_at,
    }  # fmt: skip


def _admission(actor: Actor, admission_id: int) -> dict:
    view = selectors.admission_for(actor, admission_id=admission_id)
    admission = view.admission
    return {
        "id": admission.pk, "child": _ref(admission.child),
        "protected_identity": admission.child.protected_identity,
        "inpatient_unit": _ref(admission.unit), "admitted_at": admission.admitted_at,
        "expected_discharge_on": admission.expected_discharge_on,
        "date_changes": _changes(admission), "ready_at": admission.ready_at,
        "discharged_at": admission.discharged_at, "flags": view.flags.__dict__,
        "notices": [_notice(n) for n in view.notices],
        "tasks": [{"id": t.pk, "text": t.text, "done_at": t.done_at} for t in view.tasks],
        "fixed_care_contact": _staff(admission.fixed_care_contact),
        "earlier_fixed_care_contact": _staff(view.earlier_contact), "sip": _sip(view.sip),
    }  # fmt: skip


@router.get(
    "/received", response={200: ReceivedOut, **READ}, url_name="discharge_received",
    summary="Your unit's discharge notices (unacknowledged first) and expected discharges",
)  # fmt: skip
@_refusals
def received(request: HttpRequest, page: PageQuery = 1, discharges_page: PageQuery = 1) -> dict:
    result = selectors.received_for(_actor(request), page=page, discharges_page=discharges_page)
    return {
        "notices": [_notice(n) for n in result.notices],
        "notices_count": result.notices.paginator.count,
        "expected_discharges": [
            {
                "admission_id": row.admission.pk,
                "child": _ref(row.admission.child),
                "inpatient_unit": _ref(row.admission.unit),
                "expected_discharge_on": row.admission.expected_discharge_on,
                "date_changes": _changes(row.admission),
                "flags": row.flags.__dict__,
            }  # fmt: skip
            for row in result.rows
        ],
        "expected_count": result.discharges.paginator.count,
        "page": result.notices.number,
    }


@router.get(
    "/received/{admission_id}", response={200: ReceivedAdmissionOut, **READ},
    url_name="discharge_received_admission",
    summary="One admission as your unit receives it: history, flags, planning, SIP deadline",
)  # fmt: skip
@_refusals
def received_admission(request: HttpRequest, admission_id: AdmissionId) -> dict:
    return _admission(_actor(request), admission_id)


@router.post(
    "/received/notices/{notice_id}/acknowledge", response={200: ReceivedAdmissionOut, **CHANGE},
    url_name="discharge_acknowledge",
    summary="Acknowledge a notice: your unit's planning starts with its tasks (UTS-3)",
)  # fmt: skip
@_refusals
def acknowledge(request: HttpRequest, notice_id: NoticeId) -> dict:
    actor = _actor(request)
    notice = services.acknowledge(actor=actor, notice_id=notice_id)
    return _admission(actor, notice.admission_id)


@router.post(
    "/received/{admission_id}/tasks/{task_id}", response={200: ReceivedAdmissionOut, **CHANGE},
    url_name="discharge_task", summary="Tick one of your unit's planning tasks off (or on)",
)  # fmt: skip
@_refusals
def task(request: HttpRequest, admission_id: AdmissionId, task_id: TaskId, payload: TaskIn):
    actor = _actor(request)
    services.set_task_done(actor=actor, task_id=task_id, done=payload.done)
    return _admission(actor, admission_id)


@router.post(
    "/received/{admission_id}/fixed-care-contact", response={200: ReceivedAdmissionOut, **CHANGE},
    url_name="discharge_appoint",
    summary="Appoint the fixed care contact, a member of your outpatient unit (UTS-2)",
)  # fmt: skip
@_refusals
def appoint(request: HttpRequest, admission_id: AdmissionId, payload: AppointIn):
    actor = _actor(request)
    services.appoint_fixed_care_contact(
        actor=actor, admission_id=admission_id, staff_id=payload.staff_id
    )
    return _admission(actor, admission_id)


class SipCalledOut(Schema):
    sip_id: int = Field(..., description="The child's one open SIP: opened now, or joined.")
    joined: bool = Field(
        ..., description="The child already had an open SIP: the discharge went into it, "
        "your organisation joining it as a party where it was not one already (SIP-9)."
    )  # fmt: skip
    admission: ReceivedAdmissionOut


@router.post(
    "/received/{admission_id}/sip", response={200: SipCalledOut, **CHANGE},
    url_name="discharge_sip",
    summary="Open the child's SIP, or join the open one, to call the SIP meeting in (UTS-5)",
    description="Never a second plan: the child's one open SIP is joined where there is one "
    "(SIP-9). The fixed care contact, or the head or a clinician of the outpatient unit, "
    "calls; the meeting is then booked with POST /api/sip/{id}/meetings. 403 for anyone "
    "else; 422 before the fixed care contact is appointed or under compulsory outpatient "
    "care (the LPT 7 a § care plan replaces the SIP).",
)  # fmt: skip
@_refusals
def call_sip(request: HttpRequest, admission_id: AdmissionId) -> dict:
    actor = _actor(request)
    opened = services.call_sip(actor=actor, admission_id=admission_id)
    return {
        "sip_id": opened.case.pk,
        "joined": opened.joined,
        "admission": _admission(actor, admission_id),
    }


def _summary(actor: Actor, admission_id: int) -> dict:
    summary = selectors.summary_for(actor, admission_id=admission_id)
    return {
        "admission_id": summary.admission.pk, "child": _ref(summary.admission.child),
        "care_given": summary.admission.care_given,
        "fixed_care_contact": _staff(summary.contact),
        "fixed_care_contact_unit": summary.contact_unit,
        "sip_meeting_at": summary.sip.meeting_at,
        "open_sip_id": summary.sip.sip.pk if summary.sip.sip else None, "lpt": summary.sip.lpt,
    }  # fmt: skip


@router.get(
    "/received/{admission_id}/summary", response={200: SummaryOut, **READ},
    url_name="discharge_summary", summary="The summary for the family (UTS-6)",
)  # fmt: skip
@_refusals
def summary(request: HttpRequest, admission_id: AdmissionId) -> dict:
    return _summary(_actor(request), admission_id)


@router.put(
    "/received/{admission_id}/summary", response={200: SummaryOut, **CHANGE},
    url_name="discharge_summary_write",
    summary="Write the care given, in plain words, for the family's summary (UTS-6)",
)  # fmt: skip
@_refusals
def summary_write(request: HttpRequest, admission_id: AdmissionId, payload: CareGivenIn):
    actor = _actor(request)
    services.write_care_given(actor=actor, admission_id=admission_id, text=payload.care_given)
    return _summary(actor, admission_id)
