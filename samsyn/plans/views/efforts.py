"""The button that records an effort of the plan in force as started (RAD-2). Thin: open the
SIP (audited), call the service, go back to the plan."""

from __future__ import annotations

import uuid

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samsyn.access.http import actor_required
from samsyn.common.pages import handle_action, refusals
from samsyn.plans.selectors import versions as plan_selectors
from samsyn.plans.services import efforts

PERMISSION = "plans.work"


@actor_required(PERMISSION)
@require_POST
@refusals
def effort_started(request: HttpRequest, case_id: int, key: uuid.UUID):
    plan_selectors.plan_case_for(request.actor, case_id=case_id)

    def act() -> str:
        effort = efforts.record_effort_started(actor=request.actor, case_id=case_id, key=key)
        return reverse("plans:plan_version", args=[case_id, effort.version.number])

    # A second press is refused by the service ("already started"): no token needed.
    return handle_action(
        request, act, success=_("The effort is recorded as started."),
        back=reverse("plans:plan_versions", args=[case_id]), token=False,
    )  # fmt: skip
