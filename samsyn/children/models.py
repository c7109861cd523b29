"""Children (barn) and guardians (vårdnadshavare), their identity numbers, protected identity
(skyddade personuppgifter), and which units have the child as client, patient or pupil."""

from __future__ import annotations

from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.directory.models import Principal, Staff, Unit


class Person(models.Model):
    """What children and guardians share: an identity and where they live."""

    identity_number = models.CharField(_("identity number"), max_length=12, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=6, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    protected_identity = models.BooleanField(_("protected identity"), default=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def identity_display(self) -> str:
        return f"{self.identity_number[:8]}-{self.identity_number[8:]}"


class Child(Person):
    """Barn: 0–17 years, identified by personnummer or samordningsnummer."""

    birth_date = models.DateField(_("date of birth"))
    is_coordination_number = models.BooleanField(_("coordination number"), default=False)
    municipality = models.ForeignKey(
        Principal, on_delete=models.PROTECT, related_name="children", verbose_name=_("municipality")
    )
    # Optimistic locking (DESIGN invariant 6): every save bumps it; a stale form is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        # No index in name order: every list of children starts from the actor's relationships
        # (access.rules), a bounded set sorted in memory. With one, PostgreSQL walked the whole
        # county in name order to fill a list's first page (2.2 M children: 440 ms against 10).
        ordering = ["last_name", "first_name"]
        # Intake's match of a report to a child (concerns.selectors.intake._candidates): a
        # prefix of a name, in any case, among one municipality's children, or the address
        # anywhere. `UPPER(col) LIKE 'PREFIX%'` is the lookup Django writes for `istartswith`;
        # text_pattern_ops lets it range over the index under a collation other than C. The
        # name indexes lead with the municipality and sort by UPPER(name), which no list of
        # children is sorted by, so neither can walk the county in name order. They are partial
        # on a condition every row meets but only a query naming its municipality proves:
        # PostgreSQL 18 skips through a leading column, and read the children list's search by
        # first and last name from whole ones, across every municipality (2.1 M children: 7–19
        # ms against 1–1.5 ms from the actor's relationships).
        indexes = [
            models.Index(
                F("municipality"), OpClass(Upper("first_name"), name="text_pattern_ops"),
                name="child_match_first_name", condition=Q(municipality__isnull=False),
            ),
            models.Index(
                F("municipality"), OpClass(Upper("last_name"), name="text_pattern_ops"),
                name="child_match_last_name", condition=Q(municipality__isnull=False),
            ),
            models.Index(Upper("street_address"), name="child_match_street"),
        ]  # fmt: skip

    @property
    def age(self) -> int:
        today = timezone.localdate()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class Guardian(Person):
    """Vårdnadshavare: each guardian is a person of their own and consents separately. One
    record however many children: a guardian of siblings is linked to each, never copied."""

    email = models.EmailField(_("e-mail"), blank=True)
    # Optimistic locking, as the child's: a stale edit of the contact details is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        ordering = ["last_name", "first_name"]


# A child has one or two guardians, or none (DOMAIN: actors).
MAX_GUARDIANS = 2


class GuardianshipQuerySet(models.QuerySet):
    def current(self) -> GuardianshipQuerySet:
        """Those in force: an ended guardianship is history, and nobody's ground or right."""
        return self.filter(ended_on__isnull=True)


class Guardianship(models.Model):
    """A guardian's custody of a child. Ending it keeps the row, with the date and the reason:
    who was guardian, and until when, stays on record. Only a guardianship in force counts
    (consent, invitations, the family portal)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="guardianships")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="guardianships")
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("reason for the end"), max_length=300, blank=True)

    objects = GuardianshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [
            # Once in force at a time; after an end the same person may become guardian again.
            models.UniqueConstraint(
                fields=["child", "guardian"],
                condition=models.Q(ended_on__isnull=True),
                name="guardianship_current_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True, end_reason="")
                | (models.Q(ended_on__isnull=False) & ~models.Q(end_reason="")),
                name="guardianship_end_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.child}"


class Involvement(models.Model):
    """A unit has the child as client, patient or pupil: the relationship that lets its staff see
    the child inside their own organisation. Who is involved is itself information owned by the
    unit's organisation (that a child is a BUP patient is health data)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="involvements")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="involvements")
    # The staff member assigned to the child's case; blank when the whole unit treats the child.
    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="involvements"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("involvement")
        verbose_name_plural = _("involvements")
        indexes = [models.Index(fields=["unit", "child"]), models.Index(fields=["child", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.child}"


class ProtectedIdentityNeed(models.Model):
    """A recorded need to see a protected child's address: only this unit, only until then."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="address_needs")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    valid_until = models.DateField(_("valid until"))

    class Meta:
        verbose_name = _("recorded need to see a protected address")
        verbose_name_plural = _("recorded needs to see a protected address")

    def __str__(self) -> str:
        return f"{self.unit} · {self.child} · {self.valid_until}"
