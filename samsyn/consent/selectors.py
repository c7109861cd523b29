"""Reads of consent: whether a SIP has the consent it needs (DOMAIN SIP-3, SIP-4, SEK-3)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access.models import Category, LegalGround
from samsyn.consent.models import Consent, MaturityAssessment
from samsyn.directory.models import Organisation


@dataclass(frozen=True)
class ConsentStatus:
    """Whether every party may receive the plan, and, if not, what is missing in words."""

    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def child_is_mature(case) -> bool:
    latest = MaturityAssessment.objects.filter(child_id=case.child_id).first()
    return bool(latest and latest.mature)


def sip_consent_status(case) -> ConsentStatus:
    """Every party other than the initiating organisation (which holds the relationship) needs
    a valid consent to receive the plan — from the child if assessed mature enough, otherwise
    from the guardians (both, where the region's setting says so) — or a recorded legal
    ground. A SIP with no other party has nobody to share with yet."""
    from samsyn.plans.selectors.cases import settings_for

    receivers = list(
        Organisation.objects.filter(pk__in=case.parties.values("organisation_id"))
        .exclude(pk=case.initiating_organisation_id)
        .order_by("name")
    )
    if not receivers:
        return ConsentStatus([_("Invite at least one other organisation to the SIP.")])
    now = timezone.now()
    valid = Consent.objects.filter(
        child_id=case.child_id,
        categories__contains=[Category.PLAN],
        given_at__lte=now,
        valid_until__gt=now,
        withdrawn_at__isnull=True,
    )
    grounds = set(
        LegalGround.objects.filter(
            child_id=case.child_id,
            categories__contains=[Category.PLAN],
            valid_from__lte=now,
            valid_until__gt=now,
            ended_at__isnull=True,
        ).values_list("receiving_organisation_id", flat=True)
    )
    by_child = set(
        valid.filter(given_by=Consent.GivenBy.CHILD).values_list(
            "receiving_organisation_id", flat=True
        )
    )
    by_guardian: dict[int, set[int]] = {}
    for organisation_id, guardian_id in valid.filter(given_by=Consent.GivenBy.GUARDIAN).values_list(
        "receiving_organisation_id", "guardian_id"
    ):
        by_guardian.setdefault(organisation_id, set()).add(guardian_id)

    mature = child_is_mature(case)
    guardians = set(case.child.guardianships.values_list("guardian_id", flat=True))
    both = settings_for(case).both_guardians_must_consent
    needed = len(guardians) if both else min(1, len(guardians))
    missing = []
    for organisation in receivers:
        if organisation.pk in grounds:
            continue
        if mature:
            if organisation.pk not in by_child:
                missing.append(
                    _("The child's consent to share with %(organisation)s.")
                    % {"organisation": organisation}
                )
            continue
        if not guardians:
            missing.append(
                _(
                    "No guardian can consent to sharing with %(organisation)s: record whether "
                    "the child is mature enough to consent, or a legal ground."
                )
                % {"organisation": organisation}
            )
            continue
        given = len(by_guardian.get(organisation.pk, set()) & guardians)
        if given < needed:
            missing.append(
                _("%(given)s of %(needed)s guardians' consent to share with %(organisation)s.")
                % {"given": given, "needed": needed, "organisation": organisation}
            )
    return ConsentStatus(missing)


def consents_of_case(case) -> list[Consent]:
    """The SIP's consents, newest first, for the SIP page (read after `case_for` audited it)."""
    return list(
        Consent.objects.filter(case=case)
        .select_related(
            "guardian", "receiving_organisation", "recorded_by", "withdrawn_recorded_by"
        )
        .order_by("-given_at", "-pk")
    )


def legal_grounds_of_case(case) -> list[LegalGround]:
    """Legal grounds covering the plan for the SIP's organisations."""
    organisations = case.parties.values("organisation_id")
    return list(
        LegalGround.objects.filter(
            child_id=case.child_id,
            categories__contains=[Category.PLAN],
            receiving_organisation_id__in=organisations,
        )
        .select_related("basis", "receiving_organisation", "recorded_by")
        .order_by("-recorded_at", "-pk")
    )


def latest_maturity(case) -> MaturityAssessment | None:
    return (
        MaturityAssessment.objects.filter(child_id=case.child_id)
        .select_related("assessed_by")
        .first()
    )
