"""Helpers every form page shares."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


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


def limit_text(length: int):
    return ngettext_lazy(
        "At most %(limit)d character.", "At most %(limit)d characters.", length
    ) % {"limit": length}


class LongTextField(forms.CharField):
    """A text area that counts its characters where people see it (samsyn.js) and has no
    `maxlength`: the browser would cut a pasted or typed text at the limit without a word. The
    form refuses a text over `max_length` instead, with the reason, and keeps it to shorten."""

    def __init__(self, *, max_length: int, rows: int = 3, **kwargs):
        kwargs.setdefault("help_text", limit_text(max_length))
        super().__init__(
            max_length=max_length, strip=True, widget=forms.Textarea(attrs={"rows": rows}),
            **kwargs,
        )  # fmt: skip

    def to_python(self, value):
        # Browsers send a line break as "\r\n"; counted as one, as on the page, and stored so.
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        # The counter's words, translated here: the script has no catalogue of its own.
        attrs["data-counter"] = str(self.max_length)
        attrs["data-counter-text"] = _("%(count)s of %(limit)s characters")
        attrs["data-counter-over"] = _("%(count)s of %(limit)s characters: %(over)s too many")
        return attrs


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
