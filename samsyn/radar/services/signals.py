"""What a person does with a signal: act on the record it is about (and the next scan clears
it), or dismiss it with a recorded reason — never silently (issue 11, point 2)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.audit import services as audit
from samsyn.radar.models import Signal
from samsyn.radar.selectors.queue import signal_for_change

PERMISSION = "radar.work"


@transaction.atomic
def dismiss(*, actor: Actor, signal_id: int, reason: str) -> Signal:
    """The signal leaves the queues with the reason, who and when; it stays dismissed while its
    pattern lasts, and a new occurrence after the pattern was gone is a new signal."""
    rules.require(actor, PERMISSION)
    signal, decision = signal_for_change(actor, signal_id)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the signal needs no action.")})
    signal.dismissed_at = timezone.now()
    signal.dismissed_by = actor.staff
    signal.dismissed_reason = reason.strip()
    signal.save(update_fields=["dismissed_at", "dismissed_by", "dismissed_reason"])
    audit.record_change(
        actor=actor, child_id=signal.child_id, obj="signal", obj_id=signal.pk,
        event="signal_dismissed", purpose=rules.default_purpose(actor), decision=decision,
        detail={"rule": signal.rule.code, "reason": signal.dismissed_reason},
    )  # fmt: skip
    return signal
