"""The discharge deadlines and flags (DOMAIN UTS-1, UTS-4), each shown with its rule and the
reference it rests on: the admission notice within `notice_hours` of the later of admission and
judgement, and a discharge announced with less than `minimum_notice_hours` of notice."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.directory.models import Principal
from samsyn.discharge.models import Admission, DischargeDateChange, DischargeSettings, Notice


def region_code(admission: Admission) -> str:
    return admission.child.municipality.code[:2]


class RegionSettings(dict):
    """Every region's settings read in one query; a region without a row gets the defaults,
    unsaved (a read never writes)."""

    def __missing__(self, code: str) -> DischargeSettings:
        return DischargeSettings()


def all_settings() -> RegionSettings:
    regions = DischargeSettings.objects.filter(region__kind=Principal.Kind.REGION)
    return RegionSettings((s.region.code, s) for s in regions.select_related("region"))


def settings_for(admission: Admission) -> DischargeSettings:
    region = Principal.objects.filter(kind=Principal.Kind.REGION, code=region_code(admission))
    return DischargeSettings.objects.filter(region__in=region).first() or DischargeSettings()


def notice_due(admission: Admission, settings: DischargeSettings) -> datetime.datetime:
    """UTS-1: within so many hours of the later of admission and the judgement that support is
    needed after discharge — hours, not working days: a weekend counts."""
    start = max(admission.admitted_at, admission.needs_judged_at)
    return start + datetime.timedelta(hours=settings.notice_hours)


@dataclass(frozen=True)
class Flag:
    code: str
    text: str
    rule: str
    reference: str


def flags_of(
    admission: Admission,
    notices: list[Notice],
    settings: DischargeSettings,
    now: datetime.datetime,
) -> list[Flag]:
    """What is late or short about this admission, each with its rule and reference."""
    flags: list[Flag] = []
    reference = settings.agreement_reference
    due = notice_due(admission, settings)
    first = min((n.sent_at for n in notices if n.kind == Notice.Kind.ADMISSION), default=None)
    notice_rule = _("Admission notice within %(hours)s hours of admission or judgement.") % {
        "hours": settings.notice_hours
    }
    if first is not None and first > due:
        flags.append(Flag("late_notice", _("Admission notice sent late"), notice_rule, reference))
    elif first is None and now > due:
        flags.append(Flag("late_notice", _("Admission notice overdue"), notice_rule, reference))
    if is_short_notice(admission, settings):
        flags.append(
            Flag(
                "short_notice",
                _("Discharge with short notice"),
                _("A discharge is announced at least %(hours)s hours before it.")
                % {"hours": settings.minimum_notice_hours},
                reference,
            )
        )
    discharged = admission.discharged_at
    sent = admission.care_information_sent_at
    if discharged and (sent is None or timezone.localdate(sent) > timezone.localdate(discharged)):
        flags.append(
            Flag(
                "care_information_late",
                _("Information for continued care not sent by the day of discharge"),
                _("The information for continued care is sent no later than the day of discharge."),
                reference,
            )
        )
    return flags


def announced_at(admission: Admission) -> datetime.datetime | None:
    """When the discharge date the receiving units plan for was last announced: the ready
    notice or the last change of the expected date (2 kap. 4 §), whichever came later. Reads the
    prefetched date changes."""
    moments = [change.changed_at for change in admission.date_changes.all()]
    if admission.ready_at is not None:
        moments.append(admission.ready_at)
    return max(moments, default=None)


def is_short_notice(admission: Admission, settings: DischargeSettings) -> bool:
    """UTS-4: the discharge came, or is coming, with less notice than the region's minimum,
    counted from its last announcement (`announced_at`). Discharged never announced: short.
    Before the discharge, an announced day that starts within the minimum is flagged already
    (the receiving units learn it when the notice comes); never announced: not yet."""
    minimum = datetime.timedelta(hours=settings.minimum_notice_hours)
    announced = announced_at(admission)
    if admission.discharged_at is None:
        if announced is None:
            return False
        return admission.expected_discharge_on <= timezone.localdate(announced + minimum)
    if announced is None:
        return True
    return admission.discharged_at < announced + minimum


def short_notice_filter(settings: RegionSettings) -> Q:
    """The short-notice rule as one SQL condition, region by region (the regions' settings read
    once): discharged, and either never announced ready or with too little notice."""
    condition = Q(pk__in=[])
    others = Q()
    for code, region in settings.items():
        condition |= Q(child__municipality__code__startswith=code) & _short(
            region.minimum_notice_hours
        )
        others &= ~Q(child__municipality__code__startswith=code)
    condition |= others & _short(DischargeSettings().minimum_notice_hours)
    return condition


def _short(hours: int) -> Q:
    """`is_short_notice` in SQL: the latest announcement is the ready notice or a date change,
    so "less than the minimum after the latest" is "less than the minimum after either"."""
    minimum = datetime.timedelta(hours=hours)
    changes = DischargeDateChange.objects.filter(admission=OuterRef("pk"))
    discharged = Q(discharged_at__isnull=False) & (
        (Q(ready_at__isnull=True) & ~Exists(changes))
        | Q(discharged_at__lt=F("ready_at") + minimum)
        | Exists(changes.filter(changed_at__gt=OuterRef("discharged_at") - minimum))
    )
    announced_day = Q(
        expected_discharge_on__lte=TruncDate(
            ExpressionWrapper(F("ready_at") + minimum, output_field=DateTimeField()),
            tzinfo=timezone.get_current_timezone(),
        )
    )
    changed_day = Exists(
        changes.annotate(
            day=TruncDate(
                ExpressionWrapper(F("changed_at") + minimum, output_field=DateTimeField()),
                tzinfo=timezone.get_current_timezone(),
            )
        ).filter(day__gte=OuterRef("expected_discharge_on"))
    )
    coming = Q(discharged_at__isnull=True) & (
        (Q(ready_at__isnull=False) & announced_day) | changed_day
    )
    return discharged | coming
