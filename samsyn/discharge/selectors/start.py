"""What the start page says about discharge (issue 10): counts that name no child, each with
the list to act from. A receiving unit sees its notices not yet acknowledged, the discharges it
was told of that come within days, and those announced with short notice (UTS-4, the seed case:
"BUP discharges the same day"); an inpatient unit sees its own discharges with short notice,
which its manager answers for. Counts read no child's data, so they write no audit row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.discharge.models import Admission
from samsyn.discharge.selectors import receiving
from samsyn.discharge.selectors.deadlines import all_settings, short_notice_filter
from samsyn.discharge.selectors.ward import is_inpatient_actor, ward_admissions

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


def _current(admissions: QuerySet[Admission]) -> QuerySet[Admission]:
    """In progress, or discharged within RECENT_DAYS."""
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    return admissions.filter(Q(discharged_at__isnull=True) | Q(discharged_at__gte=since))


def counts_for(actor: Actor) -> StartCounts:
    counts: dict[str, int] = {}
    short = short_notice_filter(all_settings())
    if receiving.may_receive(actor):
        told = rules.restrict(actor, Admission.objects.all(), purpose=receiving.PURPOSE).filter(
            Q(notices__to_unit_id=actor.unit.pk) | Q(outpatient_unit_id=actor.unit.pk)
        )
        told = Admission.objects.filter(pk__in=told.values("pk"))
        soon = timezone.localdate() + datetime.timedelta(days=SOON_DAYS)
        counts["unacknowledged"] = receiving.unacknowledged_count(actor)
        counts["expected_soon"] = told.filter(
            discharged_at__isnull=True, expected_discharge_on__lte=soon
        ).count()
        counts["short_notice"] = _current(told).filter(short).count()
    if rules.can(actor, "discharge.ward") and is_inpatient_actor(actor):
        counts["ward_short_notice"] = _current(ward_admissions(actor)).filter(short).count()
    return StartCounts(**counts)
