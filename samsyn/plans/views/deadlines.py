"""The overdue SIPs page (DOMAIN SIP-5). Thin: what the list holds is decided in `deadlines`."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from samsyn.access.http import actor_required
from samsyn.directory.models import Role
from samsyn.plans.selectors import deadlines


@actor_required("plans.work")
@require_GET
def overdue(request):
    page, rows = deadlines.overdue_page_for(request.actor, page=request.GET.get("page", 1))
    return render(
        request,
        "plans/deadlines/overdue.html",
        {
            "page": page,
            "rows": rows,
            "whole_organisation": request.actor.role == Role.UNIT_MANAGER,
        },
    )
