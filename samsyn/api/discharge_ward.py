"""Discharge from inpatient care, the inpatient side, over the API (DOMAIN UTS-1, UTS-4): the
same selectors and services as the inpatient unit's pages, so the same access rules decide and
the same audit rows are written.

An admission the caller may not see answers 404 with the body of a missing one; a step the
caller's role or unit may not take is a 403; a refusal by the rules (a stale version, a unit
outside the child's municipality, a date before admission) is a 422 naming why.
"""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import AwareDatetime

from samsyn.access.actor import Actor
from samsyn.api import errors
from samsyn.api.auth import permitted
from samsyn.api.pagination import PageOut, page_out
from samsyn.api.schemas import ERRORS, MAX_ID, NO_NUL, RefOut, api_enum
from samsyn.discharge.models import Notice
from samsyn.discharge.selectors import ward as selectors
from samsyn.discharge.services import ward as services

router = Router(tags=["discharge"])

PERMISSION = services.PERMISSION

NoticeKind = api_enum("NoticeKind", Notice.Kind)
AdmissionId = Annotated[int, Path(ge=1, le=MAX_ID)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=2**31 - 1, description="The admission's version read.")]


_refusals = errors.refusals(gettext_lazy("Your unit may not take this step."))


def _actor(request: HttpRequest, *, permission: str | None = PERMISSION) -> Actor:
    return permitted(request, permission) if permission else request.auth


class NoticeOut(Schema):
    id: int
    kind: NoticeKind
    to_unit: RefOut
    sent_at: datetime.datetime
    acknowledged_at: datetime.datetime | None
    legal_ground_id: int | None = Field(..., description="The recorded ground it was sent under.")
    consent_id: int | None = Field(..., description="Or the consent it was sent under.")


class FlagOut(Schema):
    code: str = Field(..., description="late_notice, short_notice or care_information_late.")
    text: str
    rule: str
    reference: str


class DateChangeOut(Schema):
    from_date: datetime.date
    to_date: datetime.date
    reason: str
    changed_at: datetime.datetime
    changed_by: RefOut


class AdmissionOut(Schema):
    id: int
    version: int
    child: RefOut
    address: str = Field(
        ...,
        description='The registered address; "skyddad"/"protected" for a protected identity '
        "without the reading unit's recorded need, empty where the ground does not cover it.",
    )
    unit: RefOut
    admitted_at: datetime.datetime
    needs_judged_at: datetime.datetime
    notice_due: datetime.datetime
    expected_discharge_on: datetime.date
    ready_at: datetime.datetime | None
    care_information_sent_at: datetime.datetime | None
    discharged_at: datetime.datetime | None
    notices: list[NoticeOut]
    flags: list[FlagOut]
    date_changes: list[DateChangeOut]


class AdmissionRowOut(Schema):
    id: int
    version: int
    child: RefOut
    expected_discharge_on: datetime.date
    ready_at: datetime.datetime | None
    discharged_at: datetime.datetime | None
    notices: list[NoticeOut]
    flags: list[FlagOut]


class WardPageOut(PageOut):
    items: list[AdmissionRowOut]
    short_notice_count: int = Field(
        ..., description="The unit's discharges with less notice than the region's minimum."
    )


def _ref(obj) -> dict:
    return {"id": obj.pk, "name": getattr(obj, "name", str(obj))}


def _notice(n: Notice) -> dict:
    return {
        "id": n.pk, "kind": n.kind, "to_unit": _ref(n.to_unit), "sent_at": n.sent_at,
        "acknowledged_at": n.acknowledged_at, "legal_ground_id": n.legal_ground_id,
        "consent_id": n.consent_id,
    }  # fmt: skip


def _flags(row) -> list[dict]:
    return [
        {"code": f.code, "text": f.text, "rule": f.rule, "reference": f.reference}
        for f in row.flags
    ]


def _row_out(row) -> dict:
    a = row.admission
    return {
        "id": a.pk, "version": a.version, "child": _ref(a.child),
        "expected_discharge_on": a.expected_discharge_on, "ready_at": a.ready_at,
        "discharged_at": a.discharged_at, "notices": [_notice(n) for n in row.notices],
        "flags": _flags(row),
    }  # fmt: skip


def _read(actor: Actor, admission_id: int) -> dict:
    row, _decision = selectors.admission_for(actor, admission_id=admission_id)
    a = row.admission
    return {
        "id": a.pk, "version": a.version, "child": _ref(a.child),
        "address": selectors.notice_address(actor, a.child), "unit": _ref(a.unit),
        "admitted_at": a.admitted_at, "needs_judged_at": a.needs_judged_at,
        "notice_due": row.notice_due, "expected_discharge_on": a.expected_discharge_on,
        "ready_at": a.ready_at, "care_information_sent_at": a.care_information_sent_at,
        "discharged_at": a.discharged_at, "notices": [_notice(n) for n in row.notices],
        "flags": _flags(row),
        "date_changes": [
            {"from_date": c.from_date, "to_date": c.to_date, "reason": c.reason,
             "changed_at": c.changed_at, "changed_by": _ref(c.changed_by)}
            for c in a.date_changes.all()
        ],
    }  # fmt: skip


PageQuery = Annotated[int, Query(ge=1, le=100_000, description="Pages of 25 admissions.")]


@router.get(
    "/ward", response={200: WardPageOut, **ERRORS},
    summary="Your inpatient unit's admitted children, with notices and flags",
)  # fmt: skip
@_refusals
def ward_list(
    request: HttpRequest,
    page: PageQuery = 1,
    discharged: Annotated[bool, Query(description="Include discharged children.")] = False,
) -> dict:
    """One audit row names the page's children."""
    listed = selectors.ward_page_for(_actor(request), page=page, current=not discharged)
    return {
        **page_out(listed.page, (_row_out(r) for r in listed.rows)),
        "short_notice_count": listed.short_notice_count,
    }


class AdmissionIn(Schema):
    child_id: Id = Field(..., description="A child your unit may see (GET /children).")
    admitted_at: AwareDatetime
    needs_judged_at: AwareDatetime | None = Field(
        None, description="When support after discharge was judged needed; default admission."
    )
    expected_discharge_on: datetime.date


@router.post(
    "/admissions", response={200: AdmissionOut, **ERRORS},
    summary="Register a child's admission to your inpatient unit (UTS-1)",
)  # fmt: skip
@_refusals
def admission_register(request: HttpRequest, payload: AdmissionIn):
    actor = _actor(request)
    admission = services.register_admission(
        actor=actor, child_id=payload.child_id, admitted_at=payload.admitted_at,
        needs_judged_at=payload.needs_judged_at,
        expected_discharge_on=payload.expected_discharge_on,
    )  # fmt: skip
    return Status(200, _read(actor, admission.pk))


@router.get(
    "/admissions/{admission_id}", response={200: AdmissionOut, **ERRORS},
    summary="One admission: the notice's content, its notices, flags and date history",
)  # fmt: skip
@_refusals
def admission_detail(request: HttpRequest, admission_id: AdmissionId) -> dict:
    """For the inpatient unit and every notified unit; audited."""
    return _read(_actor(request, permission=None), admission_id)


class NoticesIn(Schema):
    version: Version
    social_unit_id: Id = Field(
        ..., description="A unit of the child's municipality's social services (its intake)."
    )
    outpatient_unit_id: Id = Field(..., description="A health care unit of the child's region.")


@router.post(
    "/admissions/{admission_id}/notices", response={200: AdmissionOut, **ERRORS},
    summary="Send the admission notice to social services and the outpatient unit (UTS-1)",
)  # fmt: skip
@_refusals
def admission_notices(request: HttpRequest, admission_id: AdmissionId, payload: NoticesIn):
    actor = _actor(request)
    services.send_admission_notices(
        actor=actor, admission_id=admission_id, version=payload.version,
        social_unit_id=payload.social_unit_id, outpatient_unit_id=payload.outpatient_unit_id,
    )  # fmt: skip
    return Status(200, _read(actor, admission_id))


class DateIn(Schema):
    version: Version
    to_date: datetime.date
    reason: str = Field(..., min_length=1, max_length=500, pattern=NO_NUL)


@router.post(
    "/admissions/{admission_id}/date", response={200: AdmissionOut, **ERRORS},
    summary="Change the expected discharge date, told every notified unit (UTS-4)",
)  # fmt: skip
@_refusals
def admission_date(request: HttpRequest, admission_id: AdmissionId, payload: DateIn):
    actor = _actor(request)
    services.change_expected_discharge(
        actor=actor, admission_id=admission_id, version=payload.version,
        to_date=payload.to_date, reason=payload.reason,
    )  # fmt: skip
    return Status(200, _read(actor, admission_id))


class AdmissionVersionIn(Schema):
    version: Version


@router.post(
    "/admissions/{admission_id}/ready", response={200: AdmissionOut, **ERRORS},
    summary="Record the child ready for discharge, told every notified unit (UTS-4)",
)  # fmt: skip
@_refusals
def admission_ready(request: HttpRequest, admission_id: AdmissionId, payload: AdmissionVersionIn):
    actor = _actor(request)
    services.mark_ready(actor=actor, admission_id=admission_id, version=payload.version)
    return Status(200, _read(actor, admission_id))


@router.post(
    "/admissions/{admission_id}/care-information", response={200: AdmissionOut, **ERRORS},
    summary="Record the information for continued care as sent",
)  # fmt: skip
@_refusals
def admission_care_information(
    request: HttpRequest, admission_id: AdmissionId, payload: AdmissionVersionIn
):
    actor = _actor(request)
    services.record_care_information(
        actor=actor, admission_id=admission_id, version=payload.version
    )
    return Status(200, _read(actor, admission_id))


class DischargeIn(Schema):
    version: Version
    discharged_at: AwareDatetime | None = Field(None, description="Default: now.")


@router.post(
    "/admissions/{admission_id}/discharge", response={200: AdmissionOut, **ERRORS},
    summary="Record the discharge; short notice is flagged (UTS-4)",
)  # fmt: skip
@_refusals
def admission_discharge(request: HttpRequest, admission_id: AdmissionId, payload: DischargeIn):
    actor = _actor(request)
    services.record_discharge(
        actor=actor, admission_id=admission_id, version=payload.version,
        at=payload.discharged_at,
    )  # fmt: skip
    return Status(200, _read(actor, admission_id))
