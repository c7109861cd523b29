"""Reads of consent about a child: whether organisations may receive a category of its data,
and what is missing if not (DOMAIN SIP-3, SIP-4, SEK-3). The callers have opened the record
these rows serve (a SIP's page) through `access`, which audited that read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access import rules
from samsyn.access.models import LegalGround
from samsyn.children.models import Child, Guardianship
from samsyn.consent.models import Consent, MaturityAssessment
from samsyn.directory.models import Organisation


@dataclass(frozen=True)
class ConsentStatus:
    """Whether every receiver may receive the information, and, if not, what is missing in
    words."""

    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def latest_maturity(child_id: int) -> MaturityAssessment | None:
    return (
        MaturityAssessment.objects.filter(child_id=child_id).select_related("assessed_by").first()
    )


def child_is_mature(child_id: int) -> bool:
    latest = latest_maturity(child_id)
    return bool(latest and latest.mature)


def missing_consent(
    child: Child, receivers: Iterable[Organisation], *, category: str
) -> ConsentStatus:
    """Each receiver needs a valid consent covering `category` — from the child if assessed
    mature enough, otherwise from the guardians (both, where the child's region says so) — or a
    recorded legal ground."""
    now = timezone.now()
    valid = Consent.objects.filter(
        child_id=child.pk,
        categories__contains=[category],
        given_at__lte=now,
        valid_until__gt=now,
        withdrawn_at__isnull=True,
    )
    grounds = set(
        LegalGround.objects.filter(
            child_id=child.pk,
            categories__contains=[category],
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

    mature = child_is_mature(child.pk)
    guardians = set(
        Guardianship.objects.current().filter(child=child).values_list("guardian_id", flat=True)
    )
    both = rules.both_guardians_must_consent(child.municipality.code[:2])
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


def consents_of_child(child_id: int, *, receivers: Iterable[int]) -> list[Consent]:
    """The child's consents to the given organisations, newest first."""
    return list(
        Consent.objects.filter(child_id=child_id, receiving_organisation_id__in=list(receivers))
        .select_related(
            "guardian", "receiving_organisation", "recorded_by", "withdrawn_recorded_by"
        )
        .order_by("-given_at", "-pk")
    )


def consent_for_withdrawal(
    consent_id: int, *, child_id: int, receivers: Iterable[int]
) -> Consent | None:
    """One of the child's consents to these organisations, locked for withdrawing it (the
    caller tells a withdrawn one by its `withdrawn_at`); None when there is no such consent —
    another child's and a missing id alike."""
    return (
        Consent.objects.select_for_update(of=("self",))
        .select_related("child", "guardian", "receiving_organisation")
        .filter(pk=consent_id, child_id=child_id, receiving_organisation_id__in=list(receivers))
        .first()
    )


def legal_grounds_of_child(
    child_id: int, *, receivers: Iterable[int], category: str
) -> list[LegalGround]:
    """The legal grounds covering `category` for the given organisations, newest first."""
    return list(
        LegalGround.objects.filter(
            child_id=child_id,
            categories__contains=[category],
            receiving_organisation_id__in=list(receivers),
        )
        .select_related("basis", "receiving_organisation", "recorded_by")
        .order_by("-recorded_at", "-pk")
    )
