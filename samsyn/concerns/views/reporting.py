"""Filing a report of concern: a professional's form and their own reports (signed in), and the
public's form and receipt (no sign-in, no staff navigation). Thin: parse, call, render."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samsyn.access.http import actor_required, public
from samsyn.common import form_tokens
from samsyn.common.errors import AccessDenied
from samsyn.common.forms import add_validation_errors
from samsyn.common.pages import handle_action, handle_form, refusals
from samsyn.concerns.forms import reporting as forms
from samsyn.concerns.models import InitialAssessment
from samsyn.concerns.selectors import reporting as selectors
from samsyn.concerns.services import reporting as services

# The public receipt: which report this browser just filed (nothing else identifies it).
RECEIPT_SESSION_KEY = "samsyn_public_report"


def _detail_url(report_id: int) -> str:
    return reverse("concerns:my_report", args=[report_id])


@actor_required()
@require_http_methods(["GET", "POST"])
@refusals
def report_new(request: HttpRequest) -> HttpResponse:
    actor = request.actor
    if not selectors.may_report(actor):
        raise AccessDenied("concerns.report")
    categories = selectors.reporter_categories(actor)
    form = forms.ReportForm(
        request.POST if request.method == "POST" else None, actor=actor,
        intakes=list(selectors.receiving_intakes()), categories=categories,
    )  # fmt: skip

    def save(data: dict) -> str:
        report = services.file_report(
            actor=actor, municipality_id=data["municipality"],
            identity_number=data["identity_number"], child_name=data["child_name"],
            child_address=data["child_address"], what_seen=data["what_seen"],
            urgency=data["urgency"], reporter_phone=data["reporter_phone"],
            feedback_requested=data["feedback_requested"],
            reporter_category=data.get("reporter_category") or None,
        )  # fmt: skip
        return _detail_url(report.pk) + "?received=1"

    return handle_form(
        request, form, save, success=_("Your report of concern has been received."),
        template="concerns/reporting/new.html", context={},
    )  # fmt: skip


@actor_required()
@require_GET
@refusals
def my_reports(request: HttpRequest) -> HttpResponse:
    page = selectors.my_reports_page(request.actor, page=request.GET.get("page"))
    return render(
        request, "concerns/reporting/mine.html",
        {
            "page": page, "may_report": selectors.may_report(request.actor),
            "answers": InitialAssessment.Decision.choices,
        },
    )  # fmt: skip


@actor_required()
@require_GET
@refusals
def my_report(request: HttpRequest, report_id: int) -> HttpResponse:
    sent = selectors.my_report_for(request.actor, report_id=report_id)
    return render(
        request, "concerns/reporting/detail.html",
        {
            "report": sent.report, "feedback": sent.feedback,
            "steps": selectors.next_steps(sent.report),
            "just_received": request.GET.get("received") == "1",
            "form_token": form_tokens.issue(request),
        },
    )  # fmt: skip


@actor_required()
@require_POST
@refusals
def ask_feedback(request: HttpRequest, report_id: int) -> HttpResponse:
    def act() -> str:
        # Opened as its page opens it: another's report is a 404, and the attempt audited.
        selectors.my_report_for(request.actor, report_id=report_id)
        services.request_feedback(actor=request.actor, report_id=report_id)
        return _detail_url(report_id)

    return handle_action(
        request, act, success=_("Your request for feedback is recorded."),
        back=_detail_url(report_id),
    )  # fmt: skip


# --- The public's report: no sign-in ----------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The client's address: the connection's, or behind the trusted proxies the one they
    saw (each appends the address it received from to X-Forwarded-For)."""
    hops = settings.SAMSYN_TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def _public_page(request, form, token: str, *, status: int = 200) -> HttpResponse:
    return render(
        request, "concerns/reporting/public_form.html",
        {"form": form, "form_token": token}, status=status,
    )  # fmt: skip


@public
@require_http_methods(["GET", "POST"])
def public_report(request: HttpRequest) -> HttpResponse:
    """Anyone's report (ANM-1), anonymous if they choose (ANM-2), within the limits against
    abuse: the size of the request, each field's length, a honeypot, the CSRF token, and the
    reports an address may file an hour."""
    if request.method == "POST":
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.SAMSYN_PUBLIC_REPORT_MAX_BYTES:
            # Refused before the body is read: nothing of it is parsed or kept.
            return render(request, "concerns/reporting/public_too_large.html", status=413)
    intakes = list(selectors.receiving_intakes())
    form = forms.PublicReportForm(
        request.POST if request.method == "POST" else None, intakes=intakes
    )
    if request.method != "POST":
        return _public_page(request, form, form_tokens.issue(request))
    key = request.POST.get("form_token", "")
    state = form_tokens.state(request, key)
    if isinstance(state, str):
        return form_tokens.already_saved(request, state)
    if state is form_tokens.UNKNOWN:
        key = form_tokens.issue(request)
        if form.is_valid():
            form.add_error(
                None, _("The form had expired. Check what you typed and submit it again.")
            )
        return _public_page(request, form, key, status=400)
    if not form.is_valid():
        return _public_page(request, form, key, status=400)
    data = form.cleaned_data
    try:
        report = services.file_public_report(
            client_address=client_address(request), municipality_id=data["municipality"],
            identity_number=data["identity_number"], child_name=data["child_name"],
            child_address=data["child_address"], what_seen=data["what_seen"],
            urgency=data["urgency"], anonymous=data["anonymous"],
            reporter_name=data["reporter_name"], reporter_phone=data["reporter_phone"],
            reporter_email=data["reporter_email"],
        )  # fmt: skip
    except services.TooManyReports:
        return render(
            request, "concerns/reporting/public_too_many.html",
            {"limit": settings.SAMSYN_PUBLIC_REPORTS_PER_HOUR}, status=429,
        )  # fmt: skip
    except ValidationError as refused:
        add_validation_errors(form, refused)
        return _public_page(request, form, key, status=400)
    url = reverse("public_report_receipt")
    request.session[RECEIPT_SESSION_KEY] = report.pk
    form_tokens.spend(request, key, url)
    return redirect(url)


@public
@require_GET
def public_receipt(request: HttpRequest) -> HttpResponse:
    """The receipt of the report this browser just filed: its reference and what happens next.
    Nothing of what was sent: a shared computer's next user must not read it."""
    report = selectors.public_receipt(request.session.get(RECEIPT_SESSION_KEY))
    if report is None:
        return redirect("public_report")
    return render(
        request, "concerns/reporting/public_receipt.html",
        {"report": report, "steps": selectors.next_steps(report)},
    )  # fmt: skip
