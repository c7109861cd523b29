"""Shapes shared by every operation: the error bodies and the id bounds."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import TextChoices
from ninja import Schema

from samsyn.directory.models import Organisation, Principal

# Ids are PostgreSQL bigints: a larger number in a path must be a 422, not a database error.
MAX_ID = 2**63 - 1

# A NUL byte cannot reach PostgreSQL in a text parameter; refuse it as bad input.
NO_NUL = r"^[^\x00]*$"


class ErrorOut(Schema):
    detail: str


class RefOut(Schema):
    """A record named in another's answer: a unit, an organisation, a person."""

    id: int
    name: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


class ConflictOut(Schema):
    """A refusal by the state of things, not by the input: the SIP's state machine, a consent
    still missing, a stale version. `messages` names each reason in the user's language."""

    detail: str
    messages: list[str] = []


class RefusedOut(Schema):
    """A step the rules refuse, with each reason in the user's language; `fields` names the
    input each reason is about, where it is about one."""

    detail: str
    messages: list[str] = []
    fields: dict[str, list[str]] = {}


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut}


def api_enum(name: str, choices: type[TextChoices]) -> type[StrEnum]:
    """A model's choices under a name of the API's own: two models' `Kind`s would otherwise
    collide in the OpenAPI document and get module-path names."""
    return StrEnum(name, {member.name: member.value for member in choices})


OrganisationKind = api_enum("OrganisationKind", Organisation.Kind)
PrincipalKind = api_enum("PrincipalKind", Principal.Kind)
