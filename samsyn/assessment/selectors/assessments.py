"""Reads of assessments (BBIC-1, RSF-1), each through `access` and audited: the child's section
on the child's page, one assessment with its versions compared side by side, one version.

Cost follows the page, not the data: the child's section shows the latest versions of each
assessment, the assessment page one page of versions, and each reads its ratings and factors in
one query whatever the number of versions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Value
from django.db.models.expressions import BaseExpression
from django.db.models.functions import JSONObject
from django.utils import timezone

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.assessment.models import (
    AreaRating,
    Assessment,
    AssessmentVersion,
    BbicLicence,
    Factor,
    RatingLevel,
)
from samsyn.assessment.triangle import NAME, SIDES, Area, Side
from samsyn.audit import services as audit
from samsyn.children.models import Child
from samsyn.children.selectors import Built, Section
from samsyn.common.errors import NotFound
from samsyn.common.json_rows import from_json, rows_as_json
from samsyn.directory.models import Organisation, Principal, Role

# The versions the child's section lists per assessment, and one page of the comparison.
SECTION_VERSIONS = 5
PAGE_SIZE = 5


class AssessmentNotFound(NotFound):
    """The same for "no such assessment" and "not yours": ids cannot be probed."""


class VersionNotFound(NotFound):
    """No such version of an assessment the actor may read."""


# --- the licence --------------------------------------------------------------------------


def licence_of(municipality: Principal | None) -> BbicLicence | None:
    """The municipality's BBIC licence in force today, or None: then no triangle is offered."""
    if municipality is None:
        return None
    licence = (
        BbicLicence.objects.filter(municipality=municipality).select_related("municipality").first()
    )
    return licence if licence and licence.in_force(timezone.localdate()) else None


def assessing_municipality(organisation: Organisation) -> Principal | None:
    """The municipality whose licence an organisation's assessments use: its own principal,
    when that is a municipality (the licence is the municipality's, for its social services)."""
    principal = organisation.principal
    return principal if principal.kind == Principal.Kind.MUNICIPALITY else None


def may_assess(actor: Actor) -> bool:
    """A caseworker of a municipality's social services writes assessments; which child is
    decided by access (the child's page must open for them)."""
    return (
        actor.role == Role.CASEWORKER
        and actor.organisation.kind == Organisation.Kind.SOCIAL_SERVICES
    )


def rating_levels() -> list[RatingLevel]:
    return list(RatingLevel.objects.order_by("value"))


# --- lists --------------------------------------------------------------------------------


def assessments_visible_to(actor: Actor, *, purpose: str) -> QuerySet[Assessment]:
    return rules.restrict(
        actor, Assessment.objects.select_related("organisation", "unit"), purpose=purpose
    ).order_by("organisation__name", "pk")


@dataclass
class ChildAssessments:
    """The child's assessments as the child's page shows them, and what the actor may start."""

    assessments: Sequence[Assessment]
    may_start: bool
    own: Assessment | None
    licence: BbicLicence | None
    triangle_name: str = NAME


# The assessments the child's page shows.
CHILD_ASSESSMENTS = 20


def assessments_section(actor: Actor, *, purpose: str) -> Section[ChildAssessments]:
    """The child's assessments the actor may read, as a section of the child's page (and the
    API's list): each with its latest versions and their count, one audit row naming them;
    whether the actor may start one, and under which licence (`ChildAssessments`)."""
    may = may_assess(actor)
    municipality = assessing_municipality(actor.organisation) if may else None

    def expression(child: Child) -> BaseExpression:
        latest = AssessmentVersion.objects.filter(assessment=OuterRef("pk")).order_by("-number")
        assessments = (
            assessments_visible_to(actor, purpose=purpose)
            .filter(child=rules.child_param(child.pk))
            .annotate(
                version_count=Count("versions"),
                latest_rows=rows_as_json(latest[:SECTION_VERSIONS], "created_by"),
            )
        )
        licence = (
            rows_as_json(BbicLicence.objects.filter(municipality=municipality), "municipality")
            if municipality
            else Value(None)
        )
        return JSONObject(
            assessments=rows_as_json(assessments[:CHILD_ASSESSMENTS], "organisation", "unit"),
            licence=licence,
        )

    def build(child: Child, value: dict) -> Built[ChildAssessments]:
        assessments = [
            from_json(Assessment, row, "organisation", "unit") for row in value["assessments"] or ()
        ]
        for assessment in assessments:
            assessment.latest = [
                from_json(AssessmentVersion, row, "created_by") for row in assessment.latest_rows
            ]
        own = next((a for a in assessments if a.organisation_id == actor.organisation.pk), None)
        licences = [from_json(BbicLicence, row, "municipality") for row in value["licence"] or ()]
        today = timezone.localdate()
        licence = next((licence for licence in licences if licence.in_force(today)), None)
        if not assessments:
            return ChildAssessments([], may, None, licence), []
        read = audit.Read(
            child_id=child.pk, obj="assessment_list", obj_id=child.pk, purpose=purpose,
            decision=rules.Decision(True, "list"),
            detail={"assessment_ids": [a.pk for a in assessments]},
        )  # fmt: skip
        return ChildAssessments(assessments, may, own, licence), [read]

    # The licence's municipality is the actor's organisation's: a constant of the statement.
    return Section(expression, build, key=municipality.pk if municipality else None)


# --- one assessment -----------------------------------------------------------------------


def assessment_for(
    actor: Actor, *, assessment_id: int, purpose: str, obj: str = "assessment"
) -> tuple[Assessment, rules.Decision]:
    """The assessment and the ground the actor reads it on; audited. Call outside a
    transaction: a denial's audit row must outlive the 404 that follows."""
    assessment = (
        Assessment.objects.select_related("child", "organisation__principal", "unit")
        .filter(pk=assessment_id)
        .first()
    )
    decision = rules.decide(actor, assessment, purpose=purpose) if assessment else rules.DENIED
    if assessment is None or not decision.allowed:
        audit.record_denied(
            actor=actor, child_id=assessment.child_id if assessment else None, obj=obj,
            obj_id=assessment_id, purpose=purpose,
        )  # fmt: skip
        raise AssessmentNotFound(assessment_id)
    with transaction.atomic():
        audit.record_read(
            actor=actor, child_id=assessment.child_id, obj=obj, obj_id=assessment.pk,
            purpose=purpose, decision=decision,
        )  # fmt: skip
    return assessment, decision


def version_of(assessment: Assessment, number: int) -> AssessmentVersion:
    version = (
        AssessmentVersion.objects.filter(assessment=assessment, number=number)
        .select_related("created_by", "finalised_by")
        .prefetch_related(
            Prefetch("areas", queryset=AreaRating.objects.select_related("level")),
            Prefetch("factors", queryset=Factor.objects.order_by("kind", "position", "pk")),
        )
        .first()
    )
    if version is None:
        raise VersionNotFound(number)
    return version


def draft_of(assessment: Assessment) -> AssessmentVersion | None:
    draft = (
        AssessmentVersion.objects.filter(
            assessment=assessment, status=AssessmentVersion.Status.DRAFT
        )
        .values_list("number", flat=True)
        .first()
    )
    return version_of(assessment, draft) if draft is not None else None


@dataclass
class SideRows:
    side: Side
    rows: list[AreaRow]


@dataclass
class Cell:
    level: RatingLevel | None
    # "better", "worse", "same", "assessed" (rated now, not before), "" (nothing to compare)
    change: str = ""


@dataclass
class AreaRow:
    area: Area
    cells: list[Cell]

    @property
    def changed(self) -> bool:
        return any(cell.change in ("better", "worse") for cell in self.cells)


@dataclass
class FactorCell:
    present: bool
    change: str = ""  # "new", "gone" or ""


@dataclass
class FactorRow:
    kind: str
    name: str
    cells: list[FactorCell]


@dataclass
class Comparison:
    """One page of versions side by side, oldest first: each area's rating with its change
    from the version before (on this page or the one before it), and each named factor."""

    page: Page
    versions: list[AssessmentVersion]
    bbic: bool
    sides: list[SideRows] = field(default_factory=list)
    factors: list[FactorRow] = field(default_factory=list)
    levels: list[RatingLevel] = field(default_factory=list)


def _change(before: RatingLevel | None, now: RatingLevel | None, compared: bool) -> str:
    if not compared or now is None:
        return ""
    if before is None:
        return "assessed"
    if now.value > before.value:
        return "better"
    return "worse" if now.value < before.value else "same"


def comparison(assessment: Assessment, *, page: int | str | None = 1) -> Comparison:
    """The versions of one page (newest page first) compared: three queries for the versions,
    one for the ratings and one for the factors, whatever the number of versions."""
    versions = AssessmentVersion.objects.filter(assessment=assessment).select_related(
        "created_by", "finalised_by"
    )
    paginator = Paginator(versions.order_by("-number"), PAGE_SIZE)
    current = paginator.get_page(page)
    shown = sorted(current.object_list, key=lambda v: v.number)
    # The version just before this page, so the oldest column shows its change too.
    before = (
        versions.filter(number__lt=shown[0].number).order_by("-number").first() if shown else None
    )
    compared = ([before] if before else []) + shown
    ids = [v.pk for v in compared]
    ratings: dict[tuple[int, str], AreaRating] = {
        (r.version_id, r.area): r
        for r in AreaRating.objects.filter(version_id__in=ids).select_related("level")
    }
    named: dict[int, set[tuple[str, str]]] = {v.pk: set() for v in compared}
    order: dict[tuple[str, str], int] = {}
    for factor in Factor.objects.filter(version_id__in=ids).order_by("position", "pk"):
        key = (factor.kind, factor.name)
        named[factor.version_id].add(key)
        order.setdefault(key, len(order))
    result = Comparison(current, shown, bbic=any(v.bbic for v in compared), levels=rating_levels())
    if result.bbic:
        for side in SIDES:
            rows = []
            for area in side.areas:
                cells, previous = [], before
                for version in shown:
                    now = ratings.get((version.pk, area.code))
                    then = ratings.get((previous.pk, area.code)) if previous else None
                    level = now.level if now else None
                    cells.append(
                        Cell(level, _change(then.level if then else None, level, bool(previous)))
                    )
                    previous = version
                rows.append(AreaRow(area, cells))
            result.sides.append(SideRows(side, rows))
    keys = sorted(order, key=lambda key: (key[0] != Factor.Kind.RISK, order[key]))
    for kind, name in keys:
        factor_cells, previous = [], before
        for version in shown:
            present = (kind, name) in named[version.pk]
            was = (kind, name) in named[previous.pk] if previous else present
            change = "new" if present and not was else "gone" if was and not present else ""
            factor_cells.append(FactorCell(present, change))
            previous = version
        if any(cell.present or cell.change for cell in factor_cells):
            result.factors.append(FactorRow(kind, name, factor_cells))
    return result
