"""The children pages. Thin: parse, call one selector or service, render. What a page shows is
decided in `selectors` and `access`, never here."""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samsyn.access import rules
from samsyn.access.http import actor_required
from samsyn.access.models import Purpose
from samsyn.accounts.step_up import step_up_required
from samsyn.assessment.selectors import assessments as assessment_selectors
from samsyn.children import forms, selectors, services
from samsyn.common.forms import WithoutSummary
from samsyn.common.pages import Conflict, handle_form, refusals
from samsyn.plans.selectors import cases as plan_selectors
from samsyn.retention import selectors as retention_selectors


def _purpose(request: HttpRequest) -> str:
    purpose = request.GET.get("purpose", "")
    return purpose if purpose in Purpose.values else rules.default_purpose(request.actor)


def _detail_url(child) -> str:
    return reverse("children:detail", args=[child.pk])


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
            "may_emergency": rules.can(request.actor, "access.emergency"),
        },
    )


@actor_required("children.search")
@require_GET
@refusals
def child_detail(request, child_id: int):
    purpose = _purpose(request)
    actor = request.actor
    view = selectors.child_for(
        actor, child_id=child_id, purpose=purpose, timeline_page=request.GET.get("page", 1),
        sections={
            "sips": plan_selectors.sips_section(actor),
            "assessments": assessment_selectors.assessments_section(actor, purpose=purpose),
            "holds": retention_selectors.holds_section(actor),
        },
    )  # fmt: skip
    return render(
        request,
        "children/child_detail.html",
        {
            "view": view,
            "child": view.child,
            "purpose": purpose,
            "purposes": Purpose.choices,
            "actions": selectors.child_actions_for(request.actor, view),
            "sips": view.sections["sips"],
            "assessments": view.sections["assessments"],
            "holds": view.sections["holds"],
            "timeline": view.timeline,
        },
    )


@actor_required("children.search")
@require_http_methods(["GET", "POST"])
def register_child(request):
    if not services.can_register_child(request.actor):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    municipality = request.actor.unit.municipality_id or None
    form = forms.ChildRegistrationForm(data, initial={"municipality": municipality})
    guardians = forms.guardian_forms(data)

    def valid() -> bool:
        # Every form validated, not only up to the first invalid one: all errors at once. Then
        # the guardians against the child and each other.
        if not all([form.is_valid()] + [g.is_valid() for g in guardians]):
            return False
        forms.check_guardians(form, guardians)
        return all(g.is_valid() for g in guardians)

    def save(cleaned: dict) -> str:
        try:
            child = services.register_child(
                actor=request.actor,
                # A guardian form left empty is no guardian.
                guardians=[
                    services.GuardianInput(**g.cleaned_data) for g in guardians if g.has_changed()
                ],
                **cleaned,
            )
        except services.ChildAlreadyRegistered as known:
            raise Conflict(
                {
                    "identity_number": _(
                        "A child with this identity number is already registered in Samsyn. "
                        "Your unit can ask the organisation involved with the child for access."
                    )
                },
                # A link only to a child the unit sees already: the number reveals nobody.
                existing_child_id=known.child_id
                if selectors.is_visible(request.actor, child_id=known.child_id)
                else None,
            ) from None
        return _detail_url(child)

    return handle_form(
        request, form, save, success=_("The child is registered."),
        template="children/child_register.html",
        context={
            "forms": [form, *guardians], "form": WithoutSummary(form),
            "guardian_forms": [WithoutSummary(g) for g in guardians],
        },
        valid=valid,
    )  # fmt: skip


def _contact_page(request, person, save_contact, *, form_class, fields, title, child):
    """The contact details of the child or a guardian, guarded by the person's version."""
    data = request.POST if request.method == "POST" else None
    form = form_class(data, initial={name: getattr(person, name) for name in fields})
    # The hidden field carries the version this page's values came from.
    version_form = forms.VersionForm(data, initial={"version": person.version})

    def save(cleaned: dict) -> str:
        # A missing or tampered version cannot prove the form is fresh: 0 never matches.
        version = version_form.cleaned_data["version"] if version_form.is_valid() else 0
        try:
            save_contact(version=version, **cleaned)
        except services.StaleContact as stale:
            # Saving again now overwrites knowingly: the user has seen the other values.
            raise Conflict(
                _(
                    "Someone else saved the contact details while you were editing. Their "
                    "values are shown next to yours below. Check, change if needed, and "
                    "save again."
                ),
                conflict=[
                    (form[name].label, getattr(stale.current, name), cleaned[name])
                    for name in fields
                ],
                version_form=forms.VersionForm(initial={"version": stale.current.version}),
            ) from None
        return _detail_url(child)

    # The version guards against a double submit: the service takes a repeat as a no-op.
    return handle_form(
        request, form, save, success=_("The contact details are saved."),
        template="children/contact.html",
        context={"version_form": version_form, "child": child, "title": title}, token=False,
    )  # fmt: skip


@actor_required("children.search")
@require_http_methods(["GET", "POST"])
@refusals
def edit_contact(request, child_id: int):
    child = selectors.editable_child_for(
        request.actor, child_id=child_id, action="edit_contact"
    ).child
    save = functools.partial(services.update_child_contact, actor=request.actor, child_id=child.pk)
    return _contact_page(
        request, child, save, form_class=forms.ContactForm, fields=services.CONTACT_FIELDS,
        title=_("Contact details: %(name)s") % {"name": child.name}, child=child,
    )  # fmt: skip


@actor_required("children.search")
@require_http_methods(["GET", "POST"])
@refusals
def add_guardian(request, child_id: int):
    view = selectors.editable_child_for(request.actor, child_id=child_id, action="add_guardian")
    child = view.child

    def save(cleaned: dict) -> str:
        _guardianship, linked = services.add_guardian(
            actor=request.actor, child_id=child.pk, **cleaned
        )
        if linked:
            messages.info(
                request,
                _(
                    "The guardian was already registered in Samsyn and is linked as recorded: "
                    "only the identity number you typed was used. Change the contact details "
                    "on the child's page if they need it."
                ),
            )
        return _detail_url(child)

    return handle_form(
        request, forms.GuardianAddForm(request.POST if request.method == "POST" else None), save,
        success=_("The guardian is added."), template="children/guardian_add.html",
        context={"child": child, "guardians": view.guardians},
    )  # fmt: skip


@actor_required("children.search")
@require_http_methods(["GET", "POST"])
@refusals
def edit_guardian_contact(request, child_id: int, guardian_id: int):
    view = selectors.editable_child_for(
        request.actor, child_id=child_id, action="edit_guardian_contact"
    )
    row = selectors.editable_guardian_contact(view, request.actor, guardian_id=guardian_id)
    save = functools.partial(
        services.update_guardian_contact, actor=request.actor, child_id=view.child.pk,
        guardian_id=guardian_id,
    )  # fmt: skip
    return _contact_page(
        request, row.guardian, save, form_class=forms.GuardianContactForm,
        fields=services.GUARDIAN_CONTACT_FIELDS,
        title=_("Contact details of the guardian %(name)s") % {"name": row.guardian.name},
        child=view.child,
    )  # fmt: skip


@actor_required("children.search")
@require_http_methods(["GET", "POST"])
@refusals
def end_guardianship(request, child_id: int, guardian_id: int):
    view = selectors.editable_child_for(request.actor, child_id=child_id, action="end_guardianship")
    child = view.child
    # Ended by someone else since the page was opened: said, not a 404.
    ended = view.ended_guardianship(guardian_id)
    guardian = ended.guardian if ended else view.guardian_row(guardian_id).guardian

    def save(cleaned: dict) -> str:
        try:
            services.end_guardianship(
                actor=request.actor, child_id=child.pk, guardian_id=guardian_id, **cleaned
            )
        except services.GuardianshipEnded as other:
            raise ValidationError(_ended_message(other.guardianship)) from None
        return _detail_url(child)

    return handle_form(
        request, forms.EndGuardianshipForm(request.POST if request.method == "POST" else None),
        save, success=_("The guardianship is ended. It stays on the child's page as history."),
        template="children/guardianship_end.html",
        context={
            "child": child, "guardian": guardian,
            "ended_message": _ended_message(ended) if ended else "",
        },
    )  # fmt: skip


def _ended_message(guardianship) -> str:
    return _("Someone else has already ended this guardianship, as of %(date)s: %(reason)s") % {
        "date": guardianship.ended_on.isoformat(),
        "reason": guardianship.end_reason,
    }


@actor_required("children.search")
@require_http_methods(["GET", "POST"])
@refusals
def record_address_need(request, child_id: int):
    actor = request.actor
    child = selectors.child_for(
        actor, child_id=child_id, purpose=rules.default_purpose(actor)
    ).child
    if not selectors.may_record_address_need(actor, child):
        raise PermissionDenied

    def save(cleaned: dict) -> str:
        services.record_address_need(actor=actor, child_id=child.pk, **cleaned)
        return _detail_url(child)

    return handle_form(
        request, forms.AddressNeedForm(request.POST if request.method == "POST" else None), save,
        success=_("The need is recorded."), template="children/child_address_need.html",
        context={"child": child},
    )  # fmt: skip


@actor_required("access.emergency")
@step_up_required
@require_http_methods(["GET", "POST"])
def emergency_access(request):
    """Nödåtkomst (DOMAIN LOG-2): a child found by identity number, opened for a stated reason
    and a limited time."""
    form = forms.EmergencyAccessForm(request.POST if request.method == "POST" else None)

    def save(cleaned: dict) -> str:
        try:
            access = services.start_emergency_access(actor=request.actor, **cleaned)
        except services.AlreadyOpen as already:
            raise Conflict(
                {
                    "identity_number": _(
                        "You can already open this child's page: no emergency access is needed."
                    )
                },  # noqa: E501
                existing_child_id=already.child_id,
            ) from None
        return _detail_url(access.child)

    return handle_form(
        request, form, save,
        success=_("Emergency access started. Every read is logged as emergency access."),
        template="children/emergency_access.html",
        context={"hours": settings.SAMSYN_EMERGENCY_ACCESS_HOURS},
    )  # fmt: skip
