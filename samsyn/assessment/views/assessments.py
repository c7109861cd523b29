"""The assessment's pages: one assessment with its versions compared, one version, the draft's
edit page, starting a version and finalising it. Thin: parse, call one selector or service,
render. Every page opens the assessment through `selectors.assessment_for`, which checks access
and writes the audit row; "missing" and "not yours" are the same 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samsyn.access import rules
from samsyn.access.http import actor_required
from samsyn.access.models import Purpose
from samsyn.assessment import chart
from samsyn.assessment.forms import assessments as forms
from samsyn.assessment.selectors import assessments as selectors
from samsyn.assessment.services import assessments as services
from samsyn.assessment.triangle import NAME, SIDES
from samsyn.children import selectors as children
from samsyn.common.pages import Conflict, handle_action, handle_form, refusals

# Which assessment the actor may open is the selector's; this only keeps out roles without
# children.
PERMISSION = "children.search"


def _purpose(request: HttpRequest) -> str:
    purpose = request.GET.get("purpose", "")
    return purpose if purpose in Purpose.values else rules.default_purpose(request.actor)


def _detail_url(assessment_id: int) -> str:
    return reverse("assessment:detail", args=[assessment_id])


@actor_required(PERMISSION)
@require_POST
@refusals
def start(request):
    form = forms.StartForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Choose a child."))
    child_id = form.cleaned_data["child"]
    # The child's own door: a child the actor may not open is a 404, audited.
    _child, decision = children.opened_child(
        request.actor, child_id=child_id, purpose=services.PURPOSE, obj="assessment"
    )

    def act() -> str:
        assessment = services.start_assessment(
            actor=request.actor, child_id=child_id, decision=decision
        )
        return reverse("assessment:edit", args=[assessment.pk])

    # A draft that exists already is returned as it is: a double submit starts nothing twice.
    return handle_action(
        request, act, success=_("The draft assessment is ready to edit."),
        back=reverse("children:detail", args=[child_id]), token=False,
    )  # fmt: skip


@actor_required(PERMISSION)
@require_GET
@refusals
def detail(request, assessment_id: int):
    purpose = _purpose(request)
    assessment, decision = selectors.assessment_for(
        request.actor, assessment_id=assessment_id, purpose=purpose
    )
    compared = selectors.comparison(assessment, page=request.GET.get("page"))
    may_write = (
        selectors.may_assess(request.actor)
        and assessment.organisation_id == request.actor.organisation.pk
    )
    licence = selectors.licence_of(selectors.assessing_municipality(assessment.organisation))
    return render(
        request,
        "assessment/detail.html",
        {
            "assessment": assessment, "child": assessment.child, "decision": decision,
            "compared": compared, "may_write": may_write, "licence": licence,
            "draft": next((v for v in compared.versions if v.is_draft), None)
            if compared.page.number == 1 else None,
            "triangle_name": NAME, "purpose": purpose, "charts": chart.charts(compared),
            "chart_width": chart.WIDTH, "label_width": chart.LABEL_WIDTH,
        },
    )  # fmt: skip


@actor_required(PERMISSION)
@require_GET
@refusals
def version(request, assessment_id: int, number: int):
    purpose = _purpose(request)
    assessment, _decision = selectors.assessment_for(
        request.actor, assessment_id=assessment_id, purpose=purpose, obj="assessment_version"
    )
    shown = selectors.version_of(assessment, number)
    ratings = {rating.area: rating for rating in shown.areas.all()}
    sides = [(side, [(area, ratings.get(area.code)) for area in side.areas]) for side in SIDES]
    factors = list(shown.factors.all())
    return render(
        request,
        "assessment/version.html",
        {
            "assessment": assessment, "child": assessment.child, "version": shown,
            "sides": sides, "triangle_name": NAME, "purpose": purpose,
            "risks": [f for f in factors if f.kind == "risk"],
            "protective": [f for f in factors if f.kind == "protective"],
        },
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def edit(request, assessment_id: int):
    assessment, _decision = selectors.assessment_for(
        request.actor, assessment_id=assessment_id, purpose=services.PURPOSE
    )
    draft = selectors.draft_of(assessment)
    if draft is None:
        messages.info(
            request, _("There is no draft to edit. A finalised assessment is never changed.")
        )
        return redirect("assessment:detail", assessment_id=assessment_id)
    levels = selectors.rating_levels()
    # A copy: after a stale save the form carries the newer lock, so saving again is knowing.
    data = request.POST.copy() if request.method == "POST" else None
    form = forms.DraftForm(data, draft=draft, levels=levels)

    def save(cleaned: dict) -> str:
        try:
            services.save_draft(
                actor=request.actor, assessment_id=assessment.pk,
                lock_version=cleaned["lock_version"], data=form.draft_input(),
            )  # fmt: skip
        except services.NoDraft:
            raise ValidationError(
                _("The assessment was finalised meanwhile and cannot change.")
            ) from None
        except services.StaleAssessment as stale:
            # Saving again now overwrites knowingly: the user has seen the other version.
            if data is not None:
                data["lock_version"] = str(stale.current.lock_version)
            raise Conflict(
                _(
                    "Someone else saved the assessment while you were editing. What they "
                    "saved is shown below, and your text is kept in the form. Check, change "
                    "if needed, and save again."
                ),
                conflict=stale.current,
            ) from None
        return reverse("assessment:edit", args=[assessment.pk])

    context = {
        "assessment": assessment, "child": assessment.child, "draft": draft,
        "triangle_name": NAME, "missing": services.missing_for_finalising(draft),
    }  # fmt: skip
    # The lock guards against a double submit: the service takes a repeat as a no-op.
    return handle_form(
        request, form, save, success=_("The draft assessment is saved."),
        template="assessment/edit.html", context=context, token=False,
    )  # fmt: skip


@actor_required(PERMISSION)
@require_POST
@refusals
def finalise(request, assessment_id: int):
    selectors.assessment_for(request.actor, assessment_id=assessment_id, purpose=services.PURPOSE)
    lock = forms.LockForm(request.POST)
    lock_version = lock.cleaned_data["lock_version"] if lock.is_valid() else 0

    def act() -> str:
        try:
            services.finalise_version(
                actor=request.actor, assessment_id=assessment_id, lock_version=lock_version
            )
        except services.NoDraft:
            raise ValidationError(_("There is no draft to finalise.")) from None
        except services.StaleAssessment:
            raise ValidationError(
                _("Someone else saved the draft since you read it. Check it and finalise again.")
            ) from None
        return _detail_url(assessment_id)

    return handle_action(
        request, act, success=_("The assessment is finalised. It is now history and is never "
                                "changed; a new assessment starts the next version."),
        back=reverse("assessment:edit", args=[assessment_id]), token=False,
    )  # fmt: skip
