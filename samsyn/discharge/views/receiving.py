"""Pages of the receiving units (issue 10): incoming notices and expected discharges, one
admission with its planning, the fixed care contact, the SIP call and the family's summary.
Thin: parse, call, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samsyn.access.http import actor_required
from samsyn.common import form_tokens
from samsyn.common.pages import handle_action, handle_form, refusals
from samsyn.discharge.forms import receiving as forms
from samsyn.discharge.selectors import receiving as selectors
from samsyn.discharge.services import receiving as services

PERMISSION = selectors.PERMISSION


def _detail_url(admission_id: int) -> str:
    return reverse("discharge:received_admission", args=[admission_id])


@actor_required(PERMISSION)
@require_GET
@refusals
def received(request: HttpRequest) -> HttpResponse:
    result = selectors.received_for(
        request.actor, page=request.GET.get("page"), discharges_page=request.GET.get("dpage")
    )
    return render(
        request, "discharge/receiving/list.html",
        {"received": result, "page": result.notices, "form_token": form_tokens.issue(request)},
    )  # fmt: skip


@actor_required(PERMISSION)
@require_GET
@refusals
def admission(request: HttpRequest, admission_id: int) -> HttpResponse:
    view = selectors.admission_for(request.actor, admission_id=admission_id)
    context = {"view": view, "form_token": form_tokens.issue(request)}
    if view.unit_staff:
        context["contact_form"] = forms.FixedCareContactForm(
            staff=view.unit_staff,
            initial_id=view.admission.fixed_care_contact_id
            or (view.earlier_contact.pk if view.earlier_contact else None),
        )
    return render(request, "discharge/receiving/admission.html", context)


@actor_required(PERMISSION)
@require_POST
@refusals
def acknowledge(request: HttpRequest, notice_id: int) -> HttpResponse:
    def act() -> str:
        notice = services.acknowledge(actor=request.actor, notice_id=notice_id)
        return _detail_url(notice.admission_id)

    return handle_action(
        request, act, success=_("The notice is acknowledged; the unit's planning has started."),
        back=reverse("discharge:received"),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_POST
@refusals
def task_done(request: HttpRequest, admission_id: int, task_id: int) -> HttpResponse:
    done = request.POST.get("done") != "0"

    def act() -> str:
        services.set_task_done(actor=request.actor, task_id=task_id, done=done)
        return _detail_url(admission_id)

    success = _("The task is marked done.") if done else _("The task is open again.")
    return handle_action(
        request, act, success=success,
        back=_detail_url(admission_id),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_POST
@refusals
def call_sip(request: HttpRequest, admission_id: int) -> HttpResponse:
    """UTS-5: open the child's SIP or join the open one, then book the meeting in it."""

    def act() -> str:
        opened = services.call_sip(actor=request.actor, admission_id=admission_id)
        if selectors.open_sip_of(request.actor, opened.case.child_id) is None:
            return _detail_url(admission_id)
        return reverse("plans:detail", args=[opened.case.pk])

    return handle_action(
        request, act, back=_detail_url(admission_id),
        success=_("The discharge is in the child's SIP: call the SIP meeting there."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def appoint(request: HttpRequest, admission_id: int) -> HttpResponse:
    view = selectors.admission_for(request.actor, admission_id=admission_id)
    form = forms.FixedCareContactForm(
        request.POST if request.method == "POST" else None, staff=view.unit_staff,
        initial_id=view.admission.fixed_care_contact_id,
    )  # fmt: skip

    def save(data: dict) -> str:
        services.appoint_fixed_care_contact(
            actor=request.actor, admission_id=admission_id, staff_id=data["fixed_care_contact"]
        )
        return _detail_url(admission_id)

    return handle_form(
        request, form, save, success=_("The fixed care contact is appointed."),
        template="discharge/receiving/appoint.html", context={"view": view},
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def summary(request: HttpRequest, admission_id: int) -> HttpResponse:
    result = selectors.summary_for(request.actor, admission_id=admission_id)
    form = forms.CareGivenForm(
        request.POST if request.method == "POST" else None,
        initial={"care_given": result.admission.care_given},
    )

    def save(data: dict) -> str:
        services.write_care_given(
            actor=request.actor, admission_id=admission_id, text=data["care_given"]
        )
        return reverse("discharge:received_summary", args=[admission_id])

    return handle_form(
        request, form, save, success=_("The care given is saved."),
        template="discharge/receiving/summary.html", context={"summary": result},
    )  # fmt: skip
