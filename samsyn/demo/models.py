"""The demo's own bookkeeping: which county the database holds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemoState(models.Model):
    """One row once the synthetic county is in the database: `samsyn demo` reads it to start
    fast the second time, and to notice a request for another county."""

    seed = models.BigIntegerField(_("seed"))
    children = models.PositiveIntegerField(_("children"))
    year = models.PositiveSmallIntegerField(_("year"))
    digest = models.CharField(_("digest"), max_length=64)
    built_at = models.DateTimeField(_("built at"), auto_now_add=True)
    seconds = models.FloatField(_("seconds to build"))

    class Meta:
        verbose_name = _("demo county")
        verbose_name_plural = _("demo counties")

    def __str__(self) -> str:
        return f"seed {self.seed}, {self.children} children, {self.year}"
