"""The radar (DOMAIN §7): the patterns by which a child falls between the chairs, found in the
data and put in front of whoever must act.

A `Rule` is one pattern held as data — its name and description in Swedish and English, its
threshold, its reference — and the code of the detector that finds it (`radar.detectors`). A
`Signal` is one finding: a rule, the record it is about, the organisation (and unit, and person
where one is named) that must act, and the day it became due. A scan finds each pattern again;
a signal whose pattern is gone is cleared, never deleted, and a person may dismiss one only with
a recorded reason.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from samsyn.children.models import Child
from samsyn.directory.models import Organisation, Principal, Staff, Unit


class Rule(models.Model):
    class Code(models.TextChoices):
        UNOWNED = "RAD-1", _("RAD-1 need or effort without an owner")
        WAITING = "RAD-2", _("RAD-2 waiting for an effort")
        RELAY = "RAD-3", _("RAD-3 handed on, not accepted")
        NO_COORDINATOR = "RAD-4", _("RAD-4 coordinator role empty")
        DISCHARGE = "RAD-5", _("RAD-5 discharge without a planned SIP or with short notice")
        REPORT = "RAD-6", _("RAD-6 report of concern not handled on time")
        SIP = "RAD-7", _("RAD-7 SIP past its follow-up or never started")
        BOUNCED = "RAD-8", _("RAD-8 referral declined with no next step")

    code = models.CharField(_("rule"), max_length=8, choices=Code.choices, unique=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    description_sv = models.TextField(_("description in Swedish"), max_length=2000)
    description_en = models.TextField(_("description in English"), max_length=2000)
    # The setting: how many days the pattern may last before it is a signal (0: at once).
    threshold_days = models.PositiveSmallIntegerField(_("threshold (days)"))
    reference = models.CharField(_("reference"), max_length=200)
    # RAD-9: an unresolved signal moves up the region's ladder after this many days.
    escalate_after_days = models.PositiveSmallIntegerField(_("escalate after (days)"), default=14)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("radar rule")
        verbose_name_plural = _("radar rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return self.name_sv if translation.get_language() == "sv" else self.name_en

    @property
    def description(self) -> str:
        return self.description_sv if translation.get_language() == "sv" else self.description_en


class Signal(models.Model):
    class Subject(models.TextChoices):
        PLAN_ITEM = "plan_item", _("plan item")
        SIP = "sip", _("SIP")
        HANDOVER = "handover", _("handover of the coordinator role")
        ADMISSION = "admission", _("admission")
        REPORT = "report", _("report of concern")
        INVESTIGATION = "investigation", _("investigation")
        REFERRAL = "referral", _("referral")

    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="signals")
    # Null for a report of concern not yet linked to a child: a pattern all the same.
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_type = models.CharField(max_length=20, choices=Subject.choices)
    subject_id = models.BigIntegerField()
    # Who must act: the organisation always, its unit and the person where the pattern names one.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The day the pattern became due: the rule's threshold counted from the pattern's start.
    due_on = models.DateField(_("due"))
    found_at = models.DateTimeField(_("found"), default=timezone.now)
    seen_at = models.DateTimeField(_("last found"), default=timezone.now)
    # The pattern is gone: someone acted. Set by the scan.
    cleared_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dismissed_reason = models.TextField(_("why it was dismissed"), max_length=2000, blank=True)
    # RAD-9: the rung of the region's ladder it has reached (0: where it landed).
    level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # The reminder goes once per signal, not every scan.
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        indexes = [
            models.Index(
                fields=["unit", "due_on"], name="radar_signal_open_by_unit",
                condition=Q(cleared_at__isnull=True, dismissed_at__isnull=True),
            ),
            models.Index(
                fields=["staff", "due_on"], name="radar_signal_open_by_staff",
                condition=Q(cleared_at__isnull=True, dismissed_at__isnull=True),
            ),
            models.Index(fields=["child", "found_at"]),
        ]  # fmt: skip
        constraints = [
            # One live signal per pattern and organisation: the scan is idempotent, and a
            # dismissed signal stays dismissed while its pattern lasts.
            models.UniqueConstraint(
                fields=["rule", "subject_type", "subject_id", "organisation"],
                condition=Q(cleared_at__isnull=True), name="radar_signal_one_live",
            ),
            models.CheckConstraint(
                condition=Q(dismissed_at__isnull=True) | ~Q(dismissed_reason=""),
                name="radar_signal_dismissed_with_reason",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.rule.code} · {self.subject_type} {self.subject_id}"


class CollaborationBody(models.Model):
    """Samverkansorgan (DOMAIN GOV-3): a county's political group, officials' group
    (tjänstemannagrupp), working group or reference group, whose members are staff of the
    county's principals. Kept with the radar while the ladder is its only use."""

    class Kind(models.TextChoices):
        POLITICAL = "political", _("political group")
        OFFICIALS = "officials", _("officials' group")
        WORKING = "working", _("working group")
        REFERENCE = "reference", _("reference group")

    region = models.ForeignKey(
        Principal, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"),
        limit_choices_to={"kind": Principal.Kind.REGION},
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, unique=True)
    members = models.ManyToManyField(
        Staff, blank=True, related_name="collaboration_bodies", verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("collaboration body")
        verbose_name_plural = _("collaboration bodies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EscalationStep(models.Model):
    """One rung of a region's ladder (RAD-9, GOV-3). The first rung is always the unit manager
    of the unit the signal landed on, reached after the rule's own `escalate_after_days` past
    its due day (a late protection assessment cannot wait as long as a late follow-up); the
    region sets the bodies above, each reached after `after_days` on the rung below."""

    # Level 1 is the unit manager; the region's bodies start at 2.
    FIRST_BODY_LEVEL = 2

    region = models.ForeignKey(
        Principal, on_delete=models.PROTECT, related_name="+", verbose_name=_("region"),
        limit_choices_to={"kind": Principal.Kind.REGION},
    )  # fmt: skip
    level = models.PositiveSmallIntegerField(_("level"))
    body = models.ForeignKey(
        CollaborationBody, on_delete=models.PROTECT, related_name="steps", verbose_name=_("body")
    )
    after_days = models.PositiveSmallIntegerField(_("days on the level below"))

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["region", "level"]
        constraints = [
            models.UniqueConstraint(fields=["region", "level"], name="radar_step_one_per_level"),
            models.CheckConstraint(condition=Q(level__gte=2), name="radar_step_above_manager"),
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.body}"

    def clean(self) -> None:
        if self.body_id and self.region_id and self.body.region_id != self.region_id:
            raise ValidationError({"body": _("The body belongs to another region.")})


class Escalation(models.Model):
    """One move of a signal up the ladder and what came of it (GOV-3): the signal was resolved
    or dismissed while on this rung, or moved further up."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("open")
        ESCALATED = "escalated", _("moved further up")
        RESOLVED = "resolved", _("resolved")
        DISMISSED = "dismissed", _("dismissed with a reason")

    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="escalations")
    level = models.PositiveSmallIntegerField(_("level"))
    # None: the first rung, the unit manager of the signal's unit.
    body = models.ForeignKey(
        CollaborationBody, on_delete=models.PROTECT, null=True, blank=True,
        related_name="escalations", verbose_name=_("body"),
    )  # fmt: skip
    escalated_at = models.DateTimeField(_("escalated"))
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.OPEN
    )
    outcome_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            # A signal reaches each rung once: the scan never escalates it twice.
            models.UniqueConstraint(fields=["signal", "level"], name="radar_escalation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.signal} → {self.level}"
