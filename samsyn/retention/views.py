"""Retention's pages for an administrator (DOMAIN RET-1): what is due per rule, with a chart
and a table, the due records of one rule by number, the rules and the legal holds; and the unit
manager's legal hold on a child, reached from the child's page. No page names a person. Thin:
parse, call, render."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samsyn.access.http import actor_required
from samsyn.common.pages import handle_action, handle_form, refusals
from samsyn.retention import selectors, services
from samsyn.retention.forms import ChildHoldForm, HoldForm, RuleForm

PERMISSION = selectors.PERMISSION


@actor_required(PERMISSION)
@require_GET
@refusals
def overview(request) -> HttpResponse:
    return render(
        request, "retention/overview.html", {"overview": selectors.overview_for(request.actor)}
    )


@actor_required(PERMISSION)
@require_GET
@refusals
def due(request, record_type: str) -> HttpResponse:
    listing = selectors.due_list_for(
        request.actor, record_type=record_type, page=request.GET.get("page")
    )
    return render(request, "retention/due.html", {"listing": listing, "page": listing.page})


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def rule(request, rule_id: int) -> HttpResponse:
    current = selectors.rule_for(request.actor, rule_id)
    initial = {
        "anchor": current.anchor, "years": current.years,
        "by_end_of_next_year": current.by_end_of_next_year,
        "sample_days": ", ".join(str(day) for day in current.sample_days),
        "action": current.action, "reference": current.reference,
    }  # fmt: skip
    form = RuleForm(request.POST if request.method == "POST" else None, initial=initial)

    def save(data: dict) -> str:
        services.change_rule(actor=request.actor, rule_id=rule_id, **data)
        return reverse("retention:overview")

    return handle_form(
        request, form, save,
        success=_("The rule is saved. It runs dry until you enforce it after a dry run."),
        template="retention/rule.html", context={"rule": current},
    )  # fmt: skip


@actor_required(PERMISSION)
@require_POST
@refusals
def enforce(request, rule_id: int) -> HttpResponse:
    def act() -> str:
        services.enforce_rule(actor=request.actor, rule_id=rule_id)
        return reverse("retention:overview")

    return handle_action(
        request, act, success=_("The rule is enforced: the next run deletes what it makes due."),
        back=reverse("retention:overview"), token=False,
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def new_hold(request) -> HttpResponse:
    types = selectors.record_types_for(request.actor)
    form = HoldForm(request.POST if request.method == "POST" else None, record_types=types)

    def save(data: dict) -> str:
        services.set_hold(actor=request.actor, **data)
        return reverse("retention:overview")

    return handle_form(
        request, form, save, success=_("The legal hold is set: nothing it keeps is deleted."),
        template="retention/hold.html", context={},
    )  # fmt: skip


@actor_required(PERMISSION)
@require_POST
@refusals
def lift_hold(request, hold_id: int) -> HttpResponse:
    def act() -> str:
        services.lift_hold(actor=request.actor, hold_id=hold_id)
        return reverse("retention:overview")

    return handle_action(
        request, act, success=_("The legal hold is lifted."),
        back=reverse("retention:overview"), token=False,
    )  # fmt: skip


@actor_required()
@require_http_methods(["GET", "POST"])
@refusals
def new_child_hold(request, child_id: int) -> HttpResponse:
    # The form only for whom the step is open: anyone else is refused, and logged, at once.
    selectors.check_child_hold(request.actor, child_id)
    form = ChildHoldForm(request.POST if request.method == "POST" else None)
    back = reverse("children:detail", args=[child_id])

    def save(data: dict) -> str:
        services.set_child_hold(actor=request.actor, child_id=child_id, **data)
        return back

    return handle_form(
        request, form, save, success=_("The legal hold is placed: nothing it keeps is deleted."),
        template="retention/child_hold.html", context={"back": back},
    )  # fmt: skip


@actor_required()
@require_POST
@refusals
def lift_child_hold(request, child_id: int, hold_id: int) -> HttpResponse:
    back = reverse("children:detail", args=[child_id])

    def act() -> str:
        services.lift_child_hold(actor=request.actor, child_id=child_id, hold_id=hold_id)
        return back

    return handle_action(
        request, act, success=_("The legal hold is lifted."), back=back, token=False
    )
