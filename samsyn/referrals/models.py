"""Referrals (remisser): one organisation asks another to take on an effort for a child —
social services to BUP, the school to social services — with the reason and the effort asked
for. The receiving unit accepts, or declines with its reason and the next step the two agreed,
if any; the sender may withdraw while it is unanswered.

A referral is the sending organisation's record of the child's data. It reaches the receiver
under a ground of its own, a consent in force or a legal ground recorded with its reference
(DOMAIN SEK-1), and only the receiving unit takes part (SEK-4). A referral declined with no
agreed next step has "bounced" (`Referral.objects.bounced()`, the radar's RAD-8): the seed's
"BUP does not take the case because the social situation is messy".
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samsyn.access.models import Category
from samsyn.children.models import Child
from samsyn.directory.models import Organisation, Staff, Unit


class ReferralQuerySet(models.QuerySet):
    def bounced(self) -> ReferralQuerySet:
        """Declined, and no next step agreed (RAD-8)."""
        return self.filter(status=Referral.Status.DECLINED, next_step="")


class Referral(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", pgettext_lazy("referral", "sent, not answered")
        ACCEPTED = "accepted", pgettext_lazy("referral", "accepted")
        DECLINED = "declined", pgettext_lazy("referral", "declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("referral", "withdrawn")

    REASON_LENGTH = 4000
    EFFORT_LENGTH = 1000
    ANSWER_LENGTH = 2000

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("child")
    )
    # The owner: the sending unit's organisation.
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("referring organisation"),
    )  # fmt: skip
    from_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("referring unit")
    )
    sent_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("receiving organisation"),
    )  # fmt: skip
    to_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving unit")
    )
    reason = models.TextField(_("reason for the referral"), max_length=REASON_LENGTH)
    effort = models.TextField(_("effort asked for"), max_length=EFFORT_LENGTH)
    # The sender's information category: what the ground must cover for the receiver to read it.
    category = models.CharField(_("information category"), max_length=20, choices=Category.choices)
    # The ground it was sent under: a consent in force, or a legal ground recorded with it.
    consent = models.ForeignKey(
        "consent.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    legal_ground = models.ForeignKey(
        "access.LegalGround", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SENT
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("answered by"),
    )  # fmt: skip
    decline_reason = models.TextField(
        _("why it was declined"), max_length=ANSWER_LENGTH, blank=True
    )
    # What the two organisations agreed happens next, when declined; empty: nothing agreed.
    next_step = models.TextField(_("agreed next step"), max_length=ANSWER_LENGTH, blank=True)
    next_step_at = models.DateTimeField(_("next step agreed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["to_unit", "-sent_at"]),
            models.Index(fields=["from_unit", "-sent_at"]),
            models.Index(fields=["child", "-sent_at"]),
            # RAD-8 reads the bounced ones: few among all.
            models.Index(
                fields=["answered_at"], name="referral_bounced",
                condition=Q(status="declined", next_step=""),
            ),
        ]  # fmt: skip
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_organisation=F("to_organisation")),
                name="referral_to_another_organisation",
            ),
            models.CheckConstraint(
                condition=Q(consent__isnull=False) | Q(legal_ground__isnull=False),
                name="referral_sent_on_a_ground",
            ),
            models.CheckConstraint(
                condition=Q(status="sent", answered_at__isnull=True, withdrawn_at__isnull=True)
                | Q(status="accepted", answered_at__isnull=False, answered_by__isnull=False,
                    decline_reason="")
                | (Q(status="declined", answered_at__isnull=False, answered_by__isnull=False)
                   & ~Q(decline_reason=""))
                | Q(status="withdrawn", withdrawn_at__isnull=False, answered_at__isnull=True),
                name="referral_status_complete",
            ),
            models.CheckConstraint(
                condition=Q(next_step="", next_step_at__isnull=True)
                | (Q(status="declined", next_step_at__isnull=False) & ~Q(next_step="")),
                name="referral_next_step_on_a_decline",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.from_unit} → {self.to_unit} · {self.sent_at:%Y-%m-%d}"

    @property
    def bounced(self) -> bool:
        return self.status == self.Status.DECLINED and not self.next_step
