"""Helpers every form page shares."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def add_validation_errors(form, error: ValidationError, renamed: dict[str, str] | None = None):
    """Put a service's ValidationError on the form: field errors on their fields (a model field
    may go by another form field's name: `renamed`), the rest at the top."""
    renamed = renamed or {}
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            name = renamed.get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class WithoutSummary:
    """A form as `includes/form.html` sees it, minus its error summary: a page with several
    forms shows one summary for all of them (one heading id, one place to start)."""

    errors = None

    def __init__(self, form):
        self._form = form

    def __getattr__(self, name):
        return getattr(self._form, name)

    def __iter__(self):
        return iter(self._form)

    def __getitem__(self, name):
        return self._form[name]
