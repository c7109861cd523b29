"""What each rung of the ladder sees (DOMAIN RAD-9, GOV-3): the signals escalated to a
collaboration body, as counts per rule and organisation for every member, and as cases only
where `access` opens them to the member acting for their unit — which for a body's members is
mostly nobody: a political group sees counts, never a child.

Counts leave the unit, so counts under 5 are shown as "fewer than 5" (KPI-2). A body's page
is its members' own: anyone else gets the same not-found as for a body that does not exist,
and the refusal is logged.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Count, QuerySet

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.common.errors import Denial
from samsyn.radar.models import CollaborationBody, Escalation, Rule, Signal
from samsyn.radar.selectors import BodyNotFound
from samsyn.radar.selectors.queue import Row, listed_page, live, visible_signals

# KPI-2: a count under this leaves no unit.
SUPPRESS_UNDER = 5


@dataclass(frozen=True)
class Tally:
    rule_code: str
    rule_name: str
    organisation: str
    # None: fewer than SUPPRESS_UNDER, not shown.
    count: int | None


@dataclass(frozen=True)
class BodyView:
    body: CollaborationBody
    counts: list[Tally]
    page: Page
    rows: list[Row]


def bodies_of(actor: Actor) -> QuerySet[CollaborationBody]:
    """The bodies the person is a member of, whatever unit they act for."""
    return CollaborationBody.objects.filter(members=actor.staff).order_by("name")


def escalated_to(body: CollaborationBody) -> QuerySet[Signal]:
    """The live signals that reached the body's rung (and perhaps went further up)."""
    return live().filter(pk__in=Escalation.objects.filter(body=body).values("signal_id"))


def _counts(signals: QuerySet[Signal]) -> list[Tally]:
    names = {rule.code: rule.name for rule in Rule.objects.all()}
    grouped = (
        signals.values("rule__code", "organisation__name")
        .annotate(n=Count("pk"))
        .order_by("rule__code", "organisation__name")
    )
    return [
        Tally(
            row["rule__code"],
            names.get(row["rule__code"], ""),
            row["organisation__name"],
            row["n"] if row["n"] >= SUPPRESS_UNDER else None,
        )  # fmt: skip
        for row in grouped
    ]


def body_page_for(actor: Actor, body_id: int, *, page: object = 1) -> BodyView:
    """A body's page for one of its members. Call outside a transaction: a refusal's log row
    must outlive the 404."""
    body = bodies_of(actor).filter(pk=body_id).first()
    if body is None:
        refusal = BodyNotFound(body_id)
        refusal.denial = Denial(
            actor=actor, child_id=None, obj="collaboration_body", obj_id=body_id,
            purpose=rules.default_purpose(actor), action="read",
        )  # fmt: skip
        raise refusal
    escalated = escalated_to(body)
    counts = _counts(escalated)
    result, rows = listed_page(actor, visible_signals(actor, escalated), page, body_id=body.pk)
    return BodyView(body, counts, result, rows)
