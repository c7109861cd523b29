"""Reads of referrals. Each takes the actor and returns only what the actor may see, through
`access` for the referral's own information category, and each read writes an audit row (obj
"referral"; a page of a list, "referral_list"). A refused read is logged before the not-found
(LOG-3).

The sending unit reads its referral as the owner's unit taking part in it; the receiving unit
reads it under the referral's ground (a consent or a recorded legal ground) and its taking part:
ground and relationship (SEK-4). Every list starts from the actor's unit.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Category, LegalBasis
from samsyn.audit import services as audit
from samsyn.children import timeline
from samsyn.children.models import Child
from samsyn.common.errors import Denial, NotFound
from samsyn.directory.models import Organisation, Unit
from samsyn.referrals.models import Referral

PAGE_SIZE = 25
INCOMING, OUTGOING = "incoming", "outgoing"
RELATED = (
    "child", "from_organisation", "from_unit", "sent_by", "to_organisation", "to_unit",
    "answered_by", "consent", "legal_ground__basis",
)  # fmt: skip


class ReferralNotFound(NotFound):
    """The same for "no such referral" and "not yours": ids cannot be probed."""


def category_of(organisation: Organisation) -> str:
    """The information category of what an organisation writes (the sender's referral)."""
    return rules.CATEGORY_OF_KIND.get(organisation.kind, Category.BASIC)  # type: ignore[call-overload]


def _readable(
    actor: Actor, referrals: QuerySet[Referral], purpose: str | None = None
) -> QuerySet[Referral]:
    """Each referral as `access` allows for its own category: one restrict per category, all in
    one query."""
    purpose = purpose or rules.default_purpose(actor)
    allowed = Q(pk__in=[])
    for category in sorted(set(rules.CATEGORY_OF_KIND.values())):
        readable = rules.restrict(
            actor, referrals.filter(category=category), purpose=purpose, category=category
        )
        allowed |= Q(pk__in=readable.values("pk"))
    return referrals.filter(allowed)


def referrals_of(actor: Actor, box: str) -> QuerySet[Referral]:
    """The referrals the actor's unit received (`INCOMING`) or sent (`OUTGOING`), newest first,
    as far as the actor may read them."""
    if actor.role not in rules.CHILD_ROLES:
        return Referral.objects.none()
    if box == OUTGOING:
        mine = Referral.objects.filter(from_unit_id=actor.unit.pk)
    else:
        mine = Referral.objects.filter(to_unit_id=actor.unit.pk).exclude(
            status=Referral.Status.WITHDRAWN
        )
    return _readable(actor, mine).select_related(*RELATED).order_by("-sent_at", "-pk")


def referral_page_for(actor: Actor, *, box: str, page: int | str | None = 1) -> Page:
    """One page of the unit's referrals. Showing it is reading each: one audit row names the
    referrals and their children."""
    box = box if box in (INCOMING, OUTGOING) else INCOMING
    with transaction.atomic():
        result = Paginator(referrals_of(actor, box), PAGE_SIZE).get_page(page)
        shown = list(result)
        if shown:
            audit.record_read(
                actor=actor, child_id=None, obj="referral_list", obj_id=result.number,
                purpose=rules.default_purpose(actor), decision=rules.Decision(True, "list"),
                detail={
                    "box": box,
                    "referral_ids": [r.pk for r in shown],
                    "child_ids": sorted({r.child_id for r in shown}),
                },
            )  # fmt: skip
    return result


def _decide(actor: Actor, referral: Referral, purpose: str) -> rules.Decision:
    return rules.decide(actor, referral, purpose=purpose, category=referral.category)


def referral_for(actor: Actor, *, referral_id: int) -> tuple[Referral, rules.Decision]:
    """The referral and why the actor may read it, audited; otherwise the attempt is audited and
    ReferralNotFound raised. Call it outside a transaction: a denial's row must outlive the 404
    that follows."""
    purpose = rules.default_purpose(actor)
    referral = Referral.objects.select_related(*RELATED).filter(pk=referral_id).first()
    decision = _decide(actor, referral, purpose) if referral is not None else rules.DENIED
    if referral is None or not decision.allowed:
        audit.record_denied(
            actor=actor, child_id=referral.child_id if referral else None, obj="referral",
            obj_id=referral_id, purpose=purpose,
        )  # fmt: skip
        raise ReferralNotFound(referral_id)
    with transaction.atomic():
        audit.record_read(
            actor=actor, child_id=referral.child_id, obj="referral", obj_id=referral.pk,
            purpose=purpose, decision=decision,
        )  # fmt: skip
    return referral, decision


def referral_for_change(actor: Actor, referral_id: int) -> tuple[Referral, rules.Decision]:
    """The one door to change a referral: the row locked and why the actor may act on it;
    ReferralNotFound otherwise, the same for missing and forbidden, carrying its denial for the
    log. Call inside the change's transaction: the lock serialises two answers."""
    purpose = rules.default_purpose(actor)
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("child", "from_organisation", "to_organisation", "to_unit")
        .filter(pk=referral_id)
        .first()
    )
    decision = _decide(actor, referral, purpose) if referral is not None else rules.DENIED
    if referral is not None and decision.allowed:
        return referral, decision
    refusal = ReferralNotFound(referral_id)
    refusal.denial = Denial(
        actor=actor, child_id=referral.child_id if referral else None, obj="referral",
        obj_id=referral_id, purpose=purpose,
    )  # fmt: skip
    raise refusal


def is_sender(actor: Actor, referral: Referral) -> bool:
    return referral.from_unit_id == actor.unit.pk


def is_receiver(actor: Actor, referral: Referral) -> bool:
    return referral.to_unit_id == actor.unit.pk


def units_to_refer_to(actor: Actor) -> QuerySet[Unit]:
    """The units of the actor's county's other organisations that work with children: the
    directory's receivers of a referral, bounded by the county."""
    county = actor.organisation.principal.code[:2]
    if not county:
        return Unit.objects.none()
    return (
        Unit.objects.filter(organisation__principal__code__startswith=county)
        .exclude(organisation_id=actor.organisation.pk)
        .exclude(organisation__kind=Organisation.Kind.ADMINISTRATION)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def bases_for(actor: Actor) -> QuerySet[LegalBasis]:
    """The legal bases that may carry a referral from the actor's organisation: those covering
    its category and allowing disclosure from its kind. Whether one also allows it to the
    chosen receiver, for this child, the service checks (`consent.services.basis_applies`)."""
    category = category_of(actor.organisation)
    return (
        LegalBasis.objects.filter(categories__contains=[category])
        .filter(Q(from_kinds=[]) | Q(from_kinds__contains=[actor.organisation.kind]))
        .order_by("reference")
    )


def timeline_rows(actor: Actor, child: Child, purpose: str) -> QuerySet:
    """The child's referrals on its timeline (issue 11, point 6): those the actor may read for
    the page's purpose, each the sending organisation's."""
    referrals = _readable(
        actor, Referral.objects.filter(child=rules.child_param(child.pk)), purpose
    )
    return timeline.rows(referrals, name="referral", at="sent_at")


def timeline_records() -> QuerySet[Referral]:
    return Referral.objects.select_related("from_organisation", "to_unit")


def describe_for_timeline(actor: Actor, referral: Referral) -> timeline.Entry:
    return timeline.Entry(
        at=referral.sent_at,
        kind=_("Referral"),
        title=_("Referral to %(unit)s: %(effort)s")
        % {"unit": referral.to_unit.name, "effort": referral.effort},
        organisation=referral.from_organisation.name,
        url=reverse("referrals:detail", args=[referral.pk]),
        detail=referral.get_status_display(),
    )
