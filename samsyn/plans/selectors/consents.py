"""Reads of the consent a SIP stands on: the consents and legal grounds of the child that cover
the SIP's parties (DOMAIN SIP-3, SIP-4). Consent is the child's (the `consent` app); a SIP only
asks whether it covers every party. Read after `case_for` audited the SIP."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access.actor import Actor
from samsyn.access.models import Category, LegalGround, Purpose
from samsyn.consent import selectors as consent
from samsyn.consent.models import Consent, MaturityAssessment
from samsyn.plans.models import Case
from samsyn.plans.selectors.cases import (
    cases_visible_to,
    organisations_taking_part,
    receiving_organisations,
    record_list_read,
)

# How far ahead a coordinator is told of a consent running out, and how long a withdrawal shows.
ALERT_DAYS = 30
# Consents on a page of the SIP's, and the legal grounds it names: a child's consents are renewed
# for years, and the page costs the same however many.
PAGE_SIZE = 25
GROUNDS_SHOWN = 20


def sip_consent_status(case: Case) -> consent.ConsentStatus:
    """Every party other than the initiating organisation (which holds the relationship) needs
    a valid consent or a legal ground to receive the plan. A SIP with no other party has nobody
    to share with yet."""
    receivers = list(receiving_organisations(case))
    if not receivers:
        return consent.ConsentStatus([_("Invite at least one other organisation to the SIP.")])
    return consent.missing_consent(case.child, receivers, category=Category.PLAN)


def _taking_part_ids(case: Case) -> set[int]:
    # From the prefetched parties: one query for all the SIPs on a list.
    return {case.initiating_organisation_id, *(p.organisation_id for p in case.parties.all())}


def consents_of_case(case: Case) -> QuerySet[Consent]:
    """The child's consents to the SIP's organisations, newest first."""
    return (
        Consent.objects.filter(
            child_id=case.child_id,
            receiving_organisation_id__in=organisations_taking_part(case).values("pk"),
        )
        .select_related(
            "guardian", "receiving_organisation", "recorded_by", "withdrawn_recorded_by"
        )
        .order_by("-given_at", "-pk")
    )


def consent_page_of_case(case: Case, page: object = 1) -> Page:
    return Paginator(consents_of_case(case), PAGE_SIZE).get_page(page)


def legal_grounds_of_case(case: Case, *, limit: int | None = None) -> list[LegalGround]:
    """Legal grounds covering the plan for the SIP's organisations, newest first; the newest
    `limit` of them, if given."""
    grounds = (
        LegalGround.objects.filter(
            child_id=case.child_id, categories__contains=[Category.PLAN],
            receiving_organisation_id__in=organisations_taking_part(case).values("pk"),
        )
        .select_related("basis", "receiving_organisation", "recorded_by")
        .order_by("-recorded_at", "-pk")
    )  # fmt: skip
    return list(grounds[:limit] if limit is not None else grounds)


def latest_maturity(case: Case) -> MaturityAssessment | None:
    return consent.latest_maturity(case.child_id)


@dataclass(frozen=True)
class ConsentAlert:
    """A consent that the coordinator must act on: withdrawn lately, or running out soon."""

    case: Case
    consent: Consent

    @property
    def withdrawn(self) -> bool:
        return self.consent.withdrawn_at is not None


def consent_alerts_for(actor: Actor, *, limit: int = 20) -> list[ConsentAlert]:
    """Consents covering the open SIPs the actor coordinates that were withdrawn in the last
    ALERT_DAYS days or run out within them: the coordinator asks the family again
    or records what the withdrawal means for the plan. One audit row names the children."""
    now = timezone.now()
    window = datetime.timedelta(days=ALERT_DAYS)
    cases = {
        case.child_id: case
        for case in cases_visible_to(actor, purpose=Purpose.PLANNING)
        .filter(coordinator_id=actor.staff.pk)
        .exclude(status=Case.Status.CLOSED)
        .prefetch_related("parties")[:100]
    }
    if not cases:
        return []
    consents = list(
        Consent.objects.filter(child_id__in=cases)
        .filter(
            Q(withdrawn_at__gte=now - window)
            | Q(withdrawn_at__isnull=True, valid_until__gt=now, valid_until__lte=now + window)
        )
        .select_related("child", "guardian", "receiving_organisation")
        # The withdrawals first, the newest on top; then what runs out soonest.
        .order_by(F("withdrawn_at").desc(nulls_last=True), "valid_until", "pk")[:limit]
    )
    alerts = [
        ConsentAlert(cases[consent.child_id], consent)
        for consent in consents
        if consent.receiving_organisation_id in _taking_part_ids(cases[consent.child_id])
    ]
    record_list_read(actor, "sip_consent_alerts", [alert.case for alert in alerts])
    return alerts
