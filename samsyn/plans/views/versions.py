"""The plan's pages: versions, the draft's edit page, finalising, one version, the diff between
two versions, and the plan as a document (print page and PDF). Thin: parse, call one selector
or service, render. Every page opens the SIP through `plan_selectors.plan_case_for`, which
checks access and writes the audit row; "missing" and "not yours" are the same 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samsyn.access.http import actor_required
from samsyn.accounts.step_up import step_up_required
from samsyn.common.forms import WithoutSummary
from samsyn.common.pages import Conflict, handle_action, handle_form, refusals
from samsyn.plans.forms import versions as plan_forms
from samsyn.plans.models import PlanItem, PlanVersion
from samsyn.plans.selectors import cases as selectors
from samsyn.plans.selectors import versions as plan_selectors
from samsyn.plans.services import versions as plan_services

# Which SIP the actor may open is the selector's; this only keeps out roles without children.
PERMISSION = "plans.work"
LANGUAGES = ("sv", "en")


def _open(request: HttpRequest, case_id: int, obj: str = "sip_plan"):
    case, _decision = plan_selectors.plan_case_for(request.actor, case_id=case_id, obj=obj)
    return case


def _missing(case, version: PlanVersion | None) -> list[str]:
    if version is None or version.status != PlanVersion.Status.DRAFT:
        return []
    return plan_selectors.missing_for_finalising(case, version)


def _lock(lock_form) -> int:
    # A missing or tampered lock cannot prove the page is fresh: 0 never matches.
    return lock_form.cleaned_data["lock_version"] if lock_form.is_valid() else 0


@actor_required(PERMISSION)
@require_GET
@refusals
def plan_versions(request, case_id: int):
    case = _open(request, case_id)
    page = plan_selectors.version_page(case, request.GET.get("page"))
    current = plan_selectors.current_version(case)
    return render(
        request,
        "plans/plan/versions.html",
        {"case": case, "page": page, "current": current, "missing": _missing(case, current)},
    )


@actor_required(PERMISSION)
@require_POST
@refusals
def plan_start(request, case_id: int):
    _open(request, case_id)

    def start() -> str:
        plan_services.start_plan(actor=request.actor, case_id=case_id)
        return reverse("plans:plan_edit", args=[case_id])

    # A draft that exists already is returned as it is: a double submit starts nothing twice.
    return handle_action(
        request, start, success=_("The draft plan is ready to edit."),
        back=reverse("plans:plan_versions", args=[case_id]), token=False,
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def plan_edit(request, case_id: int):
    case = _open(request, case_id)
    draft = plan_selectors.draft_of(case)
    if draft is None:
        messages.info(request, _("There is no draft to edit. A finalised plan is never changed."))
        return redirect("plans:plan_versions", case_id=case_id)
    data = request.POST if request.method == "POST" else None
    editor = plan_forms.PlanEditor(
        data, case=case, draft=draft, items=list(plan_selectors.items_of(draft))
    )

    def save(cleaned: dict) -> str:
        try:
            plan_services.save_draft(
                actor=request.actor, case_id=case.pk, lock_version=_lock(editor.lock_form),
                items=editor.rows.items(), **cleaned,
            )  # fmt: skip
        except plan_services.NoDraft:
            raise ValidationError(
                _("The plan was finalised meanwhile and cannot change.")
            ) from None
        except plan_services.StalePlan as stale:
            # Saving again now overwrites knowingly: the user has seen the other version.
            raise Conflict(
                _(
                    "Someone else saved the plan while you were editing. Their version is "
                    "shown next to yours below, and your text is kept in the form. Check, "
                    "change if needed, and save again."
                ),
                conflict=editor.conflict(stale),
                lock_form=plan_forms.LockForm(initial={"lock_version": stale.current.lock_version}),
            ) from None
        return reverse("plans:plan_edit", args=[case_id])

    context = {
        "case": case, "draft": draft, "rows": editor.rows, "lock_form": editor.lock_form,
        "fields_form": WithoutSummary(editor.fields_form), "osl_note": plan_forms.OSL_NOTE,
        "forms": [editor.fields_form, *editor.rows.forms], "formsets": [editor.rows],
    }  # fmt: skip
    if editor.changes_rows:
        # A row added or removed without JavaScript: the page again, as typed, nothing saved.
        return render(request, "plans/plan/edit.html", context)
    # The lock guards against a double submit: the service takes a repeat as a no-op.
    return handle_form(
        request, editor.fields_form, save, success=_("The draft plan is saved."),
        template="plans/plan/edit.html", context=context, token=False, valid=editor.is_valid,
    )  # fmt: skip


@actor_required(PERMISSION)
@require_GET
@refusals
def plan_row(request, case_id: int):
    """One new row of the edit page, for htmx; the page without JavaScript adds it by a
    submit that redraws the page."""
    case = _open(request, case_id)
    wanted = plan_forms.RowRequest(request.GET)
    if not wanted.is_valid():
        return HttpResponseBadRequest()
    return render(
        request, "plans/plan/_new_row.html",
        {"case": case, "new": plan_forms.new_row(wanted, case=case)},
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def plan_finalise(request, case_id: int):
    case = _open(request, case_id)
    draft = plan_selectors.draft_of(case)
    if draft is None:
        messages.info(request, _("There is no draft to finalise."))
        return redirect("plans:plan_versions", case_id=case_id)
    data = request.POST if request.method == "POST" else None
    lock_form = plan_forms.LockForm(data)
    form = plan_forms.FinaliseForm(data)

    def finalise(cleaned: dict) -> str:
        try:
            plan_services.finalise_plan(
                actor=request.actor, case_id=case.pk, lock_version=_lock(lock_form),
                no_meeting_reason=cleaned["no_meeting_reason"],
            )  # fmt: skip
        except plan_services.NoDraft:
            raise ValidationError(_("The plan is already finalised.")) from None
        except plan_services.StalePlan:
            raise ValidationError(
                _("Someone changed the draft after you opened this page. Check it and try again.")
            ) from None
        return reverse("plans:plan_version", args=[case_id, draft.number])

    view = plan_selectors.plan_view(draft)
    # The lock guards against a double submit: a repeat finds the draft finalised. A refusal
    # (PlanIncomplete, TransitionRefused) lists its reasons above the draft as it is now, with
    # the reason typed kept.
    return handle_form(
        request, form, finalise,
        success=_("Version %(number)d of the plan is finalised.") % {"number": draft.number},
        template="plans/plan/finalise.html",
        context={
            "case": case, "draft": draft, "view": view, "missing": _missing(case, draft),
            "lock_form": plan_forms.LockForm(initial={"lock_version": draft.lock_version}),
            "asks_reason": plan_selectors.waits_for_meeting(case, draft),
            "reason_form": WithoutSummary(form),
        },
        token=False,
    )  # fmt: skip


@actor_required(PERMISSION)
@require_GET
@refusals
def plan_version(request, case_id: int, number: int):
    case = _open(request, case_id)
    version = plan_selectors.version_of(case, number)
    # One page of the items: the page costs the same however long the plan (issue 12); the
    # print page and the PDF are the whole plan.
    view = plan_selectors.plan_page(version, request.GET.get("page"))
    # RAD-2: the efforts of the plan in force are recorded as started on its page.
    in_force = version.status == PlanVersion.Status.FINAL and (
        version.number == plan_selectors.in_force_number(case)
    )
    return render(
        request,
        "plans/plan/version.html",
        {"case": case, "version": version, "view": view, "missing": _missing(case, version),
         "page": view.page, "in_force": in_force},
    )  # fmt: skip


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 5 else None


@actor_required(PERMISSION)
@require_GET
@refusals
def plan_diff(request, case_id: int):
    case = _open(request, case_id)
    versions = plan_selectors.versions_of(case)
    numbers = [v.number for v in versions]
    new = _number(request.GET.get("to")) or (numbers[-1] if numbers else None)
    old = _number(request.GET.get("from")) or (new - 1 if new else None)
    context = {"case": case, "versions": versions, "old_number": old, "new_number": new}
    if old in numbers and new in numbers and old != new:
        by_number = {v.number: v for v in versions}
        context["diff"] = plan_selectors.diff_versions(
            plan_selectors.plan_view(by_number[old]), plan_selectors.plan_view(by_number[new])
        )
    elif request.GET:
        context["choose_error"] = _("Choose two different versions of this plan.")
    return render(request, "plans/plan/diff.html", context)


def _document(request: HttpRequest, case_id: int, number: int):
    """What the document shows: the language asked for and whose copy it is. The guardians'
    copy leaves out what is hidden from them (SEK-2); the staff copy marks it."""
    case = _open(request, case_id, obj="sip_plan_document")
    version = plan_selectors.version_of(case, number)
    lang = request.GET.get("lang")
    lang = lang if lang in LANGUAGES else translation.get_language()
    for_guardians = request.GET.get("for") == "guardians"
    view = plan_selectors.plan_view(version, for_guardians=for_guardians)
    parties = list(selectors.organisations_taking_part(case))
    return case, version, view, lang, for_guardians, parties


@actor_required(PERMISSION)
@step_up_required
@require_GET
@refusals
def plan_print(request, case_id: int, number: int):
    case, version, view, lang, for_guardians, parties = _document(request, case_id, number)
    with translation.override(lang):
        return render(
            request,
            "plans/plan/print.html",
            {"case": case, "version": version, "view": view, "lang": lang,
             "for_guardians": for_guardians, "parties": parties,
             "kinds": PlanItem.Kind},
        )  # fmt: skip


@actor_required(PERMISSION)
@step_up_required
@require_GET
@refusals
def plan_pdf(request, case_id: int, number: int):
    case, version, view, lang, for_guardians, parties = _document(request, case_id, number)
    # Imported here, not at the top: fpdf2 and fontTools take 0.2 s to import, which every
    # process would otherwise pay at start, though few ever print.
    from samsyn.plans.views import pdf

    with translation.override(lang):
        content = pdf.render_plan(
            case=case, view=view, parties=parties, for_guardians=for_guardians
        )
    response = HttpResponse(content, content_type="application/pdf")
    name = f"sip-{case.pk}-v{version.number}{'-vardnadshavare' if for_guardians else ''}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    # A child's plan must not linger in shared caches or the browser's.
    response["Cache-Control"] = "no-store"
    return response
