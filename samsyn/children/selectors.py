"""Reads of children. Each takes the actor and returns only what the actor may see; reading one
child writes an audit row in the same transaction."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import BaseExpression, RawSQL
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Category, EmergencyAccess, Purpose
from samsyn.audit import services as audit
from samsyn.children import timeline
from samsyn.children.identity import parse_identity_number
from samsyn.children.models import (
    MAX_GUARDIANS,
    Child,
    Guardian,
    Guardianship,
    Involvement,
    ProtectedIdentityNeed,
)
from samsyn.common import shapes
from samsyn.common.errors import NotFound
from samsyn.common.json_rows import from_json, rows_as_json
from samsyn.directory.models import Role

PAGE_SIZE = 25


class ChildNotFound(NotFound):
    """The same for "no such child" and "not yours": ids cannot be probed."""


class GuardianNotFound(NotFound):
    """Not a guardian of this child (or no longer one)."""


@dataclass(frozen=True)
class GuardianRow:
    guardian: Guardian
    shows_contact: bool


@dataclass(frozen=True)
class ChildView:
    """One child as one actor may see it, with the reason for each part."""

    child: Child
    purpose: str
    decision: rules.Decision
    address: rules.Decision
    guardians: list[Guardian]  # in force
    involvements: list[Involvement]
    # Guardians whose contact details the actor may see (`rules.guardian_contacts_shown`).
    guardian_contact_ids: frozenset[int] = field(default_factory=frozenset)
    # Ended guardianships, latest first: history, by name, date and reason only.
    former_guardianships: list[Guardianship] = field(default_factory=list)
    # The reader's emergency access that opens the child, while it lasts (DOMAIN LOG-2).
    emergency: EmergencyAccess | None = None
    # One page of the child's timeline, when the reader asked for it with the child.
    timeline: Page | None = None
    # What other apps show of the child on its page, read with it (`child_for`'s `sections`).
    sections: dict[str, object] = field(default_factory=dict)

    @property
    def shows_address(self) -> bool:
        return self.address.allowed

    @property
    def purpose_label(self) -> str:
        return Purpose(self.purpose).label

    @property
    def shows_location(self) -> bool:
        """Protected identity hides location too (DOMAIN: children), the municipality included."""
        return self.address.allowed or not self.child.protected_identity

    @property
    def guardian_rows(self) -> list[GuardianRow]:
        return [GuardianRow(g, g.pk in self.guardian_contact_ids) for g in self.guardians]

    def guardian_row(self, guardian_id: int) -> GuardianRow:
        """A guardian in force, as this actor sees them; GuardianNotFound for anyone else."""
        for row in self.guardian_rows:
            if row.guardian.pk == guardian_id:
                return row
        raise GuardianNotFound(guardian_id)

    def ended_guardianship(self, guardian_id: int) -> Guardianship | None:
        """The guardian's latest ended guardianship, when they are no longer in force."""
        if any(g.pk == guardian_id for g in self.guardians):
            return None
        return next((g for g in self.former_guardianships if g.guardian_id == guardian_id), None)


# What a section of the child's page shows, and the reads it names for the log (none when it
# showed nothing).
type Built[T] = tuple[T, list[audit.Read]]


@dataclass(frozen=True)
class Section[T]:
    """Another app's part of the child's page (its SIPs, its assessments, its legal holds), read
    as part of the page's one read (docs/adr/0016): one value of the statement that reads the
    guardians and involvements, not statements of its own. `children` imports none of those
    apps: the view passes their sections to `child_for`.

    `expression(child)`: the section's rows for the child as one SQL expression (most often a
    JSON array of `common.json_rows.rows_as_json`), restricted through `access` as the app's
    own list is; `child_for` builds it inside `rules.about_one_child`. `build(child, value)`:
    what the section's template shows, made of the expression's value, and the reads it
    audits, which `child_for` writes with the child's own row in one statement."""

    expression: Callable[[Child], BaseExpression]
    build: Callable[[Child, Any], Built[T]]
    # What the expression's SQL depends on beyond the child, the actor's ids and the rules'
    # findings, which `common.shapes` binds or keys already (a licence's municipality).
    key: Hashable = ()

    @property
    def shape(self) -> tuple[str, Hashable]:
        """The section's part of the key of the page's statement (docs/adr/0017): which
        expression, and its `key`."""
        expression = self.expression
        return f"{expression.__module__}.{expression.__qualname__}", self.key


@dataclass(frozen=True)
class ChildActions:
    """What the actor may do on the child's page beyond reading it."""

    may_edit: bool
    may_record_address_need: bool
    may_add_guardian: bool


def _location_hidden(actor: Actor) -> Q:
    need = ProtectedIdentityNeed.objects.filter(
        child=OuterRef("pk"), unit_id=actor.unit.pk, valid_until__gte=timezone.localdate()
    )
    return Q(protected_identity=True) & ~Q(Exists(need))


def children_visible_to(actor: Actor, *, purpose: str, query: str = "") -> QuerySet[Child]:
    children = rules.restrict(actor, Child.objects.all(), purpose=purpose)
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


def child_page_for(actor: Actor, *, purpose: str, query: str = "", page: object = 1) -> Page:
    """One page of the children the actor may see, each marked `location_hidden` when its
    protected identity hides the municipality from this unit. The page is a read of every child
    on it: one audit row names them all, so a bounded number of queries logs the whole page."""
    children = children_visible_to(actor, purpose=purpose, query=query).annotate(
        location_hidden=_location_hidden(actor)
    )
    with transaction.atomic():
        result = Paginator(children, PAGE_SIZE).get_page(page)
        record_list_read(
            actor, child_ids=[child.pk for child in result], page=result.number,
            purpose=purpose, query=query,
        )  # fmt: skip
    return result


def record_list_read(
    actor: Actor, *, child_ids: list[int], page: int, purpose: str, query: str
) -> None:
    """A list of children is a read of each: one audit row names them all, so "who saw this
    child" includes lists, in one write per page."""
    if child_ids:
        audit.record_read(
            actor=actor, child_id=None, obj="child_list", obj_id=page, purpose=purpose,
            decision=rules.Decision(True, "search"),
            detail={"child_ids": child_ids, "query": query},
        )  # fmt: skip


def opened_child(
    actor: Actor, *, child_id: int, purpose: str, obj: str
) -> tuple[Child, rules.Decision]:
    """The child and the ground to read it for `purpose`; otherwise the attempt is audited and
    ChildNotFound raised. Call it outside a transaction: the denial's row must outlive the 404."""
    child = rules.child_with_relationships(actor, child_id)
    decision = (
        rules.decide(actor, child, purpose=purpose, category=Category.BASIC)
        if child
        else rules.DENIED
    )
    if not decision.allowed:
        audit.record_denied(
            actor=actor, child_id=child.pk if child else None, obj=obj, obj_id=child_id,
            purpose=purpose,
        )  # fmt: skip
        raise ChildNotFound(child_id)
    return child, decision


def child_for(
    actor: Actor,
    *,
    child_id: int,
    purpose: str,
    timeline_page: object = None,
    sections: Mapping[str, Section[Any]] | None = None,
) -> ChildView:
    """The child as the actor may read it for `purpose`, audited. The child's page asks for
    more in the same transaction: with `timeline_page`, that page of its timeline, named in
    the child's own audit row (the page is one read of the child, docs/adr/0016); and
    `sections`, other apps' parts of the page (its SIPs, its assessments; `children` imports
    no app), each read in the same statement as the guardians, as `access` allows for this one
    child (`rules.about_one_child`), and audited with the child's row in one INSERT."""
    child, decision = opened_child(actor, child_id=child_id, purpose=purpose, obj="child")
    with transaction.atomic():
        return _read_child(actor, child, purpose, decision, timeline_page, sections or {})


def section_of_child[T](actor: Actor, child: Child, section: Section[T]) -> T:
    """One section of the child's page read on its own, as the page reads it (the API's
    assessments of a child): one statement, and its reads audited in the same transaction.
    Only for a child the actor has opened (`opened_child`)."""
    with rules.about_one_child(actor, child.pk):
        expression = section.expression(child)
    with transaction.atomic():
        value = Child.objects.filter(pk=child.pk).values(section=expression).get()["section"]
        shown, reads = section.build(child, value)
        audit.record_reads(actor=actor, reads=reads)
    return shown


def _read_child(
    actor: Actor,
    child: Child,
    purpose: str,
    decision: rules.Decision,
    timeline_page: object,
    sections: Mapping[str, Section[Any]],
) -> ChildView:
    address = rules.may_see_address(actor, child, purpose=purpose)

    def build() -> QuerySet:
        with rules.about_one_child(actor, child.pk):
            expressions = {
                f"section_{name}": section.expression(child) for name, section in sections.items()
            }
        page_read = (
            {}
            if timeline_page is None
            else {"timeline": _timeline(actor, child, purpose=purpose, page=timeline_page)}
        )
        return Child.objects.filter(pk=rules.child_param(child.pk)).values(
            guardianship_rows=rows_as_json(
                Guardianship.objects.filter(child=OuterRef("pk")), "guardian"
            ),
            involvement_rows=rows_as_json(
                rules.visible_involvements(actor, child, purpose=purpose),
                "unit",
                "unit__organisation",
                "staff",
            ),
            **expressions,
            **page_read,
        )

    # One statement for all: the guardianships, in force and ended, the involvements in force
    # the actor may know of, the other apps' sections, and the timeline's page, described, when
    # the page shows it (docs/adr/0016); compiled once per shape (docs/adr/0017).
    shape = (
        "child page",
        purpose,
        rules.one_child_shape(actor, child.pk),
        tuple((name, *section.shape) for name, section in sections.items()),
        timeline_page is not None,
    )
    read = shapes.first_row(
        shape, build, rules.binding(actor, child.pk, page=timeline.page_number(timeline_page))
    )
    assert read is not None, "the child was opened in this request"
    built = {
        name: section.build(child, read[f"section_{name}"]) for name, section in sections.items()
    }
    # The guardians by name, the history latest first.
    guardianships = [
        from_json(Guardianship, row, "guardian") for row in read["guardianship_rows"] or ()
    ]
    guardians = sorted(
        (g.guardian for g in guardianships if g.ended_on is None),
        key=lambda g: (g.last_name, g.first_name, g.pk),
    )
    former = sorted(
        (g for g in guardianships if g.ended_on is not None),
        key=lambda g: (g.ended_on, g.pk),
        reverse=True,
    )
    involvements = [
        from_json(Involvement, row, "unit", "unit__organisation", "staff")
        for row in read["involvement_rows"] or ()
    ]
    contact_ids = rules.guardian_contacts_shown(address, guardians)
    opened_in_emergency = "emergency_access_id" in {**decision.detail, **decision.relationship}
    emergency = rules.emergency_access_in_force(actor, child) if opened_in_emergency else None
    detail: dict = {
        "address_shown": address.allowed,
        "guardian_contacts_shown": sorted(contact_ids),
    }
    page = None
    if timeline_page is not None:
        page, shown = timeline.described(actor, read["timeline"], size=PAGE_SIZE)
        if shown:
            detail["timeline"] = {"page": page.number, "entries": shown}
    # The child's row and the sections' own (their apps' labels, as a log reader knows them),
    # in one statement.
    audit.record_reads(
        actor=actor,
        reads=[
            audit.Read(
                child_id=child.pk,
                obj="child",
                obj_id=child.pk,
                purpose=purpose,
                decision=decision,
                detail=detail,
            ),
            *(entry for _shown, reads in built.values() for entry in reads),
        ],
    )
    return ChildView(
        child, purpose, decision, address, guardians, involvements, contact_ids, former,
        emergency, page, {name: part for name, (part, _reads) in built.items()},
    )  # fmt: skip


def editable_child_for(actor: Actor, *, child_id: int, action: str) -> ChildView:
    """The child as `child_for` reads it (audited), for a page that changes the record: a unit
    that may read but not change it is refused, and the refusal logged (LOG-3)."""
    purpose = rules.default_purpose(actor)
    view = child_for(actor, child_id=child_id, purpose=purpose)
    if not rules.can_edit_child(actor, view.child):
        audit.record_denied(
            actor=actor, child_id=child_id, obj="child", obj_id=child_id, purpose=purpose,
            action=action,
        )  # fmt: skip
        raise rules.AccessDenied(action)
    return view


def editable_guardian_contact(view: ChildView, actor: Actor, *, guardian_id: int) -> GuardianRow:
    """A guardian in force whose contact details the actor may change: only where the actor
    sees them, since nobody overwrites what they may not see. The refusal is logged."""
    row = view.guardian_row(guardian_id)
    if not row.shows_contact:
        audit.record_denied(
            actor=actor, child_id=view.child.pk, obj="guardian", obj_id=guardian_id,
            purpose=view.purpose, action="edit_guardian_contact",
        )  # fmt: skip
        raise rules.AccessDenied("edit_guardian_contact")
    return row


def guardians_of(child: Child) -> QuerySet[Guardian]:
    """The child's guardians in force, by name (read after the child was opened through
    access). The one way to them: an ended guardianship is history, not a guardian."""
    current = Guardianship.objects.current().filter(child=child)
    return Guardian.objects.filter(pk__in=current.values("guardian_id")).order_by(
        "last_name", "first_name", "pk"
    )


def guardian_rows_for(actor: Actor, child: Child, *, purpose: str) -> list[GuardianRow]:
    """The guardians in force, each with whether the actor may see their contact details (for
    a page that offers them, such as a meeting's invitations, after it opened the child's
    record through access)."""
    guardians = list(guardians_of(child))
    address = rules.may_see_address(actor, child, purpose=purpose)
    shown = rules.guardian_contacts_shown(address, guardians)
    return [GuardianRow(g, g.pk in shown) for g in guardians]


def unit_is_involved(actor: Actor, child: Child) -> bool:
    """The actor's unit has the child as client, patient or pupil today, whoever is assigned."""
    today = timezone.localdate()
    return (
        Involvement.objects.filter(child=child, unit_id=actor.unit.pk, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .exists()
    )


def may_record_address_need(actor: Actor, child: Child) -> bool:
    """A unit manager records the need for their own unit, and only for a unit involved with
    the child: the need is the unit's, not the person's."""
    return (
        actor.role == Role.UNIT_MANAGER
        and child.protected_identity
        and unit_is_involved(actor, child)
    )


def child_actions_for(actor: Actor, view: ChildView) -> ChildActions:
    may_edit = rules.can_edit_child(actor, view.child)
    return ChildActions(
        may_edit=may_edit,
        may_record_address_need=may_record_address_need(actor, view.child)
        and not view.shows_address,
        may_add_guardian=may_edit and len(view.guardians) < MAX_GUARDIANS,
    )


def is_visible(actor: Actor, *, child_id: int) -> bool:
    """Whether the actor may open the child's page for their default purpose; yes or no only,
    so it reads nothing to audit."""
    return rules.restrict(
        actor, Child.objects.filter(pk=child_id), purpose=rules.default_purpose(actor)
    ).exists()


def timeline_contacts(actor: Actor, child: Child, purpose: str) -> QuerySet:
    """The child's timeline: each unit's contact with the child (its involvement, ended ones
    too), as far as the actor's organisation may know of it."""
    involvements = rules.visible_involvements(actor, child, purpose=purpose, ended=True)
    return timeline.rows(involvements, name="contact", at=timeline.as_moment("started_on"))


def contact_records() -> QuerySet[Involvement]:
    return Involvement.objects.select_related("unit__organisation", "staff")


def describe_contact(actor: Actor, involvement: Involvement) -> timeline.Entry:
    return timeline.Entry(
        at=involvement.started_on,
        kind=_("Contact"),
        title=_("%(unit)s has the child as client, patient or pupil")
        % {"unit": involvement.unit.name},
        organisation=involvement.unit.organisation.name,
        detail=" · ".join(
            part
            for part in (
                involvement.staff.name if involvement.staff else "",
                _("ended %(date)s")
                % {"date": date_format(involvement.ended_on, "SHORT_DATE_FORMAT")}
                if involvement.ended_on
                else "",
            )
            if part
        ),
    )


def _timeline(actor: Actor, child: Child, *, purpose: str, page: object) -> RawSQL:
    """One page of the child's timeline, described, as one SQL expression for the statement
    that reads the child (`timeline.page_expression`): every source's rule is `access`'s for
    this one child."""
    with rules.about_one_child(actor, child.pk):
        first, *others = [source.rows(actor, child, purpose) for source in timeline.sources()]
    return timeline.page_expression(first.union(*others, all=True), page=page, size=PAGE_SIZE)


def timeline_for(actor: Actor, child: Child, *, purpose: str, page: object = 1) -> Page:
    """One page of the child's timeline (`children.timeline`) read on its own (the API's), for
    an actor who has opened the child: only what `access` lets the actor read for `purpose`,
    newest first. The page's `object_list` holds its entries; one audit row names them."""
    with transaction.atomic():
        read = (
            Child.objects.filter(pk=child.pk)
            .values(timeline=_timeline(actor, child, purpose=purpose, page=page))
            .get()
        )
        result, by_source = timeline.described(actor, read["timeline"], size=PAGE_SIZE)
        if by_source:
            audit.record_read(
                actor=actor, child_id=child.pk, obj="timeline", obj_id=child.pk,
                purpose=purpose, decision=rules.Decision(True, "list"),
                detail={"page": result.number, "entries": by_source},
            )  # fmt: skip
    return result
