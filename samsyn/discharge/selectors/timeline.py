"""Admissions and their notices on the child's timeline (issue 11, point 6), for exactly the
admissions `access` lets the actor read. The inpatient organisation sees every notice it sent;
a notified unit only those sent to it, as on its own page of the admission. Each belongs to
the inpatient organisation."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.children import timeline
from samsyn.children.models import Child
from samsyn.discharge.models import Admission, Notice


def _admissions(actor: Actor, child: Child, purpose: str) -> QuerySet[Admission]:
    return rules.restrict(
        actor, Admission.objects.filter(child=rules.child_param(child.pk)), purpose=purpose
    )


def admission_rows(actor: Actor, child: Child, purpose: str) -> QuerySet:
    return timeline.rows(_admissions(actor, child, purpose), name="admission", at="admitted_at")


def notice_rows(actor: Actor, child: Child, purpose: str) -> QuerySet:
    notices = Notice.objects.filter(
        admission__in=_admissions(actor, child, purpose).values("pk")
    ).filter(
        Q(admission__organisation_id=rules.organisation_param(actor))
        | Q(to_unit_id=rules.unit_param(actor))
    )
    return timeline.rows(notices, name="discharge_notice", at="sent_at")


def _url(actor: Actor, admission: Admission) -> str:
    own = admission.organisation_id == actor.organisation.pk
    name = "discharge:admission" if own else "discharge:received_admission"
    return reverse(name, args=[admission.pk])


def admission_records() -> QuerySet[Admission]:
    return Admission.objects.select_related("organisation", "unit")


def describe_admission(actor: Actor, admission: Admission) -> timeline.Entry:
    return timeline.Entry(
        at=admission.admitted_at,
        kind=_("Admission"),
        title=_("Admitted to %(unit)s") % {"unit": admission.unit.name},
        organisation=admission.organisation.name,
        url=_url(actor, admission),
        detail=_("discharged %(date)s")
        % {"date": date_format(localtime(admission.discharged_at), "SHORT_DATE_FORMAT")}
        if admission.discharged_at
        else "",
    )


def notice_records() -> QuerySet[Notice]:
    return Notice.objects.select_related("admission__organisation", "to_unit")


def describe_notice(actor: Actor, notice: Notice) -> timeline.Entry:
    return timeline.Entry(
        at=notice.sent_at,
        kind=_("Notice from inpatient care"),
        title=_("%(notice)s to %(unit)s")
        % {"notice": notice.get_kind_display().capitalize(), "unit": notice.to_unit.name},
        organisation=notice.admission.organisation.name,
        url=_url(actor, notice.admission),
    )
