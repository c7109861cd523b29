"""The demo county's anonymous case consultations (issue 9, item 5; DOMAIN KON-1): the demo
school asks BUP (answered, and one still waiting), BVC asks social services, and one school
consultation is linked to a pupil after the guardians consented to sharing with BUP.

Written straight to the models, as the SIPs are: a bulk load, not a person's act, so no audit
row. Built from the named demo logins, so whoever signs in as `kurator`, `behandlare`,
`dubbelroll` or `handlaggare` finds them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from samsyn.access.models import Category, Purpose
from samsyn.children.models import Child, Guardian
from samsyn.consent.models import Consent
from samsyn.consultations.models import Consultation
from samsyn.consultations.selectors import category_of
from samsyn.demo.generator import County
from samsyn.demo.logins import DEMO_SCHOOL, SOCIAL_OREBRO
from samsyn.directory.models import Staff, Unit

BUP_OREBRO = "bup/BUP Örebro (USÖ)"
BVC_OREBRO = "bvc/BVC Örebro"
INTAKE_OREBRO = f"{SOCIAL_OREBRO}/Barn och unga – mottagning"
INVESTIGATION_OREBRO = f"{SOCIAL_OREBRO}/Barn och unga – utredning"

# (asker login, asking unit, consulted unit, None: the whole organisation, age band, question,
#  situation, answerer login and unit or None, days ago)
ROWS = [
    (
        "kurator",
        DEMO_SCHOOL,
        BUP_OREBRO,
        True,
        "13-15",
        "Hur kan vi i elevhälsan stötta en elev som slutat äta lunch i skolan?",
        "Flicka i årskurs 8 som har gått ner märkbart i vikt sedan höstlovet, undviker matsalen "
        "och säger att hon inte är hungrig. Vårdnadshavarna vet om elevhälsans oro.",
        (
            "behandlare",
            BUP_OREBRO,
            "Det ni beskriver kan vara början på en ätstörning. Föreslå vårdnadshavarna att söka "
            "vårdcentralen eller BUP direkt, och ring oss gärna igen om det inte blir av.",
        ),
        12,
    ),
    (
        "kurator",
        DEMO_SCHOOL,
        BUP_OREBRO,
        False,
        "16-17",
        "När bör skolan ta kontakt med BUP om självskadebeteende?",
        "Elev i årskurs 9 med ytliga skärsår på underarmarna som eleven själv visat kuratorn. "
        "Eleven vill inte att föräldrarna får veta.",
        None,
        2,
    ),
    (
        "skolskoterska",
        DEMO_SCHOOL,
        BUP_OREBRO,
        True,
        "10-12",
        "Vilka tecken på ångest bör vi följa upp innan vi föreslår en remiss?",
        "Pojke i årskurs 5 med magont nästan varje morgon, hög frånvaro sedan i våras och "
        "oro inför prov. Inga kända händelser hemma.",
        (
            "behandlare",
            BUP_OREBRO,
            "Följ närvaron vecka för vecka och gör en plan för skoldagen tillsammans med eleven. "
            "Kvarstår besvären efter några veckor är en kontakt med vårdcentralen första steget.",
        ),
        30,
    ),
    (
        "dubbelroll",
        BVC_OREBRO,
        INTAKE_OREBRO,
        False,
        "0-2",
        "Räcker det vi ser för en orosanmälan, eller ska vi först erbjuda stöd?",
        "Förälder till ett spädbarn som vid två besök verkat mycket trött och nedstämd och inte "
        "svarat på barnets signaler. Ingen synlig skada på barnet.",
        (
            "handlaggare",
            INVESTIGATION_OREBRO,
            "Erbjud stöd och ett extra besök, men tveka inte att anmäla om oron kvarstår: en "
            "konsultation med oss ersätter aldrig en anmälan. Ring mottagningen vid osäkerhet.",
        ),
        20,
    ),
    (
        "dubbelroll",
        BVC_OREBRO,
        INTAKE_OREBRO,
        True,
        "3-5",
        "Vilket stöd kan socialtjänsten ge en familj som nyss kommit till Sverige?",
        "Familj med två barn i förskoleåldern som saknar bostad efter etableringstiden. "
        "Föräldrarna har själva bett BVC om råd.",
        None,
        4,
    ),
]

LINKED_QUESTION = "Hur kan vi samordna elevhälsans stöd med en pågående kontakt på BUP?"
LINKED_SITUATION = (
    "Elev i årskurs 7 med hög frånvaro och koncentrationssvårigheter; familjen har nämnt en "
    "kontakt med BUP men skolan vet inte vad den gäller."
)
LINKED_ANSWER = (
    "Med vårdnadshavarnas samtycke kan vi ses i ett gemensamt möte; föreslå gärna en SIP om "
    "fler behöver vara med."
)


def _category(unit: Unit) -> str:
    return category_of(unit.organisation)


def write_consultations(
    county: County, children: list[Child], guardians: list[Guardian],
    staff: dict[str, Staff], units: dict[str, Unit], progress: Callable[[str], None],
) -> None:  # fmt: skip
    now = timezone.now()
    needed = {DEMO_SCHOOL, BUP_OREBRO, BVC_OREBRO, INTAKE_OREBRO, INVESTIGATION_OREBRO}
    if not needed <= units.keys():
        return
    progress(_("Writing consultations…"))
    made = []
    for asker, asking, consulted, by_unit, band, question, situation, answer, days in ROWS:
        if asker not in staff:
            continue
        asked_at = now - timedelta(days=days)
        row = Consultation(
            asked_by=staff[asker], asking_organisation=units[asking].organisation,
            asking_unit=units[asking], asked_at=asked_at,
            consulted_organisation=units[consulted].organisation,
            consulted_unit=units[consulted] if by_unit else None, age_band=band,
            question=question, situation=situation, category=_category(units[asking]),
        )  # fmt: skip
        if answer and answer[0] in staff:
            row.answer, row.answered_by = answer[2], staff[answer[0]]
            row.answered_by_unit, row.answered_at = units[answer[1]], asked_at + timedelta(days=1)
        made.append(row)
    linked = _linked(county, children, guardians, staff, units, now)
    Consultation.objects.bulk_create([*made, *linked])


def _linked(county, children, guardians, staff, units, now) -> list[Consultation]:
    """The school's consultation to BUP about a pupil both know, linked after both guardians
    consented to BUP receiving the school's information (a consent goes only to an
    organisation the child is involved with)."""
    if not {"kurator", "behandlare"} <= staff.keys():
        return []
    active = [row for row in county.involvements if row.ended_on is None]
    at_school = {row.child for row in active if row.unit == DEMO_SCHOOL}
    at_bup = {row.child for row in active if row.unit.startswith("bup/")}
    pupils = [
        index for index in sorted(at_school & at_bup)
        if county.children[index].guardians and not county.children[index].protected_identity
    ]  # fmt: skip
    if not pupils:
        return []
    index = pupils[0]
    child, counsellor = children[index], staff["kurator"]
    school, bup = units[DEMO_SCHOOL], units[BUP_OREBRO]
    Consent.objects.bulk_create(
        [
            Consent(
                child=child,
                given_by=Consent.GivenBy.GUARDIAN,
                guardian=guardians[guardian],
                receiving_organisation=bup.organisation,
                categories=[Category.SCHOOL],
                purposes=[Purpose.TREATMENT, Purpose.SUPPORT, Purpose.PLANNING],
                form=Consent.Form.WRITTEN,
                given_at=now - timedelta(days=6),
                valid_until=now + timedelta(days=365),
                recorded_by=counsellor,
                recorded_for=school.organisation,
            )  # fmt: skip
            for guardian in county.children[index].guardians
        ]
    )
    asked_at = now - timedelta(days=9)
    return [
        Consultation(
            asked_by=counsellor,
            asking_organisation=school.organisation,
            asking_unit=school,
            asked_at=asked_at,
            consulted_organisation=bup.organisation,
            consulted_unit=bup,
            age_band=Consultation.AgeBand.TEEN,
            question=LINKED_QUESTION,
            situation=LINKED_SITUATION,
            category=Category.SCHOOL,
            answer=LINKED_ANSWER,
            answered_by=staff["behandlare"],
            answered_by_unit=bup,
            answered_at=asked_at + timedelta(days=2),
            child=child,
            linked_at=now - timedelta(days=5),
            linked_by=counsellor,
        )  # fmt: skip
    ]
