"""The referral pages: the unit's incoming and outgoing lists, sending from the child's page,
and the referral with the receiver's accept and decline and the sender's withdrawal. Thin:
parse, call one selector or service, render."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samsyn.access import rules
from samsyn.access.http import actor_required
from samsyn.children.selectors import opened_child
from samsyn.common.pages import handle_action, handle_form, refusals
from samsyn.referrals import forms, selectors, services
from samsyn.referrals.models import Referral

# The roles that work with children (access.rules.CHILD_ROLES) send and answer referrals.
PERMISSION = "referrals.work"


def _detail_url(referral_id: int) -> str:
    return reverse("referrals:detail", args=[referral_id])


def _list(request, box: str):
    page = selectors.referral_page_for(request.actor, box=box, page=request.GET.get("page"))
    return render(
        request,
        "referrals/list.html",
        {"page": page, "box": box, "INCOMING": selectors.INCOMING, "OUTGOING": selectors.OUTGOING},
    )


@actor_required(PERMISSION)
@require_GET
def incoming(request):
    return _list(request, selectors.INCOMING)


@actor_required(PERMISSION)
@require_GET
def outgoing(request):
    return _list(request, selectors.OUTGOING)


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def send(request, child_id: int):
    actor = request.actor
    child, _decision = opened_child(
        actor, child_id=child_id, purpose=rules.default_purpose(actor), obj="child"
    )
    form = forms.SendForm(
        request.POST if request.method == "POST" else None,
        units=selectors.units_to_refer_to(actor), bases=selectors.bases_for(actor),
    )  # fmt: skip

    def save(data: dict) -> str:
        referral = services.send_referral(
            actor=actor, child_id=child.pk, to_unit_id=data["to_unit"], reason=data["reason"],
            effort=data["effort"], basis_id=data["ground"],
        )  # fmt: skip
        return _detail_url(referral.pk)

    return handle_form(
        request, form, save, success=_("The referral is sent."),
        template="referrals/send.html", context={"child": child},
    )  # fmt: skip


def _detail_context(request, referral: Referral) -> dict:
    actor = request.actor
    sender, receiver = selectors.is_sender(actor, referral), selectors.is_receiver(actor, referral)
    unanswered = referral.status == Referral.Status.SENT
    return {
        "referral": referral,
        "sender": sender,
        "may_answer": receiver and unanswered,
        "may_withdraw": sender and unanswered,
        "may_agree_next_step": (sender or receiver) and referral.bounced,
        "decline_form": forms.DeclineForm(),
        "next_step_form": forms.NextStepForm(),
    }


@actor_required(PERMISSION)
@require_GET
@refusals
def referral_detail(request, referral_id: int):
    referral, _decision = selectors.referral_for(request.actor, referral_id=referral_id)
    return render(request, "referrals/detail.html", _detail_context(request, referral))


@actor_required(PERMISSION)
@require_POST
@refusals
def accept(request, referral_id: int):
    def act() -> str:
        services.accept_referral(actor=request.actor, referral_id=referral_id)
        return _detail_url(referral_id)

    # A second press finds the referral answered and says so: no token needed.
    return handle_action(
        request, act, success=_("The referral is accepted."), back=_detail_url(referral_id),
        token=False,
    )  # fmt: skip


def _answer_form(request, referral_id: int, form_class, name: str, step, success):
    """The decline and next-step forms live on the referral's page: a refused one comes back
    there with what was typed and its errors."""
    referral, _decision = selectors.referral_for(request.actor, referral_id=referral_id)
    context = _detail_context(request, referral)
    form = form_class(request.POST)
    context[name] = form

    def save(data: dict) -> str:
        step(data)
        return _detail_url(referral_id)

    return handle_form(
        request, form, save, success=success, template="referrals/detail.html",
        context=context, token=False,
    )  # fmt: skip


@actor_required(PERMISSION)
@require_POST
@refusals
def decline(request, referral_id: int):
    return _answer_form(
        request, referral_id, forms.DeclineForm, "decline_form",
        lambda data: services.decline_referral(
            actor=request.actor, referral_id=referral_id, reason=data["decline_reason"],
            next_step=data["next_step"],
        ),
        _("The referral is declined."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_POST
@refusals
def next_step(request, referral_id: int):
    return _answer_form(
        request, referral_id, forms.NextStepForm, "next_step_form",
        lambda data: services.agree_next_step(
            actor=request.actor, referral_id=referral_id, next_step=data["next_step"]
        ),
        _("The agreed next step is recorded."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_POST
@refusals
def withdraw(request, referral_id: int):
    def act() -> str:
        services.withdraw_referral(actor=request.actor, referral_id=referral_id)
        return _detail_url(referral_id)

    return handle_action(
        request, act, success=_("The referral is withdrawn."), back=_detail_url(referral_id),
        token=False,
    )  # fmt: skip
