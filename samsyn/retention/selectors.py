"""What retention finds due (DOMAIN RET-1): per rule, the records whose period has run out,
those a legal hold keeps, and the oldest due date with the day the deletion must be done by.
Counts and record numbers only: the plan names no person, so an administrator, who never opens
a child, reads it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.db.models.expressions import BaseExpression
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from samsyn.access import rules as access
from samsyn.access.actor import Actor
from samsyn.children.models import Child
from samsyn.children.selectors import Built, Section
from samsyn.common.dates import add_months
from samsyn.common.errors import NotFound
from samsyn.common.json_rows import from_json, rows_as_json
from samsyn.retention import audit_log, kinds
from samsyn.retention.kinds import RetentionKind
from samsyn.retention.models import LegalHold, Rule, Run, RunLine

PERMISSION = "retention.manage"
PAGE_SIZE = 25
# The chart's geometry: a label column, then bars scaled to the largest count.
CHART_WIDTH, CHART_LABEL, CHART_ROW = 560, 200, 22


# Record types the law names that Samsyn holds no records of yet (their rules are seeded so they
# are there before the first record): their names, as no registered model gives them.
NOT_HELD = {
    "placement": gettext_lazy("placement files"),
    "adoption": gettext_lazy("adoption files"),
    "paternity": gettext_lazy("paternity files"),
    # Not a record type of a kind: the log's months, retired whole (retention.audit_log).
    "audit_log": gettext_lazy("the audit log, by month"),
}


class RuleNotFound(NotFound):
    pass


def _years_before(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, -12 * years)


def holds_in_force() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(lifted_at__isnull=True)


def held(kind: RetentionKind) -> Q:
    """The records a legal hold keeps: held themselves, or their child held."""
    on_record = holds_in_force().filter(record_type=kind.code).values("record_id")
    on_child = holds_in_force().filter(record_type="child").values("record_id")
    return Q(pk__in=on_record) | Q(**{f"{kind.child_id}__in": on_child})


def _other_data(child: RetentionKind) -> Q:
    """A child on whom another record type still holds personal data."""
    condition = Q()
    for kind in kinds.registered():
        if kind is child:
            continue
        records = kind.model._default_manager.filter(**{kind.child_id: OuterRef("pk")})
        if kind.personal is not None:
            records = records.filter(kind.personal())
        condition |= Q(Exists(records))
    return condition


def candidates(kind: RetentionKind, rule: Rule, today: datetime.date) -> QuerySet:
    """The records of the kind the rule makes due on `today`, held or not, annotated with
    `retention_last` (the last entry's day)."""
    records = kind.model._default_manager.annotate(retention_last=kind.last_entry())
    if rule.anchor == Rule.Anchor.NEVER:
        return records.none()
    records = records.filter(retention_last__isnull=False)
    if kind.personal is not None:
        records = records.filter(kind.personal())
    if kind.follows_other is not None:
        records = records.exclude(kind.follows_other())
    cutoff = _years_before(today, rule.years)
    if rule.anchor == Rule.Anchor.LAST_ENTRY:
        records = records.filter(retention_last__lte=cutoff)
    else:
        records = records.filter(**{f"{kind.path('birth_date')}__lte": cutoff})
    if rule.sample_days:
        records = records.exclude(**{f"{kind.path('birth_date')}__day__in": rule.sample_days})
    if not kind.child:
        records = records.exclude(_other_data(kind))
    return records


def due(kind: RetentionKind, rule: Rule, today: datetime.date) -> QuerySet:
    """What a run deletes or anonymises: due, and no legal hold keeps it."""
    return candidates(kind, rule, today).exclude(held(kind))


@dataclass(frozen=True)
class Line:
    """One rule in the plan."""

    rule: Rule | None
    kind: RetentionKind | None
    record_type: str
    due: int
    held: int
    # The earliest day one of the due records fell due, and the day it must be gone by.
    due_since: datetime.date | None
    deadline: datetime.date | None

    @property
    def label(self) -> str:
        if self.kind is None:
            return str(NOT_HELD.get(self.record_type, self.record_type))
        return str(self.kind.model._meta.verbose_name_plural)

    @property
    def log(self) -> bool:
        return self.record_type == audit_log.RECORD_TYPE

    @property
    def period(self) -> str:
        rule = self.rule
        if rule is None:
            return _("No rule: kept")
        if rule.anchor == Rule.Anchor.NEVER:
            return _("Never deleted")
        if rule.anchor == Rule.Anchor.BIRTH:
            return _("Until the person is %(years)s") % {"years": rule.years}
        return ngettext(
            "%(years)s year after the last entry", "%(years)s years after the last entry",
            rule.years,
        ) % {"years": rule.years}  # fmt: skip

    @property
    def overdue(self) -> bool:
        return self.deadline is not None and self.deadline < timezone.localdate()


def _due_since(kind: RetentionKind, rule: Rule, records: QuerySet) -> datetime.date | None:
    if rule.anchor == Rule.Anchor.LAST_ENTRY:
        first = records.aggregate(first=Min("retention_last"))["first"]
    else:
        first = records.aggregate(first=Min(kind.path("birth_date")))["first"]
    return add_months(first, 12 * rule.years) if first else None


def line_for(record_type: str, rule: Rule | None, today: datetime.date) -> Line:
    if record_type == audit_log.RECORD_TYPE and rule is not None:
        return Line(rule, None, record_type, audit_log.due(rule, today).rows, 0, None, None)
    registered = {kind.code: kind for kind in kinds.registered()}
    kind = registered.get(record_type)
    if kind is None or rule is None:
        # A rule for a type Samsyn holds no records of, or a type with no rule: nothing goes.
        return Line(rule, kind, record_type, 0, 0, None, None)
    records = candidates(kind, rule, today)
    going = records.exclude(held(kind))
    count = going.count()
    since = _due_since(kind, rule, going) if count else None
    deadline = None
    if since and rule.by_end_of_next_year:
        deadline = datetime.date(since.year + 1, 12, 31)
    return Line(rule, kind, record_type, count, records.filter(held(kind)).count(), since, deadline)


def plan(today: datetime.date | None = None) -> list[Line]:
    """Every rule and every record type, with what is due on `today`."""
    today = today or timezone.localdate()
    rules = {rule.record_type: rule for rule in Rule.objects.all()}
    types = sorted(set(rules) | {kind.code for kind in kinds.registered()})
    return [line_for(code, rules.get(code), today) for code in types]


# The administrator's pages.


@dataclass(frozen=True)
class Bar:
    label: str
    due: int
    held: int
    y: int
    due_width: int
    held_width: int

    @property
    def text_y(self) -> int:
        return self.y + 14

    @property
    def value_x(self) -> int:
        return CHART_LABEL + self.due_width + self.held_width + 6


def chart(lines: list[Line]) -> list[Bar]:
    shown = [line for line in lines if line.kind is not None and line.rule is not None]
    largest = max([line.due + line.held for line in shown] + [1])
    scale = (CHART_WIDTH - CHART_LABEL - 60) / largest
    return [
        Bar(
            label=line.label, due=line.due, held=line.held, y=index * CHART_ROW,
            due_width=round(line.due * scale), held_width=round(line.held * scale),
        )
        for index, line in enumerate(shown)
    ]  # fmt: skip


@dataclass(frozen=True)
class Overview:
    lines: list[Line]
    bars: list[Bar]
    runs: list[Run]
    holds: list[LegalHold]

    @property
    def chart_height(self) -> int:
        return max(len(self.bars), 1) * CHART_ROW

    @property
    def chart_width(self) -> int:
        return CHART_WIDTH

    @property
    def chart_label(self) -> int:
        return CHART_LABEL


def overview_for(actor: Actor) -> Overview:
    access.require(actor, PERMISSION)
    lines = plan()
    runs = list(Run.objects.prefetch_related("lines")[:10])
    holds = list(holds_in_force().select_related("set_by")[:50])
    return Overview(lines=lines, bars=chart(lines), runs=runs, holds=holds)


@dataclass(frozen=True)
class ChildHolds:
    """The legal holds on a child, for the child's page: shown to everyone who may read the
    child, placed and lifted there by the manager of a unit that has the child (`may_hold`),
    who lifts only the holds their own unit placed (`unit_id`)."""

    holds: list[LegalHold]
    may_hold: bool
    unit_id: int


def holds_section(actor: Actor) -> Section[ChildHolds]:
    """The legal holds on the child in force, as a section of the child's page (`ChildHolds`).
    Not audited on its own: the child's row names the child's page, holds and all. Whether the
    actor may hold comes from the relationships the page has found already."""

    def expression(child: Child) -> BaseExpression:
        holds = holds_in_force().filter(record_type="child", record_id=access.child_param(child.pk))
        return rows_as_json(holds, "set_by")

    def build(child: Child, rows: list | None) -> Built[ChildHolds]:
        holds = [from_json(LegalHold, row, "set_by") for row in rows or ()]
        may_hold = access.may_hold_child(actor, child.pk)
        return ChildHolds(holds=holds, may_hold=may_hold, unit_id=actor.unit.pk), []

    return Section(expression, build)


def check_child_hold(actor: Actor, child_id: int) -> None:
    """Whether the actor may place or lift a hold on the child: the refusal, logged, if not."""
    access.require_hold_child(actor, child_id)


@dataclass(frozen=True)
class DueList:
    line: Line
    page: Page


def due_list_for(actor: Actor, *, record_type: str, page: str | None) -> DueList:
    """One rule's due records, by record number and dates only, oldest first."""
    access.require(actor, PERMISSION)
    rule = Rule.objects.filter(record_type=record_type).first()
    registered = {kind.code: kind for kind in kinds.registered()}
    kind = registered.get(record_type)
    if rule is None or kind is None:
        raise RuleNotFound(record_type)
    today = timezone.localdate()
    records = due(kind, rule, today).order_by("retention_last", "pk")
    if rule.anchor == Rule.Anchor.BIRTH:
        records = records.order_by(kind.path("birth_date"), "pk")
    values = records.values("pk", "retention_last", *(
        [kind.path("birth_date")] if rule.anchor == Rule.Anchor.BIRTH else []
    ))  # fmt: skip
    result = Paginator(values, PAGE_SIZE).get_page(page)
    rows = []
    for row in result.object_list:
        start = row.get(kind.path("birth_date")) or row["retention_last"]
        due_on = add_months(start, 12 * rule.years)
        deadline = datetime.date(due_on.year + 1, 12, 31) if rule.by_end_of_next_year else None
        rows.append({"pk": row["pk"], "last": row["retention_last"], "due_on": due_on,
                     "deadline": deadline})  # fmt: skip
    result.object_list = rows
    return DueList(line=line_for(record_type, rule, today), page=result)


def rule_for(actor: Actor, rule_id: int) -> Rule:
    access.require(actor, PERMISSION)
    rule = Rule.objects.filter(pk=rule_id).first()
    if rule is None:
        raise RuleNotFound(rule_id)
    return rule


def dry_run_since_change(rule: Rule) -> RunLine | None:
    """The dry run of the rule, made since it last changed, that an administrator must have
    seen before it deletes (a scheduled run is dry for a rule not yet enforced)."""
    return (
        RunLine.objects.filter(
            record_type=rule.record_type, enforced=False, run__finished_at__gte=rule.changed_at
        )
        .select_related("run")
        .order_by("-run__finished_at")
        .first()
    )


def record_types_for(actor: Actor) -> list[tuple[str, str]]:
    """What a legal hold may name: the child, or a record of a registered type."""
    access.require(actor, PERMISSION)
    types = [(kind.code, kinds.label(kind.code)) for kind in kinds.registered()]
    return sorted(types, key=lambda item: (item[0] != "child", item[1]))
