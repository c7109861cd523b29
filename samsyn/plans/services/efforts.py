"""An effort of the plan recorded as started (RAD-2: waiting is data). The day an effort was
agreed is set when its plan is finalised (`versions.finalise_plan`); the day it started is
recorded here, by the organisation responsible for it or the SIP's coordinating organisation,
on the plan in force and on a draft follow-up that carries the same effort."""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access.actor import Actor
from samsyn.audit import services as audit
from samsyn.common.errors import AccessDenied
from samsyn.plans.models import PlanItem, PlanVersion
from samsyn.plans.selectors import versions as plan_selectors
from samsyn.plans.selectors.cases import case_for_change


@transaction.atomic
def record_effort_started(
    *, actor: Actor, case_id: int, key: uuid.UUID, started_on: datetime.date | None = None
) -> PlanItem:
    """The effort `key` of the SIP's plan in force started on `started_on` (today unless
    given). Once: a second recording is refused rather than moving the day."""
    case, decision = case_for_change(actor, case_id)
    in_force = (
        PlanVersion.objects.filter(case=case, status=PlanVersion.Status.FINAL)
        .order_by("-number")
        .first()
    )
    effort = (
        PlanItem.objects.select_for_update()
        .filter(version=in_force, key=key, kind=PlanItem.Kind.EFFORT)
        .first()
        if in_force is not None
        else None
    )
    if effort is None:
        raise ValidationError(_("The plan in force has no such effort."))
    if actor.organisation.pk not in (
        effort.responsible_organisation_id,
        case.coordinator_organisation_id,
    ):
        raise AccessDenied("plans.effort_started")
    started_on = started_on or timezone.localdate()
    if effort.started_on is not None:
        raise ValidationError(
            _("The effort is already recorded as started on %(day)s.")
            % {"day": effort.started_on.isoformat()}
        )
    if started_on > timezone.localdate():
        raise ValidationError({"started_on": _("The start cannot be in the future.")})
    if effort.agreed_on is None or started_on < effort.agreed_on:
        raise ValidationError(
            {"started_on": _("The start cannot be before the effort was agreed.")}
        )
    # The same effort in a draft follow-up starts too, so finalising it keeps the day.
    PlanItem.objects.filter(
        version__case=case, version__status=PlanVersion.Status.DRAFT, key=key,
        kind=PlanItem.Kind.EFFORT, agreed_on__isnull=False,
    ).update(started_on=started_on)  # fmt: skip
    effort.started_on = started_on
    effort.save(update_fields=["started_on"])
    audit.record_change(
        actor=actor, child_id=case.child_id, obj="sip_plan", obj_id=in_force.pk,
        event="effort_started", purpose=plan_selectors.PURPOSE, decision=decision,
        detail={"case": case.pk, "version": in_force.number, "item_id": effort.pk,
                "started_on": started_on.isoformat(),
                "waited_days": (started_on - effort.agreed_on).days},
    )  # fmt: skip
    return effort
