"""The API's answers to the services' refusals, the same for every operation: a record that does
not exist and one the caller may not see are the same 404; a refusal by the rules is a 422 in the
shape of ninja's own validation errors."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Status


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
