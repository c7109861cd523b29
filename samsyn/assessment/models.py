"""Bedömning: a social services assessment of a child, stored as versions (DOMAIN BBIC-1,
RSF-1). Where the assessing municipality holds Socialstyrelsen's BBIC licence (`BbicLicence`, a
setting held as data) a version rates and describes the areas of the BBIC triangle
(`triangle.py`); elsewhere, and in every version, it names the child's risk and protective
factors (risk- och skyddsfaktorer) and records the child's own view.

A finalised version is never written again: a new assessment is the next version, copied from
the last one, so every earlier version stays readable and versions compare side by side.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from samsyn.assessment.triangle import AREA_BY_CODE, AREA_CHOICES
from samsyn.children.models import Child
from samsyn.directory.models import Organisation, Principal, Staff, Unit


class BbicLicence(models.Model):
    """A municipality's licence from Socialstyrelsen to use BBIC: without one Samsyn offers no
    triangle for that municipality's assessments, only the risk and protective factors."""

    municipality = models.OneToOneField(
        Principal, on_delete=models.PROTECT, related_name="bbic_licence",
        limit_choices_to={"kind": Principal.Kind.MUNICIPALITY}, verbose_name=_("municipality"),
    )  # fmt: skip
    reference = models.CharField(_("licence reference"), max_length=100)
    licensed_on = models.DateField(_("licensed on"))
    # A licence that ended leaves earlier assessments as they were; new ones have no triangle.
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("BBIC licence")
        verbose_name_plural = _("BBIC licences")

    def __str__(self) -> str:
        return f"{self.municipality}: {self.reference}"

    def in_force(self, day) -> bool:
        return self.licensed_on <= day and (self.ended_on is None or self.ended_on > day)


class RatingLevel(models.Model):
    """One step of the scale an area is rated on, held as data (1 "stora brister" … 4 "inga
    brister"); no level at all means the area was not assessed."""

    value = models.PositiveSmallIntegerField(_("value"), unique=True)
    label = models.CharField(_("label in Swedish"), max_length=60)
    label_en = models.CharField(_("label in English"), max_length=60)

    class Meta:
        verbose_name = _("rating level")
        verbose_name_plural = _("rating levels")
        ordering = ["value"]

    def __str__(self) -> str:
        return f"{self.value} {self.display}"

    @property
    def display(self) -> str:
        return self.label_en if translation.get_language() == "en" else self.label


class Assessment(models.Model):
    """One organisation's assessments of one child, as a series of versions. The record kind
    access knows: owned by the social services that wrote it, category social, and the unit
    that wrote it takes part (it has a relationship with the child through it)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="assessments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["unit", "child"])]
        constraints = [
            # One series per child and organisation: a new assessment is its next version.
            models.UniqueConstraint(fields=["child", "organisation"], name="assessment_one"),
        ]

    def __str__(self) -> str:
        return f"{self.child} · {self.organisation}"


class AssessmentVersion(models.Model):
    """One version of the assessment, with its date and author. A draft is saved under
    optimistic locking; once finalised it is history and never written again."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        FINAL = "final", _("finalised")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Whether this version uses the BBIC triangle: the licence as it stood when it was started.
    bbic = models.BooleanField(_("uses BBIC"), default=False)
    child_heard = models.BooleanField(_("the child was heard"), default=True)
    child_view = models.TextField(_("the child's own view"), max_length=8000, blank=True)
    child_not_heard_reason = models.TextField(
        _("why the child was not heard"), max_length=2000, blank=True
    )
    summary = models.TextField(_("summary of the assessment"), max_length=8000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Optimistic locking of the draft (DESIGN invariant 6).
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("assessment version")
        verbose_name_plural = _("assessment versions")
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "number"], name="assessment_version_unique"
            ),
            # At most one draft at a time: two would be two truths.
            models.UniqueConstraint(
                fields=["assessment"], condition=Q(status="draft"), name="assessment_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(finalised_at__isnull=False),
                name="assessment_final_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class AreaRating(models.Model):
    """One area of the triangle in one version: its rating (none: not assessed) and what the
    caseworker saw."""

    version = models.ForeignKey(AssessmentVersion, on_delete=models.CASCADE, related_name="areas")
    area = models.CharField(_("area"), max_length=40, choices=AREA_CHOICES)
    level = models.ForeignKey(
        RatingLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("rating"),
    )  # fmt: skip
    description = models.TextField(_("description"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("area rating")
        verbose_name_plural = _("area ratings")
        constraints = [
            models.UniqueConstraint(fields=["version", "area"], name="assessment_area_once"),
        ]

    def __str__(self) -> str:
        return self.area_label

    @property
    def area_label(self) -> str:
        # The mark's own Swedish words, never translated (BBIC-1).
        return AREA_BY_CODE[self.area].label


class Factor(models.Model):
    """A named risk or protective factor in one version (RSF-1). Its name is what follows it
    over time: the comparison finds the same factor in another version by its name."""

    class Kind(models.TextChoices):
        RISK = "risk", _("risk factor")
        PROTECTIVE = "protective", _("protective factor")

    version = models.ForeignKey(AssessmentVersion, on_delete=models.CASCADE, related_name="factors")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("factor")
        verbose_name_plural = _("factors")
        ordering = ["version", "kind", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "kind", "name"], name="assessment_factor_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name
