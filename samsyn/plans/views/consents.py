"""The consent pages of a SIP: record consent, withdraw it, assess maturity, record a legal
ground. Thin: parse, call one service, render, through the house's one-form page pattern."""

from __future__ import annotations

from django import forms as django_forms
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samsyn.access.http import actor_required
from samsyn.children import selectors as children
from samsyn.common.pages import handle_form, refusals
from samsyn.consent import forms
from samsyn.plans.selectors import consents as selectors
from samsyn.plans.selectors.cases import case_for, cases_visible_to, receiving_organisations
from samsyn.plans.services import consents as services
from samsyn.plans.views import cases as case_views

PERMISSION = case_views.PERMISSION


def _case(request, case_id: int):
    return case_for(request.actor, case_id=case_id, purpose=case_views.PURPOSE)[0]


def _page(request, case, form, save, *, title, intro, submit, success):
    return handle_form(
        request, form, save, success=success, template="plans/cases/form.html",
        context={"case": case, "title": title, "intro": intro, "submit": submit},
    )  # fmt: skip


def _detail(case) -> str:
    return reverse("plans:detail", args=[case.pk]) + "#consent"


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def record_consent(request, case_id: int):
    case = _case(request, case_id)
    form = forms.ConsentForm(
        request.POST if request.method == "POST" else None,
        child=case.child,
        guardians=list(children.guardians_of(case.child)),
        receivers=receiving_organisations(case),
    )

    def save(data: dict) -> str:
        services.record_sip_consent(
            actor=request.actor, case_id=case.pk, given_by=data["given_by"],
            guardian_id=data["guardian_id"],
            receiving_organisation_ids=[o.pk for o in data["receiving_organisations"]],
            categories=data["categories"], form=data["form"], given_on=data["given_on"],
            valid_until=data["valid_until"],
        )  # fmt: skip
        return _detail(case)

    return _page(
        request, case, form, save, title=_("Record consent"),
        intro=_(
            "One person's consent, for the organisations and information it covers (OSL 12 "
            "kap. 2 §). A SIP is never drawn up against the person's will."
        ),
        submit=_("Record consent"), success=_("The consent is recorded."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def withdraw_consent(request, case_id: int, consent_id: int):
    case = _case(request, case_id)
    consent = selectors.consents_of_case(case).filter(pk=consent_id).first()
    if consent is None:
        raise Http404

    def save(_data: dict) -> str:
        services.withdraw_sip_consent(actor=request.actor, case_id=case.pk, consent_id=consent.pk)
        # The withdrawal may end the actor's own ground for the SIP: go where they can read.
        visible = cases_visible_to(request.actor, purpose=case_views.PURPOSE)
        if not visible.filter(pk=case.pk).exists():
            return reverse("plans:list")
        return _detail(case)

    who = consent.guardian.name if consent.guardian else _("the child")
    return _page(
        request, case, django_forms.Form(request.POST or None), save,
        title=_("Withdraw consent"),
        intro=_(
            "Withdraw the consent of %(who)s to sharing with %(organisation)s. It takes "
            "effect at once: the organisation stops seeing what the consent covered."
        )
        % {"who": who, "organisation": consent.receiving_organisation},
        submit=_("Withdraw consent"), success=_("The consent is withdrawn."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def record_maturity(request, case_id: int):
    case = _case(request, case_id)

    def save(data: dict) -> str:
        services.record_sip_maturity(
            actor=request.actor, case_id=case.pk, mature=data["mature"],
            reasoning=data["reasoning"],
        )  # fmt: skip
        return _detail(case)

    return _page(
        request, case, forms.MaturityForm(request.POST if request.method == "POST" else None),
        save, title=_("Assess the child's maturity"),
        intro=_(
            "A child mature enough consents for themself; otherwise the guardians consent. "
            "From 15 the child requests or consents to efforts (SoL 2025:400)."
        ),
        submit=_("Record the assessment"), success=_("The maturity assessment is recorded."),
    )  # fmt: skip


@actor_required(PERMISSION)
@require_http_methods(["GET", "POST"])
@refusals
def record_legal_ground(request, case_id: int):
    case = _case(request, case_id)
    form = forms.LegalGroundForm(
        request.POST if request.method == "POST" else None,
        bases=forms.plan_bases(), receivers=receiving_organisations(case),
    )  # fmt: skip

    def save(data: dict) -> str:
        services.record_sip_legal_ground(
            actor=request.actor, case_id=case.pk, basis_id=data["basis"].pk,
            receiving_organisation_id=data["receiving_organisation"].pk,
            reason=data["reason"], valid_until=data["valid_until"],
        )  # fmt: skip
        return _detail(case)

    return _page(
        request, case, form, save, title=_("Record a legal ground"),
        intro=_(
            "Where the law allows disclosure without consent, record the ground with its "
            "reference instead."
        ),
        submit=_("Record the legal ground"), success=_("The legal ground is recorded."),
    )  # fmt: skip
