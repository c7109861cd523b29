"""The one place that answers "may this person see or do this, acting for which organisation,
for which purpose" (DESIGN: core concepts of access).

Inside its own organisation an actor sees a child only through a relationship: an active
involvement of its unit (the whole unit's, or one naming the actor), the unit taking part in a
record about the child, a unit manager's oversight of every active involvement of the unit, or
the actor's own emergency access for a stated reason and a limited time (DOMAIN LOG-2). Role
alone never opens a child. Across organisations a read needs a ground valid at that moment — a
consent or a recorded legal ground — covering the actor's organisation, the category and the
purpose, and inside the receiving organisation a relationship as well: ground and relationship,
never ground alone (DOMAIN SEK-1, SEK-4; PDL 4 kap. 1 §). Every check is a query filter, so
what is not allowed is never loaded, and a withdrawn consent stops the very next query.

The rules hold for every record kind the same way (`access.kinds`): `restrict` filters a
queryset of any registered kind, `decide` answers for one record, `open_for_change` locks one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    JSONField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable, RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from samsyn.access import kinds
from samsyn.access.actor import Actor
from samsyn.access.kinds import RecordKind
from samsyn.access.models import Category, EmergencyAccess, LegalBasis, LegalGround, Purpose
from samsyn.children.models import (
    Child,
    Guardian,
    Guardianship,
    Involvement,
    ProtectedIdentityNeed,
)
from samsyn.common import shapes
from samsyn.common.errors import AccessDenied, Denial
from samsyn.common.json_rows import from_json, json_objects
from samsyn.common.shapes import Bound, bound_param
from samsyn.consent.models import Consent, ConsentSettings
from samsyn.directory.models import Organisation, Principal, Role

# Which category each kind of organisation's information falls in.
CATEGORY_OF_KIND = {
    Organisation.Kind.SOCIAL_SERVICES: Category.SOCIAL,
    Organisation.Kind.LSS: Category.SOCIAL,
    Organisation.Kind.BARNAHUS: Category.SOCIAL,
    Organisation.Kind.SIS: Category.SOCIAL,
    Organisation.Kind.BUP: Category.HEALTH,
    Organisation.Kind.BVC: Category.HEALTH,
    Organisation.Kind.HABILITATION: Category.HEALTH,
    Organisation.Kind.PAEDIATRICS: Category.HEALTH,
    Organisation.Kind.PRIMARY_CARE: Category.HEALTH,
    Organisation.Kind.SCHOOL: Category.SCHOOL,
    Organisation.Kind.POLICE: Category.POLICE,
}

# The purpose a role reads for unless it names another.
DEFAULT_PURPOSE: dict[str, str] = {
    Role.CASEWORKER: Purpose.INVESTIGATION,
    Role.CLINICIAN: Purpose.TREATMENT,
    Role.SCHOOL_NURSE: Purpose.SUPPORT,
    Role.SCHOOL_COUNSELLOR: Purpose.SUPPORT,
    Role.UNIT_MANAGER: Purpose.FOLLOW_UP,
    Role.POLICE_OFFICER: Purpose.INVESTIGATION,
    Role.ADMINISTRATOR: Purpose.FOLLOW_UP,
    Role.ANALYST: Purpose.FOLLOW_UP,
}

# Roles that work with individual children at all.
CHILD_ROLES = frozenset(DEFAULT_PURPOSE) - {Role.ADMINISTRATOR, Role.ANALYST}

# Actions that touch no child's data, and the roles that may take them.
PERMISSIONS: dict[str, frozenset[str]] = {
    "directory.view": frozenset(Role),
    "children.search": CHILD_ROLES,
    # SIPs: the roles that work with children; which SIP is decided per record by restrict.
    "plans.work": CHILD_ROLES,
    # Reports of concern: every role that works with children files one and follows it; which
    # report an intake step may touch is decided per record (the report's own intake unit).
    "concerns.report": CHILD_ROLES,
    "concerns.intake": CHILD_ROLES,
    # Anonymous consultations: the roles that work with children ask and answer them.
    "consultations.work": CHILD_ROLES,
    # Discharge, the inpatient side: the clinicians and managers of an inpatient unit.
    "discharge.ward": frozenset({Role.CLINICIAN, Role.UNIT_MANAGER}),
    # Discharge: the units notified of an admission (social services, outpatient care) receive.
    "discharge.receive": CHILD_ROLES,
    # The radar: each signal is read per record; the roles that work with children act on them.
    "radar.work": CHILD_ROLES,
    # Referrals: the roles that work with children send and answer them; which referral is
    # decided per record (the sending and the receiving unit).
    "referrals.work": CHILD_ROLES,
    "audit.review_unit": frozenset({Role.UNIT_MANAGER, Role.ADMINISTRATOR}),
    # Emergency access (DOMAIN LOG-2): the roles that treat or investigate, whose work cannot
    # wait for a case to be assigned, and managers; never police, counsellors or administrators.
    "access.emergency": frozenset(
        {Role.CASEWORKER, Role.CLINICIAN, Role.SCHOOL_NURSE, Role.UNIT_MANAGER}
    ),
    # Retention: the rules, the legal holds and what is due, by record number (no child).
    "retention.manage": frozenset({Role.ADMINISTRATOR}),
    # Which of the identity provider's unit ids names which of the principal's units.
    "accounts.provider_units": frozenset({Role.ADMINISTRATOR}),
    "api.tokens": frozenset(Role),
}


@dataclass(frozen=True)
class Decision:
    """Whether a read is allowed, on which ground, and through which relationship of the actor's
    unit with the child (stored in the audit row so a log extract can say why someone could
    read)."""

    allowed: bool
    basis: str  # "involvement", "consent", "legal_ground", … each in words in audit.selectors.BASES
    detail: dict = field(default_factory=dict)
    # With a consent or a legal ground: the involvement or the record the unit takes part in.
    relationship: dict = field(default_factory=dict)

    def as_audit(self) -> dict:
        if self.relationship:
            return {"basis": self.basis, **self.detail, "relationship": self.relationship}
        return {"basis": self.basis, **self.detail}


DENIED = Decision(allowed=False, basis="none")


def default_purpose(actor: Actor) -> str:
    return DEFAULT_PURPOSE[actor.role]


def can(actor: Actor, permission: str) -> bool:
    return actor.role in PERMISSIONS[permission]


def require(actor: Actor, permission: str) -> None:
    if not can(actor, permission):
        refusal = AccessDenied(permission)
        refusal.denial = Denial(
            actor=actor, child_id=None, obj="role_permission", obj_id=permission,
            purpose=default_purpose(actor), action="read",
        )  # fmt: skip
        raise refusal


def _now() -> Bound:
    """The moment of the query, read when the query is compiled: `restrict` builds its tree
    once per request and every query made from it still asks "in force right now", as a
    tree built for that query alone did (a consent given or run out a moment ago counts)."""
    return Bound("now", timezone.now, DateTimeField())


def _today() -> Bound:
    """The day of the query, read when the query is compiled (`_now`)."""
    return Bound("today", timezone.localdate, DateField())


def unit_param(actor: Actor) -> Bound:
    """The actor's unit as a value of a query (`common.shapes`): one statement's SQL serves
    every unit of its shape."""
    return Bound("unit", actor.unit.pk)


def organisation_param(actor: Actor) -> Bound:
    """The actor's organisation as a value of a query (`unit_param`)."""
    return Bound("organisation", actor.organisation.pk)


def staff_param(actor: Actor) -> Bound:
    """The actor as a value of a query (`unit_param`)."""
    return Bound("staff", actor.staff.pk)


def child_param(child_id: int) -> Bound:
    """The child of a page as a value of its statement (`unit_param`)."""
    return Bound("child", child_id)


def binding(actor: Actor, child_id: int, **more: Any) -> dict[str, Any]:
    """The values a statement about one child binds (`common.shapes.first_row`): the actor's,
    the child's, this moment's, and `more` (a page number)."""
    return {
        "unit": actor.unit.pk, "organisation": actor.organisation.pk, "staff": actor.staff.pk,
        "region": _region_of(actor.organisation), "child": child_id, "now": timezone.now(),
        "today": timezone.localdate(), **more,
    }  # fmt: skip


def _unit_involvements(actor: Actor):
    """The unit's involvements in force today, whoever is assigned."""
    today = _today()
    return Involvement.objects.filter(unit_id=unit_param(actor), started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    )


def _active_involvements(actor: Actor):
    """The actor's own involvements: the whole unit's, or those assigned to the actor."""
    return _unit_involvements(actor).filter(Q(staff__isnull=True) | Q(staff_id=staff_param(actor)))


def _overseen_involvements(actor: Actor):
    """A unit manager answers for every case of the unit, so oversees every involvement in force,
    whoever is assigned: a relationship of its own, logged as "oversight". It opens the child
    for reading, never for changing (`can_edit_child` keeps to the actor's own involvements)."""
    if actor.role != Role.UNIT_MANAGER:
        return Involvement.objects.none()
    return _unit_involvements(actor)


def _opening_involvements(actor: Actor):
    """The involvements that open the child to the actor: a manager's oversight, which covers
    the manager's own involvements (one condition, not two), or the actor's own."""
    if actor.role == Role.UNIT_MANAGER:
        return _overseen_involvements(actor)
    return _active_involvements(actor)


def _emergency_accesses(actor: Actor):
    """The actor's emergency accesses in force (DOMAIN LOG-2): the person's, acting for this unit,
    never the unit's."""
    now = _now()
    return EmergencyAccess.objects.filter(
        staff_id=staff_param(actor),
        unit_id=unit_param(actor),
        started_at__lte=now,
        ends_at__gt=now,
    )


def _involved(actor: Actor, child_ref: OuterRef) -> Q:
    """The relationships that open the child itself inside the actor's organisation without a
    ground: the actor's involvement, a manager's oversight, the actor's emergency access."""
    involvements = _opening_involvements(actor)
    return Q(Exists(involvements.filter(child=child_ref))) | Q(
        Exists(_emergency_accesses(actor).filter(child=child_ref))
    )


def _valid_consents(actor: Actor, category: str, purpose: str):
    now = _now()
    return Consent.objects.filter(
        receiving_organisation_id=organisation_param(actor),
        categories__contains=[category],
        purposes__contains=[purpose],
        given_at__lte=now,
        valid_until__gt=now,
        withdrawn_at__isnull=True,
    )


def _valid_legal_grounds(actor: Actor, category: str, purpose: str):
    now = _now()
    return LegalGround.objects.filter(
        receiving_organisation_id=organisation_param(actor),
        categories__contains=[category],
        purposes__contains=[purpose],
        valid_from__lte=now,
        valid_until__gt=now,
        ended_at__isnull=True,
    )


def _region_of(organisation: Organisation) -> str:
    """The county code whose agreement the organisation reads under (DOMAIN SIP-4)."""
    return organisation.principal.code[:2]


def both_guardians_must_consent(region_code: str) -> bool:
    """The region's setting (DOMAIN SIP-4), both by default until the region records its own."""
    setting = ConsentSettings.objects.filter(region__code=region_code).values_list(
        "both_guardians_must_consent", flat=True
    )
    return setting.first() is not False


def all_guardians_must_consent(actor: Actor) -> bool:
    """The setting of the actor's county, read once per request: a child's data is shared
    within the county whose agreement sets the rule."""
    return _memoised(
        actor,
        ("all_guardians_must_consent",),
        lambda: both_guardians_must_consent(_region_of(actor.organisation)),
    )


@dataclass(frozen=True)
class _OneChild:
    actor: Actor
    child_id: int
    # What an actor without a request memo found inside the scope, kept only for it.
    found: dict = field(default_factory=dict)


_ONE_CHILD: ContextVar[_OneChild | None] = ContextVar("samsyn_access_one_child", default=None)


def per_request[T](actor: Actor, key: tuple, compute: Callable[[], T]) -> T:
    """`compute()` once per request for the request's actor (`Actor.memo`), every time for an
    actor made otherwise: for a query composed from `restrict` that a request reads several
    times. Keep only what cannot change within the request: a queryset never read (hand out
    copies, `.all()`), not rows. Inside `about_one_child` `restrict` answers for that child
    only, so what is composed there is kept apart from what is composed outside it."""
    one = _ONE_CHILD.get()
    scope = one.child_id if one is not None and one.actor is actor else None
    return _memoised(actor, ("per_request", scope, *key), compute)


def _memoised[T](actor: Actor, key: tuple, compute: Callable[[], T]) -> T:
    """`compute()` once per request for the request's actor (`Actor.memo`), once inside
    `about_one_child` for any other actor, every time otherwise."""
    memo = actor.memo
    if memo is None:
        one = _ONE_CHILD.get()
        if one is None or one.actor is not actor:
            return compute()
        memo = one.found
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _with_consent(
    actor: Actor, child_ref: OuterRef, category: str, purpose: str
) -> tuple[dict[str, Any], Q]:
    """The annotations for, and the condition of, a consent that holds: the child's own
    (recorded only after a maturity assessment), or the guardians' — every guardian's where the
    region's setting says so. One guardian's withdrawal then stops the sharing at once."""
    valid = _valid_consents(actor, category, purpose).filter(child=child_ref)
    consenting = (
        # A guardian's consent counts while their guardianship of the child is in force.
        valid.filter(
            given_by=Consent.GivenBy.GUARDIAN,
            guardian__guardianships__child=F("child"),
            guardian__guardianships__ended_on__isnull=True,
        )
        .values("child")
        .annotate(n=Count("guardian", distinct=True))
        .values("n")[:1]
    )
    guardians = (
        Guardianship.objects.current()
        .filter(child=child_ref)
        .values("child")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    needed = Subquery(guardians) if all_guardians_must_consent(actor) else Value(1)
    aliases = {
        "consenting_guardians": Coalesce(Subquery(consenting), 0),
        "guardians_needed": Coalesce(needed, 0),
    }
    holds = Exists(valid.filter(given_by=Consent.GivenBy.CHILD)) | (
        Q(consenting_guardians__gt=0) & Q(consenting_guardians__gte=F("guardians_needed"))
    )
    return aliases, holds


def _relationship(actor: Actor, child_ref: OuterRef) -> Q:
    """The actor has a relationship with the child: an involvement, oversight or emergency access
    (`_involved`), or the unit takes part in a record of any kind about the child."""
    related = _involved(actor, child_ref)
    for kind in kinds.registered():
        if kind.unit_takes_part is not None:
            records = kind.model._default_manager.filter(kind.unit_takes_part(unit_param(actor)))
            related = related | Q(Exists(records.filter(**{kind.child: child_ref})))
    return related


def _related_children(actor: Actor) -> QuerySet:
    """The ids of every child the actor has a relationship with (`_relationship`), as one
    union read from the unit's own rows by their indexes: where a list of children starts, so
    its cost follows the unit's caseload, never the county's children."""
    involvements = _opening_involvements(actor)
    sources = [involvements.values("child_id"), _emergency_accesses(actor).values("child_id")]
    for kind in kinds.registered():
        if kind.unit_takes_part is not None:
            records = kind.model._default_manager.filter(kind.unit_takes_part(unit_param(actor)))
            sources.append(records.values(kind.child))
    first, *others = (source.order_by() for source in sources)
    return first.union(*others)


@contextmanager
def about_one_child(actor: Actor, child_id: int) -> Iterator[None]:
    """While it lasts, `restrict` answers for `actor` about this one child's records only: the
    actor's relationships with the child and its grounds are found once for the request (the
    rows the child's own decision found), so each kind's rule is a few conditions on the
    record, not a subquery per relationship and ground. The child's timeline restricts a dozen
    kinds at once: one child's cost, not a dozen query trees (issue 12)."""
    scope = _ONE_CHILD.set(_OneChild(actor, child_id))
    try:
        yield
    finally:
        _ONE_CHILD.reset(scope)


def _opens_child(row: dict) -> bool:
    """`_involved` of the relationships found: the involvement, a manager's oversight, the
    emergency access."""
    return any(
        row.get(key) is not None
        for key in ("involvement_id", "overseen_involvement_id", "emergency_access_id")
    )


def _related(row: dict) -> bool:
    """`_relationship` of the relationships found: those of `_opens_child`, or the unit taking
    part in a record of any kind about the child."""
    return any(value is not None for value in row.values())


def _restrict_one_child(
    actor: Actor,
    queryset: QuerySet,
    kind: RecordKind,
    child_id: int,
    *,
    purpose: str,
    category: str,
) -> QuerySet:
    """`restrict` for the records of one child, each relationship and ground of `restrict`
    decided once: the same rule, where what is known already is True or False, not a
    condition for the database."""
    row = _child_relationships(actor, child_id) or {}
    involved = _opens_child(row)
    relationship: bool | Q = _related(row)
    if kind.unit_takes_part is not None and not relationship:
        relationship = kind.unit_takes_part(unit_param(actor))
    own: bool | Q = (
        _and(Q(**{kind.owner: organisation_param(actor)}), relationship) if kind.owner else involved
    )
    ground = _grounds_for(actor, child_id, purpose).cover(category)
    allowed = _or(own, relationship) if ground else own
    if kind.organisation_takes_part is not None:
        allowed = _and(allowed, kind.organisation_takes_part(organisation_param(actor)))
    if kind.author:
        allowed = _or(allowed, Q(**{kind.author: staff_param(actor)}))
    if allowed is False:
        return queryset.none()
    of_child = Q(**{kind.child: child_param(child_id)})
    return queryset.filter(of_child if allowed is True else of_child & allowed)


def one_child_shape(actor: Actor, child_id: int) -> Hashable:
    """What `restrict` inside `about_one_child` and `visible_involvements` decide by, beyond the
    values they bind (`binding`): the role, whether the actor's involvement (or oversight, or
    emergency access) opens the child, whether any relationship does, and which categories the
    grounds cover for each purpose. Part of the key of a statement about one child compiled
    once per shape (`common.shapes`)."""
    row = _child_relationships(actor, child_id) or {}
    return (
        actor.role,
        _opens_child(row),
        _related(row),
        frozenset(
            (purpose, category)
            for purpose, grounds in _every_ground(actor, child_id).items()
            for category in (*grounds.consents, *grounds.legal)
        ),
    )


def _and(a: bool | Q, b: bool | Q) -> bool | Q:
    if a is False or b is False:
        return False
    if a is True:
        return b
    if b is True:
        return a
    return a & b


def _or(a: bool | Q, b: bool | Q) -> bool | Q:
    if a is True or b is True:
        return True
    if a is False:
        return b
    if b is False:
        return a
    return a | b


def restrict(
    actor: Actor, queryset: QuerySet, *, purpose: str, category: str | None = None
) -> QuerySet:
    """Only the records of `queryset` (of any registered kind) the actor may read, for
    `purpose`, right now: of the category the kind declares unless `category` names another.
    Inside `about_one_child`, only that child's records."""
    if actor.role not in CHILD_ROLES:
        return queryset.none()
    kind = kinds.kind_of(queryset.model)
    category = category or kind.category
    one = _ONE_CHILD.get()
    if one is not None and one.actor is actor:
        return _restrict_one_child(
            actor, queryset, kind, one.child_id, purpose=purpose, category=category
        )
    # The rule's query tree depends on nothing but the actor, the kind, the purpose and the
    # category (and the moment, fixed for a request): built once per request, however many
    # lists of the kind a page reads (the start page restricts SIPs four times). The tree only
    # names the rows to read; each query that uses it reads the rows as they are then.
    built = _memoised(
        actor,
        ("restrict", kind.name, purpose, category),
        lambda: _rule_of(actor, kind, purpose=purpose, category=category),
    )
    return queryset.alias(**built.aliases).filter(*built.conditions)


@dataclass(frozen=True)
class _Rule:
    """What `restrict` adds to a queryset: the annotations its conditions refer to, and the
    conditions."""

    aliases: dict[str, Any]
    conditions: tuple[Q | Combinable, ...]


def _rule_of(actor: Actor, kind: RecordKind, *, purpose: str, category: str) -> _Rule:
    if kind.model is Child:
        return _children_rule(actor, category=category, purpose=purpose)
    child = OuterRef(kind.child)
    aliases, consent = _with_consent(actor, child, category, purpose)
    ground = consent | Exists(_valid_legal_grounds(actor, category, purpose).filter(child=child))
    relationship = _relationship(actor, child)
    if kind.unit_takes_part is not None:
        relationship |= kind.unit_takes_part(unit_param(actor))
    # Inside the owner a relationship opens the record; another organisation needs a ground
    # for the category as well, and only its units with a relationship see it (SEK-4). The
    # child itself, which nobody owns, opens without a ground only through `_involved`.
    if kind.owner:
        own = Q(**{kind.owner: organisation_param(actor)}) & relationship
    else:
        own = _involved(actor, child)
    allowed = own | (ground & relationship)
    if kind.organisation_takes_part is not None:
        allowed &= kind.organisation_takes_part(organisation_param(actor))
    if kind.author:
        allowed |= Q(**{kind.author: staff_param(actor)})
    return _Rule(aliases, (allowed,))


def _children_rule(actor: Actor, *, category: str, purpose: str) -> _Rule:
    """`restrict` for the child itself, which nobody owns: the general rule, `involved |
    (ground & relationship)`, read from sets rather than checked child by child. Every way to a
    child needs a relationship, so the list starts from the actor's own (`_related_children`,
    which is `_relationship` as a set); the actor's involvements then open a child at once, and
    only a child that has a consent or legal ground for the organisation at all meets the
    guardians' count and the ground's conditions. At national size a unit relates to a thousand
    children, of which a handful have a ground: checking each of the thousand was the cost."""
    child = OuterRef("pk")
    aliases, consent = _with_consent(actor, child, category, purpose)
    ground = consent | Exists(_valid_legal_grounds(actor, category, purpose).filter(child=child))
    involvements = _opening_involvements(actor)
    involved = Q(pk__in=involvements.values("child_id")) | Q(
        pk__in=_emergency_accesses(actor).values("child_id")
    )
    grounded = Q(pk__in=_valid_consents(actor, category, purpose).values("child_id")) | Q(
        pk__in=_valid_legal_grounds(actor, category, purpose).values("child_id")
    )
    return _Rule(aliases, (Q(pk__in=_related_children(actor)), involved | (grounded & ground)))


def restrict_for_any_purpose(
    actor: Actor, queryset: QuerySet, *, category: str | None = None
) -> QuerySet:
    """The records of `queryset` the actor may read for some purpose, in one query: the list
    counterpart of `purpose_to_read`."""
    readable = Q(pk__in=[])
    for purpose in Purpose.values:
        allowed = restrict(actor, queryset, purpose=purpose, category=category)
        readable |= Q(pk__in=allowed.values("pk"))
    return queryset.filter(readable)


def consents_covering(
    child_id: int, organisation: Organisation, *, purpose: str | None = None
) -> dict[str, list[int]]:
    """For one child and a receiving organisation: each category that a holding consent covers
    (for `purpose`, or for any purpose), with the consents it holds by — the child's own, or
    every consenting guardian's. The same rule as `_with_consent`, for the places that must
    name the consent: a decision's audit row, a notice sent under consent, a consultation
    linked by consent."""
    return _grounds(child_id, organisation).get(purpose or ANY_PURPOSE, NO_GROUNDS).consents


@dataclass(frozen=True)
class Grounds:
    """The grounds one organisation holds for one child and purpose, by category: the consents
    that hold (`consents_covering`), and the first legal ground in force with its reference."""

    consents: dict[str, list[int]] = field(default_factory=dict)
    legal: dict[str, tuple[int, str]] = field(default_factory=dict)

    def cover(self, category: str) -> bool:
        return category in self.consents or category in self.legal


NO_GROUNDS = Grounds()
# The key of `_grounds` for a ground of whatever purpose.
ANY_PURPOSE = ""


def _grounds_for(actor: Actor, child_id: int, purpose: str) -> Grounds:
    """`_grounds` for the actor's own organisation and `purpose`, read once per child in a
    request (a decision, the involvements shown, each kind on the timeline, the SIPs read for
    planning: one statement for every purpose)."""
    return _every_ground(actor, child_id).get(purpose, NO_GROUNDS)


def _every_ground(actor: Actor, child_id: int) -> dict[str, Grounds]:
    return _memoised(actor, ("grounds", child_id), lambda: _grounds(child_id, actor.organisation))


# The rule of `_with_consent` over one child's rows, in one statement, for each purpose (and
# for any purpose, under ""): the child's own consent, else one per guardian in force — every
# guardian's where the county's setting (read in the same statement, all by default) says so,
# at least one's otherwise — and the first legal ground in force. Consents and legal grounds
# alike in giver, categories and purposes are one row (the first) before they are unnested: a
# child's renewals repeat the same scope, and the read stays small however many there are.
_GROUNDS_SQL = """
WITH guardians AS (
    SELECT guardian_id FROM {guardianship} WHERE child_id = %(child)s AND ended_on IS NULL
), needed AS (
    SELECT CASE WHEN COALESCE((
        SELECT s.both_guardians_must_consent FROM {settings} s
        JOIN {principal} p ON p.id = s.region_id WHERE p.code = %(region)s
    ), TRUE) THEN count(*) ELSE LEAST(1, count(*)) END AS n FROM guardians
), valid AS (
    SELECT c.id, c.given_by, c.guardian_id, category, purpose
    FROM (
        SELECT min(id) AS id, given_by, guardian_id, categories, purposes FROM {consent}
        WHERE child_id = %(child)s AND receiving_organisation_id = %(organisation)s
          AND given_at <= %(now)s AND valid_until > %(now)s AND withdrawn_at IS NULL
        GROUP BY given_by, guardian_id, categories, purposes
    ) c
    CROSS JOIN LATERAL unnest(c.categories) AS category
    CROSS JOIN LATERAL unnest(array_append(c.purposes, %(any)s::varchar)) AS purpose
), by_guardian AS (
    SELECT purpose, category, min(id) AS id FROM valid
    WHERE given_by = %(guardian)s AND guardian_id IN (SELECT guardian_id FROM guardians)
    GROUP BY purpose, category, guardian_id
)
SELECT 'child', purpose, category, ARRAY[min(id)], NULL FROM valid
WHERE given_by = %(by_child)s GROUP BY purpose, category
UNION ALL
SELECT 'guardians', purpose, category, array_agg(id ORDER BY id), NULL FROM by_guardian
GROUP BY purpose, category HAVING count(*) >= (SELECT n FROM needed)
UNION ALL
(SELECT DISTINCT ON (purpose, category) 'legal', purpose, category, ARRAY[g.id], b.reference
FROM (
    SELECT min(id) AS id, basis_id, categories, purposes FROM {legal_ground}
    WHERE child_id = %(child)s AND receiving_organisation_id = %(organisation)s
      AND valid_from <= %(now)s AND valid_until > %(now)s AND ended_at IS NULL
    GROUP BY basis_id, categories, purposes
) g JOIN {legal_basis} b ON b.id = g.basis_id
CROSS JOIN LATERAL unnest(g.categories) AS category
CROSS JOIN LATERAL unnest(array_append(g.purposes, %(any)s::varchar)) AS purpose
ORDER BY purpose, category, g.id)
"""


def _grounds_query(child_id: int, organisation: Organisation) -> tuple[str, list]:
    """`_GROUNDS_SQL` with its parameters in order, to run alone or inside another statement."""
    sql = _GROUNDS_SQL.format(
        guardianship=Guardianship._meta.db_table, settings=ConsentSettings._meta.db_table,
        principal=Principal._meta.db_table, consent=Consent._meta.db_table,
        legal_ground=LegalGround._meta.db_table, legal_basis=LegalBasis._meta.db_table,
    )  # fmt: skip
    named: dict[str, Any] = {
        "child": bound_param("child", child_id),
        "organisation": bound_param("organisation", organisation.pk),
        "now": bound_param("now", timezone.now), "any": ANY_PURPOSE,
        "guardian": str(Consent.GivenBy.GUARDIAN), "by_child": str(Consent.GivenBy.CHILD),
        "region": bound_param("region", _region_of(organisation)),
    }  # fmt: skip
    params: list = []

    def positional(match: re.Match) -> str:
        params.append(named[match.group(1)])
        return "%s"

    return _NAMED_PARAMETER.sub(positional, sql), params


# `_GROUNDS_SQL`'s rows as one JSON array, a column of another statement.
_GROUNDS_AS_JSON = """
SELECT COALESCE(jsonb_agg(jsonb_build_array(g.s, g.p, g.c, g.ids, g.ref)), '[]')
FROM ({grounds}) g(s, p, c, ids, ref)"""
_NAMED_PARAMETER = re.compile(r"%\((\w+)\)s")


def _grounds(child_id: int, organisation: Organisation) -> dict[str, Grounds]:
    """The organisation's grounds for the child by purpose (`ANY_PURPOSE`: of any purpose)."""
    sql, params = _grounds_query(child_id, organisation)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _grounds_of_rows(cursor.fetchall())


def _grounds_of_rows(rows: Iterable) -> dict[str, Grounds]:
    known = set(Category.values)
    every: dict[str, Grounds] = {}
    # The guardians' first, so the child's own consent, where there is one, is the one named.
    for by in ("guardians", "child", "legal"):
        for source, purpose, category, ids, reference in rows:
            if source != by or category not in known:
                continue
            grounds = every.setdefault(purpose, Grounds())
            if by == "legal":
                grounds.legal[category] = (ids[0], reference)
            else:
                grounds.consents[category] = ids
    return every


def _relationships(actor: Actor, kind: RecordKind, record: Model) -> dict | None:
    """In one query: whether the actor's organisation takes part in the record (None when it
    does not), and which relationships the actor has with the record's child — the involvement,
    oversight, emergency access, taking part in this record or in another about the child.
    Once per record and request: the same for every purpose and category."""
    return _memoised(
        actor,
        ("relationships", kind.name, record.pk),
        lambda: _find_relationships(actor, kind, getattr(record, kind.child), record.pk),
    )


def _child_relationships(actor: Actor, child_id: int) -> dict | None:
    """`_relationships` with the child itself: the row a decision on the child's page found."""
    kind = kinds.kind_of(Child)
    return _memoised(
        actor,
        ("relationships", kind.name, child_id),
        lambda: _find_relationships(actor, kind, child_id, child_id),
    )


def child_with_relationships(actor: Actor, child_id: int) -> Child | None:
    """The child by id with its municipality, read in one statement with the actor's
    relationships with it, which the request's decisions on the child then use (`decide`,
    `can_edit_child`, the one-child scope): opening a child's page reads the child once. The
    statement is compiled once per role (`common.shapes`)."""
    kind = kinds.kind_of(Child)
    with_grounds = actor.memo is not None

    def build() -> QuerySet:
        found = _relationship_columns(actor, kind, child_id)
        columns: dict = {f"{_RELATIONSHIP}{name}": value for name, value in found.items()}
        if with_grounds:
            # The grounds every decision on the page asks for (`_grounds_for`): facts of
            # access, read with the relationships, not after them.
            sql, params = _grounds_query(child_id, actor.organisation)
            columns["access_grounds"] = RawSQL(  # noqa: S611 - our own SQL, values as parameters
                _GROUNDS_AS_JSON.format(grounds=sql), params, output_field=JSONField()
            )
        children = Child.objects.filter(pk=child_param(child_id)).annotate(**columns)
        return json_objects(children, "municipality")

    found = shapes.first_row(
        ("child_with_relationships", actor.role, with_grounds), build, binding(actor, child_id)
    )
    if found is None:
        return None
    row = found["row"]
    relationships = {
        name.removeprefix(_RELATIONSHIP): value
        for name, value in row.items()
        if name.startswith(_RELATIONSHIP)
    }
    child = from_json(Child, row, "municipality")
    if actor.memo is not None:
        taken_part = relationships.pop("takes_part", True) is not False
        actor.memo[("relationships", kind.name, child.pk)] = relationships if taken_part else None
        actor.memo[("grounds", child.pk)] = _grounds_of_rows(row["access_grounds"])
    return child


# The prefix of the relationships' columns on the child's row.
_RELATIONSHIP = "relationship_"


def _find_relationships(
    actor: Actor, kind: RecordKind, child_id: int, record_pk: int
) -> dict | None:
    found = _relationship_columns(actor, kind, record_pk)
    row = Child.objects.filter(pk=child_id).annotate(**found).values(*found).first()
    if row is None or row.pop("takes_part", True) is False:
        return None
    return row


def _relationship_columns(actor: Actor, kind: RecordKind, record_pk: int) -> dict:
    """The subqueries of `_find_relationships`, on a row of the record's child."""
    child = OuterRef("pk")
    found: dict = {
        "involvement_id": Subquery(
            _active_involvements(actor).filter(child=child).values("pk")[:1]
        ),
        "overseen_involvement_id": Subquery(
            _overseen_involvements(actor).filter(child=child).values("pk")[:1]
        ),
        "emergency_access_id": Subquery(
            _emergency_accesses(actor).filter(child=child).order_by("-ends_at").values("pk")[:1]
        ),
    }
    if kind.organisation_takes_part is not None:
        records = kind.model._default_manager.filter(pk=record_pk)
        found["takes_part"] = Exists(
            records.filter(kind.organisation_takes_part(organisation_param(actor)))
        )
    for other in kinds.registered():
        if other.unit_takes_part is None:
            continue
        records = other.model._default_manager.filter(other.unit_takes_part(unit_param(actor)))
        records = records.filter(**{other.child: child})
        if other is kind:
            # This record first: taking part in it is the closest relationship after involvement.
            records = records.order_by(Case(When(pk=record_pk, then=Value(0)), default=Value(1)))
        found[f"record_{other.name}"] = Subquery(records.values("pk")[:1])
    return found


def _relationship_of(kind: RecordKind, record: Model, row: dict) -> dict | None:
    """The closest relationship: the actor's own case first, then taking part in this record;
    oversight and emergency access before another record, since they open the child itself."""
    if row["involvement_id"] is not None:
        return {"involvement_id": row["involvement_id"]}
    if row.get(f"record_{kind.name}") == record.pk:
        return {"record": kind.name, "record_id": record.pk}
    for key in ("overseen_involvement_id", "emergency_access_id"):
        if row[key] is not None:
            return {key: row[key]}
    for other in kinds.registered():
        record_id = row.get(f"record_{other.name}")
        if record_id is not None:
            return {"record": other.name, "record_id": record_id}
    return None


def _ground(actor: Actor, child_id: int, *, purpose: str, category: str) -> Decision:
    grounds = _grounds_for(actor, child_id, purpose)
    if consents := grounds.consents.get(category):
        return Decision(True, "consent", {"consent_id": consents[0]})
    if found := grounds.legal.get(category):
        legal_ground_id, reference = found
        return Decision(
            True, "legal_ground", {"legal_ground_id": legal_ground_id, "reference": reference}
        )
    return DENIED


def decide(actor: Actor, record: Model, *, purpose: str, category: str | None = None) -> Decision:
    """Why the actor may read this record (of any registered kind), or DENIED: the same rule as
    `restrict`, naming the relationship and the ground for the audit row."""
    if actor.role not in CHILD_ROLES:
        return DENIED
    kind = kinds.kind_of(type(record))
    decision = _decide(actor, kind, record, purpose=purpose, category=category or kind.category)
    if not decision.allowed and kind.author and getattr(record, kind.author) == actor.staff.pk:
        return Decision(True, "author", {"record": kind.name, "record_id": record.pk})
    return decision


def _decide(
    actor: Actor, kind: RecordKind, record: Model, *, purpose: str, category: str
) -> Decision:
    organisation = actor.organisation.pk
    if getattr(record, kind.child) is None:
        return _decide_unlinked(actor, kind, record)
    # The child's page decides its basic data, then its contact details, then whether the
    # actor may change it: one row of relationships for all three.
    row = _relationships(actor, kind, record)
    relationship = _relationship_of(kind, record, row) if row is not None else None
    if relationship is None:
        return DENIED
    owned = not kind.owner or getattr(record, kind.owner) == organisation
    if owned and "involvement_id" in relationship:
        return Decision(True, "involvement", relationship)
    if owned and "overseen_involvement_id" in relationship:
        return Decision(True, "oversight", relationship)
    if owned and "emergency_access_id" in relationship:
        return Decision(True, "emergency", relationship)
    if owned and kind.owner:
        return Decision(True, "participation", relationship)
    ground = _ground(actor, getattr(record, kind.child), purpose=purpose, category=category)
    if not ground.allowed:
        return DENIED
    return Decision(True, ground.basis, ground.detail, relationship)


def _decide_unlinked(actor: Actor, kind: RecordKind, record: Model) -> Decision:
    """A record not yet linked to a child (a report naming a child Samsyn does not know yet):
    no child, so no involvement and no ground; only the owner's units taking part in it."""
    if kind.owner and getattr(record, kind.owner) != actor.organisation.pk:
        return DENIED
    records = kind.model._default_manager.filter(pk=record.pk)
    if kind.unit_takes_part is None or not records.filter(kind.unit_takes_part(actor.unit.pk)):
        return DENIED
    return Decision(True, "participation", {"record": kind.name, "record_id": record.pk})


def purpose_to_read(
    actor: Actor, record: Model, *, preferred: str, category: str | None = None
) -> tuple[str, Decision]:
    """A purpose the actor may read this record for, `preferred` if it serves, and why; or
    (`preferred`, DENIED). For what is about the record rather than in it, like the actor's own
    organisation's log of a child: open exactly when the child's page is, for any purpose."""
    for purpose in dict.fromkeys([preferred, *Purpose.values]):
        decision = decide(actor, record, purpose=purpose, category=category)
        if decision.allowed:
            return purpose, decision
    return preferred, DENIED


def open_for_change(actor: Actor, queryset: QuerySet, *, pk: int, purpose: str):
    """The record locked for a change, with the decision that allows it; the kind's not-found
    error otherwise, the same for missing and forbidden, carrying its denial for the log (the
    change's transaction rolls back, so the mapping of refusals logs it). Call inside the
    change's transaction."""
    kind = kinds.kind_of(queryset.model)
    record = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
    decision = decide(actor, record, purpose=purpose) if record is not None else DENIED
    if not decision.allowed:
        refusal = kind.not_found(pk)
        refusal.denial = Denial(
            actor=actor, child_id=getattr(record, kind.child) if record is not None else None,
            obj=kind.name, obj_id=pk, purpose=purpose,
        )  # fmt: skip
        raise refusal
    return record, decision


def may_see_address(actor: Actor, child: Child, *, purpose: str) -> Decision:
    """Contact details, which protected identity hides from all without a recorded need."""
    decision = decide(actor, child, purpose=purpose, category=Category.CONTACT)
    if not decision.allowed or not child.protected_identity:
        return decision
    need = ProtectedIdentityNeed.objects.filter(
        child=child, unit_id=actor.unit.pk, valid_until__gte=timezone.localdate()
    ).values_list("pk", flat=True)
    if (need_id := need.first()) is None:
        return DENIED
    return Decision(
        True, decision.basis, {**decision.detail, "protected_identity_need_id": need_id}
    )


def guardian_contacts_shown(address: Decision, guardians: Iterable[Guardian]) -> frozenset[int]:
    """The guardians whose contact details the actor sees, given `address` (the child's
    `may_see_address`): the child's rule for all, and a protected guardian's only under the
    unit's recorded need for the child."""
    if not address.allowed:
        return frozenset()
    need_recorded = "protected_identity_need_id" in address.detail
    return frozenset(g.pk for g in guardians if need_recorded or not g.protected_identity)


def visible_involvements(
    actor: Actor, child: Child, *, purpose: str, ended: bool = False
) -> QuerySet[Involvement]:
    """Which units are involved with the child, as far as the actor may know: its own
    organisation's, and others' only where a ground covers that organisation's category. With
    `ended`, those that have ended too (the child's timeline)."""
    grounds = _grounds_for(actor, child.pk, purpose)
    covered = [kind for kind, category in CATEGORY_OF_KIND.items() if grounds.cover(category)]
    allowed = Q(unit__organisation_id=organisation_param(actor)) | Q(
        unit__organisation__kind__in=covered
    )
    involvements = Involvement.objects.filter(child=child_param(child.pk))
    if not ended:
        involvements = involvements.filter(ended_on__isnull=True)
    return (
        involvements.filter(allowed)
        .select_related("unit__organisation", "staff")
        .order_by("unit__organisation__name", "unit__name")
    )


def organisation_holds_data_on(organisation: Organisation, child_id: int) -> bool:
    """Whether the organisation holds data on the child: one of its units has or had the child
    as client, patient or pupil, or it owns a record of any kind about the child. Emergency
    access opens only such a child (DOMAIN LOG-2): it reaches the organisation's own file,
    never makes one."""
    child = OuterRef("pk")
    holds = Q(Exists(Involvement.objects.filter(child=child, unit__organisation=organisation)))
    for kind in kinds.registered():
        if kind.owner:
            records = kind.model._default_manager.filter(**{kind.owner: organisation.pk})
            holds |= Q(Exists(records.filter(**{kind.child: child})))
    return Child.objects.filter(pk=child_id).filter(holds).exists()


def emergency_access_in_force(actor: Actor, child: Child) -> EmergencyAccess | None:
    """The actor's emergency access to the child now, the latest ending first: what the child's
    page tells its reader while it lasts."""
    return _emergency_accesses(actor).filter(child=child).order_by("-ends_at").first()


def may_hold_child(actor: Actor, child_id: int) -> bool:
    """Who places and lifts a legal hold on a child's records from the child's page (DOMAIN
    RET-1, docs/adr/0014): the manager of a unit that has the child as client, patient or pupil
    now, who answers for that unit's file. Never a role alone, nor emergency access (a read for
    a limited time), nor a consent or a ground (a read of another organisation's file); an
    administrator, who never opens a child, sets holds by number on the retention page."""
    if actor.role != Role.UNIT_MANAGER:
        return False
    kind = kinds.kind_of(Child)
    # The child's page has found the relationships already: no query there.
    row = _memoised(
        actor, ("relationships", kind.name, child_id),
        lambda: _relationships(actor, kind, Child(pk=child_id)),
    )  # fmt: skip
    return row is not None and row["overseen_involvement_id"] is not None


def require_hold_child(actor: Actor, child_id: int) -> None:
    """`may_hold_child`, or a refusal carrying its denial for the log (DOMAIN LOG-3): the same
    for a child that does not exist, so numbers cannot be probed."""
    if not may_hold_child(actor, child_id):
        refusal = AccessDenied("retention.hold_child")
        refusal.denial = Denial(
            actor=actor, child_id=child_id if Child.objects.filter(pk=child_id).exists() else None,
            obj="legal_hold", obj_id=child_id, purpose=default_purpose(actor),
        )  # fmt: skip
        raise refusal


def can_edit_child(actor: Actor, child: Child) -> bool:
    """Only a unit that has the child as client, patient or pupil changes the child's record: a
    consent lets another organisation read, never write. A protected identity's address is
    changed only with a recorded need, because nobody overwrites what they may not see."""
    if actor.role not in CHILD_ROLES:
        return False
    # The relationships the page's decisions found already: the actor's own involvement.
    row = _child_relationships(actor, child.pk)
    if row is None or row["involvement_id"] is None:
        return False
    if not child.protected_identity:
        return True
    return ProtectedIdentityNeed.objects.filter(
        child=child, unit_id=actor.unit.pk, valid_until__gte=timezone.localdate()
    ).exists()
