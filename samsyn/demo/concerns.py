"""The demo county's reports of concern (issue 9, item 7): an intake per municipality, reports
from every kind of reporter in proportion to the municipalities' size, and each step of their
path — new, protection assessed, initial assessment decided, investigation opened, extended,
finished — with some late on every deadline (DOMAIN ANM-3…ANM-6), feedback given and owed,
meeting offers with their answers (ANM-7). And the seeds' school: a report that asked for
feedback, was decided more than a week ago and got none.

Drawn from a random generator of its own (the county's seed + "-concerns"), so the rest of the
county stays as it was; dates count back from `today`, the day the county is built, as the SIPs'
do, so a fresh demo always has reports due today and overdue. Same seed, size, year and day give
the same reports. Written straight to the models as a bulk load: no service, no audit row.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import astuple, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from samsyn.demo import data
from samsyn.demo.logins import DEMO_SCHOOL
from samsyn.directory.models import Role

if TYPE_CHECKING:
    from samsyn.demo.generator import County

INTAKE = "Barn och unga – mottagning"
INVESTIGATION = "Barn och unga – utredning"
# Who the seeds' school's reports come from (logins.py).
SEED_REPORTER = "kurator"
# The steps a report has reached when the county is built. Each appears at least once; the
# rest are drawn with these weights. "under_way" is two reports about one child: the first
# opened an investigation, the second joins it.
SCENARIOS: dict[str, int] = {
    "new": 8, "new_late": 5, "protected": 12, "initial_late": 5, "initial_extended": 0,
    "not_opened": 30, "opened": 10, "under_way": 5, "investigation_late": 3,
    "investigation_extended": 0, "finished": 5,
}  # fmt: skip
CATEGORIES: dict[str, int] = {
    "school": 28, "preschool": 8, "health": 14, "social": 7, "police": 25, "authority": 5,
    "public": 13,
}  # fmt: skip
# Not yet linked to a child (named by name and address only) in these steps only: intake links
# a report before it decides on it.
MAY_BE_UNLINKED = ("new", "new_late", "protected")
UNDECIDED = ("new", "new_late", "protected", "initial_late", "initial_extended")

WHAT_SEEN: dict[str, tuple[str, ...]] = {
    "school": (
        "Eleven kommer ofta till skolan hungrig och utan ytterkläder, och har blåmärken på "
        "armarna som hen inte vill förklara.",
        "Eleven har varit frånvarande mer än halva terminen. Vårdnadshavarna svarar inte när "
        "skolan ringer.",
        "Eleven berättade för mentorn att pappa slår mamma när han druckit, och att hen inte "
        "vågar gå hem.",
        "Eleven har på kort tid blivit tyst och inåtvänd, äter inte i matsalen och har skador "
        "som ser självtillfogade ut.",
    ),
    "preschool": (
        "Barnet hämtas ofta sent av en vuxen som luktar alkohol, och har flera gånger varit "
        "smutsigt och trött.",
        "Barnet säger att mamma sover hela dagarna och att hen får ta hand om sin lillebror.",
        "Barnet har återkommande blåmärken i ansiktet; förklaringarna från hemmet skiftar.",
    ),
    "health": (
        "Vid besöket fanns blåmärken av olika ålder som inte stämmer med förälderns förklaring.",
        "Barnet har missat flera vaccinationer och tillväxtkontroller; familjen uteblir från "
        "bokade tider och är svår att nå.",
        "Patienten berättade om hot och våld i hemmet och vill inte att vårdnadshavarna får "
        "veta att hen berättat.",
        "Förälderns psykiska ohälsa har förvärrats och barnets grundläggande behov verkar inte "
        "tillgodoses.",
    ),
    "social": (
        "Under familjebehandlingen framkom uppgifter om våld mellan vårdnadshavarna som barnet "
        "bevittnat.",
        "Vid hembesök var bostaden i mycket dåligt skick och det fanns ingen mat till barnen.",
    ),
    "police": (
        "Polisen ingrep vid ett larm om bråk i bostaden; barnet var hemma och bevittnade våldet.",
        "Barnet greps misstänkt för snatteri tillsammans med äldre ungdomar sent på kvällen.",
        "Vid en husrannsakan påträffades narkotika i bostaden där barnet bor.",
        "Barnet anträffades ensamt ute klockan två på natten och kunde inte säga var "
        "vårdnadshavarna fanns.",
    ),
    "authority": (
        "Barnet berättade i ett samtal på Barnahus om att en äldre släkting tar bilder av hen.",
        "I samband med samråd kom uppgifter fram om att barnet utsätts för hedersrelaterad "
        "kontroll.",
    ),
    "public": (
        "Jag bor granne med familjen och hör nästan varje kväll skrik och slag genom väggen. "
        "Barnet gråter ofta.",
        "Barnet är ofta ute ensamt sent på kvällen och säger att det inte finns någon hemma.",
        "Jag är släkt med barnet och är orolig för att mamma dricker mycket och inte orkar ta "
        "hand om hen.",
    ),
}  # fmt: skip
PROTECTION = (
    "Inget akut skyddsbehov: barnet bor hos en vårdnadshavare som samarbetar, och skolan har "
    "kontakt med barnet varje dag.",
    "Inget omedelbart skyddsbehov; uppgifterna behöver bedömas vidare i förhandsbedömningen.",
    "Barnet har en trygg vuxen i nätverket; ingen omedelbar åtgärd krävs.",
)
PROTECTION_NEEDED = (
    "Omedelbart skyddsbehov: barnet placeras tillfälligt hos morföräldrarna i samråd med "
    "vårdnadshavaren; polisen är underrättad.",
    "Skyddsbehov: samtal med barnet på skolan i dag utan vårdnadshavarnas vetskap; polisanmälan "
    "görs.",
)
REASONS = {
    "opened": (
        "Uppgifterna om våld i hemmet och barnets egna berättelse behöver utredas.",
        "Flera anmälningar på kort tid och oklar omsorgssituation; utredning inleds.",
    ),
    "not_opened": (
        "Vårdnadshavarna har tagit emot stöd och situationen bedöms ha stabiliserats.",
        "Uppgifterna ger inte skäl att inleda utredning; familjen hänvisas till öppenvården.",
        "Uppgifterna är utredda i samband med tidigare anmälan och inget nytt har framkommit.",
    ),
    "under_way": ("Pågående utredning; anmälan tillförs utredningen.",),
}
SEED_EARLIER = (
    "Eleven är ofta trött och hungrig, har inte med sig idrottskläder och har varit "
    "frånvarande flera dagar varje vecka i höst. Hen säger att det är stökigt hemma."
)
SEED_REPORT = (
    "Vi ser barnet varje dag. Hen kommer utan frukost, somnar på lektionerna och säger att hen "
    "inte vill gå hem. Det här är andra gången vi anmäler; efter förra anmälan hörde ingen av "
    "sig och inget har förändrats. Vi ber om återkoppling."
)
SEED_REASONS = "Vårdnadshavarna uppger att situationen är under kontroll; ingen utredning inleds."
EXTENSION_INITIAL = (
    "Synnerliga skäl: barnet vistas hos en förälder utomlands och kan höras först när hen "
    "kommer hem; polisens förundersökning väntar på förhör."
)
EXTENSION_INVESTIGATION = (
    "Särskilda skäl: den neuropsykiatriska utredningen hos BUP blir klar först om två månader "
    "och behövs för att bedöma barnets behov."
)
OUTCOMES = (
    "Utredningen avslutas med insats: familjebehandling i öppenvården.",
    "Utredningen avslutas utan insats; familjen har fått råd och stöd.",
    "Utredningen avslutas med kontaktperson för barnet enligt SoL.",
)
BATCH = 5_000
MEETING_NOTES = (
    "Mötet hålls på skolan med mentorn, barnet och mamma.",
    "Vårdnadshavarna vill inte träffas i nuläget.",
    "",
)


# ---------------------------------------------------------------------------- rows
# Indexes refer into County.children and into this module's own lists; staff are usernames,
# units are the county's unit keys, municipalities their codes.


@dataclass
class ReportRow:
    municipality: str
    received_at: datetime
    reporter_kind: str
    reporter_category: str
    reporter_staff: str | None
    reporter_unit: str | None
    anonymous: bool
    reporter_name: str
    reporter_phone: str
    reporter_email: str
    child: int | None  # None: named by name and address only, not yet linked
    given_identity_number: str
    given_name: str
    given_address: str
    # Linked on receipt by the exact identity number (nobody), or by intake confirming a
    # match on name and address (the caseworker, later).
    linked_by: str | None
    linked_at: datetime | None
    what_seen: str
    urgency: str
    feedback_requested_at: datetime | None


@dataclass
class ProtectionRow:
    report: int
    immediate_protection_needed: bool
    assessment: str
    decided_by: str
    decided_at: datetime


@dataclass
class InvestigationRow:
    child: int
    municipality: str
    unit: str
    caseworker: str
    opened_on: date
    opened_by: str
    extended_until: date | None = None
    extension_reason: str = ""
    extended_by: str | None = None
    finished_on: date | None = None
    outcome: str = ""


@dataclass
class InitialRow:
    report: int
    decision: str  # "" while undecided (an extension is recorded before the decision)
    reasons: str
    decided_by: str | None
    decided_at: datetime | None
    investigation: int | None
    extended_until: date | None = None
    extension_reason: str = ""
    extended_by: str | None = None


@dataclass
class FeedbackRow:
    report: int
    answer: str
    given_by: str
    given_at: datetime


@dataclass
class MeetingOfferRow:
    report: int
    offered_by: str
    offered_at: datetime
    answer: str
    answered_at: datetime | None
    note: str


@dataclass
class Concerns:
    """Everything this module adds to a county, as plain rows."""

    today: date
    reports: list[ReportRow] = field(default_factory=list)
    protections: list[ProtectionRow] = field(default_factory=list)
    investigations: list[InvestigationRow] = field(default_factory=list)
    initials: list[InitialRow] = field(default_factory=list)
    feedback: list[FeedbackRow] = field(default_factory=list)
    offers: list[MeetingOfferRow] = field(default_factory=list)
    # The seeds' school's report that got no feedback, and the earlier one about the child.
    seed_report: int = -1
    seed_earlier: int = -1

    def digest(self) -> str:
        sha = hashlib.sha256(self.today.isoformat().encode())
        for name in ("reports", "protections", "investigations", "initials", "feedback", "offers"):
            for row in getattr(self, name):
                sha.update(json.dumps(astuple(row), default=str, ensure_ascii=False).encode())
                sha.update(b"\n")
        sha.update(f"{self.seed_report},{self.seed_earlier}".encode())
        return sha.hexdigest()


def _largest_remainder(total: int, weights: list[int]) -> list[int]:
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    counts = [int(share) for share in shares]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


MINIMUM = 3  # reports per municipality, however small the county


def report_count(children: int) -> int:
    """About one report in two months per 40 children, as in a Swedish county, three in each
    municipality besides, and enough for every step in the smallest county."""
    return MINIMUM * len(data.MUNICIPALITIES) + max(36, children // 40)


# ---------------------------------------------------------------------------- drawing


class _Drawer:
    def __init__(self, county: County, today: date) -> None:
        self.c = county
        self.today = today
        self.rng = random.Random(f"{county.seed}-concerns")
        self.out = Concerns(today=today)
        self.m = {m.code: m for m in data.MUNICIPALITIES}
        self.staff = {s.username: s for s in county.staff}
        self.members: dict[tuple[str, str], list[str]] = {}
        for person in county.staff:
            for unit, role in person.memberships:
                self.members.setdefault((unit, role), []).append(person.username)
        self.units = {u.key for u in county.units}
        self.pool: dict[str, list[int]] = {}
        for index, child in enumerate(county.children):
            self.pool.setdefault(child.municipality, []).append(index)
        self.active: dict[int, list[str]] = {}
        for involvement in county.involvements:
            if involvement.ended_on is None:
                self.active.setdefault(involvement.child, []).append(involvement.unit)
        # Children already under investigation in the county are left to it: a report here
        # opens its own investigation, and one child has one open investigation at a time.
        self.busy = {
            child for child, units in self.active.items()
            if any(u.endswith("/" + INVESTIGATION) for u in units)
        }  # fmt: skip
        # Each child is reported once here (twice where a report joins an investigation), so
        # no child has two open investigations in one organisation.
        self.used: set[int] = set()
        self.investigated: set[int] = set()  # with an investigation opened here, still open

    # -- helpers

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    def moment(self, day: date) -> datetime:
        # Office hours in UTC (Stockholm is UTC+1/+2), never later than yesterday: a fresh demo
        # is built at any hour, and nothing in it may lie in the future.
        day = min(day, self.day(1))
        return datetime.combine(day, time(7 + self.rng.randrange(8), self.rng.randrange(60)),
                                tzinfo=UTC)  # fmt: skip

    def after(self, start: datetime, low: int, high: int) -> datetime:
        """Between `low` and `high` days after `start`, and after it on the same day."""
        moment = self.moment(start.date() + timedelta(days=self.rng.randint(low, high)))
        return moment if moment > start else start + timedelta(minutes=30)

    def one_of(self, unit: str, *roles: str) -> str:
        for role in roles:
            people = self.members.get((unit, role))
            if people:
                return self.rng.choice(people)
        raise LookupError(unit)

    def age(self, child: int) -> int:
        return self.c.year - self.c.children[child].birth_date.year

    def school_of(self, child: int) -> str | None:
        return next((u for u in self.active.get(child, ()) if u.startswith("skola-")), None)

    def fits(self, child: int, category: str) -> bool:
        if category == "school":
            return self.age(child) >= 6 and self.school_of(child) is not None
        if category == "preschool":
            return 1 <= self.age(child) <= 5
        return True

    def pick_child(self, code: str, category: str, *, again: bool = False,
                   busy: bool = False) -> int | None:  # fmt: skip
        """A child of the municipality that fits the category, not yet reported here (or, with
        `again`, reported before), never one with an investigation opened here and, unless
        `busy`, not one the county already has under investigation. A few random tries, then
        a scan: a county of any size costs about the same per report."""
        pool = self.pool.get(code, [])
        if not pool:
            return None

        def fine(index: int) -> bool:
            return (
                index not in self.investigated
                and (again or index not in self.used)
                and (busy or index not in self.busy)
                and self.fits(index, category)
            )

        for _attempt in range(40):
            index = self.rng.choice(pool)
            if fine(index):
                return index
        start = self.rng.randrange(len(pool))
        return next((i for i in pool[start:] + pool[:start] if fine(i)), None)

    # -- one report

    def reporter(self, code: str, category: str, child: int) -> tuple[str | None, str | None]:
        """The professional who writes the report and the unit they act for."""
        m = self.m[code]
        if category == "school":
            unit = self.school_of(child)
            assert unit is not None
            return self.one_of(unit, Role.SCHOOL_COUNSELLOR, Role.SCHOOL_NURSE), unit
        if category == "preschool":
            # The demo has no preschools of their own: the rektor of a school in the
            # municipality, whose area they belong to, reports.
            unit = self.rng.choice(
                sorted(u for u in self.units if u.startswith(f"skola-{code}/")
                       and "Gymnasieskolan" not in u)
            )  # fmt: skip
            return self.one_of(unit, Role.UNIT_MANAGER), unit
        if category == "health":
            if self.age(child) < 6:
                unit = f"bvc/BVC {m.name}"
            else:
                own = [u for u in self.active.get(child, ()) if u.startswith("bup/")]
                unit = own[0] if own else f"bup/BUP {m.bup}"
            return self.one_of(unit, Role.CLINICIAN), unit
        if category == "social":
            if self.rng.random() < 0.6:
                unit = f"soc-{code}/Barn och unga – öppenvård"
                return self.one_of(unit, Role.CLINICIAN), unit
            unit = f"lss-{code}/Barn och unga – LSS-handläggning"
            return self.one_of(unit, Role.CASEWORKER), unit
        if category == "police":
            unit = f"polis/Lokalpolisområde {m.police}"
            return self.one_of(unit, Role.POLICE_OFFICER), unit
        if category == "authority":
            unit = "barnahus/Barnahus Örebro län"
            return self.one_of(unit, Role.CASEWORKER), unit
        return None, None

    def report(self, code: str, category: str, child: int, received: datetime, *,
               linked: bool = True, staff: str | None = None, unit: str | None = None,
               what_seen: str | None = None, feedback: bool | None = None) -> int:  # fmt: skip
        rng = self.rng
        row = self.c.children[child]
        self.used.add(child)
        public = category == "public"
        if not public and staff is None:
            staff, unit = self.reporter(code, category, child)
        anonymous = public and rng.random() < 0.5
        if staff is not None:
            person = self.staff[staff]
            name = f"{person.first_name} {person.last_name}"
            phone, email = person.phone, person.email
        elif anonymous:
            name = phone = email = ""
        else:
            first = rng.choice(data.WOMEN + data.MEN)
            name = f"{first} {rng.choice(data.SURNAMES)}"
            phone = data.fictional_phone(rng.randrange(95))
            email = f"{first.lower()}.{len(self.out.reports)}@example.org"
            if rng.random() < 0.5:
                email = ""  # a phone number is enough
        # A professional usually knows the number; a neighbour often only the name and address.
        by_number = linked and (not public or rng.random() < 0.3)
        if feedback is None:
            feedback = not public and rng.random() < 0.6
        urgent = rng.random() < (0.3 if category == "police" else 0.12)
        if not linked:
            linked_by, linked_at = None, None
        elif by_number:
            linked_by, linked_at = None, received
        else:
            linked_by, linked_at = self.intake_staff(code), self.after(received, 0, 1)
        self.out.reports.append(
            ReportRow(
                code, received, "public" if public else "professional", category, staff, unit,
                anonymous, name, phone, email, child if linked else None,
                row.identity_number if by_number else "",
                f"{row.first_name} {row.last_name}",
                "" if by_number else f"{row.street_address}, {row.postal_code} {row.city}",
                linked_by, linked_at, what_seen or rng.choice(WHAT_SEEN[category]),
                "acute" if urgent else "not_acute",
                # A professional asks on the form, when sending it (ANM-6).
                received if feedback else None,
            )
        )  # fmt: skip
        return len(self.out.reports) - 1

    # -- its path

    def intake_staff(self, code: str) -> str:
        return self.one_of(f"soc-{code}/{INTAKE}", Role.CASEWORKER)

    def protect(self, report: int, *, late: bool = False) -> datetime:
        row = self.out.reports[report]
        needed = row.urgency == "acute" and self.rng.random() < 0.4
        at = self.after(row.received_at, 2, 3) if late else self.after(row.received_at, 0, 1)
        self.out.protections.append(
            ProtectionRow(report, needed,
                          self.rng.choice(PROTECTION_NEEDED if needed else PROTECTION),
                          self.intake_staff(row.municipality), at)
        )  # fmt: skip
        return at

    def open(self, child: int, code: str, opened: datetime, by: str) -> int:
        unit = f"soc-{code}/{INVESTIGATION}"
        self.out.investigations.append(
            InvestigationRow(child, code, unit, self.one_of(unit, Role.CASEWORKER),
                             opened.date(), by)
        )  # fmt: skip
        self.investigated.add(child)
        return len(self.out.investigations) - 1

    def decide(self, report: int, decision: str, decided: datetime, *, reasons: str | None = None,
               investigation: int | None = None) -> int | None:  # fmt: skip
        """The initial assessment's decision; "opened" opens the investigation it returns."""
        row = self.out.reports[report]
        by = self.intake_staff(row.municipality)
        if decision == "opened":
            assert row.child is not None
            investigation = self.open(row.child, row.municipality, decided, by)
        self.out.initials.append(
            InitialRow(report, decision, reasons or self.rng.choice(REASONS[decision]), by,
                       decided, investigation)
        )  # fmt: skip
        return investigation

    def answer(self, report: int, decision: str, decided: datetime) -> None:
        """Feedback (ANM-6) and the offer of a meeting (ANM-7) after a decision."""
        rng = self.rng
        row = self.out.reports[report]
        by = self.intake_staff(row.municipality)
        week_passed = decided.date() + timedelta(days=7) < self.today
        if row.feedback_requested_at:
            # Most are answered in time; some that asked are still owed an answer, late.
            if decision == "under_way":
                give = rng.random() < 0.85
                at = self.after(decided, 0, 0)
            elif week_passed:
                give = rng.random() < 0.7
                at = self.after(decided, 1, 6)
            else:
                give = rng.random() < 0.5
                at = self.after(decided, 0, (self.today - decided.date()).days)
            if give:
                self.out.feedback.append(FeedbackRow(report, decision, by, at))
        elif row.reporter_kind == "professional" and rng.random() < 0.2:
            # The board may inform without being asked.
            self.out.feedback.append(FeedbackRow(report, decision, by, self.after(decided, 1, 5)))
        if not row.anonymous and rng.random() < 0.35:
            offered = self.after(decided, 1, 4)
            answer = rng.choice(("accepted", "accepted", "declined", "pending"))
            answered = self.after(offered, 1, 6) if answer != "pending" else None
            if answered is not None and answered < offered:
                answer, answered = "pending", None  # offered yesterday: no answer yet
            self.out.offers.append(
                MeetingOfferRow(report, by, offered, answer, answered,
                                rng.choice(MEETING_NOTES) if answer == "accepted" else "")
            )  # fmt: skip

    def scenario(self, code: str, category: str, scenario: str) -> None:
        rng = self.rng
        child = self.pick_child(code, category)
        if child is None:
            # A small municipality, its fitting children taken: a child reported before, or,
            # for a report not yet decided on, one already under investigation; and anyone
            # may call the police.
            undecided = scenario in UNDECIDED
            for fallback in (category, "police"):
                child = self.pick_child(code, fallback, again=True, busy=undecided)
                if child is not None:
                    category = fallback
                    break
            else:
                scenario, category = "protected", "police"
                child = self.pick_child(code, category, again=True, busy=True)
                if child is None:
                    return
        linked = scenario not in MAY_BE_UNLINKED or rng.random() < 0.75
        days = {
            "new": 1, "new_late": rng.randint(3, 6), "protected": rng.randint(2, 12),
            "initial_late": rng.randint(16, 30), "initial_extended": rng.randint(15, 20),
            "not_opened": rng.randint(15, 60), "opened": rng.randint(15, 60),
            "under_way": rng.randint(45, 80), "investigation_late": rng.randint(140, 175),
            "investigation_extended": rng.randint(140, 175), "finished": rng.randint(100, 200),
        }[scenario]  # fmt: skip
        received = self.moment(self.day(days))
        report = self.report(code, category, child, received, linked=linked)
        if scenario in ("new", "new_late"):
            return
        self.protect(report, late=rng.random() < 0.1)
        if scenario in ("protected", "initial_late"):
            return
        if scenario == "initial_extended":
            # Exceptional reasons, recorded before the 14 days ran out (ANM-4).
            received_on = received.date()
            self.out.initials.append(
                InitialRow(report, "", "", None, None, None,
                           max(received_on + timedelta(days=rng.randint(28, 35)),
                               self.today + timedelta(days=3)),
                           EXTENSION_INITIAL,
                           self.one_of(f"soc-{code}/{INTAKE}", Role.UNIT_MANAGER))
            )  # fmt: skip
            return
        # Decided within the 14 days, mostly well within.
        decided = self.after(received, 3, 13)
        decision = "not_opened" if scenario == "not_opened" else "opened"
        opened = self.decide(report, decision, decided)
        self.answer(report, decision, decided)
        if opened is None:
            return
        investigation = self.out.investigations[opened]
        if scenario == "investigation_extended":
            # A decision for a set period on special grounds (ANM-5).
            investigation.extended_until = _add_months(investigation.opened_on, 6)
            investigation.extension_reason = EXTENSION_INVESTIGATION
            investigation.extended_by = self.one_of(investigation.unit, Role.UNIT_MANAGER)
        elif scenario == "finished":
            days = rng.randint(60, 115)
            investigation.finished_on = min(
                investigation.opened_on + timedelta(days=days), self.day(1)
            )
            investigation.outcome = rng.choice(OUTCOMES)
            self.investigated.discard(child)
        elif scenario == "under_way":
            # A second report while the investigation runs joins it, and the reporter is told
            # at once that an investigation is already under way (ANM-4, ANM-6).
            running = (self.today - investigation.opened_on).days
            later = self.moment(self.day(rng.randint(3, max(3, running - 2))))
            second = self.report(code, self._another_category(category), child, later)
            self.protect(second)
            joined = self.after(later, 1, 3)
            self.decide(second, "under_way", joined, investigation=opened)
            self.answer(second, "under_way", joined)

    def _another_category(self, category: str) -> str:
        return "police" if category != "police" else "health"

    # -- the seeds' school

    def seed_school(self) -> None:
        """The school that "saw the child every day … and was not taken seriously": the
        counsellor reported, asked for feedback, and more than a week after the decision has
        heard nothing. An earlier report about the same child went the same way."""
        code = "1880"
        pupils = sorted(
            i for i, units in self.active.items()
            if DEMO_SCHOOL in units and i not in self.used and i not in self.busy
            and self.c.children[i].guardians
        )  # fmt: skip
        if not pupils:
            return  # a county too small to spare a pupil
        child = self.rng.choice(pupils)
        before = self.moment(self.day(self.rng.randint(200, 240)))
        earlier = self.report(code, "school", child, before, staff=SEED_REPORTER,
                              unit=DEMO_SCHOOL, what_seen=SEED_EARLIER, feedback=True)  # fmt: skip
        self.out.reports[earlier].urgency = "not_acute"
        self.protect(earlier)
        decided = self.after(self.out.reports[earlier].received_at, 10, 13)
        self.decide(earlier, "not_opened", decided, reasons=REASONS["not_opened"][0])
        self.out.feedback.append(
            FeedbackRow(earlier, "not_opened", self.intake_staff(code), self.after(decided, 6, 6))
        )
        received = self.moment(self.day(24))
        report = self.report(code, "school", child, received, staff=SEED_REPORTER,
                             unit=DEMO_SCHOOL, what_seen=SEED_REPORT, feedback=True)  # fmt: skip
        self.out.reports[report].urgency = "not_acute"
        self.protect(report)
        # Decided 18 days ago: the week for feedback ran out 11 days ago, and none was given.
        self.decide(report, "not_opened", self.moment(self.day(18)), reasons=SEED_REASONS)
        self.out.seed_earlier, self.out.seed_report = earlier, report
        # And one that was answered, about another pupil: what every reporter should get.
        pupils = [i for i in pupils if i != child and i not in self.used]
        if pupils:
            other = self.rng.choice(pupils)
            received = self.moment(self.day(self.rng.randint(15, 20)))
            answered = self.report(code, "school", other, received, staff=SEED_REPORTER,
                                   unit=DEMO_SCHOOL, feedback=True)  # fmt: skip
            self.protect(answered)
            decided = self.after(received, 4, 6)
            self.decide(answered, "opened", decided)
            self.out.feedback.append(
                FeedbackRow(answered, "opened", self.intake_staff(code), self.after(decided, 1, 2))
            )

    # -- the whole county

    def draw(self) -> Concerns:
        rng = self.rng
        self.seed_school()
        total = report_count(len(self.c.children))
        extra = _largest_remainder(total - MINIMUM * len(data.MUNICIPALITIES),
                                   [m.population for m in data.MUNICIPALITIES])  # fmt: skip
        # Örebro first (the largest, with children to spare): every step and every category
        # at least once there, then drawn by weight.
        slots = [m.code for m, n in zip(data.MUNICIPALITIES, extra, strict=True)
                 for _ in range(MINIMUM + n)]  # fmt: skip

        def every_then_drawn(weights: dict[str, int]) -> list[str]:
            every = list(weights)
            rng.shuffle(every)
            drawn = rng.choices(every, [weights[k] for k in every], k=len(slots) - len(every))
            rng.shuffle(drawn)
            return every + drawn

        scenarios = every_then_drawn(SCENARIOS)
        categories = every_then_drawn(CATEGORIES)
        for code, scenario, category in zip(slots, scenarios, categories, strict=True):
            self.scenario(code, category, scenario)
        return self.out


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def draw_concerns(county: County, today: date) -> Concerns:
    """The reports of concern for this county, as of `today`; nothing touches the database."""
    return _Drawer(county, today).draw()


# ---------------------------------------------------------------------------- writing


def write_concerns(county: County, today: date, progress: Callable[[str], None]) -> Concerns:
    """Draw the county's reports of concern and write them, after the rest of the county.

    The county's rows are found by their natural keys (unit names, usernames, identity
    numbers): a few queries, for only the rows the reports name."""
    from django.utils import formats
    from django.utils.translation import gettext as _

    from samsyn.children.models import Child, Involvement
    from samsyn.concerns import models as concerns
    from samsyn.directory.models import Organisation, Principal, Staff, Unit

    drawn = draw_concerns(county, today)
    count = formats.number_format(len(drawn.reports), 0, force_grouping=True)
    progress(_("Writing %(reports)s reports of concern…") % {"reports": count})

    org_names = {o.key: o.name for o in county.organisations}
    units = {
        (org, name): pk
        for org, name, pk in Unit.objects.values_list("organisation__name", "name", "pk")
    }

    def unit(key: str | None) -> int | None:
        if key is None:
            return None
        org, name = key.split("/", 1)
        return units[(org_names[org], name)]

    named = [
        *(r.reporter_staff for r in drawn.reports), *(r.linked_by for r in drawn.reports),
        *(p.decided_by for p in drawn.protections),
        *(i.decided_by for i in drawn.initials), *(i.extended_by for i in drawn.initials),
        *(i.caseworker for i in drawn.investigations), *(i.opened_by for i in drawn.investigations),
        *(i.extended_by for i in drawn.investigations), *(f.given_by for f in drawn.feedback),
        *(o.offered_by for o in drawn.offers),
    ]  # fmt: skip
    people = dict(
        Staff.objects.filter(user__username__in={n for n in named if n}).values_list(
            "user__username", "pk"
        )
    )
    numbers = {
        county.children[i].identity_number: i
        for i in {r.child for r in drawn.reports if r.child is not None}
    }
    children = {
        numbers[number]: pk
        for number, pk in Child.objects.filter(identity_number__in=numbers).values_list(
            "identity_number", "pk"
        )
    }

    def staff(username: str | None) -> int | None:
        return people[username] if username else None

    organisations = dict(Organisation.objects.values_list("name", "pk"))
    municipalities = dict(
        Principal.objects.filter(kind=Principal.Kind.MUNICIPALITY).values_list("code", "pk")
    )
    intakes = {
        m.code: concerns.Intake(
            municipality_id=municipalities[m.code],
            organisation_id=organisations[org_names[f"soc-{m.code}"]],
            unit_id=unit(f"soc-{m.code}/{INTAKE}"),
        )
        for m in data.MUNICIPALITIES
    }
    concerns.Intake.objects.bulk_create(intakes.values())
    investigations = concerns.Investigation.objects.bulk_create(
        [
            concerns.Investigation(
                child_id=children[row.child],
                organisation_id=intakes[row.municipality].organisation_id,
                unit_id=unit(row.unit), caseworker_id=staff(row.caseworker),
                opened_on=row.opened_on, opened_by_id=staff(row.opened_by),
                extended_until=row.extended_until, extension_reason=row.extension_reason,
                extended_by_id=staff(row.extended_by), finished_on=row.finished_on,
                outcome=row.outcome,
            )
            for row in drawn.investigations
        ],
        batch_size=BATCH,
    )  # fmt: skip
    # The investigating unit has the child as a client while the investigation runs.
    reason = data.INVOLVEMENT_REASONS["soc_investigation"][0]
    Involvement.objects.bulk_create(
        [
            Involvement(child_id=children[row.child], unit_id=unit(row.unit),
                        staff_id=staff(row.caseworker), reason=reason, started_on=row.opened_on,
                        ended_on=row.finished_on)
            for row in drawn.investigations
        ],
        batch_size=BATCH,
    )  # fmt: skip
    reports = concerns.Report.objects.bulk_create(
        [
            concerns.Report(
                intake=intakes[row.municipality],
                organisation_id=intakes[row.municipality].organisation_id,
                intake_unit_id=intakes[row.municipality].unit_id, received_at=row.received_at,
                reporter_kind=row.reporter_kind, reporter_category=row.reporter_category,
                reporter_staff_id=staff(row.reporter_staff),
                reporter_unit_id=unit(row.reporter_unit),
                anonymous=row.anonymous, reporter_name=row.reporter_name,
                reporter_phone=row.reporter_phone, reporter_email=row.reporter_email,
                child_id=children.get(row.child), given_identity_number=row.given_identity_number,
                given_name=row.given_name, given_address=row.given_address,
                linked_by_id=staff(row.linked_by), linked_at=row.linked_at,
                what_seen=row.what_seen, urgency=row.urgency,
                feedback_requested_at=row.feedback_requested_at,
            )
            for row in drawn.reports
        ],
        batch_size=BATCH,
    )  # fmt: skip
    concerns.ProtectionAssessment.objects.bulk_create(
        [
            concerns.ProtectionAssessment(
                report=reports[row.report],
                immediate_protection_needed=row.immediate_protection_needed,
                assessment=row.assessment, decided_by_id=staff(row.decided_by),
                decided_at=row.decided_at,
            )
            for row in drawn.protections
        ],
        batch_size=BATCH,
    )  # fmt: skip
    concerns.InitialAssessment.objects.bulk_create(
        [
            concerns.InitialAssessment(
                report=reports[row.report], decision=row.decision, reasons=row.reasons,
                decided_by_id=staff(row.decided_by), decided_at=row.decided_at,
                investigation_id=(
                    investigations[row.investigation].pk if row.investigation is not None else None
                ),
                extended_until=row.extended_until, extension_reason=row.extension_reason,
                extended_by_id=staff(row.extended_by),
            )
            for row in drawn.initials
        ],
        batch_size=BATCH,
    )  # fmt: skip
    concerns.Feedback.objects.bulk_create(
        [
            concerns.Feedback(report=reports[row.report], answer=row.answer,
                              given_by_id=staff(row.given_by), given_at=row.given_at)
            for row in drawn.feedback
        ],
        batch_size=BATCH,
    )  # fmt: skip
    concerns.MeetingOffer.objects.bulk_create(
        [
            concerns.MeetingOffer(report=reports[row.report], offered_by_id=staff(row.offered_by),
                                  offered_at=row.offered_at, answer=row.answer,
                                  answered_at=row.answered_at, note=row.note)
            for row in drawn.offers
        ],
        batch_size=BATCH,
    )  # fmt: skip
    return drawn
