"""Portal (familjens sida): the citizens who sign in to see their own family's SIPs — a guardian
now, later the child. Citizens share the user model with staff but never get a staff actor."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samsyn.children.models import Guardian


class Citizen(models.Model):
    """Medborgare: a person the identity broker (BankID in production) vouches for. The identity
    number is the guardian's own; it is not copied here, so there is one truth for it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen"
    )
    guardian = models.OneToOneField(
        Guardian,
        on_delete=models.PROTECT,
        related_name="citizen",
        verbose_name=_("guardian"),
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")

    def __str__(self) -> str:
        return str(self.guardian)
