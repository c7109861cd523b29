"""The consent a SIP stands on (DOMAIN SIP-3, SIP-4, SEK-1, SEK-3): recorded by the
organisations that run the SIP (they met the family), for the SIP's parties, through the consent
app's services, which work on the child. After each change the SIP moves from "proposed" to
"consent recorded" when, and only when, `sip_consent_status` says the consent is complete.
"""

from __future__ import annotations

import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import Category, LegalGround, Purpose
from samsyn.common.dates import end_of, last_day
from samsyn.common.errors import NotFound
from samsyn.consent import selectors as consent_selectors
from samsyn.consent import services as consent
from samsyn.consent.models import Consent, MaturityAssessment
from samsyn.plans.models import Case
from samsyn.plans.selectors.cases import (
    case_for_change,
    holds_case,
    organisations_taking_part,
    receiving_organisations,
)
from samsyn.plans.services.cases import advance_after_consent
from samsyn.plans.services.meetings import MAIL_LANGUAGE
from samsyn.plans.state import TransitionRefused

PURPOSE = Purpose.PLANNING


class ConsentNotFound(NotFound):
    """No consent of this SIP has this id (another child's and a missing one alike)."""


# A SIP's consent is for planning and following the plan up, and always covers the plan.
SIP_PURPOSES = [Purpose.PLANNING, Purpose.FOLLOW_UP]


def _case_run_by_actor(actor: Actor, case_id: int) -> tuple[Case, rules.Decision]:
    case, decision = case_for_change(actor, case_id)
    # The organisations that run the SIP record its consent: they met the family.
    if not holds_case(actor, case):
        raise rules.AccessDenied("consent.record")
    if case.status == Case.Status.CLOSED:
        raise TransitionRefused(_("The SIP is closed."))
    return case, decision


def _receivers(case: Case, organisation_ids) -> list[int]:
    parties = set(receiving_organisations(case).values_list("pk", flat=True))
    chosen = set(organisation_ids)
    if not chosen <= parties:
        raise ValidationError(
            {
                "receiving_organisations": _(
                    "Consent can be recorded only for organisations taking part in the SIP."
                )
            }
        )
    return sorted(chosen)


@transaction.atomic
def record_sip_consent(
    *,
    actor: Actor,
    case_id: int,
    given_by: str,
    guardian_id: int | None,
    receiving_organisation_ids: list[int],
    categories: list[str],
    form: str,
    given_on: datetime.date,
    valid_until: datetime.date,
) -> list[Consent]:
    """One person's consent for the SIP's parties: the plan and what else the person allows."""
    case, decision = _case_run_by_actor(actor, case_id)
    chosen = set(categories)
    covered = [Category.PLAN, *[c for c in consent.OPTIONAL_CATEGORIES if c in chosen]]
    consents = consent.record_consent(
        actor=actor, child=case.child, decision=decision, purpose=PURPOSE, given_by=given_by,
        guardian_id=guardian_id,
        receiving_organisation_ids=_receivers(case, receiving_organisation_ids),
        categories=covered, purposes=SIP_PURPOSES, form=form, given_on=given_on,
        valid_until=valid_until,
    )  # fmt: skip
    advance_after_consent(actor=actor, case=case, decision=decision)
    return consents


@transaction.atomic
def withdraw_sip_consent(*, actor: Actor, case_id: int, consent_id: int) -> Consent:
    """A consent covering the SIP, withdrawn by the organisations running the SIP or by the
    receiving organisation itself: both hear it from the family."""
    case, decision = case_for_change(actor, case_id)
    taking_part = organisations_taking_part(case).values_list("pk", flat=True)
    withdrawn = consent_selectors.consent_for_withdrawal(
        consent_id, child_id=case.child_id, receivers=taking_part
    )
    # Not one of this SIP's consents: the same answer as any unknown id, never a hint.
    if withdrawn is None:
        raise ConsentNotFound(consent_id)
    if withdrawn.withdrawn_at is not None:
        raise ValidationError(_("This consent is already withdrawn."))
    if not (
        holds_case(actor, case) or withdrawn.receiving_organisation_id == actor.organisation.pk
    ):
        raise rules.AccessDenied("consent.withdraw")
    consent.withdraw_consent(actor=actor, consent=withdrawn, decision=decision, purpose=PURPOSE)
    if case.coordinator_id not in (None, actor.staff.pk):
        # After commit: a rolled-back withdrawal tells nobody.
        transaction.on_commit(partial(tell_coordinator_of_withdrawal, case_id=case.pk))
    return withdrawn


def tell_coordinator_of_withdrawal(*, case_id: int) -> bool:
    """E-mail the coordinator that a consent in the SIP was withdrawn. Mail is not a secure
    channel: it names the SIP's number only, never the child; the SIP page says the rest."""
    case = Case.objects.select_related("coordinator").get(pk=case_id)
    address = case.coordinator.email if case.coordinator else ""
    if not address:
        return False
    with translation.override(MAIL_LANGUAGE):
        subject = _("Samsyn: a consent in SIP no. %(number)s was withdrawn") % {"number": case.pk}
        body = _(
            "A consent that SIP no. %(number)s stands on was withdrawn. The organisation it "
            "covered no longer sees what it covered. Sign in to Samsyn and open SIP no. "
            "%(number)s to see what the plan needs now.\n\nThis message says nothing about the "
            "child: e-mail is not a secure channel."
        ) % {"number": case.pk}
    EmailMessage(subject=subject, body=body, to=[address]).send()
    return True


@transaction.atomic
def record_sip_maturity(
    *, actor: Actor, case_id: int, mature: bool, reasoning: str
) -> MaturityAssessment:
    """SIP-4, SEK-3: whether the child is mature enough to consent, with the reasoning."""
    case, decision = _case_run_by_actor(actor, case_id)
    assessment = consent.record_maturity(
        actor=actor, child=case.child, decision=decision, purpose=PURPOSE, mature=mature,
        reasoning=reasoning,
    )  # fmt: skip
    advance_after_consent(actor=actor, case=case, decision=decision)
    return assessment


@transaction.atomic
def record_sip_legal_ground(
    *,
    actor: Actor,
    case_id: int,
    basis_id: int,
    receiving_organisation_id: int,
    reason: str,
    valid_until: datetime.date,
) -> LegalGround:
    """Where the law allows disclosure without consent (SEK-1), the ground with its reference
    for one of the SIP's parties, covering the plan."""
    case, decision = _case_run_by_actor(actor, case_id)
    [receiver_id] = _receivers(case, [receiving_organisation_id])
    receiver = receiving_organisations(case).select_related("principal").get(pk=receiver_id)
    ground = consent.record_legal_ground(
        actor=actor, child=case.child, decision=decision, purpose=PURPOSE, basis_id=basis_id,
        receiver=receiver, category=Category.PLAN, purposes=SIP_PURPOSES, reason=reason,
        valid_until=valid_until,
    )  # fmt: skip
    advance_after_consent(actor=actor, case=case, decision=decision)
    return ground


# A coordinator is e-mailed when a consent the SIP stands on has this many days left.
REMINDER_DAYS = (30, 7)


def remind_coordinators_of_expiring_consents(*, today: datetime.date | None = None) -> int:
    """E-mail each coordinator of an open SIP whose consents run out in REMINDER_DAYS days: one
    message a person, naming the SIPs' numbers and the last days, never a child. Run once a day
    (`samsyn consent_reminders`); the days are fixed thresholds, so a second run the same day
    sends the same mail again. Returns how many messages were sent."""
    today = today or timezone.localdate()
    ending = Q()
    for days in REMINDER_DAYS:
        last = today + datetime.timedelta(days=days)
        ending |= Q(
            valid_until__gt=end_of(last - datetime.timedelta(days=1)), valid_until__lte=end_of(last)
        )
    consents = Consent.objects.filter(ending, withdrawn_at__isnull=True).values_list(
        "child_id", "receiving_organisation_id", "valid_until"
    )
    by_child: dict[int, list[tuple[int, datetime.date]]] = {}
    for child_id, organisation_id, valid_until in consents:
        by_child.setdefault(child_id, []).append((organisation_id, last_day(valid_until)))
    reminders: dict[str, set[tuple[int, datetime.date]]] = {}
    cases = (
        Case.objects.filter(child_id__in=by_child, coordinator__isnull=False)
        .exclude(status=Case.Status.CLOSED)
        .exclude(coordinator__email="")
        .select_related("coordinator")
        .prefetch_related("parties")
    )
    for case in cases:
        taking_part = {
            case.initiating_organisation_id,
            *(p.organisation_id for p in case.parties.all()),
        }
        for organisation_id, day in by_child[case.child_id]:
            if organisation_id in taking_part:
                reminders.setdefault(case.coordinator.email, set()).add((case.pk, day))
    with translation.override(MAIL_LANGUAGE):
        for address, sips in sorted(reminders.items()):
            lines = "\n".join(
                _("- SIP no. %(number)s: valid until and including %(day)s")
                % {"number": number, "day": day.isoformat()}
                for number, day in sorted(sips)
            )
            body = _(
                "Consents that SIPs you coordinate stand on run out soon:\n\n%(lines)s\n\nAsk "
                "the family whether they consent again, or record a legal ground, before the "
                "day has passed. Sign in to Samsyn to see the SIPs.\n\nThis message says nothing "
                "about the children: e-mail is not a secure channel."
            ) % {"lines": lines}
            EmailMessage(subject=_("Samsyn: consents run out soon"), body=body, to=[address]).send()
    return len(reminders)
