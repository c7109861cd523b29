"""The API's answers to the services' refusals, the same for every operation: a record that does
not exist and one the caller may not see are the same 404; a refusal by the rules is a 422 in the
shape of ninja's own validation errors."""

from __future__ import annotations

import functools
import inspect
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


def refused(detail: str) -> Callable[[ValidationError], Status]:
    """A refusal by the rules as a 400 rather than a 422, for a router whose steps the rules
    refuse for reasons the caller can act on: `detail` says what was refused, `messages` each
    reason and `fields` the input each is about (`RefusedOut`)."""

    def respond(error: ValidationError) -> Status:
        fields = (
            {name: ValidationError(errors).messages for name, errors in error.error_dict.items()}
            if hasattr(error, "error_dict")
            else {}
        )
        return Status(400, {"detail": str(detail), "messages": error.messages, "fields": fields})

    return respond


def answer(error: Exception, forbidden: str, *answers: tuple[Any, Callable[[Any], Status]]):
    """A service's refusal as a response, the same way for every router: not found and not
    yours the same 404, a step the actor may not take a 403 saying `forbidden`, then the
    router's own `answers` (exception type, response) in order — a stale version's 409 before
    the ValidationError it is — and any other ValidationError a 422. Anything else is raised
    again."""
    if isinstance(error, NotFound):
        answered(error)
        return not_found()
    if isinstance(error, AccessDenied):
        answered(error)
        return Status(403, {"detail": str(forbidden)})
    for kind, respond in answers:
        if isinstance(error, kind):
            return respond(error)
    if isinstance(error, ValidationError):
        return invalid(error)
    raise error


def refusals(forbidden: str, *answers: tuple[Any, Callable[[Any], Status]]) -> Callable:
    """The decorator each router puts under its operations' route, made once per router:
    `_refusals = errors.refusals(gettext_lazy(…), …)` turns the services' refusals into
    responses through `answer`. The texts are lazy, as the router is made at import, and read
    in the request's language."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except Exception as error:
                return answer(error, forbidden, *answers)

        # ninja resolves a signature's string annotations in the wrapper's module, this one,
        # where the router's types are unknown: hand it the view's, resolved in the router's.
        wrapper.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
        return wrapper

    return decorate
