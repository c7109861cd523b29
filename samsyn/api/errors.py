"""The API's answers to the services' refusals, the same for every operation: a record that does
not exist and one the caller may not see are the same 404; a refusal by the rules is a 422 in the
shape of ninja's own validation errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Status

from samsyn.common.errors import AccessDenied, NotFound, answered


def not_found() -> Status:
    return Status(404, {"detail": _("Not found.")})


def invalid(error: ValidationError) -> Status:
    """A service's ValidationError as a 422: one entry per message, at the field it is about
    (`__all__`, a refusal of the whole request, at the body)."""
    if hasattr(error, "error_dict"):
        detail = [
            {"loc": ["body"] if name == "__all__" else ["body", name], "msg": message,
             "type": "value_error"}
            for name, errors in error.error_dict.items()
            for message in ValidationError(errors).messages
        ]  # fmt: skip
    else:
        detail = [{"loc": ["body"], "msg": m, "type": "value_error"} for m in error.messages]
    return Status(422, {"detail": detail})


def answer(error: Exception, forbidden: str, *answers: tuple[Any, Callable[[Any], Status]]):
    """A service's refusal as a response, the same way for every router: not found and not
    yours the same 404, a step the actor may not take a 403 saying `forbidden`, then the
    router's own `answers` (exception type, response) in order — a stale version's 409 before
    the ValidationError it is — and any other ValidationError a 422. Anything else is raised
    again. Each router's `_refusals` wrapper calls it, so ninja still reads the operation's
    signature in the router's own module."""
    if isinstance(error, NotFound):
        answered(error)
        return not_found()
    if isinstance(error, AccessDenied):
        answered(error)
        return Status(403, {"detail": forbidden})
    for kind, respond in answers:
        if isinstance(error, kind):
            return respond(error)
    if isinstance(error, ValidationError):
        return invalid(error)
    raise error
