"""Children (barn) over the API: through the same selectors as the pages, so the same access
rules decide and the same audit rows are written."""

import datetime
from typing import Annotated, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Purpose
from samsyn.api.pagination import PageOut, Pagination, page_out
from samsyn.api.schemas import ERRORS, MAX_ID, NO_NUL, OrganisationKind
from samsyn.audit import services as audit
from samsyn.children import selectors

router = Router(tags=["children"])

PurposeQuery = Annotated[
    Purpose | None,
    Query(description="Why you read; defaults to your role's usual purpose. Audited."),
]
Q_DESCRIPTION = "Name or identity number"


class MunicipalityOut(Schema):
    id: int
    name: str


class ChildListOut(Schema):
    id: int
    name: str
    identity_number: str = Field(..., alias="identity_display")
    municipality: MunicipalityOut | None = Field(
        ..., description="Withheld for a protected identity (it would tell where the child lives)."
    )

    @staticmethod
    def resolve_municipality(child) -> object:
        # Withheld in the list for every protected identity, even from a unit with a recorded
        # need: the summary shows it to those, after its own audited access check.
        return None if child.protected_identity else child.municipality


class AddressOut(Schema):
    street_address: str
    postal_code: str
    city: str


class GuardianOut(Schema):
    name: str


class InvolvedUnitOut(Schema):
    organisation_id: int
    organisation: str
    organisation_kind: OrganisationKind
    unit_id: int
    unit: str


class ChildOut(Schema):
    id: int
    name: str
    identity_number: str
    age: int
    municipality: MunicipalityOut | None = Field(
        ..., description="Withheld for a protected identity unless your unit has a recorded need."
    )
    protected_identity: bool
    address: AddressOut | None = Field(
        ..., description="Only when your ground covers contact details (and a recorded need, "
        "for a protected identity)."
    )  # fmt: skip
    guardians: list[GuardianOut]
    involved: list[InvolvedUnitOut] = Field(
        ..., description="Units involved with the child, as far as your grounds reach."
    )
    purpose: Purpose
    ground: Literal["involvement", "oversight", "emergency", "consent", "legal_ground"] = Field(
        ..., description="What allowed this read: your unit's involvement, a unit manager's "
        "oversight of the unit's involvements, your emergency access, a consent, or a recorded "
        "legal ground."
    )  # fmt: skip


class AuditedChildPagination(Pagination):
    """Listing children is reading them, as on the web page: one audit row names every child on
    the page, so the log answers "who saw this child" for lists too, in a bounded number of
    queries."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        actor: Actor = request.auth
        with transaction.atomic():
            result = super().paginate_queryset(queryset, pagination, request, **params)
            result["items"] = children = list(result["items"])
            selectors.record_list_read(
                actor, child_ids=[c.pk for c in children], page=pagination.page,
                purpose=params.get("purpose") or rules.default_purpose(actor),
                query=params.get("q", ""),
            )  # fmt: skip
        return result


def _shows_location(view: selectors.ChildView) -> bool:
    # Protected identity hides where the child lives, the municipality included.
    return view.shows_address or not view.child.protected_identity


def _actor_searching_children(request: HttpRequest, child_id: int | None = None) -> Actor:
    actor: Actor = request.auth
    if not rules.can(actor, "children.search"):
        audit.record_refused_role(actor=actor, permission="children.search", child_id=child_id)
        raise HttpError(403, _("Your role does not work with individual children."))
    return actor


@router.get("", response={200: list[ChildListOut], **ERRORS}, summary="Children you may see")
@paginate(AuditedChildPagination)
def child_list(
    request: HttpRequest,
    q: Annotated[str, Query(max_length=100, pattern=NO_NUL, description=Q_DESCRIPTION)] = "",
    purpose: PurposeQuery = None,
):
    actor = _actor_searching_children(request)
    purpose = purpose or rules.default_purpose(actor)
    return selectors.children_visible_to(actor, purpose=purpose, query=q)


@router.get("/{child_id}", response={200: ChildOut, **ERRORS}, summary="A child's summary")
def child_detail(
    request: HttpRequest,
    child_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    purpose: PurposeQuery = None,
) -> dict:
    actor = _actor_searching_children(request, child_id)
    try:
        view = selectors.child_for(
            actor, child_id=child_id, purpose=purpose or rules.default_purpose(actor)
        )
    except selectors.ChildNotFound:
        # The same body as for an id that does not exist: ids cannot be probed.
        raise HttpError(404, _("Not found.")) from None
    child = view.child
    return {
        "id": child.pk,
        "name": child.name,
        "identity_number": child.identity_display,
        "age": child.age,
        "municipality": child.municipality if _shows_location(view) else None,
        "protected_identity": child.protected_identity,
        "address": child if view.shows_address else None,
        "guardians": view.guardians,
        "involved": [
            {
                "organisation_id": involvement.unit.organisation.pk,
                "organisation": involvement.unit.organisation.name,
                "organisation_kind": involvement.unit.organisation.kind,
                "unit_id": involvement.unit.pk,
                "unit": involvement.unit.name,
            }
            for involvement in view.involvements
        ],
        "purpose": view.purpose,
        "ground": view.decision.basis,
    }


class TimelineEntryOut(Schema):
    at: datetime.datetime | datetime.date = Field(
        ..., description="A moment, or a day for a record that carries only its day."
    )
    source: str = Field(..., description="contact, report, investigation, sip, sip_meeting, …")
    kind: str = Field(..., description="What it is, in your language.")
    title: str
    organisation: str = Field(..., description="The organisation the record belongs to.")
    url: str = Field(..., description="Its page, where it has one.")
    detail: str


class TimelineOut(PageOut):
    items: list[TimelineEntryOut]


@router.get(
    "/{child_id}/timeline", response={200: TimelineOut, **ERRORS},
    summary="The child's timeline, newest first",
)  # fmt: skip
def child_timeline(
    request: HttpRequest,
    child_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    purpose: PurposeQuery = None,
    page: Annotated[int, Query(ge=1, le=100_000, description="Pages of 25 entries.")] = 1,
) -> dict:
    """Every contact, report of concern, investigation, SIP with its meetings and finalised plan
    versions, linked consultation, admission with its notices, and your organisation's radar
    signals — only what access lets you read for the purpose. One audit row names the page's
    entries; a child you may not see is 404, the attempt logged."""
    actor = _actor_searching_children(request, child_id)
    purpose = purpose or rules.default_purpose(actor)
    try:
        child, _decision = selectors.opened_child(
            actor, child_id=child_id, purpose=purpose, obj="timeline"
        )
    except selectors.ChildNotFound:
        raise HttpError(404, _("Not found.")) from None
    result = selectors.timeline_for(actor, child, purpose=purpose, page=page)
    return page_out(result, (vars(entry) for entry in result.object_list))
