"""Reads of the consent a SIP stands on: the consents and legal grounds of the child that cover
the SIP's parties (DOMAIN SIP-3, SIP-4). Consent is the child's (the `consent` app); a SIP only
asks whether it covers every party. Read after `case_for` audited the SIP."""

from __future__ import annotations

from django.utils.translation import gettext as _

from samsyn.access.models import Category, LegalGround
from samsyn.consent import selectors as consent
from samsyn.consent.models import Consent, MaturityAssessment
from samsyn.plans.models import Case
from samsyn.plans.selectors.cases import organisations_taking_part, receiving_organisations


def sip_consent_status(case: Case) -> consent.ConsentStatus:
    """Every party other than the initiating organisation (which holds the relationship) needs
    a valid consent or a legal ground to receive the plan. A SIP with no other party has nobody
    to share with yet."""
    receivers = list(receiving_organisations(case))
    if not receivers:
        return consent.ConsentStatus([_("Invite at least one other organisation to the SIP.")])
    return consent.missing_consent(case.child, receivers, category=Category.PLAN)


def _taking_part(case: Case) -> list[int]:
    return list(organisations_taking_part(case).values_list("pk", flat=True))


def consents_of_case(case: Case) -> list[Consent]:
    """The child's consents to the SIP's organisations, newest first."""
    return consent.consents_of_child(case.child_id, receivers=_taking_part(case))


def legal_grounds_of_case(case: Case) -> list[LegalGround]:
    """Legal grounds covering the plan for the SIP's organisations."""
    return consent.legal_grounds_of_child(
        case.child_id, receivers=_taking_part(case), category=Category.PLAN
    )


def latest_maturity(case: Case) -> MaturityAssessment | None:
    return consent.latest_maturity(case.child_id)
