"""Discharge from inpatient care (utskrivning från sluten vård, Lag 2017:612), BUP's inpatient
care included: the admission, its notices to the municipality's social services and the region's
outpatient unit, the fixed care contact, the changing expected discharge date, and the notice that
the patient is ready for discharge (DOMAIN UTS-1…UTS-6).

An admission belongs to the inpatient unit's organisation. The notices are how the receiving
units learn of it; each notice is sent under a recorded legal ground or a consent, and the
receiving unit takes part in the admission from then on.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.children.models import Child
from samsyn.directory.models import Organisation, Principal, Staff, Unit


class DischargeSettings(models.Model):
    """A region's agreement on discharge (the regional överenskommelse), held as data: the hours
    and days the law and the agreement set. Absent a row, the defaults below apply."""

    region = models.OneToOneField(
        Principal, on_delete=models.CASCADE, related_name="discharge_settings",
        limit_choices_to={"kind": Principal.Kind.REGION}, verbose_name=_("region"),
    )  # fmt: skip
    # UTS-1: the admission notice within 24 hours of admission or of the later judgement.
    notice_hours = models.PositiveSmallIntegerField(
        _("admission notice within (hours)"), default=24
    )
    # UTS-4: a discharge announced with less notice than this is flagged (the seed case).
    minimum_notice_hours = models.PositiveSmallIntegerField(
        _("least notice of a discharge (hours)"), default=72
    )
    # UTS-5: the call to a SIP meeting within so many days of the ready-for-discharge notice.
    sip_call_days = models.PositiveSmallIntegerField(_("SIP call within (days)"), default=3)
    sip_call_working_days = models.BooleanField(_("counted in working days"), default=False)
    agreement_reference = models.CharField(
        _("agreement"), max_length=200,
        default="Lag (2017:612); överenskommelse om utskrivning, Region Örebro län",
    )  # fmt: skip

    class Meta:
        verbose_name = _("discharge settings")
        verbose_name_plural = _("discharge settings")

    def __str__(self) -> str:
        return str(self.region)


class Admission(models.Model):
    """Inskrivning: a child admitted to an inpatient unit, from admission to discharge."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="admissions")
    # The owner: the inpatient unit's organisation, held here for `access` and the indexes.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("inpatient unit")
    )
    admitted_at = models.DateTimeField(_("admitted"))
    # UTS-1: when the physician judged that efforts may be needed after discharge; the 24 hours
    # run from the later of this and the admission.
    needs_judged_at = models.DateTimeField(_("support after discharge judged needed"))
    expected_discharge_on = models.DateField(_("expected discharge"))
    # UTS-4: ready for discharge (utskrivningsklar), and the discharge itself.
    ready_at = models.DateTimeField(_("ready for discharge"), null=True, blank=True)
    discharged_at = models.DateTimeField(_("discharged"), null=True, blank=True)
    # The information needed for continued care, sent no later than the day of discharge.
    care_information_sent_at = models.DateTimeField(
        _("information for continued care sent"), null=True, blank=True
    )
    # UTS-2: appointed by the head of the region's outpatient unit before discharge.
    outpatient_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("outpatient unit"),
    )  # fmt: skip
    fixed_care_contact = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("fixed care contact"),
    )  # fmt: skip
    # Where the patient goes on to compulsory outpatient psychiatric care, the LPT 7 a § care
    # plan replaces the SIP (4 kap. 1 §).
    compulsory_outpatient_care = models.BooleanField(
        _("compulsory outpatient psychiatric care (LPT)"), default=False
    )
    # UTS-6: the care given, in plain words, written by the fixed care contact for the family's
    # summary.
    care_given = models.TextField(_("care given"), max_length=2000, blank=True)
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("admission")
        verbose_name_plural = _("admissions")
        indexes = [
            models.Index(fields=["unit", "discharged_at"]),
            models.Index(fields=["child", "admitted_at"]),
            models.Index(fields=["expected_discharge_on"]),
        ]
        constraints = [
            # One admission in progress per child and inpatient unit.
            models.UniqueConstraint(
                fields=["child", "unit"], condition=Q(discharged_at__isnull=True),
                name="admission_one_in_progress",
            ),
            models.CheckConstraint(
                condition=Q(needs_judged_at__gte=models.F("admitted_at")),
                name="admission_judged_after_admitted",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.child} · {self.unit} · {self.admitted_at:%Y-%m-%d}"


class DischargeDateChange(models.Model):
    """A changed expected discharge date, announced at once (UTS-4, 2 kap. 4 §): the history the
    receiving units see."""

    admission = models.ForeignKey(Admission, on_delete=models.PROTECT, related_name="date_changes")
    from_date = models.DateField(_("expected before"))
    to_date = models.DateField(_("expected now"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    changed_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("change of the expected discharge date")
        verbose_name_plural = _("changes of the expected discharge date")
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.admission}: {self.from_date} → {self.to_date}"


class Notice(models.Model):
    """A notice from the inpatient unit to a receiving unit (the municipality's social services,
    the region's outpatient unit), and its acknowledgement. The receiving unit takes part in the
    admission once notified; its organisation reads under the recorded ground."""

    class Kind(models.TextChoices):
        ADMISSION = "admission", _("admission notice")
        DATE_CHANGED = "date_changed", _("changed discharge date")
        READY = "ready", _("ready for discharge")
        CARE_INFORMATION = "care_information", _("information for continued care")

    admission = models.ForeignKey(Admission, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("notice"), max_length=20, choices=Kind.choices)
    to_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    sent_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    # The ground it was sent under: a legal ground recorded with its reference, or consent.
    legal_ground = models.ForeignKey(
        "access.LegalGround", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consent = models.ForeignKey(
        "consent.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("discharge notice")
        verbose_name_plural = _("discharge notices")
        ordering = ["sent_at"]
        indexes = [models.Index(fields=["to_unit", "acknowledged_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(legal_ground__isnull=False) | Q(consent__isnull=False),
                name="notice_sent_on_a_ground",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_unit}"


class PlanningTask(models.Model):
    """A step of the discharge planning a receiving unit starts when notified (UTS-3)."""

    admission = models.ForeignKey(Admission, on_delete=models.PROTECT, related_name="tasks")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    text = models.CharField(_("task"), max_length=300)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("planning task")
        verbose_name_plural = _("planning tasks")

    def __str__(self) -> str:
        return self.text
