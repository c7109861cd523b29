"""SIPs (samordnad individuell plan) over the API: the same selectors and services as the SIP
pages, so the same access rules decide and the same audit rows are written.

Each operation on one SIP opens it first through `selectors.case_for` (an audited read, as the
page the form sits on), then calls the one service the page calls. A SIP the actor may not see
answers 404 with the body of a missing one; the state machine's refusal is a 409 naming why;
bad input is a 422.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from enum import StrEnum
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import AwareDatetime

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Purpose
from samsyn.api import errors
from samsyn.api.auth import permitted
from samsyn.api.pagination import PageOut, page_out
from samsyn.api.schemas import ERRORS, MAX_ID, NO_NUL, ConflictOut, RefOut, api_enum
from samsyn.children import selectors as children
from samsyn.consent.models import Consent
from samsyn.consent.services import OPTIONAL_CATEGORIES
from samsyn.plans.models import Case, Invitation, PlanItem, PlanVersion
from samsyn.plans.selectors import cases as selectors
from samsyn.plans.selectors import consents as sip_consents
from samsyn.plans.selectors import deadlines
from samsyn.plans.selectors import meetings as meeting_selectors
from samsyn.plans.selectors import versions as plan_selectors
from samsyn.plans.services import cases, efforts, meetings
from samsyn.plans.services import consents as sip_consent_services
from samsyn.plans.services import versions as plan_services
from samsyn.plans.state import TransitionRefused

router = Router(tags=["sip"])

PURPOSE = Purpose.PLANNING


class SipConflictOut(ConflictOut):
    version: int | None = Field(None, description="A stale close: the SIP's version now.")


SIP_ERRORS: dict[int, Any] = {**ERRORS, 409: SipConflictOut}

SipStatus = api_enum("SipStatus", Case.Status)
Proposer = api_enum("Proposer", Case.Proposer)
ConsentGiver = api_enum("ConsentGiver", Consent.GivenBy)
ConsentForm = api_enum("ConsentForm", Consent.Form)
PlanStatus = api_enum("PlanStatus", PlanVersion.Status)
PlanItemKind = api_enum("PlanItemKind", PlanItem.Kind)
InvitationKind = api_enum("InvitationKind", Invitation.Kind)
InvitationReply = api_enum("InvitationReply", Invitation.Reply)
# What a SIP consent may cover besides the plan, which it always covers.
ConsentCategory = StrEnum(  # type: ignore[misc]
    "ConsentCategory", {c.name: c.value for c in OPTIONAL_CATEGORIES}
)

CaseId = Annotated[int, Path(ge=1, le=MAX_ID)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Text = functools.partial(Field, pattern=NO_NUL)


# --- errors --------------------------------------------------------------------------------


def _stale_plan(stale: plan_services.StalePlan) -> Status:
    return Status(
        409,
        {
            "detail": _(
                "Someone else saved the plan since you read it. Their version is in "
                "current: merge your change and save again with its lock_version."
            ),
            "messages": [],
            "current": _plan_out(stale.current, stale.items, case=None),
        },
    )


def _stale_case(stale: cases.StaleCase) -> Status:
    return Status(
        409,
        {
            "detail": _(
                "Someone else changed the SIP since you read it. Read it again and retry "
                "with its version."
            ),
            "messages": [],
            "version": stale.current.version,
        },
    )


def _no_draft(_error: plan_services.NoDraft) -> Status:
    return Status(
        409,
        {
            "detail": _("There is no draft plan. A finalised plan is never changed."),
            "messages": [],
        },
    )


def _incomplete(refused: plan_services.PlanIncomplete) -> Status:
    return Status(
        409, {"detail": _("The plan cannot be finalised yet."), "messages": refused.messages}
    )


def _transition_refused(refused: TransitionRefused) -> Status:
    return Status(
        409,
        {"detail": _("The SIP does not allow this step now."), "messages": refused.messages},
    )


_refusals = errors.refusals(
    gettext_lazy("Your organisation may not do this in this SIP."),
    (plan_services.StalePlan, _stale_plan),
    (cases.StaleCase, _stale_case),
    (plan_services.NoDraft, _no_draft),
    (plan_services.PlanIncomplete, _incomplete),
    (TransitionRefused, _transition_refused),
)


def _actor(request: HttpRequest) -> Actor:
    return permitted(request, "plans.work")


def _open(request: HttpRequest, case_id: int, obj: str = "sip") -> Case:
    """The SIP, read and audited as its page reads it; CaseNotFound otherwise."""
    return selectors.case_for(_actor(request), case_id=case_id, purpose=PURPOSE, obj=obj)[0]


# --- shapes --------------------------------------------------------------------------------


class ChildRefOut(Schema):
    id: int
    name: str


class SipListOut(Schema):
    id: int
    status: SipStatus
    child: ChildRefOut
    proposed_at: datetime.datetime
    initiating_organisation: RefOut
    coordinator: RefOut | None
    coordinator_organisation: RefOut | None


class SipPageOut(PageOut):
    items: list[SipListOut]


class PartyOut(Schema):
    organisation: RefOut
    initiating: bool
    invited_at: datetime.datetime | None
    unit: RefOut | None = Field(
        None, description="The unit that accepted the invitation: it has the relationship."
    )
    accepted_at: datetime.datetime | None = None


class SipInvitationOut(Schema):
    """An invitation to the actor's organisation. It names no child until a unit accepts and a
    consent or legal ground covers the organisation."""

    sip_id: int
    initiating_organisation: RefOut
    invited_by: RefOut
    invited_at: datetime.datetime


class ConsentStatusOut(Schema):
    complete: bool
    missing: list[str] = Field(..., description="What is missing before the SIP can go on.")


class ConsentOut(Schema):
    id: int
    given_by: ConsentGiver
    guardian: RefOut | None
    receiving_organisation: RefOut
    categories: list[str]
    form: ConsentForm
    given_at: datetime.datetime
    valid_until: datetime.date = Field(
        ..., description="The last day the consent holds, as recorded (until and including)."
    )
    withdrawn_at: datetime.datetime | None


class HandoverOut(Schema):
    id: int
    from_staff: RefOut | None
    to_staff: RefOut
    to_organisation: RefOut
    note: str
    offered_at: datetime.datetime
    accepted_at: datetime.datetime | None
    declined_at: datetime.datetime | None


class StepOut(Schema):
    code: str
    name: str
    due: datetime.date
    rule: str
    reference: str = Field(..., description="The legal or regional ground of the deadline.")
    done_at: datetime.datetime | None
    planned_at: datetime.datetime | None
    overdue: bool
    days_late: int


class InvitationOut(Schema):
    id: int
    kind: InvitationKind
    name: str
    reply: InvitationReply
    replied_at: datetime.datetime | None


class MeetingOut(Schema):
    id: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    video_link: str
    cancelled_at: datetime.datetime | None
    has_minutes: bool
    invitations: list[InvitationOut]


class VersionRefOut(Schema):
    number: int
    status: PlanStatus
    created_at: datetime.datetime
    finalised_at: datetime.datetime | None


class SipOut(Schema):
    id: int
    status: SipStatus
    version: int = Field(..., description="Send it back when closing: a stale one is a 409.")
    child: ChildRefOut
    reason: str
    proposed_at: datetime.datetime
    proposed_by: Proposer
    proposer_name: str
    first_contact_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    close_reason: str
    initiating_organisation: RefOut
    coordinator: RefOut | None
    coordinator_organisation: RefOut | None
    parties: list[PartyOut]
    consent: ConsentStatusOut
    consents: list[ConsentOut] = Field(
        ..., description="One page of the consents, newest first: `consents_page` of 25."
    )
    consents_count: int = Field(..., description="All the consents the pages hold.")
    consents_pages: int
    relay: list[HandoverOut] = Field(
        ..., description="The latest 20 steps of the coordinator relay, oldest first."
    )
    steps: list[StepOut] = Field(
        ..., description="First contact, first meeting, the latest 10 plan versions' follow-ups."
    )
    meetings: list[MeetingOut] = Field(..., description="The latest 20 meetings.")
    versions: list[VersionRefOut] = Field(
        ...,
        description="The latest 25 versions, oldest first; every one is read by its number "
        "at /plan/versions/{number}.",
    )
    versions_count: int


class PlanItemOut(Schema):
    key: uuid.UUID
    kind: PlanItemKind
    text: str
    need_key: uuid.UUID | None
    responsible_principal: RefOut | None
    responsible_organisation: RefOut | None
    responsible_other: str
    hidden_from_guardians: bool = Field(
        ..., description="Left out of the guardians' copy (OSL 12 kap. 3 §, SEK-2)."
    )
    agreed_on: datetime.date | None = Field(
        ..., description="An effort: the day the first plan holding it was finalised."
    )
    started_on: datetime.date | None = Field(
        ..., description="An effort: the day it started; none while the child waits (RAD-2)."
    )


class PlanOut(Schema):
    number: int
    status: PlanStatus
    lock_version: int = Field(..., description="Send it back when saving or finalising.")
    child_view: str
    child_view_missing_reason: str
    no_measures_by_others: bool
    follow_up_on: datetime.date | None
    follow_up_how: str
    created_at: datetime.datetime
    finalised_at: datetime.datetime | None
    no_meeting_reason: str = Field(
        ..., description="Why version 1 was finalised without a held SIP meeting (SIP-10)."
    )
    items: list[PlanItemOut]
    missing: list[str] = Field(
        ...,
        description="A draft: what it lacks before it may be finalised (SIP-6, SIP-7, SIP-10).",
    )


class PlanConflictOut(ConflictOut):
    current: PlanOut | None = Field(
        None, description="A stale save: the draft as the other person saved it."
    )


PLAN_ERRORS: dict[int, Any] = {**ERRORS, 409: PlanConflictOut}


# --- building the shapes -------------------------------------------------------------------


def _ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": getattr(obj, "name", str(obj))}


def _list_item(case: Case) -> dict:
    return {
        "id": case.pk, "status": case.status, "child": _ref(case.child),
        "proposed_at": case.proposed_at,
        "initiating_organisation": _ref(case.initiating_organisation),
        "coordinator": _ref(case.coordinator),
        "coordinator_organisation": _ref(case.coordinator_organisation),
    }  # fmt: skip


def _consent_out(consent: Consent) -> dict:
    return {
        "id": consent.pk, "given_by": consent.given_by, "guardian": _ref(consent.guardian),
        "receiving_organisation": _ref(consent.receiving_organisation),
        "categories": consent.categories, "form": consent.form, "given_at": consent.given_at,
        "valid_until": consent.last_valid_day, "withdrawn_at": consent.withdrawn_at,
    }  # fmt: skip


def _handover_out(handover) -> dict:
    return {
        "id": handover.pk, "from_staff": _ref(handover.from_staff),
        "to_staff": _ref(handover.to_staff), "to_organisation": _ref(handover.to_organisation),
        "note": handover.note, "offered_at": handover.offered_at,
        "accepted_at": handover.accepted_at, "declined_at": handover.declined_at,
    }  # fmt: skip


def _meeting_out(meeting) -> dict:
    # Not the invitations' e-mail addresses or reply tokens: a token answers for the person.
    return {
        "id": meeting.pk, "starts_at": meeting.starts_at, "ends_at": meeting.ends_at,
        "place": meeting.place, "video_link": meeting.video_link,
        "cancelled_at": meeting.cancelled_at, "has_minutes": bool(meeting.minutes),
        "invitations": [
            {"id": i.pk, "kind": i.kind, "name": i.name, "reply": i.reply,
             "replied_at": i.replied_at}
            for i in meeting.invitations.all()
        ],
    }  # fmt: skip


def _sip_out(actor: Actor, case: Case, *, consents_page: int = 1) -> dict:
    """The SIP as its page shows it, what grows a page of it (read after `case_for` audited
    it)."""
    consents = sip_consents.consent_page_of_case(case, consents_page)
    versions = plan_selectors.version_page(case)
    parties = list(
        case.parties.select_related("organisation", "unit").order_by("organisation__name")
    )
    return {
        "id": case.pk, "status": case.status, "version": case.version,
        "child": _ref(case.child), "reason": case.reason, "proposed_at": case.proposed_at,
        "proposed_by": case.proposed_by_kind, "proposer_name": case.proposer_name,
        "first_contact_at": case.first_contact_at, "closed_at": case.closed_at,
        "close_reason": case.close_reason,
        "initiating_organisation": _ref(case.initiating_organisation),
        "coordinator": _ref(case.coordinator),
        "coordinator_organisation": _ref(case.coordinator_organisation),
        "parties": [
            {"organisation": _ref(case.initiating_organisation), "initiating": True,
             "invited_at": None},
            *[{"organisation": _ref(p.organisation), "initiating": False,
               "invited_at": p.invited_at, "unit": _ref(p.unit), "accepted_at": p.accepted_at}
              for p in parties],
        ],
        "consent": {"complete": not (missing := sip_consents.sip_consent_status(case).missing),
                    "missing": missing},
        "consents": [_consent_out(c) for c in consents],
        "consents_count": consents.paginator.count,
        "consents_pages": consents.paginator.num_pages,
        "relay": [_handover_out(h) for h in selectors.relay_of(case, latest=selectors.RELAY_SHOWN)],
        "steps": [step.__dict__ for step in deadlines.case_steps(case)],
        "meetings": [_meeting_out(m) for m in meeting_selectors.meetings_of_case(actor, case)],
        "versions": list(reversed(versions.object_list)),
        "versions_count": versions.paginator.count,
    }  # fmt: skip


def _item_out(item: PlanItem) -> dict:
    return {
        "key": item.key, "kind": item.kind, "text": item.text, "need_key": item.need_key,
        "responsible_principal": _ref(item.responsible_principal),
        "responsible_organisation": _ref(item.responsible_organisation),
        "responsible_other": item.responsible_other,
        "hidden_from_guardians": item.hidden_from_guardians,
        "agreed_on": item.agreed_on, "started_on": item.started_on,
    }  # fmt: skip


def _plan_out(version: PlanVersion, items: list[PlanItem], *, case: Case | None) -> dict:
    missing = []
    if case is not None and version.status == PlanVersion.Status.DRAFT:
        missing = plan_selectors.missing_for_finalising(case, version)
    return {
        "number": version.number, "status": version.status,
        "lock_version": version.lock_version, "child_view": version.child_view,
        "child_view_missing_reason": version.child_view_missing_reason,
        "no_measures_by_others": version.no_measures_by_others,
        "follow_up_on": version.follow_up_on, "follow_up_how": version.follow_up_how,
        "created_at": version.created_at, "finalised_at": version.finalised_at,
        "no_meeting_reason": version.no_meeting_reason,
        "items": [_item_out(item) for item in items], "missing": missing,
    }  # fmt: skip


def _plan(case: Case, version: PlanVersion) -> dict:
    items = list(plan_selectors.items_of(version))
    return _plan_out(version, items, case=case)


# --- the SIPs ------------------------------------------------------------------------------

PageQuery = Annotated[int, Query(ge=1, le=100_000, description="Pages of 25 SIPs.")]


@router.get("", response={200: SipPageOut, **SIP_ERRORS}, summary="SIPs you may see")
@_refusals
def sip_list(
    request: HttpRequest,
    status: SipStatus | None = None,
    mine: Annotated[bool, Query(description="Only the SIPs you coordinate")] = False,
    page: PageQuery = 1,
) -> dict:
    """The SIPs your organisation takes part in and may see, newest first. Listing them is
    reading them: one audit row names every child on the page."""
    result = selectors.case_page_for(_actor(request), status=status or "", mine=mine, page=page)
    return page_out(result, (_list_item(case) for case in result))


class LateStepOut(Schema):
    name: str
    due: datetime.date
    days_late: int


class OverdueOut(Schema):
    id: int
    status: SipStatus
    child: ChildRefOut | None = Field(
        ..., description="Withheld where a unit manager follows the SIP up without a ground "
        "to read the child."
    )  # fmt: skip
    proposed_at: datetime.datetime
    coordinator: RefOut | None
    coordinator_organisation: RefOut | None
    late: list[LateStepOut]


class OverduePageOut(PageOut):
    items: list[OverdueOut]


@router.get(
    "/invitations", response={200: list[SipInvitationOut], **SIP_ERRORS},
    summary="Invitations to your organisation that no unit has accepted",
)  # fmt: skip
@_refusals
def sip_invitations(request: HttpRequest) -> list[dict]:
    return [
        {"sip_id": party.case_id, "invited_by": _ref(party.invited_by),
         "initiating_organisation": _ref(party.case.initiating_organisation),
         "invited_at": party.invited_at}
        for party in selectors.invitations_for(_actor(request))
    ]  # fmt: skip


@router.post(
    "/{case_id}/accept", response={200: PartyOut, **SIP_ERRORS},
    summary="Accept the invitation for your unit (SEK-4)",
)  # fmt: skip
@_refusals
def sip_accept_invitation(request: HttpRequest, case_id: CaseId):
    """Your unit takes part: it gets a relationship with the child, and reads the SIP once a
    consent or a legal ground covers your organisation."""
    party = cases.accept_invitation(actor=request.auth, case_id=case_id)
    return Status(
        200,
        {"organisation": _ref(party.organisation), "initiating": False,
         "invited_at": party.invited_at, "unit": _ref(party.unit),
         "accepted_at": party.accepted_at},
    )  # fmt: skip


@router.get("/overdue", response={200: OverduePageOut, **SIP_ERRORS}, summary="Your overdue SIPs")
@_refusals
def sip_overdue(request: HttpRequest, page: PageQuery = 1) -> dict:
    """The SIPs you answer for with a step past its deadline (SIP-5), longest-waiting first."""
    result, rows = deadlines.overdue_page_for(_actor(request), page=page)
    return page_out(result, (
        {"id": row.case.pk, "status": row.case.status,
         "child": _ref(row.case.child) if row.child_visible else None,
         "proposed_at": row.case.proposed_at, "coordinator": _ref(row.case.coordinator),
         "coordinator_organisation": _ref(row.case.coordinator_organisation),
         "late": [step.__dict__ for step in row.late]}
        for row in rows
    ))  # fmt: skip


@router.get("/{case_id}", response={200: SipOut, **SIP_ERRORS}, summary="One SIP")
@_refusals
def sip_detail(
    request: HttpRequest,
    case_id: CaseId,
    consents_page: Annotated[
        int, Query(ge=1, le=100_000, description="Pages of 25 consents, newest first.")
    ] = 1,
) -> dict:
    return _sip_out(request.auth, _open(request, case_id), consents_page=consents_page)


class SipIn(Schema):
    child_id: Id
    reason: str = Text(..., min_length=1, max_length=4000)
    proposed_by_kind: Proposer = Case.Proposer.STAFF  # type: ignore[assignment]
    proposer_name: str = Text("", max_length=200)
    party_ids: list[Id] = Field(
        [], max_length=50, description="Organisations of the child's area to invite."
    )
    receiving_organisation_id: Id | None = Field(
        None, description="Where your organisation may only propose: the social services or "
        "health care organisation that is to take the SIP up (SIP-2)."
    )  # fmt: skip


class SipProposedOut(Schema):
    id: int = Field(..., description="The SIP opened, or the child's open SIP joined.")
    status: SipStatus | None = Field(
        ..., description="Withheld (null) when joined: your organisation reads the SIP once a "
        "unit of it accepts the invitation and a consent or a legal ground covers it."
    )  # fmt: skip
    joined: bool = Field(
        False, description="The child already had an open SIP (SIP-9): your organisation is "
        "now an invited party of it, with the need as `reason`; a unit accepts as usual "
        "(POST /api/sip/{id}/accept)."
    )  # fmt: skip


@router.post(
    "", response={200: SipProposedOut, **SIP_ERRORS}, summary="Propose or initiate a SIP",
    openapi_extra={"responses": {422: {"description": (
        "Bad input; or the child already has an open SIP your organisation takes part in "
        "(SIP-9): then `detail[0].type` is `sip_already_open` and `detail[0].sip_id` names "
        "the SIP to add the need to."
    )}}},
)  # fmt: skip
@_refusals
def sip_propose(request: HttpRequest, payload: SipIn):
    """A child has at most one open SIP (SIP-9, ADR 0009). With none open, the SIP is opened
    (initiated, or proposed to the organisation that takes it up). With one open that your
    organisation does not take part in, your organisation joins it as an invited party:
    `joined` is true. With one open that it takes part in, a 422 names it."""
    actor = _actor(request)
    # The child is opened as on the page (a denial is audited), then the service decides.
    child, _decision = children.opened_child(
        actor, child_id=payload.child_id, purpose=rules.default_purpose(actor), obj="child"
    )
    try:
        opened = cases.open_or_join_case(
            actor=actor, child_id=child.pk, reason=payload.reason,
            proposed_by_kind=payload.proposed_by_kind, proposer_name=payload.proposer_name,
            party_ids=payload.party_ids,
            receiving_organisation_id=payload.receiving_organisation_id,
        )  # fmt: skip
    except rules.AccessDenied:
        return errors.not_found()
    except cases.SipAlreadyOpen as refused:
        return Status(
            422,
            {"detail": [{"loc": ["body", "child_id"], "msg": refused.messages[0],
                         "type": "sip_already_open", "sip_id": refused.case_id}]},
        )  # fmt: skip
    if opened.joined:
        return Status(200, {"id": opened.case.pk, "status": None, "joined": True})
    return Status(200, {"id": opened.case.pk, "status": opened.case.status, "joined": False})


class FirstContactIn(Schema):
    contacted_on: datetime.date


@router.post(
    "/{case_id}/first-contact", response={200: SipOut, **SIP_ERRORS},
    summary="Record the first contact (SIP-5)",
)  # fmt: skip
@_refusals
def sip_first_contact(request: HttpRequest, case_id: CaseId, payload: FirstContactIn) -> dict:
    _open(request, case_id)
    cases.record_first_contact(
        actor=request.auth, case_id=case_id, contacted_on=payload.contacted_on
    )
    return _sip_out(request.auth, _open(request, case_id))


class PartyIn(Schema):
    organisation_id: Id


@router.post(
    "/{case_id}/parties", response={200: PartyOut, **SIP_ERRORS},
    summary="Invite an organisation",
)  # fmt: skip
@_refusals
def sip_invite_party(request: HttpRequest, case_id: CaseId, payload: PartyIn):
    _open(request, case_id)
    party = cases.invite_party(
        actor=request.auth, case_id=case_id, organisation_id=payload.organisation_id
    )
    return Status(
        200,
        {
            "organisation": _ref(party.organisation),
            "initiating": False,
            "invited_at": party.invited_at,
        },
    )


class ConsentIn(Schema):
    given_by: ConsentGiver
    guardian_id: Id | None = Field(None, description="Required when a guardian consents.")
    receiving_organisation_ids: list[Id] = Field(..., min_length=1, max_length=50)
    categories: list[ConsentCategory] = Field(
        [], max_length=10, description="Besides the plan, which every SIP consent covers."
    )
    form: ConsentForm
    given_on: datetime.date
    valid_until: datetime.date = Field(
        ..., description="The last day the consent holds (until and including)."
    )


@router.post(
    "/{case_id}/consents", response={200: list[ConsentOut], **SIP_ERRORS},
    summary="Record one person's consent (SIP-3, SIP-4)",
)  # fmt: skip
@_refusals
def sip_record_consent(request: HttpRequest, case_id: CaseId, payload: ConsentIn):
    _open(request, case_id)
    recorded = sip_consent_services.record_sip_consent(
        actor=request.auth, case_id=case_id, given_by=payload.given_by,
        guardian_id=payload.guardian_id,
        receiving_organisation_ids=payload.receiving_organisation_ids,
        categories=[str(c) for c in payload.categories], form=payload.form,
        given_on=payload.given_on, valid_until=payload.valid_until,
    )  # fmt: skip
    rows = Consent.objects.filter(pk__in=[c.pk for c in recorded]).select_related(
        "guardian", "receiving_organisation"
    )
    return Status(200, [_consent_out(c) for c in rows.order_by("pk")])


@router.post(
    "/{case_id}/consents/{consent_id}/withdraw", response={200: ConsentOut, **SIP_ERRORS},
    summary="Withdraw a consent: it stops sharing at once",
)  # fmt: skip
@_refusals
def sip_withdraw_consent(
    request: HttpRequest, case_id: CaseId, consent_id: Annotated[int, Path(ge=1, le=MAX_ID)]
):
    _open(request, case_id)
    withdrawn = sip_consent_services.withdraw_sip_consent(
        actor=request.auth, case_id=case_id, consent_id=consent_id
    )
    # Answered from the row, not by reading the SIP again: the receiving organisation that
    # records its own consent's withdrawal may no longer see the SIP.
    withdrawn = Consent.objects.select_related("guardian", "receiving_organisation").get(
        pk=withdrawn.pk
    )
    return _consent_out(withdrawn)


class MaturityIn(Schema):
    mature: bool
    reasoning: str = Text(..., min_length=1, max_length=4000)


class MaturityOut(Schema):
    id: int
    mature: bool
    reasoning: str
    assessed_at: datetime.datetime


@router.post(
    "/{case_id}/maturity", response={200: MaturityOut, **SIP_ERRORS},
    summary="Record whether the child is mature enough to consent (SIP-4)",
)  # fmt: skip
@_refusals
def sip_record_maturity(request: HttpRequest, case_id: CaseId, payload: MaturityIn):
    _open(request, case_id)
    assessment = sip_consent_services.record_sip_maturity(
        actor=request.auth, case_id=case_id, mature=payload.mature, reasoning=payload.reasoning
    )
    return Status(200, assessment)


class OtherInviteeIn(Schema):
    name: str = Text(..., min_length=1, max_length=200)
    email: str = Field("", max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+$")


class MeetingIn(Schema):
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    place: str = Text("", max_length=200)
    video_link: str = Text("", max_length=200)
    staff_ids: list[Id] = Field([], max_length=100, description="Staff ids of the parties.")
    guardian_ids: list[Id] = Field([], max_length=10)
    invite_child: bool = False
    child_email: str = Field("", max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+$")
    others: list[OtherInviteeIn] = Field([], max_length=20)


@router.post(
    "/{case_id}/meetings", response={200: MeetingOut, **SIP_ERRORS},
    summary="Book a SIP meeting and send the invitations",
)  # fmt: skip
@_refusals
def sip_book_meeting(request: HttpRequest, case_id: CaseId, payload: MeetingIn):
    _open(request, case_id)
    meeting = meetings.book_meeting(
        actor=request.auth, case_id=case_id, starts_at=payload.starts_at,
        ends_at=payload.ends_at, place=payload.place, video_link=payload.video_link,
        staff_ids=payload.staff_ids, guardian_ids=payload.guardian_ids,
        invite_child=payload.invite_child, child_email=payload.child_email,
        others=[meetings.OtherInvitee(o.name, o.email) for o in payload.others],
        base_url=request.build_absolute_uri("/"),
    )  # fmt: skip
    return Status(200, _meeting_out(meeting))


class HandoverIn(Schema):
    membership_id: Id = Field(..., description="The membership of the staff member offered it.")
    note: str = Text("", max_length=2000)


HandoverId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post(
    "/{case_id}/handover", response={200: HandoverOut, **SIP_ERRORS},
    summary="Offer the coordinator role",
)  # fmt: skip
@_refusals
def sip_offer_handover(request: HttpRequest, case_id: CaseId, payload: HandoverIn):
    _open(request, case_id)
    handover = cases.offer_handover(
        actor=request.auth, case_id=case_id, membership_id=payload.membership_id,
        note=payload.note,
    )  # fmt: skip
    return Status(200, _handover_out(handover))


@router.post(
    "/{case_id}/handover/{handover_id}/accept", response={200: SipOut, **SIP_ERRORS},
    summary="Accept the coordinator role: only now does it pass",
)  # fmt: skip
@_refusals
def sip_accept_handover(request: HttpRequest, case_id: CaseId, handover_id: HandoverId):
    _open(request, case_id)
    cases.accept_handover(actor=request.auth, case_id=case_id, handover_id=handover_id)
    return _sip_out(request.auth, _open(request, case_id))


@router.post(
    "/{case_id}/handover/{handover_id}/decline", response={200: HandoverOut, **SIP_ERRORS},
    summary="Decline the coordinator role",
)  # fmt: skip
@_refusals
def sip_decline_handover(request: HttpRequest, case_id: CaseId, handover_id: HandoverId):
    _open(request, case_id)
    handover = cases.decline_handover(actor=request.auth, case_id=case_id, handover_id=handover_id)
    return _handover_out(handover)


class CloseIn(Schema):
    reason: str = Text(..., min_length=1, max_length=2000)
    version: int = Field(..., ge=1, description="The SIP's `version` as you read it.")


@router.post(
    "/{case_id}/close", response={200: SipOut, **SIP_ERRORS},
    summary="Close the SIP (it stays readable)",
)  # fmt: skip
@_refusals
def sip_close(request: HttpRequest, case_id: CaseId, payload: CloseIn):
    _open(request, case_id)
    cases.close_case(
        actor=request.auth, case_id=case_id, reason=payload.reason, version=payload.version
    )
    return _sip_out(request.auth, _open(request, case_id))


# --- the plan ------------------------------------------------------------------------------


def _open_plan(request: HttpRequest, case_id: int) -> Case:
    return plan_selectors.plan_case_for(_actor(request), case_id=case_id)[0]


@router.get("/{case_id}/plan", response={200: PlanOut, **PLAN_ERRORS}, summary="The plan")
@_refusals
def plan_current(request: HttpRequest, case_id: CaseId):
    """The draft if there is one, else the latest finalised version. Items hidden from the
    guardians are included and marked."""
    case = _open_plan(request, case_id)
    version = plan_selectors.current_version(case)
    if version is None:
        return Status(404, {"detail": _("The SIP has no plan yet.")})
    return _plan(case, version)


@router.get(
    "/{case_id}/plan/versions/{number}", response={200: PlanOut, **PLAN_ERRORS},
    summary="One version of the plan",
)  # fmt: skip
@_refusals
def plan_version(
    request: HttpRequest, case_id: CaseId, number: Annotated[int, Path(ge=1, le=32767)]
):
    case = _open_plan(request, case_id)
    return _plan(case, plan_selectors.version_of(case, number))


@router.post(
    "/{case_id}/plan/start", response={200: PlanOut, **PLAN_ERRORS},
    summary="Start the draft (version 1, or the next version at a follow-up)",
)  # fmt: skip
@_refusals
def plan_start(request: HttpRequest, case_id: CaseId):
    case = _open_plan(request, case_id)
    version = plan_services.start_plan(actor=request.auth, case_id=case_id)
    return _plan(case, version)


class PlanItemIn(Schema):
    key: uuid.UUID | None = Field(
        None, description="Keep an item's key across saves and versions; none for a new item."
    )
    kind: PlanItemKind
    text: str = Text(..., min_length=1, max_length=4000)
    need_key: uuid.UUID | None = Field(None, description="The need a goal or effort serves.")
    responsible_principal_id: Id | None = None
    responsible_organisation_id: Id | None = None
    responsible_other: str = Text("", max_length=200)
    hidden_from_guardians: bool = False


class PlanIn(Schema):
    lock_version: int = Field(..., ge=1, description="The draft's `lock_version` as you read it.")
    child_view: str = Text("", max_length=8000)
    child_view_missing_reason: str = Text("", max_length=2000)
    no_measures_by_others: bool = False
    follow_up_on: datetime.date | None = None
    follow_up_how: str = Text("", max_length=2000)
    items: list[PlanItemIn] = Field([], max_length=200)


@router.put(
    "/{case_id}/plan", response={200: PlanOut, **PLAN_ERRORS},
    summary="Save the draft (optimistic locking: a stale lock_version is a 409)",
)  # fmt: skip
@_refusals
def plan_save(request: HttpRequest, case_id: CaseId, payload: PlanIn):
    case = _open_plan(request, case_id)
    draft = plan_services.save_draft(
        actor=request.auth, case_id=case_id, lock_version=payload.lock_version,
        child_view=payload.child_view,
        child_view_missing_reason=payload.child_view_missing_reason,
        no_measures_by_others=payload.no_measures_by_others,
        follow_up_on=payload.follow_up_on, follow_up_how=payload.follow_up_how,
        items=[
            plan_services.ItemInput(**{**item.model_dump(), "key": item.key or uuid.uuid4(),
                                       "kind": str(item.kind)})
            for item in payload.items
        ],
    )  # fmt: skip
    return _plan(case, draft)


class PlanFinaliseIn(Schema):
    lock_version: int = Field(..., ge=1, description="The draft's `lock_version` as you read it.")
    no_meeting_reason: str = Text(
        "", max_length=2000,
        description="Version 1 only, and only before a SIP meeting has been held with its minutes "
        "recorded: why the plan is finalised without one (SIP-10). Shown on the plan.",
    )  # fmt: skip


@router.post(
    "/{case_id}/plan/finalise", response={200: PlanOut, **PLAN_ERRORS},
    summary="Finalise the draft: refused (409) naming each missing SIP-6/SIP-7/SIP-10 point",
)  # fmt: skip
@_refusals
def plan_finalise(request: HttpRequest, case_id: CaseId, payload: PlanFinaliseIn):
    case = _open_plan(request, case_id)
    version = plan_services.finalise_plan(
        actor=request.auth, case_id=case_id, lock_version=payload.lock_version,
        no_meeting_reason=payload.no_meeting_reason,
    )  # fmt: skip
    return _plan(case, version)


class EffortStartedIn(Schema):
    started_on: datetime.date | None = Field(
        None, description="The day the effort started; today if left out."
    )


@router.post(
    "/{case_id}/plan/efforts/{key}/started", response={200: PlanOut, **PLAN_ERRORS},
    summary="Record an effort of the plan in force as started (RAD-2), once",
)  # fmt: skip
@_refusals
def plan_effort_started(
    request: HttpRequest, case_id: CaseId, key: uuid.UUID, payload: EffortStartedIn
):
    """By the organisation responsible for the effort or the SIP's coordinating organisation;
    audited. The plan in force is returned."""
    case = _open_plan(request, case_id)
    effort = efforts.record_effort_started(
        actor=request.auth, case_id=case_id, key=key, started_on=payload.started_on
    )
    return _plan(case, effort.version)


Value = str | bool | datetime.date | None


class FieldChangeOut(Schema):
    name: str
    label: str
    old: Value
    new: Value


class ItemChangeOut(Schema):
    status: str = Field(..., description="added, removed or changed")
    fields: list[str]
    old: PlanItemOut | None
    new: PlanItemOut | None


class DiffOut(Schema):
    from_version: int
    to_version: int
    fields: list[FieldChangeOut]
    items: list[ItemChangeOut]
    unchanged: int


VersionQuery = Annotated[int | None, Query(ge=1, le=32767)]


@router.get(
    "/{case_id}/plan/diff", response={200: DiffOut, **PLAN_ERRORS},
    summary="What changed between two versions (SIP-8)",
)  # fmt: skip
@_refusals
def plan_diff(
    request: HttpRequest,
    case_id: CaseId,
    from_: Annotated[int | None, Query(ge=1, le=32767, alias="from")] = None,
    to: VersionQuery = None,
):
    """`to` defaults to the latest version, `from` to the one before it."""
    case = _open_plan(request, case_id)
    versions = {v.number: v for v in plan_selectors.versions_of(case)}
    new = to or max(versions, default=None)
    old = from_ or (new - 1 if new else None)
    if old == new:
        raise ValidationError({"from": _("Choose two different versions of this plan.")})
    if old not in versions or new not in versions:
        raise plan_selectors.VersionNotFound(old if old not in versions else new)
    diff = plan_selectors.diff_versions(
        plan_selectors.plan_view(versions[old]), plan_selectors.plan_view(versions[new])
    )
    return {
        "from_version": old, "to_version": new,
        "fields": [change.__dict__ for change in diff.fields],
        "items": [
            {"status": c.status, "fields": list(c.fields),
             "old": _item_out(c.old) if c.old else None,
             "new": _item_out(c.new) if c.new else None}
            for c in diff.items
        ],
        "unchanged": diff.unchanged,
    }  # fmt: skip
