"""Reads of the plan (PlanVersion, PlanItem): one version with its items, what a draft still
lacks before it may be finalised (DOMAIN SIP-6, SIP-7, SIP-10), and the difference between two
versions (SIP-8). Access and the audit row come from `selectors.case_for`; everything here reads the
plan of a SIP the caller has already opened through it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.core.paginator import Page, Paginator
from django.db.models import Case as SqlCase
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery, Value, When
from django.utils.translation import gettext as _

from samsyn.access.actor import Actor
from samsyn.access.models import Purpose
from samsyn.access.rules import Decision
from samsyn.common.errors import NotFound
from samsyn.directory.models import Principal
from samsyn.plans.models import Case, PlanItem, PlanVersion
from samsyn.plans.selectors import cases as selectors
from samsyn.plans.selectors.meetings import meeting_held

PURPOSE = Purpose.PLANNING
# The plan's own fields a diff compares, besides the items.
VERSION_FIELDS = (
    "child_view", "child_view_missing_reason", "no_measures_by_others", "follow_up_on",
    "follow_up_how",
)  # fmt: skip
ITEM_FIELDS = (
    "kind", "text", "need_key", "responsible_principal_id", "responsible_organisation_id",
    "responsible_other", "hidden_from_guardians",
)  # fmt: skip


class VersionNotFound(NotFound):
    """No such version of a SIP the actor may read (or none yet)."""


def plan_case_for(actor: Actor, *, case_id: int, obj: str = "sip_plan") -> tuple[Case, Decision]:
    """The SIP, opened for planning and audited; CaseNotFound when missing or not the actor's."""
    return selectors.case_for(actor, case_id=case_id, purpose=PURPOSE, obj=obj)


# Plan items and versions on one page: a plan that grows past it is read a page at a time.
PAGE_SIZE = 25
# The plan's order of kinds, as its page and document show them.
KIND_ORDER = SqlCase(
    *(When(kind=kind, then=Value(rank)) for rank, kind in enumerate(
        (PlanItem.Kind.NEED, PlanItem.Kind.GOAL, PlanItem.Kind.EFFORT,
         PlanItem.Kind.MEASURE_BY_OTHERS)
    )),
    default=Value(4),
)  # fmt: skip
# Unowned efforts named in what a draft lacks; the rest are counted.
UNOWNED_NAMED = 10


def versions_of(case: Case) -> list[PlanVersion]:
    """Every version, oldest first: for the diff's choice and the API's list."""
    return list(
        PlanVersion.objects.filter(case=case)
        .select_related("created_by", "finalised_by")
        .order_by("number")
    )


def version_page(case: Case, page: object = 1) -> Page:
    """One page of the versions, newest first: a SIP followed up for years has many."""
    versions = (
        PlanVersion.objects.filter(case=case)
        .select_related("created_by", "finalised_by")
        .order_by("-number")
    )
    return Paginator(versions, PAGE_SIZE).get_page(page)


def in_force_number(case: Case) -> int | None:
    """The number of the plan in force: the latest finalised version."""
    return (
        PlanVersion.objects.filter(case=case, status=PlanVersion.Status.FINAL)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )


def version_of(case: Case, number: int) -> PlanVersion:
    version = (
        PlanVersion.objects.filter(case=case, number=number)
        .select_related("created_by", "finalised_by")
        .first()
    )
    if version is None:
        raise VersionNotFound(number)
    return version


def current_version(case: Case) -> PlanVersion | None:
    """The draft if there is one, else the last finalised version."""
    return PlanVersion.objects.filter(case=case).order_by("-number").first()


def draft_of(case: Case) -> PlanVersion | None:
    return PlanVersion.objects.filter(case=case, status=PlanVersion.Status.DRAFT).first()


def items_of(version: PlanVersion, *, for_guardians: bool = False) -> QuerySet[PlanItem]:
    """The version's items; a copy for the guardians leaves out what is hidden from them
    (SEK-2) and says nothing about it."""
    items = PlanItem.objects.filter(version=version).select_related(
        "responsible_principal", "responsible_organisation"
    )
    if for_guardians:
        items = items.exclude(hidden_from_guardians=True)
    return items.order_by("kind", "position", "pk")


def party_principals(case: Case) -> QuerySet[Principal]:
    return Principal.objects.filter(
        pk__in=selectors.organisations_taking_part(case).values("principal_id")
    ).order_by("name")


@dataclass
class PlanView:
    """A version and its items grouped by kind, ready for a page or the document."""

    version: PlanVersion
    needs: list[PlanItem] = field(default_factory=list)
    goals: list[PlanItem] = field(default_factory=list)
    efforts: list[PlanItem] = field(default_factory=list)
    measures: list[PlanItem] = field(default_factory=list)

    # How many items of each kind the whole version holds, when the view is one page of it.
    counts: dict[str, int] | None = None
    page: Page | None = None

    @property
    def items(self) -> list[PlanItem]:
        return [*self.needs, *self.goals, *self.efforts, *self.measures]


def _grouped(view: PlanView, items) -> dict:
    groups = {
        PlanItem.Kind.NEED: view.needs, PlanItem.Kind.GOAL: view.goals,
        PlanItem.Kind.EFFORT: view.efforts, PlanItem.Kind.MEASURE_BY_OTHERS: view.measures,
    }  # fmt: skip
    needs = {}
    for item in items:
        groups[item.kind].append(item)
        if item.kind == PlanItem.Kind.NEED:
            needs[item.key] = item
    return needs


def plan_view(version: PlanVersion, *, for_guardians: bool = False) -> PlanView:
    """The whole version: the document (print, PDF) and the diff hold every item."""
    view = PlanView(version)
    needs = _grouped(view, items_of(version, for_guardians=for_guardians))
    # Which need each goal or effort serves, named on the page without one query per item.
    for item in view.goals + view.efforts:
        item.need = needs.get(item.need_key)
    return view


def plan_page(version: PlanVersion, page: object = 1) -> PlanView:
    """One page of the version's items in the plan's order (needs, goals, efforts, measures),
    each goal and effort with the text of the need it serves, and how many items of each kind
    the version holds: the same statements however long the plan is."""
    view = PlanView(version)
    need = PlanItem.objects.filter(
        version=OuterRef("version"), kind=PlanItem.Kind.NEED, key=OuterRef("need_key")
    ).values("text")[:1]
    items = (
        PlanItem.objects.filter(version=version)
        .select_related("responsible_principal", "responsible_organisation")
        .annotate(need_text=Subquery(need), rank=KIND_ORDER)
        .order_by("rank", "position", "pk")
    )
    view.page = Paginator(items, PAGE_SIZE).get_page(page)
    _grouped(view, view.page.object_list)
    for item in view.goals + view.efforts:
        item.need = PlanItem(key=item.need_key, text=item.need_text) if item.need_text else None
    view.counts = dict.fromkeys(PlanItem.Kind.values, 0) | dict(
        PlanItem.objects.filter(version=version)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
        .order_by()
    )
    return view


def waits_for_meeting(case: Case, version: PlanVersion) -> bool:
    """Whether the version is finalised only after a held SIP meeting or with the reason it
    cannot wait: the plan is drawn up together at a meeting, so the first version, before one
    is held, does (SIP-10). A follow-up version waits for none."""
    return version.number == 1 and not meeting_held(case)


def missing_for_finalising(case: Case, version: PlanVersion) -> list[str]:
    """What the draft lacks before it may be finalised, each point in words with its rule
    (SIP-6 points 1–5, SIP-7, SIP-10). Empty when everything holds. Counts the items in the
    database, not in Python, so a long plan costs the same; reads the region's settings and,
    for a first version with no reason recorded, whether a meeting has been held."""
    missing = []
    items = PlanItem.objects.filter(version=version)
    efforts = items.filter(kind=PlanItem.Kind.EFFORT)
    found = (
        PlanVersion.objects.filter(pk=version.pk)
        .annotate(
            efforts=Exists(efforts),
            measures=Exists(items.filter(kind=PlanItem.Kind.MEASURE_BY_OTHERS)),
            unowned=ArraySubquery(
                # The first few by name; one more tells that there are others.
                efforts.filter(responsible_principal__isnull=True)
                .order_by("position", "pk")
                .values("text")[: UNOWNED_NAMED + 1]
            ),
        )
        .values("efforts", "measures", "unowned")
        .get()
    )
    if not found["efforts"]:
        missing.append(_("The plan records no effort (SIP-6, point 1)."))
    if found["unowned"]:
        named = [text[:60] for text in found["unowned"][:UNOWNED_NAMED]]
        if len(found["unowned"]) > UNOWNED_NAMED:
            named.append("…")
        missing.append(
            _("These efforts have no responsible principal: %(efforts)s (SIP-6, point 2).")
            % {"efforts": "; ".join(named)}
        )
    if not found["measures"] and not version.no_measures_by_others:
        missing.append(
            _(
                "Record the measures by others than the municipality and the region (school, "
                "police …), or that there are none (SIP-6, point 3)."
            )
        )
    if case.coordinator_organisation_id is None:
        missing.append(
            _("The SIP has no principal with overall responsibility yet (SIP-6, point 4).")
        )
    follow_up_required = selectors.settings_for(case).follow_up_required
    if follow_up_required and version.follow_up_on is None:
        missing.append(_("Record when the plan is followed up (SIP-6, point 5)."))
    if follow_up_required and not version.follow_up_how.strip():
        missing.append(_("Record how the plan is followed up (SIP-6, point 5)."))
    if not version.child_view.strip() and not version.child_view_missing_reason.strip():
        missing.append(_("Record the child's own view, or why it was not obtained (SIP-7)."))
    if not version.no_meeting_reason.strip() and waits_for_meeting(case, version):
        missing.append(
            _(
                "No SIP meeting has been held with its minutes recorded. The first version is "
                "finalised after the meeting, or with the reason it cannot wait (SIP-10)."
            )
        )
    return missing


@dataclass(frozen=True)
class ItemChange:
    status: str  # "added", "removed", "changed"
    old: PlanItem | None
    new: PlanItem | None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: object
    new: object


@dataclass
class PlanDiff:
    old: PlanVersion
    new: PlanVersion
    items: list[ItemChange]
    fields: list[FieldChange]
    unchanged: int

    @property
    def empty(self) -> bool:
        return not self.items and not self.fields


def diff_versions(old: PlanView, new: PlanView) -> PlanDiff:
    """What changed from `old` to `new`: items matched by their key (it survives the copy to
    the next version), and the plan's own fields."""
    before = {i.key: i for i in old.items}
    after = {i.key: i for i in new.items}
    changes, unchanged = [], 0
    for item in new.items:
        previous = before.get(item.key)
        if previous is None:
            changes.append(ItemChange("added", None, item))
            continue
        changed = tuple(f for f in ITEM_FIELDS if getattr(previous, f) != getattr(item, f))
        if changed:
            changes.append(ItemChange("changed", previous, item, changed))
        else:
            unchanged += 1
    changes += [ItemChange("removed", i, None) for i in old.items if i.key not in after]
    fields = [
        FieldChange(
            name,
            str(PlanVersion._meta.get_field(name).verbose_name),
            getattr(old.version, name),
            getattr(new.version, name),
        )
        for name in VERSION_FIELDS
        if getattr(old.version, name) != getattr(new.version, name)
    ]
    return PlanDiff(old.version, new.version, changes, fields, unchanged)
