"""Reminders (issue 11, point 5): the people who must act on a signal are told once, when it
is due — never again at the next scan. Whoever the signal names; else every member of its unit
who works the radar, as its queue shows it to them all."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from samsyn.access import rules
from samsyn.directory.models import Membership
from samsyn.notifications import services as notifications
from samsyn.notifications.models import Notification
from samsyn.radar.models import Signal
from samsyn.radar.services.lock import take_scan_lock


@transaction.atomic
def remind(now: datetime.datetime | None = None) -> int:
    """Notify for each live, due signal not yet reminded of. Returns how many signals."""
    take_scan_lock()
    now = now or timezone.now()
    due = list(
        Signal.objects.filter(
            cleared_at__isnull=True, dismissed_at__isnull=True, reminded_at__isnull=True,
            due_on__lte=timezone.localdate(now),
        ).select_related("rule")
    )  # fmt: skip
    if not due:
        return 0
    units = {s.unit_id for s in due if s.staff_id is None and s.unit_id is not None}
    members: dict[int, set[int]] = {}
    for unit_id, staff_id in Membership.objects.filter(
        unit_id__in=units, active=True, role__in=rules.PERMISSIONS["radar.work"]
    ).values_list("unit_id", "staff_id"):
        members.setdefault(unit_id, set()).add(staff_id)
    url = reverse("radar:queue")
    for signal in due:
        recipients = {signal.staff_id} if signal.staff_id else members.get(signal.unit_id, set())
        notifications.notify(
            recipients=recipients, kind=signal.rule.code, event=Notification.Event.NEW, url=url,
            source="signal", source_id=signal.pk,
        )  # fmt: skip
    Signal.objects.filter(pk__in=[s.pk for s in due]).update(reminded_at=now)
    return len(due)
