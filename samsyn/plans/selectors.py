"""Reads of SIPs. Each takes the actor and returns only what the actor may see; reading one SIP
writes an audit row in the same transaction, and a refused attempt is audited too."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.audit import services as audit
from samsyn.plans.models import Case


class CaseNotFound(Exception):
    """The same for "no such SIP" and "not yours": ids cannot be probed."""


def cases_visible_to(actor: Actor, *, purpose: str) -> QuerySet[Case]:
    return rules.restrict_cases(
        actor,
        Case.objects.select_related(
            "child", "initiating_organisation", "coordinator", "coordinator_organisation"
        ),
        purpose=purpose,
    ).order_by("-proposed_at", "pk")


def case_for(
    actor: Actor, *, case_id: int, purpose: str, obj: str = "sip"
) -> tuple[Case, rules.Decision]:
    """The SIP and the ground the actor reads it on; audited. Call outside a transaction: a
    denial's audit row must outlive the 404 that follows."""
    case = (
        Case.objects.select_related(
            "child__municipality", "initiating_organisation", "coordinator",
            "coordinator_organisation",
        )
        .filter(pk=case_id)
        .first()
    )  # fmt: skip
    decision = rules.decide_case(actor, case, purpose=purpose) if case else rules.DENIED
    if not decision.allowed:
        audit.record_denied(
            actor=actor, child_id=case.child_id if case else None, obj=obj, obj_id=case_id,
            purpose=purpose,
        )  # fmt: skip
        raise CaseNotFound(case_id)
    with transaction.atomic():
        audit.record_read(
            actor=actor, child_id=case.child_id, obj=obj, obj_id=case.pk, purpose=purpose,
            decision=decision,
        )  # fmt: skip
    return case, decision
