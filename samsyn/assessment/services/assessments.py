"""Writes to assessments: start a version (the first, or the next as a copy of the last one),
save the draft under optimistic locking, finalise it. A finalised version is never written
again: every write here selects the draft. Each change and its audit row share a transaction.

Only a caseworker of the social services that owns the assessment writes it, with a
relationship to the child that access recognises; another organisation with a ground may read
it, never write it."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Purpose
from samsyn.assessment.models import (
    AreaRating,
    Assessment,
    AssessmentVersion,
    Factor,
    RatingLevel,
)
from samsyn.assessment.selectors import assessments as selectors
from samsyn.assessment.triangle import AREA_BY_CODE
from samsyn.audit import services as audit
from samsyn.children.models import Child
from samsyn.common.errors import AccessDenied

PURPOSE = Purpose.INVESTIGATION
MAX_FACTORS = 30


class NoDraft(Exception):
    """There is no draft to change: the last version is finalised (start a new one)."""


class StaleAssessment(Exception):
    """Someone else saved the draft since it was read; carries the draft as they saved it."""

    def __init__(self, current: AssessmentVersion):
        super().__init__(current.pk)
        self.current = current


class AssessmentIncomplete(ValidationError):
    """Finalising refused: each message names what is missing."""


@dataclass(frozen=True)
class DraftInput:
    """What a save writes: the child's view, the summary, each area's rating (a level's value
    or None: not assessed) and description, and the named factors."""

    child_heard: bool
    child_view: str = ""
    child_not_heard_reason: str = ""
    summary: str = ""
    ratings: tuple[tuple[str, int | None, str], ...] = ()
    risk_factors: tuple[str, ...] = ()
    protective_factors: tuple[str, ...] = ()


def _record(actor, assessment, decision, version, event, **detail) -> None:
    audit.record_change(
        actor=actor, child_id=assessment.child_id, obj="assessment", obj_id=assessment.pk,
        event=event, purpose=PURPOSE, decision=decision,
        detail={"version": version.number, **detail},
    )  # fmt: skip


def _require_writer(actor: Actor) -> None:
    if not selectors.may_assess(actor):
        raise AccessDenied("assessment.write")


def _open(actor: Actor, assessment_id: int) -> tuple[Assessment, rules.Decision]:
    """The one door to change an assessment: locked, read by access, and owned by the actor's
    organisation; AssessmentNotFound otherwise (missing and not yours alike), AccessDenied for
    an organisation that reads it on a ground but may not write it."""
    _require_writer(actor)
    assessment, decision = rules.open_for_change(
        actor, Assessment.objects.select_related("organisation__principal"),
        pk=assessment_id, purpose=PURPOSE,
    )  # fmt: skip
    if assessment.organisation_id != actor.organisation.pk:
        raise AccessDenied("assessment.write")
    return assessment, decision


def _new_version(actor, assessment, decision, last: AssessmentVersion | None):
    licence = selectors.licence_of(selectors.assessing_municipality(assessment.organisation))
    version = AssessmentVersion(
        assessment=assessment, number=last.number + 1 if last else 1, created_by=actor.staff,
        bbic=licence is not None,
    )  # fmt: skip
    if last is not None:
        version.child_heard = last.child_heard
        version.summary = last.summary
    version.full_clean()
    version.save()
    if last is not None:
        # The next assessment starts from the last one: the ratings (if both use the triangle)
        # and the named factors, so a caseworker changes what changed. The child's view is
        # asked anew each time.
        if version.bbic and last.bbic:
            AreaRating.objects.bulk_create(
                AreaRating(version=version, area=r.area, level_id=r.level_id,
                           description=r.description)
                for r in last.areas.all()
            )  # fmt: skip
        Factor.objects.bulk_create(
            Factor(version=version, kind=f.kind, name=f.name, position=f.position)
            for f in last.factors.all()
        )
    _record(
        actor, assessment, decision, version, "assessment_version_started",
        bbic=version.bbic, licence=licence.reference if licence else None,
        copied_from=last.number if last else None,
    )  # fmt: skip
    return version


@transaction.atomic
def start_assessment(*, actor: Actor, child_id: int, decision: rules.Decision) -> Assessment:
    """The actor's organisation's assessment of the child, with a draft to write: the first
    version, or the next one. An existing draft is kept as it is, so a double submit starts
    nothing twice. `decision` is the child's, read by the caller through the child's door."""
    _require_writer(actor)
    existing = Assessment.objects.filter(
        child_id=child_id, organisation_id=actor.organisation.pk
    ).first()
    if existing is None:
        child = Child.objects.get(pk=child_id)
        try:
            with transaction.atomic():
                assessment = Assessment.objects.create(
                    child=child, organisation=actor.organisation, unit=actor.unit,
                    created_by=actor.staff,
                )  # fmt: skip
        except IntegrityError:
            # Someone else of the organisation started it at the same moment: join theirs.
            assessment = Assessment.objects.get(
                child_id=child_id, organisation_id=actor.organisation.pk
            )
        else:
            _record_started(actor, assessment, decision)
            _new_version(actor, assessment, decision, None)
            return assessment
        existing = assessment
    assessment, decision = _open(actor, existing.pk)
    versions = AssessmentVersion.objects.select_for_update().filter(assessment=assessment)
    if versions.filter(status=AssessmentVersion.Status.DRAFT).exists():
        return assessment
    last = versions.order_by("-number").first()
    _new_version(actor, assessment, decision, last)
    return assessment


def _record_started(actor, assessment, decision) -> None:
    audit.record_change(
        actor=actor, child_id=assessment.child_id, obj="assessment", obj_id=assessment.pk,
        event="assessment_started", purpose=PURPOSE, decision=decision,
    )  # fmt: skip


def _draft(assessment: Assessment) -> AssessmentVersion:
    draft = (
        AssessmentVersion.objects.select_for_update()
        .filter(assessment=assessment, status=AssessmentVersion.Status.DRAFT)
        .first()
    )
    if draft is None:
        raise NoDraft(assessment.pk)
    return draft


def _clean_factors(names: tuple[str, ...], field: str) -> list[str]:
    cleaned: list[str] = []
    for name in names:
        name = " ".join(name.split())
        if name and name.casefold() not in {c.casefold() for c in cleaned}:
            cleaned.append(name)
    if len(cleaned) > MAX_FACTORS:
        raise ValidationError(
            {field: _("At most %(count)d factors of each kind.") % {"count": MAX_FACTORS}}
        )
    too_long = [name for name in cleaned if len(name) > 200]
    if too_long:
        raise ValidationError({field: _("A factor's name is at most 200 characters.")})
    return cleaned


@transaction.atomic
def save_draft(
    *, actor: Actor, assessment_id: int, lock_version: int, data: DraftInput
) -> AssessmentVersion:
    """Write the draft. A stale `lock_version` (someone saved since) is refused with theirs."""
    assessment, decision = _open(actor, assessment_id)
    draft = _draft(assessment)
    if draft.lock_version != lock_version:
        raise StaleAssessment(selectors.version_of(assessment, draft.number))
    risks = _clean_factors(data.risk_factors, "risk_factors")
    protective = _clean_factors(data.protective_factors, "protective_factors")
    draft.child_heard = data.child_heard
    draft.child_view = data.child_view
    draft.child_not_heard_reason = "" if data.child_heard else data.child_not_heard_reason
    draft.summary = data.summary
    draft.saved_at = timezone.now()
    draft.lock_version += 1
    draft.full_clean()
    draft.save()
    AreaRating.objects.filter(version=draft).delete()
    if draft.bbic:
        levels = dict(RatingLevel.objects.values_list("value", "pk"))
        rows = []
        for area, value, description in data.ratings:
            if area not in AREA_BY_CODE:
                raise ValidationError({"ratings": _("Unknown area: %(area)s.") % {"area": area}})
            if value is not None and value not in levels:
                raise ValidationError(
                    {"ratings": _("Unknown rating: %(value)s.") % {"value": value}}
                )
            if value is None and not description.strip():
                continue
            rows.append(
                AreaRating(
                    version=draft, area=area, level_id=levels.get(value) if value else None,
                    description=description.strip(),
                )
            )  # fmt: skip
        for row in rows:
            row.full_clean(exclude=["version"], validate_unique=False)
        AreaRating.objects.bulk_create(rows)
    Factor.objects.filter(version=draft).delete()
    Factor.objects.bulk_create(
        [Factor(version=draft, kind=Factor.Kind.RISK, name=n, position=i)
         for i, n in enumerate(risks)]
        + [Factor(version=draft, kind=Factor.Kind.PROTECTIVE, name=n, position=i)
           for i, n in enumerate(protective)]
    )  # fmt: skip
    _record(
        actor, assessment, decision, draft, "assessment_draft_saved",
        lock_version=draft.lock_version,
    )  # fmt: skip
    return draft


def missing_for_finalising(version: AssessmentVersion) -> list[str]:
    missing = []
    if version.child_heard and not version.child_view.strip():
        missing.append(_("Record the child's own view, or that the child was not heard and why."))
    if not version.child_heard and not version.child_not_heard_reason.strip():
        missing.append(_("Record why the child was not heard."))
    return missing


@transaction.atomic
def finalise_version(*, actor: Actor, assessment_id: int, lock_version: int) -> AssessmentVersion:
    """Finalise the draft as it was read: from now on it is history, never written again."""
    assessment, decision = _open(actor, assessment_id)
    draft = _draft(assessment)
    if draft.lock_version != lock_version:
        raise StaleAssessment(selectors.version_of(assessment, draft.number))
    missing = missing_for_finalising(draft)
    if missing:
        raise AssessmentIncomplete(missing)
    draft.status = AssessmentVersion.Status.FINAL
    draft.finalised_at = timezone.now()
    draft.finalised_by = actor.staff
    draft.lock_version += 1
    draft.full_clean()
    draft.save(update_fields=["status", "finalised_at", "finalised_by", "lock_version"])
    _record(actor, assessment, decision, draft, "assessment_finalised")
    return draft
