"""Deadlines as data (DESIGN invariant 4, DOMAIN SIP-5): each SIP's steps with their due dates,
computed from the `DeadlineRule` rows and the plan's follow-up date, so lateness is a query.

A step's due date is the last day it may be done on; it is late from the day after. Working days
follow the Swedish calendar: not Saturday or Sunday, not a public holiday, and not midsommarafton,
julafton or nyårsafton, which Lag (1930:173) om beräkning av lagstadgad tid treats as holidays
although they are not public holidays (the `holidays` package's `DE_FACTO` category for Sweden).

`overdue_cases` filters in SQL. Because a due date only grows with the proposal date, "due before
today" is the same as "proposed before a cutoff date", and the cutoff is computed once per
request in Python (working days counted back from today), not once per case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samsyn.access import rules as access
from samsyn.access.actor import Actor
from samsyn.access.models import Purpose
from samsyn.audit import services as audit
from samsyn.common.dates import local_date, start_of
from samsyn.directory.models import Principal, Role
from samsyn.plans.models import Case, DeadlineRule, Meeting, PlanVersion, SipSettings
from samsyn.plans.selectors.cases import cases_visible_to

FOLLOW_UP = "follow_up"
PAGE_SIZE = 25


# ---------------------------------------------------------------------------- rules


def deadline_rules() -> dict[str, DeadlineRule]:
    """The rules by code: one query, read per request so a changed rule applies at once."""
    return {rule.code: rule for rule in DeadlineRule.objects.all()}


def rule_text(rule: DeadlineRule) -> str:
    if rule.working_days:
        return ngettext(
            "within %(days)d working day of the proposal",
            "within %(days)d working days of the proposal",
            rule.days,
        ) % {"days": rule.days}
    return ngettext(
        "within %(days)d day of the proposal", "within %(days)d days of the proposal", rule.days
    ) % {"days": rule.days}


def _agreement_reference(case: Case) -> str:
    # A read, never get_or_create: showing a page must not write settings.
    code = case.child.municipality.code[:2] if case.child.municipality_id else ""
    reference = (
        SipSettings.objects.filter(region__kind=Principal.Kind.REGION, region__code=code)
        .values_list("agreement_reference", flat=True)
        .first()
    )
    return reference or SipSettings().agreement_reference


# ---------------------------------------------------------------------------- one SIP


@dataclass(frozen=True)
class Step:
    code: str  # a DeadlineRule code, or "follow_up"
    name: str
    due: date
    rule: str  # the rule in words
    reference: str  # its legal or regional ground
    done_at: datetime | None
    planned_at: datetime | None  # a meeting booked but not yet held
    overdue: bool
    days_late: int  # overdue: days past due today; done: days past due when done (0: in time)

    @property
    def done(self) -> bool:
        return self.done_at is not None


def _step(code, name, due, rule, reference, done_at, today, *, planned_at=None, open_=True):
    if done_at is not None:
        late = max(0, (local_date(done_at) - due).days)
        return Step(code, name, due, rule, reference, done_at, None, False, late)
    overdue = open_ and today > due
    late = (today - due).days if overdue else 0
    return Step(code, name, due, rule, reference, None, planned_at, overdue, late)


# A SIP followed up for years keeps its page short: the latest follow-ups are what is due.
FOLLOW_UPS_SHOWN = 10


def case_steps(
    case: Case, *, today: date | None = None, rules: dict[str, DeadlineRule] | None = None
) -> list[Step]:
    """The SIP's steps in order: first contact, first meeting, and one follow-up per finalised
    plan version that names a date, of the latest FOLLOW_UPS_SHOWN versions (each one's later
    versions are among them). A few queries per SIP, for the SIP's own page."""
    today = today or timezone.localdate()
    rules = deadline_rules() if rules is None else rules
    now = timezone.now()
    open_ = case.status != Case.Status.CLOSED
    proposed = local_date(case.proposed_at)
    steps: list[Step] = []

    if rule := rules.get(DeadlineRule.Code.FIRST_CONTACT):
        due = rule.due(proposed)
        steps.append(
            _step(rule.code, rule.get_code_display(), due, rule_text(rule), rule.reference,
                  case.first_contact_at, today, open_=open_)
        )  # fmt: skip

    if rule := rules.get(DeadlineRule.Code.FIRST_MEETING):
        due = rule.due(proposed)
        first = (
            Meeting.objects.filter(case=case, cancelled_at__isnull=True)
            .order_by("starts_at")
            .values_list("starts_at", flat=True)
            .first()
        )
        held = first if first is not None and first <= now else None
        planned = first if first is not None and first > now else None
        steps.append(
            _step(rule.code, rule.get_code_display(), due, rule_text(rule), rule.reference,
                  held, today, planned_at=planned, open_=open_)
        )  # fmt: skip

    finals = list(
        reversed(
            PlanVersion.objects.filter(case=case, status=PlanVersion.Status.FINAL)
            .order_by("-number")
            .values_list("number", "follow_up_on", "finalised_at")[:FOLLOW_UPS_SHOWN]
        )
    )
    if any(follow_up_on for _n, follow_up_on, _f in finals):
        reference = _agreement_reference(case)
        for index, (number, follow_up_on, _finalised) in enumerate(finals):
            if follow_up_on is None:
                continue
            # Followed up when a newer version is finalised (SIP-8: follow-ups make versions).
            later = [finalised for _n, _d, finalised in finals[index + 1 :] if finalised]
            steps.append(
                _step(FOLLOW_UP,
                      _("follow-up of plan version %(number)d") % {"number": number},
                      follow_up_on, _("the follow-up date in the plan"), reference,
                      later[0] if later else None, today, open_=open_)
            )  # fmt: skip
    return steps


# ---------------------------------------------------------------------------- many SIPs, in SQL


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def annotate_deadlines(
    queryset: QuerySet[Case], *, today: date | None = None,
    rules: dict[str, DeadlineRule] | None = None,
) -> QuerySet[Case]:  # fmt: skip
    """Adds `late_first_contact`, `late_first_meeting`, `late_follow_up` (booleans) and
    `follow_up_on` (the latest finalised version's date) to each SIP, in SQL."""
    today = today or timezone.localdate()
    rules = deadline_rules() if rules is None else rules
    open_ = ~Q(status=Case.Status.CLOSED)
    never = _flag(Q(pk__in=[]))

    contact = rules.get(DeadlineRule.Code.FIRST_CONTACT)
    late_contact = never
    if contact:
        limit = start_of(contact.cutoff(today))
        late_contact = _flag(open_ & Q(first_contact_at__isnull=True, proposed_at__lt=limit))

    meeting = rules.get(DeadlineRule.Code.FIRST_MEETING)
    late_meeting = never
    if meeting:
        limit = start_of(meeting.cutoff(today))
        held = Meeting.objects.filter(
            case=OuterRef("pk"), cancelled_at__isnull=True, starts_at__lte=timezone.now()
        )
        late_meeting = _flag(open_ & Q(proposed_at__lt=limit) & ~Exists(held))

    latest_final = PlanVersion.objects.filter(
        case=OuterRef("pk"), status=PlanVersion.Status.FINAL
    ).order_by("-number")
    return queryset.annotate(
        follow_up_on=Subquery(latest_final.values("follow_up_on")[:1]),
        late_first_contact=late_contact,
        late_first_meeting=late_meeting,
    ).annotate(late_follow_up=_flag(open_ & Q(follow_up_on__lt=today)))


def overdue_cases(
    queryset: QuerySet[Case], *, today: date | None = None,
    rules: dict[str, DeadlineRule] | None = None,
) -> QuerySet[Case]:  # fmt: skip
    """The SIPs of `queryset` with at least one step overdue today: one SQL query."""
    return annotate_deadlines(queryset, today=today, rules=rules).filter(
        Q(late_first_contact=True) | Q(late_first_meeting=True) | Q(late_follow_up=True)
    )


@dataclass(frozen=True)
class LateStep:
    name: str
    due: date
    days_late: int


def late_steps(case: Case, *, today: date, rules: dict[str, DeadlineRule]) -> list[LateStep]:
    """Which steps of an annotated SIP are late and by how many days; no query."""
    proposed = local_date(case.proposed_at)
    late = []
    for flag, code in (
        (case.late_first_contact, DeadlineRule.Code.FIRST_CONTACT),
        (case.late_first_meeting, DeadlineRule.Code.FIRST_MEETING),
    ):
        if flag and (rule := rules.get(code)):
            due = rule.due(proposed)
            late.append(LateStep(rule.get_code_display(), due, (today - due).days))
    if case.late_follow_up:
        late.append(LateStep(_("follow-up"), case.follow_up_on, (today - case.follow_up_on).days))
    return late


# ---------------------------------------------------------------------------- who sees which


def _overdue_scope(actor: Actor) -> tuple[QuerySet[Case], str]:
    """The SIPs whose lateness the actor answers for, and the purpose of the read.

    A unit manager follows up every SIP their organisation initiated or coordinates, including
    those whose child they have no ground to open: such rows show the SIP and its coordinator
    but not the child (`child_visible`), and link to the SIP's page only where it opens for
    them (`opens`: the page reads for planning). Anyone else sees the SIPs they coordinate or
    initiated, and only those they may open."""
    if actor.role not in access.CHILD_ROLES:
        return Case.objects.none(), Purpose.PLANNING
    if actor.role == Role.UNIT_MANAGER:
        purpose = Purpose.FOLLOW_UP
        organisation = actor.organisation.pk
        visible = cases_visible_to(actor, purpose=purpose).filter(pk=OuterRef("pk"))
        opens = cases_visible_to(actor, purpose=Purpose.PLANNING).filter(pk=OuterRef("pk"))
        scope = Case.objects.filter(
            Q(initiating_organisation_id=organisation) | Q(coordinator_organisation_id=organisation)
        ).annotate(child_visible=Exists(visible), opens=Exists(opens))
        return scope, purpose
    purpose = Purpose.PLANNING
    staff = actor.staff.pk
    scope = (
        cases_visible_to(actor, purpose=purpose)
        .filter(Q(coordinator_id=staff) | Q(initiated_by_id=staff))
        .annotate(child_visible=Value(True), opens=Value(True))
    )
    return scope, purpose


def overdue_count(actor: Actor) -> int:
    """For the start page: how many SIPs the actor answers for have a step overdue. Counts
    only, so no child is read."""
    scope, _purpose = _overdue_scope(actor)
    return overdue_cases(scope).count()


@dataclass(frozen=True)
class OverdueRow:
    case: Case
    child_visible: bool
    opens: bool  # the SIP's page opens for the reader: the row links to it
    late: list[LateStep]


def overdue_page_for(actor: Actor, *, page: object = 1) -> tuple[Page, list[OverdueRow]]:
    """One page of the actor's overdue SIPs, longest-waiting first. The children named on the
    page are read: one audit row names them all."""
    today = timezone.localdate()
    rules = deadline_rules()
    scope, purpose = _overdue_scope(actor)
    cases = (
        overdue_cases(scope, today=today, rules=rules)
        .select_related("child", "coordinator", "coordinator_organisation",
                        "initiating_organisation")
        .order_by("proposed_at", "pk")
    )  # fmt: skip
    with transaction.atomic():
        result = Paginator(cases, PAGE_SIZE).get_page(page)
        rows = [
            OverdueRow(
                case, case.child_visible, case.opens, late_steps(case, today=today, rules=rules)
            )
            for case in result
        ]
        child_ids = [row.case.child_id for row in rows if row.child_visible]
        if child_ids:
            audit.record_read(
                actor=actor, child_id=None, obj="sip_overdue_list", obj_id=result.number,
                purpose=purpose, decision=access.Decision(True, "sip_list"),
                detail={"child_ids": child_ids, "case_ids": [row.case.pk for row in rows]},
            )  # fmt: skip
    return result, rows
