"""The demo county's referrals (issue 11, point 0), one in each state, from the named logins:
`handlaggare` (social services Örebro, utredning) refers children to BUP Örebro (USÖ), where
`behandlare` answers — accepted, declined with an agreed next step, not yet answered, withdrawn,
and the seeds' bounce: "BUP tar inte ärendet eftersom den sociala situationen är rörig", declined
with no next step, on `handlaggare`'s radar (RAD-8) — and `kurator` (Ekängsskolan) refers a pupil
to social services' intake, under the guardians' consent, for `mottagning` to answer.

Social services send under OSL 26 kap. 9 § (a legal ground recorded with each referral), the
school under consent. Written straight to the models, as the SIPs are: a bulk load, not a
person's act, so no audit row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access.models import Category, LegalBasis, LegalGround, Purpose
from samsyn.children.models import Child, Guardian, Involvement
from samsyn.consent.models import Consent
from samsyn.demo.generator import County
from samsyn.demo.logins import DEMO_SCHOOL, SOCIAL_OREBRO
from samsyn.directory.models import Staff, Unit
from samsyn.referrals.models import Referral

BUP_OREBRO = "bup/BUP Örebro (USÖ)"
INTAKE_OREBRO = f"{SOCIAL_OREBRO}/Barn och unga – mottagning"
INVESTIGATION_OREBRO = f"{SOCIAL_OREBRO}/Barn och unga – utredning"

# The seeds' bounce (DOMAIN §7, RAD-8).
SEED_DECLINE = (
    "BUP tar inte ärendet eftersom den sociala situationen är rörig. Socialtjänsten behöver "
    "först reda ut hemsituationen."
)

# (status, days since sent, days since answered, effort, reason, decline reason, next step)
FROM_SOCIAL = [
    (
        Referral.Status.DECLINED,
        19,
        12,
        "Bedömning och behandling av ångest och sömnsvårigheter.",
        "Barnet har svår ångest, sover dåligt och har inte gått till skolan sedan höstlovet. "
        "Familjen har stöd från öppenvården sedan i våras men behoven är psykiatriska.",
        SEED_DECLINE,
        "",
    ),
    (
        Referral.Status.DECLINED,
        40,
        35,
        "Utredning av koncentrationssvårigheter.",
        "Skolan och vårdnadshavarna beskriver stora koncentrationssvårigheter och konflikter "
        "hemma när läxor ska göras.",
        "Behovet gäller i första hand en neuropsykiatrisk utredning, som habiliteringen gör.",
        "Remissen går till habiliteringen; BUP deltar i det gemensamma mötet om tre veckor.",
    ),
    (
        Referral.Status.ACCEPTED,
        60,
        50,
        "Behandling av nedstämdhet.",
        "Tonåring med tilltagande nedstämdhet och självskadetankar; familjebehandlingen "
        "räcker inte.",
        "",
        "",
    ),
    (
        Referral.Status.SENT,
        3,
        None,
        "Bedömning av ätsvårigheter.",
        "Barnet äter allt mindre, har gått ner i vikt och undviker måltider hemma.",
        "",
        "",
    ),
    (
        Referral.Status.WITHDRAWN,
        30,
        None,
        "Bedömning av ilskeutbrott.",
        "Återkommande ilskeutbrott hemma och i skolan.",
        "",
        "",
    ),
]
FROM_SCHOOL = (
    "Utredning av familjens situation och stöd till barnet.",
    "Eleven berättar om bråk hemma, kommer ofta trött och hungrig till skolan och har hög "
    "frånvaro. Vårdnadshavarna har själva bett om hjälp och samtyckt till remissen.",
)


def write_referrals(
    county: County, children: list[Child], guardians: list[Guardian],
    staff: dict[str, Staff], units: dict[str, Unit], progress: Callable[[str], None],
) -> None:  # fmt: skip
    needed = {BUP_OREBRO, INTAKE_OREBRO, INVESTIGATION_OREBRO, DEMO_SCHOOL}
    if not needed <= units.keys() or not {"handlaggare", "behandlare", "kurator"} <= staff.keys():
        return
    progress(_("Writing referrals…"))
    now = timezone.now()
    active = [row for row in county.involvements if row.ended_on is None]
    own = sorted(
        {row.child for row in active
         if row.unit == INVESTIGATION_OREBRO and row.staff == "handlaggare"}
    )  # fmt: skip
    at_bup = {row.child for row in active if row.unit == BUP_OREBRO}
    # Children BUP does not yet treat first: the referral is how they would reach it. Then the
    # others, so every state has its referral whatever the county's draws.
    candidates = [i for i in own if i not in at_bup] + [i for i in own if i in at_bup]
    social, bup = units[INVESTIGATION_OREBRO], units[BUP_OREBRO]
    basis = LegalBasis.objects.get(code="osl-26-9")
    referrals, grounds, involved = [], [], []
    for index, row in zip(candidates, FROM_SOCIAL, strict=False):
        status, sent_days, answered_days, effort, reason, declined, next_step = row
        sent_at = now - timedelta(days=sent_days)
        grounds.append(
            LegalGround(
                child=children[index],
                basis=basis,
                receiving_organisation=bup.organisation,
                categories=[Category.BASIC, Category.SOCIAL],
                purposes=list(basis.purposes),
                reason=f"Remiss: {effort}",
                valid_from=sent_at,
                recorded_at=sent_at,
                valid_until=sent_at + timedelta(days=180),
                recorded_by=staff["handlaggare"],
            )  # fmt: skip
        )
        referral = Referral(
            child=children[index], from_organisation=social.organisation, from_unit=social,
            sent_by=staff["handlaggare"], sent_at=sent_at, to_organisation=bup.organisation,
            to_unit=bup, reason=reason, effort=effort, category=Category.SOCIAL, status=status,
        )  # fmt: skip
        if answered_days is not None:
            referral.answered_at = now - timedelta(days=answered_days)
            referral.answered_by = staff["behandlare"]
            referral.decline_reason = declined
            referral.next_step = next_step
            referral.next_step_at = referral.answered_at if next_step else None
        if status == Referral.Status.WITHDRAWN:
            referral.withdrawn_at = sent_at + timedelta(days=2)
            referral.withdrawn_by = staff["handlaggare"]
        if status == Referral.Status.ACCEPTED and index not in at_bup:
            involved.append(
                Involvement(
                    child=children[index],
                    unit=bup,
                    staff=staff["behandlare"],
                    reason=f"Remiss accepterad: {effort}",
                    started_on=(now - timedelta(days=answered_days or 0)).date(),
                )  # fmt: skip
            )
        referrals.append(referral)
    LegalGround.objects.bulk_create(grounds)
    for referral, ground in zip(referrals, grounds, strict=True):
        referral.legal_ground = ground
    referrals += _from_school(county, children, guardians, staff, units, now)
    Referral.objects.bulk_create(referrals)
    Involvement.objects.bulk_create(involved)


def _from_school(county, children, guardians, staff, units, now) -> list[Referral]:
    """The school's referral of a pupil to social services' intake, after both guardians
    consented to social services receiving the school's information."""
    school, intake = units[DEMO_SCHOOL], units[INTAKE_OREBRO]
    pupils = sorted(
        {row.child for row in county.involvements
         if row.unit == DEMO_SCHOOL and row.ended_on is None
         and county.children[row.child].guardians
         and not county.children[row.child].protected_identity}
    )  # fmt: skip
    if not pupils:
        return []
    index = pupils[-1]
    sent_at = now - timedelta(days=6)
    consents = Consent.objects.bulk_create(
        [
            Consent(
                child=children[index],
                given_by=Consent.GivenBy.GUARDIAN,
                guardian=guardians[guardian],
                receiving_organisation=intake.organisation,
                categories=[Category.BASIC, Category.SCHOOL],
                purposes=[Purpose.INVESTIGATION, Purpose.PLANNING, Purpose.SUPPORT],
                form=Consent.Form.WRITTEN,
                given_at=sent_at - timedelta(days=1),
                valid_until=now + timedelta(days=365),
                recorded_by=staff["kurator"],
                recorded_for=school.organisation,
            )  # fmt: skip
            for guardian in county.children[index].guardians
        ]
    )
    effort, reason = FROM_SCHOOL
    return [
        Referral(
            child=children[index],
            from_organisation=school.organisation,
            from_unit=school,
            sent_by=staff["kurator"],
            sent_at=sent_at,
            to_organisation=intake.organisation,
            to_unit=intake,
            reason=reason,
            effort=effort,
            category=Category.SCHOOL,
            consent=consents[0],
        )  # fmt: skip
    ]
