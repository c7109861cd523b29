"""The directory (katalog) over the API: who does what, and how to reach them. No personal data,
but still only for an actor: the directory describes the county's internal routes."""

from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from samsyn.access import rules
from samsyn.api.pagination import Pagination
from samsyn.api.schemas import ERRORS, MAX_ID, NO_NUL, OrganisationKind, PrincipalKind
from samsyn.directory import selectors
from samsyn.directory.models import Organisation, Principal

router = Router(tags=["directory"])
Q_DESCRIPTION = "Words of the name, mandate or competence"


class PrincipalOut(Schema):
    id: int
    name: str
    kind: PrincipalKind
    code: str


class OrganisationOut(Schema):
    id: int
    name: str
    kind: OrganisationKind
    principal: PrincipalOut
    mandate: str
    competence: str
    phone: str


class UnitOut(Schema):
    id: int
    name: str
    address: str
    municipality: str | None = Field(None, alias="municipality.name")
    staff_count: int


class OrganisationDetailOut(OrganisationOut):
    # Only here: the list defers these long texts.
    priorities: str
    contact_route: str
    units: list[UnitOut] = Field(..., alias="units_list")


def _require_directory(request: HttpRequest) -> None:
    if not rules.can(request.auth, "directory.view"):
        raise HttpError(403, _("Your role may not use the directory."))


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **ERRORS},
    summary="Search organisations",
)
@paginate(Pagination)
def organisation_list(
    request: HttpRequest,
    q: Annotated[str, Query(max_length=100, pattern=NO_NUL, description=Q_DESCRIPTION)] = "",
    kind: OrganisationKind | None = None,
    principal: Annotated[int | None, Query(ge=1, le=MAX_ID, description="A principal's id")] = None,
):
    _require_directory(request)
    principal_obj = None
    if principal is not None:
        principal_obj = Principal.objects.filter(pk=principal).first()
        if principal_obj is None:
            return Organisation.objects.none()
    return selectors.organisations(query=q, principal=principal_obj, kind=kind or "")


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationDetailOut, **ERRORS},
    summary="One organisation with its units",
)
def organisation_detail(
    request: HttpRequest, organisation_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> Organisation:
    _require_directory(request)
    try:
        organisation = selectors.organisation_for(organisation_id=organisation_id)
    except selectors.OrganisationNotFound:
        raise HttpError(404, _("Not found.")) from None
    organisation.units_list = list(selectors.units_of(organisation))
    return organisation
