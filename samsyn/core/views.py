from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from samsyn.access import rules
from samsyn.access.http import actor_required, public
from samsyn.audit import selectors as audit
from samsyn.concerns.selectors import intake as concerns
from samsyn.core import selectors
from samsyn.directory.models import Role
from samsyn.discharge.selectors import start as discharge
from samsyn.notifications import selectors as notifications
from samsyn.plans.selectors import cases as sips
from samsyn.plans.selectors import consents, deadlines
from samsyn.plans.selectors import meetings as sip_meetings
from samsyn.radar.selectors import escalation as ladder
from samsyn.radar.selectors import queue as radar


@actor_required()
@require_GET
def home(request):
    """The start page: what the actor's role needs first (DESIGN: a start page per role)."""
    actor = request.actor
    role = actor.role
    context = {"role": role}
    if rules.can(actor, "children.search"):
        context["children_count"] = selectors.children_count(actor)
        context["overdue_count"] = deadlines.overdue_count(actor)
        # Whose lateness the count is: a unit manager's covers the organisation's SIPs.
        context["overdue_for_organisation"] = role == Role.UNIT_MANAGER
        # What this person must do today, each a link (empty lists are not shown).
        context["offers"] = sips.pending_offers_for(actor)
        context["meetings"] = sip_meetings.upcoming_meetings_for(actor)
        context["consent_alerts"] = consents.consent_alerts_for(actor)
        # Intake of reports of concern: the queue's counts for who works there, and the overdue
        # reports and investigations of the unit for them and for a unit manager (issue 9).
        in_intake = concerns.intake_of(actor) is not None
        if in_intake:
            context["intake_counts"] = concerns.queue_counts(actor)
        if in_intake or role == Role.UNIT_MANAGER:
            context["concerns_overdue"] = concerns.overdue_for_unit(actor)
        # Discharge (issue 10): notices to acknowledge, discharges coming and those with short
        # notice, for the receiving and the inpatient unit alike: counts, no child.
        context["discharge"] = discharge.counts_for(actor)
        # The radar's items for this person (issue 11): a count and a link, no child.
        context["radar_count"] = radar.open_count(actor)
    if role == Role.UNIT_MANAGER:
        # DOMAIN LOG-2: the manager is told of the unit's emergency accesses.
        context["emergency_accesses"] = audit.unit_emergency_accesses(actor)
        context["unit_staff"] = selectors.unit_staff(actor)
        context["unit_staff_count"] = selectors.unit_staff_count(actor)
    if role == Role.ADMINISTRATOR:
        context["units"] = selectors.organisation_units(actor)
    if role == Role.ANALYST:
        context["kinds"] = selectors.county_organisations_by_kind(actor)
        context["county"] = selectors.county_name(actor)
    context["may_review_unit"] = rules.can(actor, "audit.review_unit")
    # Every role: the person's unread notifications, and the collaboration bodies they sit in
    # (issue 11: escalated items reach officials and politicians who hold no child).
    context["notifications_unread"] = notifications.unread_count(actor.staff)
    context["bodies"] = list(ladder.bodies_of(actor))
    return render(request, "core/home.html", context)


@public
@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


set_language = public(django_set_language)
