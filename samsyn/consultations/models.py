"""Anonymous case consultations (anonym konsultation, samråd; DOMAIN KON-1): a professional asks
another organisation about a case without identifying the child — an age band and the situation
in non-identifying words — and the consulted organisation answers. No child is named, so the
consultation itself is no child's data: both sides read it, and every read is still logged.

It is linked to a named child only after a consent that covers the consulted organisation, and
only by an explicit act of the asking unit; from then on it is the child's data, read through
`access` like any other record kind. A consultation never fulfils the duty to report (SoL
2025:400 19 kap. 1 §).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.access.models import Category
from samsyn.children.models import Child
from samsyn.directory.models import Organisation, Staff, Unit


class Consultation(models.Model):
    class AgeBand(models.TextChoices):
        # A band, never a date of birth: a birth date and a school narrow a child to one.
        INFANT = "0-2", _("0–2 years")
        PRESCHOOL = "3-5", _("3–5 years")
        YOUNG = "6-9", _("6–9 years")
        MIDDLE = "10-12", _("10–12 years")
        TEEN = "13-15", _("13–15 years")
        OLDER = "16-17", _("16–17 years")

    QUESTION_LENGTH = 2000
    SITUATION_LENGTH = 4000
    ANSWER_LENGTH = 4000

    asked_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    asking_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("asking organisation"),
    )  # fmt: skip
    asking_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("asking unit")
    )
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    consulted_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("consulted organisation"),
    )  # fmt: skip
    # None: the whole organisation; any of its units may answer.
    consulted_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("consulted unit"),
    )  # fmt: skip
    age_band = models.CharField(_("age"), max_length=5, choices=AgeBand.choices)
    question = models.TextField(_("question"), max_length=QUESTION_LENGTH)
    situation = models.TextField(_("the situation"), max_length=SITUATION_LENGTH)
    # The asking organisation's information category: what a consent must cover before the
    # consultation is linked to a child and so disclosed with the child's identity.
    category = models.CharField(_("information category"), max_length=20, choices=Category.choices)

    answer = models.TextField(_("answer"), max_length=ANSWER_LENGTH, blank=True)
    answered_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("answered by"),
    )  # fmt: skip
    answered_by_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("answering unit"),
    )  # fmt: skip
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, null=True, blank=True, related_name="consultations",
        verbose_name=_("child"),
    )  # fmt: skip
    linked_at = models.DateTimeField(_("linked at"), null=True, blank=True)
    linked_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("linked by"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [
            models.Index(fields=["asking_unit", "-asked_at"]),
            models.Index(fields=["consulted_unit", "-asked_at"]),
            models.Index(fields=["consulted_organisation", "-asked_at"]),
            models.Index(fields=["answered_by_unit", "-asked_at"]),
            models.Index(fields=["child"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(asking_organisation=models.F("consulted_organisation")),
                name="consultation_asks_another_organisation",
            ),
            models.CheckConstraint(
                condition=Q(answer="", answered_at__isnull=True, answered_by__isnull=True)
                | (
                    ~Q(answer="")
                    & Q(answered_at__isnull=False, answered_by__isnull=False)
                    & Q(answered_by_unit__isnull=False)
                ),
                name="consultation_answer_complete",
            ),
            models.CheckConstraint(
                condition=Q(child__isnull=True, linked_at__isnull=True, linked_by__isnull=True)
                | Q(child__isnull=False, linked_at__isnull=False, linked_by__isnull=False),
                name="consultation_link_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asking_unit} → {self.consulted_organisation} · {self.asked_at:%Y-%m-%d}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def linked(self) -> bool:
        return self.child_id is not None
