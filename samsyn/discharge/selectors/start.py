"""What the start page says about discharge (issue 10): counts that name no child, each with
the list to act from. A receiving unit sees its notices not yet acknowledged, the discharges it
was told of that come within days, and those announced with short notice (UTS-4, the seed case:
"BUP discharges the same day"); an inpatient unit sees its own discharges with short notice,
which its manager answers for. Counts read no child's data, so they write no audit row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.discharge.models import Admission
from samsyn.discharge.selectors import receiving
from samsyn.discharge.selectors.deadlines import all_settings, short_notice_filter
from samsyn.discharge.selectors.ward import is_inpatient_actor

# A discharge within so many days needs the receiving unit's planning now; a short notice is
# shown for so many days after the discharge, as the units still act on it.
SOON_DAYS = 3
RECENT_DAYS = 7


@dataclass(frozen=True)
class StartCounts:
    unacknowledged: int = 0
    expected_soon: int = 0
    short_notice: int = 0
    ward_short_notice: int = 0
    soon_days: int = SOON_DAYS
    recent_days: int = RECENT_DAYS

    def __bool__(self) -> bool:
        return bool(
            self.unacknowledged or self.expected_soon or self.short_notice
            or self.ward_short_notice
        )  # fmt: skip


def counts_for(actor: Actor) -> StartCounts:
    """The counts as one aggregate over the admissions the actor may see: building the access
    rule, not running it, was the start page's cost, so it is built once for all four."""
    receives = receiving.may_receive(actor)
    ward = rules.can(actor, "discharge.ward") and is_inpatient_actor(actor)
    if not (receives or ward):
        return StartCounts()
    unit = actor.unit.pk
    short = short_notice_filter(all_settings())
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    current = Q(discharged_at__isnull=True) | Q(discharged_at__gte=since)
    # The notices join repeats an admission once per notice: admissions count distinct.
    told = Q(notices__to_unit_id=unit) | Q(outpatient_unit_id=unit)
    soon = timezone.localdate() + datetime.timedelta(days=SOON_DAYS)
    counted = {}
    if receives:
        counted["unacknowledged"] = Count(
            "notices", filter=Q(notices__to_unit_id=unit, notices__acknowledged_at__isnull=True)
        )
        counted["expected_soon"] = Count(
            "pk", distinct=True,
            filter=told & Q(discharged_at__isnull=True, expected_discharge_on__lte=soon),
        )  # fmt: skip
        counted["short_notice"] = Count("pk", distinct=True, filter=told & current & short)
    if ward:
        counted["ward_short_notice"] = Count(
            "pk", distinct=True, filter=Q(unit_id=unit) & current & short
        )
    visible = rules.restrict(actor, Admission.objects.all(), purpose=receiving.PURPOSE)
    admissions = Admission.objects.filter(pk__in=visible.values("pk"))
    return StartCounts(**admissions.aggregate(**counted))
