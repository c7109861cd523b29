"""When the demo county's efforts were agreed and started (RAD-2: waiting is data). An effort is
agreed when the first plan holding it was finalised, and most start within a few weeks; about
one in five has not started, some of them for months, so the radar has children waiting. The
seed case's treatment at BUP was agreed a year and a half before the build day and has not
started: the seeds' child who waited 1.5 years because nobody owned it.

Drawn from a random generator of its own (seed + "-efforts"), so the rest of the county is
unchanged; the days count from the plans' own dates, which count back from the build day."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.demo.sips import SEED_REASON
from samsyn.directory.models import Organisation
from samsyn.plans.models import PlanItem, PlanVersion

# A year and a half.
SEED_WAIT_DAYS = 548
NOT_STARTED = 0.2


def write_efforts(seed: int, today: date, progress: Callable[[str], None]) -> None:
    progress(_("Writing when the efforts were agreed and started…"))
    rng = random.Random(f"{seed}-efforts")
    efforts = list(
        PlanItem.objects.filter(kind=PlanItem.Kind.EFFORT, version__status=PlanVersion.Status.FINAL)
        .select_related("version__case", "responsible_organisation")
        .order_by("version__case_id", "version__number", "position", "pk")
    )
    days: dict[tuple[int, object], tuple[date, date | None]] = {}
    for item in efforts:
        case = item.version.case
        found = (case.pk, item.key)
        if found not in days:
            days[found] = _days(rng, item, today, seed_case=case.reason == SEED_REASON)
        item.agreed_on, item.started_on = days[found]
    PlanItem.objects.bulk_update(efforts, ["agreed_on", "started_on"], batch_size=5000)


def _days(rng: random.Random, item: PlanItem, today: date, *, seed_case: bool):
    if seed_case and item.responsible_organisation is not None:
        if item.responsible_organisation.kind == Organisation.Kind.BUP:
            return today - timedelta(days=SEED_WAIT_DAYS), None
    agreed = timezone.localdate(item.version.finalised_at)
    if rng.random() < NOT_STARTED:
        return agreed, None
    started = agreed + timedelta(days=rng.randint(3, 45))
    return agreed, started if started <= today else None
