"""The SIP case pages: list, page, propose, first contact, parties, coordinator relay, close.
Thin: parse, call one selector or service, render."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samsyn.access import rules
from samsyn.access.http import actor_required
from samsyn.access.models import Purpose
from samsyn.children import selectors as children
from samsyn.common import form_tokens
from samsyn.common.pages import Conflict, handle_action, handle_form, refusals
from samsyn.plans.forms import cases as forms
from samsyn.plans.models import Case
from samsyn.plans.selectors import cases as selectors
from samsyn.plans.selectors import consents as consent
from samsyn.plans.services import cases
from samsyn.plans.state import TRANSITIONS

PURPOSE = Purpose.PLANNING
# Every role that works with children reaches the SIP pages; what each sees is the selectors'.
PERMISSION = "plans.work"


def _case(request: HttpRequest, case_id: int) -> tuple[Case, rules.Decision]:
    return selectors.case_for(request.actor, case_id=case_id, purpose=PURPOSE)


def _detail_url(case_id: int) -> str:
    return reverse("plans:detail", args=[case_id])


@actor_required(PERMISSION)
@require_GET
def case_list(request):
    filters = forms.CaseFilterForm(request.GET or None)
    status, mine = "", False
    if filters.is_valid():
        status, mine = filters.cleaned_data["status"], filters.cleaned_data["mine"]
    page = selectors.case_page_for(
        request.actor, status=status, mine=mine, page=request.GET.get("page")
    )
    return render(
        request,
        "plans/cases/list.html",
        {
            "page": page,
            "filters": filters,
            "offers": selectors.pending_offers_for(request.actor),
            "invitations": selectors.invitations_for(request.actor),
            "joins": selectors.joins_for(request.actor),
            "consent_alerts": consent.consent_alerts_for(request.actor),
            "token": form_tokens.issue(request),
        },
    )


@actor_required(PERMISSION)
@require_GET
@refusals
def case_detail(request, case_id: int):
    actor = request.actor
    case, decision = _case(request, case_id)
    status = consent.sip_consent_status(case)
    parties = selectors.invited_parties(case)
    # What grows with the years shows a page or its latest part: the page costs the same.
    relay = selectors.relay_of(case, latest=selectors.RELAY_SHOWN + 1)
    holds = selectors.holds_case(actor, case)
    pending = selectors.pending_handovers(case)
    grounds = consent.legal_grounds_of_case(case, limit=consent.GROUNDS_SHOWN + 1)
    return render(
        request,
        "plans/cases/detail.html",
        {
            "case": case,
            "decision": decision,
            "steps": selectors.STAGES,
            "step_index": [value for value, _label in selectors.STAGES].index(
                selectors.stage_of(case)
            ),
            "consent_status": status,
            "parties": parties,
            "relay": relay[-selectors.RELAY_SHOWN :],
            "relay_more": len(relay) > selectors.RELAY_SHOWN,
            "pending": pending,
            "consents": consent.consent_page_of_case(case, request.GET.get("page")),
            "grounds": grounds[: consent.GROUNDS_SHOWN],
            "grounds_more": len(grounds) > consent.GROUNDS_SHOWN,
            "maturity": consent.latest_maturity(case),
            "holds": holds and case.status != Case.Status.CLOSED,
            "is_coordinator": case.coordinator_id == actor.staff.pk
            and case.status != Case.Status.CLOSED,
            "may_take_up": case.status != Case.Status.CLOSED
            and actor.organisation.pk == case.initiating_organisation_id
            and not cases.initiator_belongs(case),
            "may_close": holds
            and actor.organisation.pk
            in {case.initiating_organisation_id, case.coordinator_organisation_id}
            and case.status in TRANSITIONS["close"][0],
            "offer_for_me": [h for h in pending if h.to_staff_id == actor.staff.pk],
            "token": form_tokens.issue(request),
        },
    )


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def propose(request):
    actor = request.actor
    try:
        child_id = int(request.GET.get("child", ""))
    except ValueError:
        raise Http404 from None
    child, _decision = children.opened_child(
        actor, child_id=child_id, purpose=rules.default_purpose(actor), obj="child"
    )
    mode = cases.initiation_mode(actor, child)
    form = forms.ProposeForm(
        request.POST if request.method == "POST" else None,
        organisations=cases.area_organisations(child).exclude(pk=actor.organisation.pk),
        receivers=cases.proposal_receivers(child),
        may_initiate=mode == cases.Mode.INITIATE,
    )

    outcome: list[cases.Opened] = []

    def save(data: dict) -> str:
        try:
            opened = cases.open_or_join_case(
                actor=actor,
                child_id=child.pk,
                reason=data["reason"],
                proposed_by_kind=data["proposed_by_kind"],
                proposer_name=data["proposer_name"],
                party_ids=[o.pk for o in data["parties"]],
                receiving_organisation_id=(
                    data["receiving_organisation"].pk
                    if data.get("receiving_organisation")
                    else None
                ),
            )
        except cases.SipAlreadyOpen as refused:
            # SIP-9: the link to the SIP the need belongs in (or, while only invited, to the
            # invitation on the SIP list).
            raise Conflict(
                refused.messages,
                open_sip=refused.case_id,
                open_sip_url=reverse("plans:list") + "#invitations-heading"
                if refused.invited_only
                else _detail_url(refused.case_id),
            ) from None
        outcome.append(opened)
        # A joining organisation sees the SIP only once a unit accepted and a ground covers it:
        # its invitation is on the SIP list.
        return reverse("plans:list") if opened.joined else _detail_url(opened.case.pk)

    def said() -> str:
        # After `save`: the child had an open SIP and the need joined it (SIP-9), or not.
        if outcome and outcome[0].joined:
            return _(
                "Your organisation is now invited to the child's SIP; a unit of yours accepts "
                "the invitation as usual. The need you described is with its coordinator."
            )
        if mode == cases.Mode.INITIATE:
            return _("The SIP is proposed.")
        return _("The proposal is recorded and sent to the organisation that takes it up.")

    return handle_form(
        request, form, save, success=lazy(said, str)(),
        template="plans/cases/propose.html", context={"child": child, "mode": mode},
    )  # fmt: skip


def _case_form_page(request, case_id: int, make_form, save, *, title, intro, submit, success):
    case, _decision = _case(request, case_id)
    form = make_form(case, request.POST if request.method == "POST" else None)
    return handle_form(
        request, form, lambda data: save(case, data) or _detail_url(case.pk),
        success=success, template="plans/cases/form.html",
        context={"case": case, "title": title, "intro": intro, "submit": submit},
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def first_contact(request, case_id: int):
    actor = request.actor
    return _case_form_page(
        request, case_id,
        lambda case, data: forms.FirstContactForm(data),
        lambda case, data: cases.record_first_contact(
            actor=actor, case_id=case.pk, contacted_on=data["contacted_on"]
        ) and None,
        title=_("Record first contact"),
        intro=_(
            "Record the day of the first contact with the child or the family (SoL 10 kap. "
            "8 §: without delay)."
        ),
        submit=_("Record first contact"), success=_("The first contact is recorded."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def invite_party(request, case_id: int):
    actor = request.actor

    def make(case, data):
        taken = selectors.organisations_taking_part(case).values("pk")
        return forms.InvitePartyForm(
            data, organisations=cases.area_organisations(case.child).exclude(pk__in=taken)
        )

    return _case_form_page(
        request, case_id, make,
        lambda case, data: cases.invite_party(
            actor=actor, case_id=case.pk, organisation_id=data["organisation"].pk
        ) and None,
        title=_("Invite an organisation"),
        intro=_(
            "The organisation takes part in the SIP. It sees the plan only once consent or a "
            "legal ground covers it."
        ),
        submit=_("Invite"), success=_("The organisation is invited."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def offer_handover(request, case_id: int):
    actor = request.actor
    return _case_form_page(
        request, case_id,
        lambda case, data: forms.HandoverForm(data, candidates=cases.handover_candidates(case)),
        lambda case, data: cases.offer_handover(
            actor=actor, case_id=case.pk, membership_id=data["membership"].pk, note=data["note"]
        ) and None,
        title=_("Hand over the coordinator role"),
        intro=_("The role passes only when the person you name accepts. Until then you hold it."),
        submit=_("Offer the role"),
        success=_("The offer is sent. You hold the role until it is accepted."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def close(request, case_id: int):
    actor = request.actor
    case, _decision = _case(request, case_id)
    data = request.POST if request.method == "POST" else None
    form = forms.CloseForm(data, initial={"version": case.version})

    def save(cleaned: dict) -> str:
        try:
            cases.close_case(
                actor=actor, case_id=case.pk, reason=cleaned["reason"],
                version=cleaned["version"],
            )  # fmt: skip
        except cases.StaleCase as error:
            # Saving again now closes knowingly: the user was told of the other change.
            form.data = form.data.copy()
            form.data["version"] = error.current.version
            raise ValidationError(
                _(
                    "Someone else changed the SIP while you were writing. Check its page, then "
                    "close it again."
                )
            ) from None
        return _detail_url(case.pk)

    return handle_form(
        request, form, save, success=_("The SIP is closed. It stays readable."),
        template="plans/cases/form.html",
        context={
            "case": case, "title": _("Close the SIP"), "submit": _("Close the SIP"),
            "intro": _("A closed SIP is never deleted: it stays readable to those who took part."),
        },
    )  # fmt: skip


@actor_required(PERMISSION)
@require_POST
def accept_handover(request, case_id: int, handover_id: int):
    def accept() -> str:
        cases.accept_handover(actor=request.actor, case_id=case_id, handover_id=handover_id)
        return _detail_url(case_id)

    return handle_action(
        request, accept, success=_("You are now the coordinator of this SIP."),
        back=_detail_url(case_id),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_POST
def decline_handover(request, case_id: int, handover_id: int):
    def decline() -> str:
        cases.decline_handover(actor=request.actor, case_id=case_id, handover_id=handover_id)
        return _detail_url(case_id)

    return handle_action(
        request, decline, success=_("You declined. The role stays with the current coordinator."),
        back=_detail_url(case_id),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_POST
def take_up(request, case_id: int):
    def take() -> str:
        cases.take_up_proposal(actor=request.actor, case_id=case_id)
        return _detail_url(case_id)

    return handle_action(
        request, take, success=_("You have taken up the proposal."), back=_detail_url(case_id)
    )


@actor_required(PERMISSION)
@require_POST
def accept_invitation(request, case_id: int):
    def accept() -> str:
        cases.accept_invitation(actor=request.actor, case_id=case_id)
        # Back to the list: the SIP opens only once a ground covers the organisation.
        return reverse("plans:list")

    return handle_action(
        request, accept, back=reverse("plans:list"),
        success=_(
            "Your unit takes part in the SIP. It is on your list once a consent or a legal "
            "ground covers your organisation."
        ),
    )  # fmt: skip
