"""Directory (katalog): principals (huvudmän), organisations (verksamheter), units (enheter),
staff (personal) and their memberships and roles."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Principal(models.Model):
    """Huvudman: a municipality, a region, a private provider or the state."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "kommun", _("municipality")
        REGION = "region", _("region")
        PRIVATE = "private", _("private provider")
        STATE = "state", _("state")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, unique=True)
    # Municipality (kommunkod, 4 digits) or county (länskod, 2 digits) code; blank for others.
    code = models.CharField(_("code"), max_length=4, blank=True)
    population = models.PositiveIntegerField(_("population"), default=0)

    class Meta:
        verbose_name = _("principal")
        verbose_name_plural = _("principals")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public_authority(self) -> bool:
        return self.kind != self.Kind.PRIVATE


class Organisation(models.Model):
    """Verksamhet: the unit of secrecy. Secrecy applies between organisations even inside one
    municipality."""

    class Kind(models.TextChoices):
        SOCIAL_SERVICES = "socialtjanst", _("social services")
        BUP = "bup", _("child and adolescent psychiatry (BUP)")
        SCHOOL = "skola", _("school and student health")
        BVC = "bvc", _("child health care (BVC)")
        HABILITATION = "habilitering", _("habilitation")
        PAEDIATRICS = "bum", _("paediatrics (BUM)")
        PRIMARY_CARE = "primarvard", _("primary care")
        LSS = "lss", _("disability support (LSS)")
        POLICE = "polis", _("police")
        BARNAHUS = "barnahus", _("Barnahus")
        SIS = "sis", _("National Board of Institutional Care (SiS)")
        # Management, development and follow-up: a principal's own staff, who hold no child.
        ADMINISTRATION = "ledning", _("management and follow-up")

    principal = models.ForeignKey(
        Principal,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("principal"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, unique=True)
    mandate = models.TextField(_("mandate"), blank=True)
    competence = models.TextField(_("competence"), blank=True)
    priorities = models.TextField(_("priority order"), blank=True)
    contact_route = models.TextField(_("how to make contact"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    search = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [GinIndex(fields=["search"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_health_care(self) -> bool:
        return self.kind in HEALTH_CARE_KINDS


HEALTH_CARE_KINDS = frozenset(
    {
        Organisation.Kind.BUP,
        Organisation.Kind.BVC,
        Organisation.Kind.HABILITATION,
        Organisation.Kind.PAEDIATRICS,
        Organisation.Kind.PRIMARY_CARE,
    }
)


class Unit(models.Model):
    """Enhet: a team or clinic within an organisation, e.g. "BUP Lindesberg"."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    # The municipality the unit serves, so the demo and the reports can place it.
    municipality = models.ForeignKey(
        Principal,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("municipality"),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unit_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """Personal: a member of staff, who may belong to several units."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff"
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CASEWORKER = "handlaggare", _("caseworker")
    CLINICIAN = "behandlare", _("clinician")
    SCHOOL_NURSE = "skolskoterska", _("school nurse")
    SCHOOL_COUNSELLOR = "kurator", _("school counsellor")
    UNIT_MANAGER = "enhetschef", _("unit manager")
    ADMINISTRATOR = "administrator", _("administrator")
    ANALYST = "analytiker", _("regional analyst")
    POLICE_OFFICER = "polis", _("police officer")


class Membership(models.Model):
    """A staff member's place in one unit, in one role. Staff act for one membership at a time."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "unit", "role"], name="membership_unique_role_in_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff} · {self.unit} · {self.get_role_display()}"
