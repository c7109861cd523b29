"""A deadline held as data (DESIGN invariant 4): so many months and (working) days from an event,
with the legal reference shown next to it. Each app keeps its own table of rules (the SIP's, the
report of concern's) on this one shape, so every deadline is computed and worded the same way."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from samsyn.common.dates import cutoff, due_date


class DeadlineRuleBase(models.Model):
    days = models.PositiveSmallIntegerField(_("days"))
    months = models.PositiveSmallIntegerField(_("months"), default=0)
    working_days = models.BooleanField(_("working days"), default=False)
    reference = models.CharField(_("legal reference"), max_length=200)

    class Meta:
        abstract = True

    def due(self, start: datetime.date) -> datetime.date:
        """The last day the step may be done on, counted from `start`."""
        return due_date(start, self.days, working_days=self.working_days, months=self.months)

    def cutoff(self, today: datetime.date) -> datetime.date:
        """Anything started before this day is late today: one comparison in SQL."""
        return cutoff(today, self.days, working_days=self.working_days, months=self.months)

    @property
    def period(self) -> str:
        """ "14 days", "4 months", "1 working day": the rule in words, for the page."""
        parts = []
        if self.months:
            parts.append(ngettext("%(n)d month", "%(n)d months", self.months) % {"n": self.months})
        if self.days or not self.months:
            text = (
                ngettext("%(n)d working day", "%(n)d working days", self.days)
                if self.working_days
                else ngettext("%(n)d day", "%(n)d days", self.days)
            )
            parts.append(text % {"n": self.days})
        return " ".join(parts)
