"""The pages of the ladder's bodies (RAD-9, GOV-3): the bodies a person is a member of, and
each body's escalated signals — counts for every member, cases where access allows."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from samsyn.access.http import actor_required
from samsyn.common.pages import refusals
from samsyn.radar.selectors import escalation as selectors


# A body's members may be officials or politicians in any role: membership decides, not role.
@actor_required()
@require_GET
def bodies(request: HttpRequest) -> HttpResponse:
    return render(
        request, "radar/bodies.html", {"bodies": list(selectors.bodies_of(request.actor))}
    )


@actor_required()
@require_GET
@refusals
def body(request: HttpRequest, body_id: int) -> HttpResponse:
    view = selectors.body_page_for(request.actor, body_id, page=request.GET.get("page"))
    return render(request, "radar/body.html", {"view": view, "page": view.page})
