"""Plans (SIP, samordnad individuell plan): the collaboration case, its parties, the coordinator
relay, meetings with invitations, and the versioned plan with needs, goals and efforts.

Rules (who may initiate, deadlines) are data: `SipSettings` per region and `DeadlineRule`, each
with its legal reference, shown next to the rule in the UI. Whether both guardians must consent is
the consent app's rule (`consent.ConsentSettings`).
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.children.models import Child, Guardian
from samsyn.common.deadlines import DeadlineRuleBase
from samsyn.directory.models import Organisation, Principal, Staff, Unit


class SipSettings(models.Model):
    """A region's SIP rules, agreed with its municipalities (DOMAIN SIP-2, SIP-4, SIP-6)."""

    region = models.OneToOneField(
        Principal, on_delete=models.CASCADE, related_name="sip_settings", verbose_name=_("region")
    )
    school_may_initiate = models.BooleanField(
        _("school staff may initiate a SIP"),
        default=True,
        help_text=_("Region Örebro's agreement makes preschool and school SIP parties."),
    )
    follow_up_required = models.BooleanField(
        _("the plan must say how and when it is followed up"),
        default=True,
        help_text=_("A regional agreement's requirement (SIP-6, point 5)."),
    )
    agreement_reference = models.CharField(
        _("agreement"), max_length=200, default="Överenskommelse om SIP, Region Örebro län"
    )

    class Meta:
        verbose_name = _("SIP settings")
        verbose_name_plural = _("SIP settings")

    def __str__(self) -> str:
        return str(self.region)


class DeadlineRule(DeadlineRuleBase):
    """A SIP deadline held as data: so many (working) days from the proposal, with its ground."""

    class Code(models.TextChoices):
        FIRST_CONTACT = "first_contact", _("first contact")
        FIRST_MEETING = "first_meeting", _("first SIP meeting")

    code = models.CharField(_("rule"), max_length=30, choices=Code.choices, unique=True)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.days}"


class Case(models.Model):
    """Samverkansärende: one SIP for one child, from proposal to closing."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        CONSENTED = "consented", _("consent recorded")
        MEETING_BOOKED = "meeting_booked", _("meeting booked")
        DRAFTED = "drafted", _("plan drafted")
        FINALISED = "finalised", _("plan finalised")
        CLOSED = "closed", _("closed")

    class Proposer(models.TextChoices):
        STAFF = "staff", _("staff")
        CHILD = "child", _("the child")
        GUARDIAN = "guardian", _("a guardian")
        RELATIVE = "relative", _("a relative")
        OTHER = "other", _("someone else")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="sip_cases")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    reason = models.TextField(_("why a SIP is needed"), max_length=4000)
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    proposed_by_kind = models.CharField(
        _("proposed by"), max_length=10, choices=Proposer.choices, default=Proposer.STAFF
    )
    proposer_name = models.CharField(_("name of the proposer"), max_length=200, blank=True)
    # The staff member and organisation that proposed it or took the proposal up.
    initiated_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    initiating_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sip_cases_initiated"
    )
    first_contact_at = models.DateTimeField(_("first contact at"), null=True, blank=True)
    coordinator = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="sip_cases_held"
    )
    coordinator_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sip_cases_coordinated",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.TextField(_("why it was closed"), max_length=2000, blank=True)
    # Optimistic locking (DESIGN invariant 6).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("SIP")
        verbose_name_plural = _("SIPs")
        indexes = [
            models.Index(fields=["child", "status"]),
            models.Index(fields=["status", "proposed_at"]),
            # The children of the SIPs a unit accepted a part in (`access.rules`' relationships)
            # read case by case from the unit's parties, the table itself untouched: without it
            # the planner hashes every SIP of the county.
            models.Index(fields=["id"], include=["child"], name="case_child_by_id"),
        ]
        constraints = [
            # SIP-9: a child has at most one open SIP; a new need joins it (ADR 0009).
            models.UniqueConstraint(
                fields=["child"],
                condition=~models.Q(status="closed"),
                name="sip_one_open_per_child",
                violation_error_message=_("The child already has an open SIP."),
            ),
        ]

    def __str__(self) -> str:
        return f"SIP {self.pk} · {self.child}"


class Party(models.Model):
    """An organisation taking part in the SIP. The invitation goes to the organisation; the unit
    that accepts it gets a relationship with the child (DOMAIN SEK-4), and with a consent or a
    legal ground covering the organisation it reads the SIP. Other units of the organisation
    do not."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    invited_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="sip_parties"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # An organisation that proposed a SIP for a child who already had one joined it instead
    # (SIP-9, ADR 0009): the need it brought, for the coordinator to add to the plan.
    joined_reason = models.TextField(_("the need it brought"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(fields=["case", "organisation"], name="party_unique"),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(unit__isnull=False),
                name="party_accepted_by_a_unit",
            ),
        ]
        indexes = [models.Index(fields=["unit", "case"], name="party_unit_case")]

    def __str__(self) -> str:
        return str(self.organisation)


class Handover(models.Model):
    """The coordinator relay (stafett): the role passes only when the next holder accepts."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
    from_staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), max_length=2000, blank=True)
    offered_at = models.DateTimeField(_("offered at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)

    class Meta:
        verbose_name = _("coordinator handover")
        verbose_name_plural = _("coordinator handovers")
        indexes = [
            # The latest steps of the relay, read in index order however long it grows.
            models.Index(fields=["case", "offered_at", "id"], name="handover_case_offered_at"),
            # The offers waiting for an answer, without reading the answered ones.
            models.Index(
                fields=["case", "offered_at", "id"],
                condition=Q(accepted_at__isnull=True, declined_at__isnull=True),
                name="handover_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_staff} → {self.to_staff}"


class Meeting(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)
    minutes_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    booked_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SIP meeting")
        verbose_name_plural = _("SIP meetings")
        ordering = ["starts_at"]
        # A SIP's page of meetings, latest first, read in index order.
        indexes = [models.Index(fields=["case", "starts_at", "id"], name="meeting_case_starts_at")]

    def __str__(self) -> str:
        return f"{self.case} · {self.starts_at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    class Kind(models.TextChoices):
        STAFF = "staff", _("staff")
        CHILD = "child", _("the child")
        GUARDIAN = "guardian", _("guardian")
        OTHER = "other", _("other")

    class Reply(models.TextChoices):
        PENDING = "pending", _("no reply yet")
        ACCEPTED = "accepted", _("coming")
        DECLINED = "declined", _("not coming")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, null=True, blank=True)
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    # An unguessable token for the reply link in the invitation e-mail.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reply = models.CharField(
        _("reply"), max_length=10, choices=Reply.choices, default=Reply.PENDING
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.name


class PlanVersion(models.Model):
    """One version of the plan. Finalised versions are never changed; a follow-up starts the
    next version as a copy (SIP-8), so every earlier version stays readable."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        FINAL = "final", _("finalised")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    child_view = models.TextField(_("the child's own view"), max_length=8000, blank=True)
    child_view_missing_reason = models.TextField(
        _("why the child's view was not obtained"), max_length=2000, blank=True
    )
    no_measures_by_others = models.BooleanField(
        _("no measures by others than the municipality and the region"), default=False
    )
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    follow_up_how = models.TextField(_("how it is followed up"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A SIP is drawn up at a meeting: version 1 finalised before one was held says why (SIP-10).
    no_meeting_reason = models.TextField(
        _("why it was finalised without a held SIP meeting"), max_length=2000, blank=True
    )
    # Optimistic locking of the draft (DESIGN invariant 6).
    lock_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="plan_version_unique"),
            # At most one draft at a time: two would be two truths.
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="draft"), name="plan_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · v{self.number}"


class PlanItem(models.Model):
    """A need, goal, effort (insats) or measure by others in one plan version. `key` stays the
    same across versions, so a version diff can say what changed."""

    class Kind(models.TextChoices):
        NEED = "need", _("need")
        GOAL = "goal", _("goal")
        EFFORT = "effort", _("effort")
        MEASURE_BY_OTHERS = "other_measure", _("measure by others")

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="items")
    key = models.UUIDField(default=uuid.uuid4)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"), max_length=4000)
    # The need a goal or effort serves.
    need_key = models.UUIDField(null=True, blank=True)
    responsible_principal = models.ForeignKey(
        Principal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responsible_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # For measures by others (school, police, a voluntary organisation …).
    responsible_other = models.CharField(_("responsible"), max_length=200, blank=True)
    hidden_from_guardians = models.BooleanField(
        _("hidden from guardians"),
        default=False,
        help_text=_(
            "Only where disclosure would cause the child significant harm (OSL 12 kap. 3 §)."
        ),
    )
    position = models.PositiveSmallIntegerField(default=0)
    # An effort's waiting as data (RAD-2): the day the plan that first held it was finalised,
    # and the day the responsible organisation recorded it as started. Both follow the item's
    # key into later versions; the start is a fact about the effort, not part of the plan's
    # text, so it is recorded on the plan in force as well.
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["version", "kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="plan_item_key_unique"),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(agreed_on__isnull=False, started_on__gte=models.F("agreed_on")),
                name="plan_item_started_after_agreed",
            ),
        ]
        indexes = [
            # RAD-2 looks for agreed efforts not yet started: few among all items.
            models.Index(
                fields=["agreed_on"], name="plan_item_waiting",
                condition=Q(kind="effort", started_on__isnull=True, agreed_on__isnull=False),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.text[:60]
