"""Reads of children. Each takes the actor and returns only what the actor may see; reading one
child writes an audit row in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Category
from samsyn.audit import services as audit
from samsyn.children.identity import parse_identity_number
from samsyn.children.models import Child, Guardian, Involvement


class ChildNotFound(Exception):
    """The same for "no such child" and "not yours": ids cannot be probed."""


@dataclass(frozen=True)
class ChildView:
    """One child as one actor may see it, with the reason for each part."""

    child: Child
    purpose: str
    decision: rules.Decision
    address: rules.Decision
    guardians: list[Guardian]
    involvements: list[Involvement]

    @property
    def shows_address(self) -> bool:
        return self.address.allowed


def children_visible_to(actor: Actor, *, purpose: str, query: str = "") -> QuerySet[Child]:
    children = rules.restrict_children(actor, Child.objects.all(), purpose=purpose)
    query = query.strip()
    if query:
        digits = query.replace("-", "").replace(" ", "")
        if digits.isdigit():
            try:
                children = children.filter(identity_number=parse_identity_number(query).digits)
            except Exception:  # noqa: BLE001 - a partial number searches by prefix
                children = children.filter(identity_number__contains=digits)
        else:
            for word in query.split():
                children = children.filter(
                    Q(first_name__istartswith=word) | Q(last_name__istartswith=word)
                )
    return children.select_related("municipality").order_by("last_name", "first_name", "pk")


def child_for(actor: Actor, *, child_id: int, purpose: str) -> ChildView:
    # Not one atomic block: the denial's audit row must survive the exception that follows it.
    child = Child.objects.select_related("municipality").filter(pk=child_id).first()
    decision = (
        rules.decide(actor, child, purpose=purpose, category=Category.BASIC)
        if child
        else rules.DENIED
    )
    if not decision.allowed:
        audit.record_denied(
            actor=actor, child_id=child.pk if child else None, obj="child", obj_id=child_id,
            purpose=purpose,
        )  # fmt: skip
        raise ChildNotFound(child_id)
    with transaction.atomic():
        return _read_child(actor, child, purpose, decision)


def _read_child(actor: Actor, child: Child, purpose: str, decision: rules.Decision) -> ChildView:
    address = rules.may_see_address(actor, child, purpose=purpose)
    guardians = list(child.guardians.order_by("last_name", "first_name"))
    involvements = list(rules.visible_involvements(actor, child, purpose=purpose))
    audit.record_read(
        actor=actor, child_id=child.pk, obj="child", obj_id=child.pk, purpose=purpose,
        decision=decision, detail={"address_shown": address.allowed},
    )  # fmt: skip
    return ChildView(child, purpose, decision, address, guardians, involvements)
