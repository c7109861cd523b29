"""The family portal (/family/): a guardian's own children, their SIPs' finalised plans, the
meetings they are invited to, and who read the child's data. Views parse, call, render."""

from __future__ import annotations

from django.contrib import auth, messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from samsyn.access.http import public
from samsyn.accounts.backends import PASSWORD_BACKEND
from samsyn.accounts.step_up import step_up_required
from samsyn.audit.selectors import Cursor
from samsyn.portal import selectors, services
from samsyn.portal.forms import CitizenLoginForm, ReplyForm
from samsyn.portal.http import citizen_required


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/family/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return "/family/"


@public
@require_http_methods(["GET", "POST"])
def login(request):
    if not services.standin_enabled():
        # In production citizens come through the identity broker (BankID), never this form.
        raise Http404
    form = CitizenLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = services.check_citizen_code(**form.cleaned_data)
        if found is None:
            form.add_error(None, _("The identity number or the code is wrong. Try again."))
        else:
            citizen, device = found
            request.session.cycle_key()
            auth.login(request, citizen.user, backend=PASSWORD_BACKEND)
            otp_login(request, device)
            return redirect(_next(request))
    return render(request, "portal/login.html", {"form": form, "next": _next(request)})


@public
@require_POST
def logout(request):
    auth.logout(request)
    return redirect("portal:login")


@citizen_required
@require_http_methods(["GET"])
def home(request):
    children = selectors.children_of(request.citizen)
    return render(request, "portal/home.html", {"children": children})


@citizen_required
@require_http_methods(["GET"])
def child(request, child_id: int):
    try:
        overview = selectors.child_overview(request.citizen, child_id=child_id)
    except selectors.NotFound:
        raise Http404 from None
    return render(request, "portal/child.html", {"overview": overview, "reply_form": ReplyForm()})


@citizen_required
@require_POST
def reply(request, child_id: int, invitation_id: int):
    try:
        invitation = selectors.invitation_of(
            request.citizen, child_id=child_id, invitation_id=invitation_id
        )
    except selectors.NotFound:
        raise Http404 from None
    form = ReplyForm(request.POST)
    if form.is_valid():
        services.reply_to_invitation(
            citizen=request.citizen, invitation=invitation, reply=form.cleaned_data["reply"]
        )
        messages.success(request, _("Thank you. We have saved your reply."))
    else:
        messages.error(request, _("Choose whether you are coming or not."))
    return redirect("portal:child", child_id=child_id)


def _plan(request, child_id: int, case_id: int, number: int | None, template: str):
    try:
        plan = selectors.plan_for(
            request.citizen, child_id=child_id, case_id=case_id, number=number
        )
    except selectors.NotFound:
        raise Http404 from None
    return render(request, template, {"plan": plan})


@citizen_required
@require_http_methods(["GET"])
def plan(request, child_id: int, case_id: int):
    return _plan(request, child_id, case_id, None, "portal/plan.html")


@citizen_required
@require_http_methods(["GET"])
def version(request, child_id: int, case_id: int, number: int):
    return _plan(request, child_id, case_id, number, "portal/plan.html")


@citizen_required
@step_up_required
@require_http_methods(["GET"])
def print_version(request, child_id: int, case_id: int, number: int):
    return _plan(request, child_id, case_id, number, "portal/plan_print.html")


@citizen_required
@step_up_required
@require_http_methods(["GET"])
def extract(request, child_id: int):
    try:
        result = selectors.family_extract(
            request.citizen, child_id=child_id, cursor=Cursor.decode(request.GET.get("before"))
        )
    except selectors.NotFound:
        raise Http404 from None
    return render(request, "portal/extract.html", {"extract": result})
