"""The inpatient unit's pages (DOMAIN UTS-1, UTS-4): the admitted children, registering an
admission, its notices, a changed date, ready, care information and discharge. Thin: parse,
call one selector or service, render."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samsyn.access.http import actor_required
from samsyn.common import form_tokens
from samsyn.common.pages import handle_action, handle_form, refusals
from samsyn.discharge.forms import ward as forms
from samsyn.discharge.selectors import ward as selectors
from samsyn.discharge.services import ward as services

PERMISSION = services.PERMISSION


def _detail_url(admission_id: int) -> str:
    return reverse("discharge:admission", args=[admission_id])


@actor_required(PERMISSION)
@require_GET
def ward_list(request):
    current = request.GET.get("show") != "all"
    listed = selectors.ward_page_for(request.actor, page=request.GET.get("page"), current=current)
    return render(
        request,
        "discharge/ward/list.html",
        {"listed": listed, "page": listed.page, "current": current},
    )


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def admission_new(request):
    actor = request.actor
    form = forms.AdmissionForm(request.POST if request.method == "POST" else None)

    def save(data: dict) -> str:
        child = selectors.child_by_identity(actor, data["identity_number"])
        if child is None:
            raise ValidationError(
                {
                    "identity_number": _(
                        "No child with this number that your unit may see. Register the child "
                        "first."
                    )
                }
            )
        admission = services.register_admission(
            actor=actor, child_id=child.pk, admitted_at=data["admitted_at"],
            needs_judged_at=data["needs_judged_at"],
            expected_discharge_on=data["expected_discharge_on"],
        )  # fmt: skip
        return _detail_url(admission.pk)

    return handle_form(
        request, form, save, success=_("The admission is registered. Send the admission notice."),
        template="discharge/ward/new.html", context={},
    )  # fmt: skip


@actor_required()
@require_GET
@refusals
def admission_detail(request, admission_id: int):
    actor = request.actor
    row, decision = selectors.admission_for(actor, admission_id=admission_id)
    admission = row.admission
    own = admission.unit_id == actor.unit.pk and admission.discharged_at is None
    context = {
        "row": row, "admission": admission, "decision": decision, "own": own,
        "address": selectors.notice_address(actor, admission.child),
        "changes": list(admission.date_changes.all()),
        "token": form_tokens.issue(request),
    }  # fmt: skip
    if own and not any(n.kind == "admission" for n in row.notices):
        context["notice_form"] = _notice_form(admission, None)
    return render(request, "discharge/ward/detail.html", context)


def _notice_form(admission, data):
    child = admission.child
    intake = selectors.intake_unit(child)
    social = selectors.social_units(child)
    if intake is not None:
        social = social.filter(pk=intake.pk)
    return forms.NoticeForm(
        data, initial={"version": admission.version}, social=social,
        outpatient=selectors.outpatient_units(child, inpatient=admission.unit),
    )  # fmt: skip


def _own_admission(request, admission_id: int):
    row, _decision = selectors.admission_for(request.actor, admission_id=admission_id)
    return row.admission


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def send_notices(request, admission_id: int):
    admission = _own_admission(request, admission_id)
    form = _notice_form(admission, request.POST if request.method == "POST" else None)

    def save(data: dict) -> str:
        services.send_admission_notices(
            actor=request.actor, admission_id=admission_id, version=data["version"],
            social_unit_id=data["social_unit"].pk, outpatient_unit_id=data["outpatient_unit"].pk,
        )  # fmt: skip
        return _detail_url(admission_id)

    return handle_form(
        request, form, save, success=_("The admission notice is sent."),
        template="discharge/ward/form.html", token=False,
        context={"admission": admission, "title": _("Send the admission notice"),
                 "submit": _("Send the admission notice")},
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def change_date(request, admission_id: int):
    admission = _own_admission(request, admission_id)
    form = forms.DateChangeForm(
        request.POST if request.method == "POST" else None,
        initial={"version": admission.version, "to_date": admission.expected_discharge_on},
    )

    def save(data: dict) -> str:
        services.change_expected_discharge(
            actor=request.actor, admission_id=admission_id, version=data["version"],
            to_date=data["to_date"], reason=data["reason"],
        )  # fmt: skip
        return _detail_url(admission_id)

    return handle_form(
        request, form, save, success=_("The new date is recorded and sent to every notified unit."),
        template="discharge/ward/form.html", token=False,
        context={"admission": admission, "title": _("Change the expected discharge date"),
                 "submit": _("Record and notify")},
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def discharge(request, admission_id: int):
    admission = _own_admission(request, admission_id)
    form = forms.DischargeForm(
        request.POST if request.method == "POST" else None,
        initial={"version": admission.version},
    )

    def save(data: dict) -> str:
        services.record_discharge(
            actor=request.actor, admission_id=admission_id, version=data["version"],
            at=data["discharged_at"],
        )  # fmt: skip
        return _detail_url(admission_id)

    return handle_form(
        request, form, save, success=_("The discharge is recorded."),
        template="discharge/ward/form.html", token=False,
        context={"admission": admission, "title": _("Record the discharge"),
                 "submit": _("Record the discharge")},
    )  # fmt: skip


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return 0


@actor_required(PERMISSION)
@require_POST
def ready(request, admission_id: int):
    return handle_action(
        request,
        lambda: _acted(
            services.mark_ready(
                actor=request.actor, admission_id=admission_id, version=_version(request)
            )
        ),
        success=_("Ready for discharge is recorded and sent to every notified unit."),
        back=_detail_url(admission_id), token=False,
    )  # fmt: skip


@actor_required(PERMISSION)
@require_POST
def care_information(request, admission_id: int):
    return handle_action(
        request,
        lambda: _acted(
            services.record_care_information(
                actor=request.actor, admission_id=admission_id, version=_version(request)
            )
        ),
        success=_("The information for continued care is recorded as sent."),
        back=_detail_url(admission_id), token=False,
    )  # fmt: skip


def _acted(admission) -> str:
    return _detail_url(admission.pk)
