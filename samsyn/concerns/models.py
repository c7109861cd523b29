"""Reports of concern (orosanmälan) and their path through social services: the protection
assessment (skyddsbedömning), the initial assessment (förhandsbedömning), the investigation
(utredning), the feedback to a professional reporter (återkoppling) and the offer of a meeting
(DOMAIN ANM-1…ANM-7). Each step's deadline is a `DeadlineRule` row, so lateness is a query.

A report belongs to the social services of the municipality it is sent to and waits in that
organisation's intake unit (mottagningsenhet). It names the child as the reporter could: by
identity number, or by name and address; it is linked to a child Samsyn knows only by an exact
identity number or by a person in intake confirming a match, never by a guess.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.children.models import Child
from samsyn.common.deadlines import DeadlineRuleBase
from samsyn.directory.models import Organisation, Principal, Staff, Unit


class DeadlineRule(DeadlineRuleBase):
    """A deadline in the report's path, held as data with its legal reference."""

    class Code(models.TextChoices):
        # Counted from the day the report was received (ANM-3, ANM-4).
        PROTECTION = "protection", _("protection assessment")
        INITIAL_ASSESSMENT = "initial_assessment", _("initial assessment")
        # Counted from the day the investigation was opened (ANM-5).
        INVESTIGATION = "investigation", _("investigation")
        # Counted from the decision, or from a later request (ANM-6).
        FEEDBACK = "feedback", _("feedback to the reporter")

    code = models.CharField(_("rule"), max_length=30, choices=Code.choices, unique=True)

    class Meta:
        verbose_name = _("deadline rule for reports of concern")
        verbose_name_plural = _("deadline rules for reports of concern")

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.period}"


class Intake(models.Model):
    """Mottagning: the unit of a municipality's social services that receives its reports."""

    municipality = models.OneToOneField(
        Principal, on_delete=models.PROTECT, related_name="intake",
        limit_choices_to={"kind": Principal.Kind.MUNICIPALITY}, verbose_name=_("municipality"),
    )  # fmt: skip
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("intake unit")
    )

    class Meta:
        verbose_name = _("intake of reports of concern")
        verbose_name_plural = _("intakes of reports of concern")

    def __str__(self) -> str:
        return f"{self.municipality}: {self.unit}"


class Investigation(models.Model):
    """Barnutredning: opened on an initial assessment, finished within the rule's months from
    the day it was opened unless extended by a recorded decision (ANM-5)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="investigations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    caseworker = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_on = models.DateField(_("opened on"))
    opened_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    # An extension is a decision for a set period on special grounds (20 kap. 3 §).
    extended_until = models.DateField(_("extended until"), null=True, blank=True)
    extension_reason = models.TextField(_("reasons for the extension"), blank=True)
    extended_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        indexes = [models.Index(fields=["unit", "finished_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_until__isnull=True) | ~Q(extension_reason=""),
                name="investigation_extension_has_reason",
            ),
            # One open investigation per child and organisation: a new report joins it.
            models.UniqueConstraint(
                fields=["child", "organisation"], condition=Q(finished_on__isnull=True),
                name="investigation_one_open",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.child} · {self.opened_on}"


class Report(models.Model):
    """Orosanmälan: what a reporter saw, about which child, sent to one municipality's social
    services. A professional reports signed in and never anonymously; a member of the public may
    (ANM-2)."""

    class ReporterKind(models.TextChoices):
        PROFESSIONAL = "professional", _("professional with a duty to report")
        PUBLIC = "public", _("member of the public")

    class ReporterCategory(models.TextChoices):
        SCHOOL = "school", _("school")
        PRESCHOOL = "preschool", _("preschool")
        HEALTH = "health", _("health care")
        SOCIAL = "social", _("social services")
        POLICE = "police", _("police")
        AUTHORITY = "authority", _("other authority")
        PUBLIC = "public", _("member of the public")

    class Urgency(models.TextChoices):
        ACUTE = "acute", _("the child may need protection now")
        NOT_ACUTE = "not_acute", _("not acute")

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="reports")
    # The owner: the intake's social services, held here for `access` and the indexes.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    intake_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    reporter_kind = models.CharField(_("reporter"), max_length=20, choices=ReporterKind.choices)
    reporter_category = models.CharField(
        _("reporter's field"), max_length=20, choices=ReporterCategory.choices
    )
    # A professional's report: who wrote it, acting for which unit (they follow it up).
    reporter_staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="reports_filed"
    )
    reporter_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=40, blank=True)
    reporter_email = models.EmailField(_("reporter's e-mail"), blank=True)

    # The child as the reporter named it; `child` once linked.
    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    given_identity_number = models.CharField(_("identity number"), max_length=12, blank=True)
    given_name = models.CharField(_("child's name"), max_length=200, blank=True)
    given_address = models.CharField(_("child's address"), max_length=300, blank=True)
    linked_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked"), null=True, blank=True)

    what_seen = models.TextField(_("what the reporter saw or heard"))
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices)
    # The reporter asked for feedback (ANM-6: then it must be given).
    feedback_requested_at = models.DateTimeField(_("feedback requested"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("report of concern")
        verbose_name_plural = _("reports of concern")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["intake_unit", "received_at"]),
            models.Index(fields=["child", "received_at"]),
            models.Index(fields=["reporter_staff", "received_at"]),
        ]
        constraints = [
            # ANM-2: only a member of the public may stay anonymous; a professional is signed in.
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(reporter_kind="public"),
                name="report_only_public_anonymous",
            ),
            models.CheckConstraint(
                condition=Q(reporter_kind="public") | Q(reporter_staff__isnull=False),
                name="report_professional_signed_in",
            ),
            models.CheckConstraint(
                condition=~Q(given_identity_number="") | ~Q(given_name="")
                | Q(child__isnull=False),
                name="report_names_a_child",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The receipt's number: what a reporter quotes when they call."""
        return f"ANM-{timezone.localtime(self.received_at).year}-{self.pk:06d}"


class ProtectionAssessment(models.Model):
    """Skyddsbedömning: does the child need protection at once (ANM-3)."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="protection")
    immediate_protection_needed = models.BooleanField(_("immediate protection needed"))
    assessment = models.TextField(_("assessment"))
    decided_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("protection assessment")
        verbose_name_plural = _("protection assessments")

    def __str__(self) -> str:
        return f"{self.report} · {self.decided_at:%Y-%m-%d}"


class InitialAssessment(models.Model):
    """Förhandsbedömning: whether to open an investigation (ANM-4). Its three outcomes are the
    only things feedback to a reporter may say (ANM-6)."""

    class Decision(models.TextChoices):
        OPENED = "opened", _("investigation opened")
        NOT_OPENED = "not_opened", _("investigation not opened")
        UNDER_WAY = "under_way", _("investigation already under way")

    report = models.OneToOneField(
        Report, on_delete=models.PROTECT, related_name="initial_assessment"
    )
    # Blank until decided; an extension of the 14 days needs exceptional reasons (ANM-4).
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    investigation = models.ForeignKey(
        Investigation, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    extended_until = models.DateField(_("extended until"), null=True, blank=True)
    extension_reason = models.TextField(_("exceptional reasons for the extension"), blank=True)
    extended_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("initial assessment")
        verbose_name_plural = _("initial assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(extended_until__isnull=True) | ~Q(extension_reason=""),
                name="initial_extension_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decided_at__isnull=False),
                name="initial_decision_dated",
            ),
            models.CheckConstraint(
                condition=~Q(decision__in=["opened", "under_way"])
                | Q(investigation__isnull=False),
                name="initial_decision_names_investigation",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.report} · {self.get_decision_display() or '…'}"


class Feedback(models.Model):
    """Återkoppling to a professional reporter: one of the three answers and nothing more
    (ANM-6, under OSL 26 kap. 9 a §). There is deliberately no text field."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="feedback")
    answer = models.CharField(
        _("answer"), max_length=20, choices=InitialAssessment.Decision.choices
    )
    given_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback to the reporter")
        verbose_name_plural = _("feedback to reporters")
        constraints = [
            models.CheckConstraint(
                condition=Q(answer__in=["opened", "not_opened", "under_way"]),
                name="feedback_one_of_three",
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.get_answer_display()}"


class MeetingOffer(models.Model):
    """The offer of a meeting with the child, the guardians and the reporter, and the answer
    (ANM-7, 19 kap. 5 §)."""

    class Answer(models.TextChoices):
        PENDING = "pending", _("no answer yet")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="meeting_offer")
    offered_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    offered_at = models.DateTimeField(_("offered"), default=timezone.now)
    answer = models.CharField(
        _("answer"), max_length=20, choices=Answer.choices, default=Answer.PENDING
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("offer of a meeting")
        verbose_name_plural = _("offers of a meeting")

    def __str__(self) -> str:
        return f"{self.report} · {self.get_answer_display()}"


class PublicSubmission(models.Model):
    """One report a member of the public filed, kept only to count them per client address for
    the rate limit (issue 9: abuse without a third-party service). Deliberately not linked to
    the report: an anonymous report must not be traceable to an address through Samsyn. The
    address is held as a keyed hash, never in clear, and rows older than the window are
    deleted at the next public filing."""

    client_key = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["client_key", "at"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"{self.client_key[:8]}… · {self.at:%Y-%m-%d %H:%M}"
