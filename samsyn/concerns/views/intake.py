"""Intake's pages: the queue, a report as intake sees it, each step on its own page, and the
investigation. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from samsyn.access.http import actor_required
from samsyn.access.models import Purpose
from samsyn.common.pages import handle_form, refusals
from samsyn.concerns.forms import intake as forms
from samsyn.concerns.selectors import deadlines as dl
from samsyn.concerns.selectors import intake as selectors
from samsyn.concerns.services import intake as services
from samsyn.plans.models import Case
from samsyn.plans.selectors.cases import cases_visible_to

# Every role that works with children reaches these pages; what each sees is access's.
PERMISSION = "concerns.intake"
FORM = "concerns/intake/form.html"


def _report_url(report_id: int) -> str:
    return reverse("concerns:intake_report", args=[report_id])


def _investigation_url(investigation_id: int) -> str:
    return reverse("concerns:investigation", args=[investigation_id])


@actor_required(PERMISSION)
@require_GET
def queue(request):
    filters = forms.QueueFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    page = selectors.queue_page_for(
        request.actor,
        overdue=chosen.get("overdue", False),
        unlinked=chosen.get("unlinked", False),
        acute=chosen.get("acute", False),
        include_done=chosen.get("done", False),
        page=request.GET.get("page", 1),
    )
    return render(
        request,
        "concerns/intake/queue.html",
        {
            "page": page,
            "filters": filters,
            "intake": selectors.intake_of(request.actor),
        },
    )


@actor_required(PERMISSION)
@require_GET
@refusals
def report_detail(request, report_id: int):
    view = selectors.report_page_for(request.actor, report_id=report_id)
    return render(request, "concerns/intake/report.html", {"view": view, "report": view.report})


def _step_page(request, report_id: int, make_form, save, *, title, intro="", submit, success):
    """A step of intake on its own page: the report read (audited) and the form with the
    version the person saw."""
    view = selectors.report_page_for(request.actor, report_id=report_id, obj="report")
    if not view.is_intake:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = make_form(data, view)

    def saved(cleaned: dict) -> str:
        save(cleaned, view)
        return _report_url(report_id)

    return handle_form(
        request, form, saved, success=success, template=FORM,
        context={"view": view, "report": view.report, "title": title, "intro": intro,
                 "submit": submit},
    )  # fmt: skip


def _initial(view) -> dict:
    return {"version": view.report.version}


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def link(request, report_id: int):
    actor = request.actor
    candidates: list = []

    def make_form(data, view):
        candidates.extend(selectors.match_candidates(actor, view.report))
        return forms.LinkForm(data, candidates=candidates, initial=_initial(view))

    def save(cleaned, view):
        services.link_report(
            actor=actor, report_id=report_id, child_id=cleaned["child"],
            version=cleaned["version"],
        )  # fmt: skip

    return _step_page(
        request, report_id, make_form, save, title=_("Link the report to a child"),
        intro=_(
            "Samsyn searched for the child by the exact identity number, or by the name at the "
            "address given. Confirm the child the report is about. If it is none of them, "
            "register the child first and come back: a report is never linked to a duplicate."
        ),
        submit=_("Link to this child"), success=_("The report is linked to the child."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def protection(request, report_id: int):
    def save(cleaned, view):
        services.assess_protection(
            actor=request.actor, report_id=report_id,
            immediate_protection_needed=cleaned["immediate_protection_needed"],
            assessment=cleaned["assessment"], version=cleaned["version"],
        )  # fmt: skip

    return _step_page(
        request, report_id, lambda data, view: forms.ProtectionForm(data, initial=_initial(view)),
        save, title=_("Protection assessment"),
        intro=_("Made at once: the same day as the report or the next (ANM-3)."),
        submit=_("Record the protection assessment"),
        success=_("The protection assessment is recorded."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def decision(request, report_id: int):
    def make_form(data, view):
        return forms.DecisionForm(
            data, initial=_initial(view),
            units=selectors.investigation_units(view.report),
            caseworkers=selectors.caseworkers(view.report.organisation_id),
        )  # fmt: skip

    def save(cleaned, view):
        services.decide_initial_assessment(
            actor=request.actor, report_id=report_id, decision=cleaned["decision"],
            reasons=cleaned["reasons"], version=cleaned["version"],
            unit_id=cleaned.get("unit") or None, caseworker_id=cleaned.get("caseworker"),
        )  # fmt: skip

    return _step_page(
        request, report_id, make_form, save, title=_("Initial assessment: decision"),
        intro=_(
            "Decide within 14 days whether to open an investigation (ANM-4). “Already under "
            "way” joins the child's open investigation in your organisation."
        ),
        submit=_("Record the decision"), success=_("The decision is recorded."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def extend(request, report_id: int):
    def save(cleaned, view):
        services.extend_initial_assessment(
            actor=request.actor, report_id=report_id, until=cleaned["until"],
            reasons=cleaned["reasons"], version=cleaned["version"],
        )  # fmt: skip

    return _step_page(
        request, report_id, lambda data, view: forms.ExtensionForm(data, initial=_initial(view)),
        save, title=_("Extend the initial assessment"),
        intro=_("Only with exceptional reasons, recorded here (ANM-4)."),
        submit=_("Extend"), success=_("The initial assessment is extended."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def feedback(request, report_id: int):
    def make_form(data, view):
        if not view.professional:
            raise PermissionDenied
        decided = view.assessment.decision if view.assessment else ""
        return forms.FeedbackForm(data, decision=decided, initial=_initial(view))

    def save(cleaned, view):
        services.give_feedback(
            actor=request.actor, report_id=report_id, answer=cleaned["answer"],
            version=cleaned["version"],
        )  # fmt: skip

    return _step_page(
        request, report_id, make_form, save, title=_("Feedback to the reporter"),
        intro=_(
            "The reporter learns the decision and nothing more (ANM-6, OSL 26 kap. 9 a §): "
            "investigation opened, not opened, or already under way."
        ),
        submit=_("Give the feedback"), success=_("The feedback is recorded as given."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def feedback_request(request, report_id: int):
    def save(cleaned, view):
        services.record_feedback_request(
            actor=request.actor, report_id=report_id, version=cleaned["version"]
        )

    return _step_page(
        request, report_id,
        lambda data, view: forms.VersionedForm(data, initial=_initial(view)), save,
        title=_("The reporter asks for feedback"),
        intro=_(
            "Record a request the reporter made by phone or letter: then feedback must be given."
        ),
        submit=_("Record the request"), success=_("The request for feedback is recorded."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def meeting_offer(request, report_id: int):
    def save(cleaned, view):
        services.offer_meeting(
            actor=request.actor, report_id=report_id, note=cleaned["note"],
            version=cleaned["version"],
        )  # fmt: skip

    return _step_page(
        request, report_id,
        lambda data, view: forms.MeetingOfferForm(data, initial=_initial(view)), save,
        title=_("Offer a meeting"),
        intro=_("A meeting with the child, the guardians and the reporter (ANM-7)."),
        submit=_("Record the offer"), success=_("The offer of a meeting is recorded."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def meeting_answer(request, report_id: int):
    def save(cleaned, view):
        services.answer_meeting_offer(
            actor=request.actor, report_id=report_id, answer=cleaned["answer"],
            note=cleaned["note"], version=cleaned["version"],
        )  # fmt: skip

    return _step_page(
        request, report_id,
        lambda data, view: forms.MeetingAnswerForm(data, initial=_initial(view)), save,
        title=_("Answer to the offer of a meeting"),
        submit=_("Record the answer"), success=_("The answer is recorded."),
    )  # fmt: skip


# ---------------------------------------------------------------------------- investigations


def _open_sip(actor, child_id: int) -> Case | None:
    """The child's open SIP if the actor sees it: an investigation that leads to a plan opens
    or joins the child's one open SIP (SIP-9)."""
    return (
        cases_visible_to(actor, purpose=Purpose.PLANNING)
        .filter(child_id=child_id)
        .exclude(status=Case.Status.CLOSED)
        .first()
    )


@actor_required(PERMISSION)
@require_GET
@refusals
def investigation_detail(request, investigation_id: int):
    investigation, decision, reports = selectors.investigation_for(
        request.actor, investigation_id=investigation_id
    )
    return render(
        request,
        "concerns/intake/investigation.html",
        {
            "investigation": investigation,
            "reports": reports,
            "step": dl.investigation_step(investigation),
            "may_change": investigation.organisation_id == request.actor.organisation.pk
            and investigation.finished_on is None,
            "sip": _open_sip(request.actor, investigation.child_id),
        },
    )


def _investigation_page(request, investigation_id, make_form, save, *, title, submit, success):
    investigation, _decision, _reports = selectors.investigation_for(
        request.actor, investigation_id=investigation_id
    )
    data = request.POST if request.method == "POST" else None
    form = make_form(data, {"version": investigation.version})

    def saved(cleaned: dict) -> str:
        save(cleaned)
        return _investigation_url(investigation_id)

    return handle_form(
        request, form, saved, success=success, template="concerns/intake/investigation_form.html",
        context={"investigation": investigation, "title": title, "submit": submit},
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def investigation_extend(request, investigation_id: int):
    def save(cleaned):
        services.extend_investigation(
            actor=request.actor, investigation_id=investigation_id, until=cleaned["until"],
            reasons=cleaned["reasons"], version=cleaned["version"],
        )  # fmt: skip

    return _investigation_page(
        request, investigation_id,
        lambda data, initial: forms.ExtensionForm(data, initial=initial), save,
        title=_("Extend the investigation"), submit=_("Extend"),
        success=_("The investigation is extended."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def investigation_finish(request, investigation_id: int):
    def save(cleaned):
        services.finish_investigation(
            actor=request.actor, investigation_id=investigation_id,
            finished_on=cleaned["finished_on"], outcome=cleaned["outcome"],
            version=cleaned["version"],
        )  # fmt: skip

    return _investigation_page(
        request, investigation_id,
        lambda data, initial: forms.FinishForm(data, initial=initial), save,
        title=_("Finish the investigation"), submit=_("Finish"),
        success=_("The investigation is finished."),
    )  # fmt: skip
