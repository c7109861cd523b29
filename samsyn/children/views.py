"""The children pages. Thin: parse, call one selector or service, render. What a page shows is
decided in `selectors` and `access`, never here."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samsyn.access import rules
from samsyn.access.http import actor_required
from samsyn.access.models import Purpose
from samsyn.children import forms, selectors, services
from samsyn.common import form_tokens
from samsyn.common.forms import WithoutSummary, add_validation_errors
from samsyn.plans.selectors import cases as plan_selectors


def _purpose(request: HttpRequest) -> str:
    purpose = request.GET.get("purpose", "")
    return purpose if purpose in Purpose.values else rules.default_purpose(request.actor)


def _forbidden(request: HttpRequest, child=None) -> HttpResponse:
    return render(request, "children/forbidden.html", {"child": child}, status=403)


@actor_required("children.search")
@require_GET
def child_list(request):
    purpose = _purpose(request)
    query = request.GET.get("q", "")[:100]
    page = selectors.child_page_for(
        request.actor, purpose=purpose, query=query, page=request.GET.get("page")
    )
    return render(
        request,
        "children/child_list.html",
        {
            "page": page,
            "query": query,
            "purpose": purpose,
            "purposes": Purpose.choices,
            "may_register": services.can_register_child(request.actor),
        },
    )


@actor_required("children.search")
@require_GET
def child_detail(request, child_id: int):
    purpose = _purpose(request)
    try:
        view = selectors.child_for(request.actor, child_id=child_id, purpose=purpose)
    except selectors.ChildNotFound:
        raise Http404 from None
    return render(
        request,
        "children/child_detail.html",
        {
            "view": view,
            "child": view.child,
            "purpose": purpose,
            "purposes": Purpose.choices,
            "actions": selectors.child_actions_for(request.actor, view),
            "sips": plan_selectors.parties_of_child(request.actor, view.child),
        },
    )


@actor_required("children.search")
@require_http_methods(["GET", "POST"])
def register_child(request):
    if not services.can_register_child(request.actor):
        return _forbidden(request)
    data = request.POST if request.method == "POST" else None
    municipality = request.actor.unit.municipality_id or None
    form = forms.ChildRegistrationForm(data, initial={"municipality": municipality})
    guardians = forms.guardian_forms(data)
    token = request.POST.get("form_token", "")
    existing_child_id = None
    if request.method == "POST":
        state = form_tokens.state(request, token)
        if isinstance(state, str):
            return form_tokens.already_saved(request, state)
        # Validate every form, not only up to the first invalid one: all errors at once.
        valid = all([form.is_valid()] + [g.is_valid() for g in guardians])
        entries = forms.check_guardians(form, guardians) if valid else []
        valid = valid and all(g.is_valid() for g in guardians)
        if state is form_tokens.UNKNOWN:
            # Expired or forged: a fresh token, so the next submit of this page can go through.
            token = form_tokens.issue(request)
            if valid:
                form.add_error(
                    None, _("The form had expired. Check what you typed and submit it again.")
                )
        elif valid:
            try:
                child = services.register_child(
                    actor=request.actor,
                    guardians=[services.GuardianInput(**entry) for entry in entries],
                    **form.cleaned_data,
                )
            except services.ChildAlreadyRegistered as known:
                form.add_error(
                    "identity_number",
                    _(
                        "A child with this identity number is already registered in Samsyn. "
                        "Your unit can ask the organisation involved with the child for access."
                    ),
                )
                if selectors.is_visible(request.actor, child_id=known.child_id):
                    existing_child_id = known.child_id
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                url = reverse("children:detail", args=[child.pk])
                form_tokens.spend(request, token, url)
                messages.success(request, _("The child is registered."))
                return redirect(url)
    else:
        token = form_tokens.issue(request)
    return render(
        request,
        "children/child_register.html",
        {
            "forms": [form, *guardians],
            "has_errors": any(f.errors for f in [form, *guardians]),
            "form": WithoutSummary(form),
            "guardian_forms": [WithoutSummary(g) for g in guardians],
            "form_token": token,
            "existing_child_id": existing_child_id,
        },
    )


@actor_required("children.search")
@require_http_methods(["GET", "POST"])
def edit_contact(request, child_id: int):
    actor = request.actor
    try:
        view = selectors.child_for(actor, child_id=child_id, purpose=rules.default_purpose(actor))
    except selectors.ChildNotFound:
        raise Http404 from None
    child = view.child
    if not rules.can_edit_child(actor, child):
        return _forbidden(request, child)
    conflict = None
    if request.method == "POST":
        form = forms.ContactForm(request.POST)
        version_form = forms.VersionForm(request.POST)
        # A missing or tampered version cannot prove the form is fresh: 0 never matches.
        version = version_form.cleaned_data["version"] if version_form.is_valid() else 0
        if form.is_valid():
            try:
                services.update_child_contact(
                    actor=actor, child_id=child.pk, version=version, **form.cleaned_data
                )
            except selectors.ChildNotFound:
                raise Http404 from None
            except rules.AccessDenied:
                return _forbidden(request, child)
            except services.StaleChild as stale:
                form.add_error(
                    None,
                    _(
                        "Someone else saved the contact details while you were editing. Their "
                        "values are shown next to yours below. Check, change if needed, and "
                        "save again."
                    ),
                )
                conflict = [
                    (form[name].label, getattr(stale.current, name), form.cleaned_data[name])
                    for name in services.CONTACT_FIELDS
                ]
                # Saving again now overwrites knowingly: the user has seen the other values.
                version = stale.current.version
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("The contact details are saved."))
                return redirect("children:detail", child_id=child.pk)
    else:
        form = forms.ContactForm(
            initial={name: getattr(child, name) for name in services.CONTACT_FIELDS}
        )
        version = child.version
    # Unbound: the hidden field carries the version this page's values came from.
    version_form = forms.VersionForm(initial={"version": version})
    return render(
        request,
        "children/child_contact.html",
        {"form": form, "version_form": version_form, "child": child, "conflict": conflict},
    )


@actor_required("children.search")
@require_http_methods(["GET", "POST"])
def record_address_need(request, child_id: int):
    actor = request.actor
    try:
        view = selectors.child_for(actor, child_id=child_id, purpose=rules.default_purpose(actor))
    except selectors.ChildNotFound:
        raise Http404 from None
    child = view.child
    if not selectors.may_record_address_need(actor, child):
        return _forbidden(request, child)
    form = forms.AddressNeedForm(request.POST if request.method == "POST" else None)
    token = request.POST.get("form_token", "")
    if request.method == "POST":
        state = form_tokens.state(request, token)
        if isinstance(state, str):
            return form_tokens.already_saved(request, state)
        if state is form_tokens.UNKNOWN:
            token = form_tokens.issue(request)
            if form.is_valid():
                form.add_error(
                    None, _("The form had expired. Check what you typed and submit it again.")
                )
        elif form.is_valid():
            try:
                services.record_address_need(actor=actor, child_id=child.pk, **form.cleaned_data)
            except selectors.ChildNotFound:
                raise Http404 from None
            except rules.AccessDenied:
                return _forbidden(request, child)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                url = reverse("children:detail", args=[child.pk])
                form_tokens.spend(request, token, url)
                messages.success(request, _("The need is recorded."))
                return redirect(url)
    else:
        token = form_tokens.issue(request)
    return render(
        request,
        "children/child_address_need.html",
        {"form": form, "child": child, "form_token": token},
    )
