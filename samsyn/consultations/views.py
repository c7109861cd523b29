"""The consultation pages: the unit's lists, asking, the consultation with its answer, answering
and linking to a child. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samsyn.access.http import actor_required
from samsyn.common.errors import AccessDenied
from samsyn.common.pages import handle_form, refusals
from samsyn.consultations import forms, selectors, services

# The roles that work with children (access.rules.CHILD_ROLES) ask and answer consultations.
PERMISSION = "consultations.work"


def _detail_url(consultation_id: int) -> str:
    return reverse("consultations:detail", args=[consultation_id])


def report_url() -> str:
    """Where a report of concern is filed, once Samsyn has that page; "" until then."""
    try:
        return reverse("concerns:report_new")
    except NoReverseMatch:
        return ""


@actor_required(PERMISSION)
@require_GET
def consultation_list(request: HttpRequest):
    box = request.GET.get("box", selectors.RECEIVED)
    box = box if box in (selectors.ASKED, selectors.RECEIVED) else selectors.RECEIVED
    page = selectors.consultation_page_for(request.actor, box=box, page=request.GET.get("page"))
    return render(
        request,
        "consultations/list.html",
        {"page": page, "box": box, "ASKED": selectors.ASKED, "RECEIVED": selectors.RECEIVED},
    )


def _initial_consulted(request: HttpRequest) -> str:
    for kind in ("unit", "organisation"):
        value = request.GET.get(kind, "")
        if value.isdigit():
            return f"{kind}:{value}"
    return ""


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def ask(request: HttpRequest):
    actor = request.actor
    organisations = list(selectors.organisations_to_ask(actor))
    form = forms.AskForm(
        request.POST if request.method == "POST" else None,
        initial={"consulted": _initial_consulted(request)},
        organisations=organisations,
        units=selectors.units_to_ask(selectors.organisations_to_ask(actor)),
    )

    def save(data: dict) -> str:
        organisation_id, unit_id = data["consulted"]
        consultation = services.ask_consultation(
            actor=actor, consulted_organisation_id=organisation_id, consulted_unit_id=unit_id,
            age_band=data["age_band"], question=data["question"], situation=data["situation"],
        )  # fmt: skip
        return _detail_url(consultation.pk)

    return handle_form(
        request, form, save, success=_("The consultation is sent."),
        template="consultations/ask.html", context={"report_url": report_url()},
    )  # fmt: skip


@actor_required(PERMISSION)
@require_GET
@refusals
def consultation_detail(request: HttpRequest, consultation_id: int):
    actor = request.actor
    consultation, decision = selectors.consultation_for(actor, consultation_id=consultation_id)
    asker = selectors.is_asker(actor, consultation)
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "decision": decision,
            "asker": asker,
            "may_answer": selectors.is_consulted(actor, consultation) and not consultation.answered,
            "may_link": asker and not consultation.linked,
            "report_url": report_url(),
        },
    )


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def answer(request: HttpRequest, consultation_id: int):
    actor = request.actor
    consultation, _decision = selectors.consultation_for(actor, consultation_id=consultation_id)
    if not selectors.is_consulted(actor, consultation):
        raise AccessDenied("consultations.answer")
    if consultation.answered:
        messages.info(request, _("The consultation is already answered."))
        return redirect(_detail_url(consultation.pk))
    form = forms.AnswerForm(request.POST if request.method == "POST" else None)

    def save(data: dict) -> str:
        services.answer_consultation(
            actor=actor, consultation_id=consultation.pk, answer=data["answer"]
        )
        return _detail_url(consultation.pk)

    return handle_form(
        request, form, save, success=_("Your answer is sent."),
        template="consultations/answer.html", context={"consultation": consultation},
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def link(request: HttpRequest, consultation_id: int):
    actor = request.actor
    consultation, _decision = selectors.consultation_for(actor, consultation_id=consultation_id)
    if not selectors.is_asker(actor, consultation):
        raise AccessDenied("consultations.link")
    if consultation.linked:
        messages.info(request, _("The consultation is already linked to a child."))
        return redirect(_detail_url(consultation.pk))
    form = forms.LinkForm(request.POST if request.method == "POST" else None)

    def save(data: dict) -> str:
        services.link_consultation(
            actor=actor, consultation_id=consultation.pk,
            identity_number=data["identity_number"],
        )  # fmt: skip
        return _detail_url(consultation.pk)

    return handle_form(
        request, form, save, success=_("The consultation is linked to the child."),
        template="consultations/link.html", context={"consultation": consultation},
    )  # fmt: skip
