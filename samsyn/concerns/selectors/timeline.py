"""Reports of concern and investigations on the child's timeline (issue 11, point 6), for
exactly those `access` lets the actor read: social services' own, or the author's own report.
Each belongs to the municipality's social services that received it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.children import timeline
from samsyn.children.models import Child
from samsyn.concerns.models import Investigation, Report


def report_rows(actor: Actor, child: Child, purpose: str) -> QuerySet:
    reports = rules.restrict(
        actor, Report.objects.filter(child=rules.child_param(child.pk)), purpose=purpose
    )
    return timeline.rows(reports, name="report", at="received_at")


def investigation_rows(actor: Actor, child: Child, purpose: str) -> QuerySet:
    investigations = rules.restrict(
        actor, Investigation.objects.filter(child=rules.child_param(child.pk)), purpose=purpose
    )
    return timeline.rows(investigations, name="investigation", at=timeline.as_moment("opened_on"))


def report_records() -> QuerySet[Report]:
    return Report.objects.select_related("organisation")


def describe_report(actor: Actor, report: Report) -> timeline.Entry:
    return timeline.Entry(
        at=report.received_at,
        kind=_("Report of concern"),
        title=_("Report of concern %(reference)s received") % {"reference": report.reference},
        organisation=report.organisation.name,
        # Social services open it at intake; its author, on their own reports.
        url=reverse(
            "concerns:intake_report"
            if report.organisation_id == actor.organisation.pk
            else "concerns:my_report",
            args=[report.pk],
        ),
    )


def investigation_records() -> QuerySet[Investigation]:
    return Investigation.objects.select_related("organisation", "unit")


def describe_investigation(actor: Actor, investigation: Investigation) -> timeline.Entry:
    return timeline.Entry(
        at=investigation.opened_on,
        kind=_("Investigation"),
        title=_("Investigation opened by %(unit)s") % {"unit": investigation.unit.name},
        organisation=investigation.organisation.name,
        url=reverse("concerns:investigation", args=[investigation.pk]),
        detail=_("finished") if investigation.finished_on else _("in progress"),
    )
