"""The house patterns for pages that change something, and the one mapping of the domain's
refusals to page responses (the API has its own in `api/sip.py`, with the same status codes):

- `NotFound` (every kind's own not-found): 404, missing and not yours alike;
- `AccessDenied` (the record may be seen, not changed this way): 403, the one 403 page
  (`403.html`) that a role without the view's permission also gets;
- `ValidationError` (`TransitionRefused` and `PlanIncomplete` among them): the page's error
  summary, with what the user typed kept.

`refusals` goes on every view that opens a record; `handle_form` and `handle_action` apply it to
the step they take, so a view has no try/except of its own for these.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from samsyn.common import form_tokens
from samsyn.common.errors import AccessDenied, NotFound, answered
from samsyn.common.forms import add_validation_errors


class Conflict(ValidationError):
    """A refusal that also puts something beside the form: after a stale save the other
    person's values next to the user's, and the version that saves over them knowingly."""

    def __init__(self, message, **context):
        super().__init__(message)
        self.context = context


def refusals(view: Callable) -> Callable:
    """NotFound becomes a 404 and AccessDenied a 403, raised as Django's own so its handlers
    render the pages."""

    @functools.wraps(view)
    def mapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except NotFound as error:
            answered(error)
            raise Http404 from None
        except AccessDenied as error:
            answered(error)
            raise PermissionDenied from None

    return mapped


def handle_form(
    request: HttpRequest,
    form: BaseForm,
    save: Callable[[dict], str],
    *,
    success: str,
    template: str,
    context: dict,
    renamed: dict[str, str] | None = None,
    token: bool = True,
    valid: Callable[[], bool] | None = None,
) -> HttpResponse:
    """A page with one form. A valid POST calls `save(cleaned_data)`, which takes the step and
    returns the URL to go to; the page then says `success` there. A ValidationError from `save`
    goes on the form (`renamed`: a model field shown under another form field's name), a
    `Conflict` adds its context to the page; anything else refused is as in `refusals`.

    A one-time token guards against a double submit: the repeat goes where the first led,
    saying it was already saved, and an expired token keeps the form and says why. A page whose
    service takes a repeat as a no-op by itself (the form carries the record's version, or the
    step is done once) passes `token=False`. A page of several forms passes `valid`, which
    validates them all; the errors of the step itself still go on `form`."""
    page = {"form": form, **context}
    is_valid = valid or form.is_valid
    key = request.POST.get("form_token", "")
    if request.method == "POST":
        state = form_tokens.state(request, key) if token else None
        if isinstance(state, str):
            return form_tokens.already_saved(request, state)
        if state is form_tokens.UNKNOWN:
            # A fresh token, so the next submit of this page goes through.
            key = form_tokens.issue(request)
            if is_valid():
                form.add_error(
                    None, _("The form had expired. Check what you typed and submit it again.")
                )
        elif is_valid():
            try:
                url = refusals(save)(form.cleaned_data)
            except ValidationError as refused:
                add_validation_errors(form, refused, renamed)
                if isinstance(refused, Conflict):
                    page.update(refused.context)
            else:
                if token:
                    form_tokens.spend(request, key, url)
                messages.success(request, success)
                return redirect(url)
    elif token:
        key = form_tokens.issue(request)
    if token:
        page["form_token"] = key
    return render(request, template, page)


def handle_action(
    request: HttpRequest,
    act: Callable[[], str],
    *,
    success: str,
    back: str,
    token: bool = True,
) -> HttpResponse:
    """A button that takes one step (POST only, nothing typed to keep): `act()` takes it and
    returns the URL to go to. A refusal goes back to `back` with its reasons as messages. The
    token as in `handle_form`; an expired one only asks to try again."""
    key = request.POST.get("form_token", "")
    if token:
        state = form_tokens.state(request, key)
        if isinstance(state, str):
            return form_tokens.already_saved(request, state)
        if state is form_tokens.UNKNOWN:
            messages.error(request, _("The form had expired. Please try again."))
            return redirect(back)
    try:
        url = refusals(act)()
    except ValidationError as refused:
        for reason in refused.messages:
            messages.error(request, reason)
        return redirect(back)
    if token:
        form_tokens.spend(request, key, url)
    messages.success(request, success)
    return redirect(url)
