"""The radar's pages: the queue (the person's own, or the unit's for its manager) and
dismissing a signal with a reason. Thin: parse, call, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samsyn.access.http import actor_required
from samsyn.common.pages import handle_form, refusals
from samsyn.directory.models import Role
from samsyn.radar.forms.signals import DismissForm
from samsyn.radar.selectors import queue as selectors
from samsyn.radar.services import signals as services

PERMISSION = services.PERMISSION


@actor_required(PERMISSION)
@require_GET
@refusals
def queue(request: HttpRequest) -> HttpResponse:
    result = selectors.queue_for(
        request.actor, scope=request.GET.get("scope", "mine"), page=request.GET.get("page")
    )
    return render(
        request, "radar/queue.html",
        {
            "queue": result, "page": result.page,
            "unit_manager": request.actor.role == Role.UNIT_MANAGER,
        },
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def dismiss(request: HttpRequest, signal_id: int) -> HttpResponse:
    signal = selectors.signal_page_for(request.actor, signal_id)
    form = DismissForm(request.POST if request.method == "POST" else None)

    def save(data: dict) -> str:
        services.dismiss(actor=request.actor, signal_id=signal_id, reason=data["reason"])
        return reverse("radar:queue")

    return handle_form(
        request, form, save, success=_("The signal is dismissed with your reason."),
        template="radar/dismiss.html", context={"signal": signal},
    )  # fmt: skip
