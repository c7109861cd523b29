"""The demo county's admissions to BUP's inpatient unit (issue 10, item 7; DOMAIN UTS-1…UTS-6):
one in each state, from just admitted to discharged, and the seed case — "BUP calls and says they
discharge a patient the same day" — flagged for short notice with no information for continued
care.

The inpatient unit is "BUP heldygnsvård" (`heldygn`, a nurse, and `heldygn.chef`, its manager);
the notices go to Örebro's intake, "Barn och unga – mottagning" (`mottagning`), and to the
outpatient unit BUP Örebro (USÖ) (`behandlare`, the fixed care contact of the children ready for
discharge). Written straight to the models after the SIPs, as the consultations are: a bulk load,
not a person's act, so no audit row; each notice's legal ground is recorded as the ward's service
records it (OSL 25 kap. 12 §). Children are chosen in order of their keys from those BUP Örebro
(USÖ) treats, so the same county gives the same admissions; times count back from now."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samsyn.access.actor import Actor
from samsyn.access.models import LegalBasis, LegalGround
from samsyn.children.models import Child, Guardian, Involvement
from samsyn.common.dates import end_of
from samsyn.demo.logins import SOCIAL_OREBRO
from samsyn.directory.models import Membership, Role, Staff, Unit
from samsyn.discharge.models import Admission, DischargeDateChange, Notice, PlanningTask
from samsyn.discharge.selectors.receiving import DEFAULT_TASKS
from samsyn.discharge.services.ward import BASIS_CODE, GROUND_CATEGORIES, PURPOSE
from samsyn.plans.models import Case, Invitation, Meeting
from samsyn.plans.selectors.cases import cases_visible_to

WARD = "bup/BUP heldygnsvård"
OUTPATIENT = "bup/BUP Örebro (USÖ)"
INTAKE = f"{SOCIAL_OREBRO}/Barn och unga – mottagning"

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@dataclass
class State:
    """One admission's story, in hours and days before now."""

    name: str
    admitted_days_ago: float
    expected_in_days: int
    notice_after_hours: float | None = None  # after admission; None: not yet sent
    acknowledged: tuple[str, ...] = ()  # "social", "health"
    tasks_done: int = 0  # of each acknowledging unit's tasks
    date_change: tuple[int, str] | None = None  # (days later than first expected, reason)
    ready_days_ago: float | None = None
    discharged_days_ago: float | None = None
    care_information: bool = False
    contact: bool = False  # the fixed care contact appointed
    care_given: str = ""
    lpt: bool = False
    sip_meeting: bool = False  # called in the child's open SIP
    protected: bool = False
    # Ready at 10.30 and discharged at 14.00 the day before the county is built.
    same_day: bool = False


STATES = (
    State("admitted", admitted_days_ago=3 / 24, expected_in_days=12),
    State("notice overdue", admitted_days_ago=30 / 24, expected_in_days=9),
    State(
        "notified late",
        admitted_days_ago=4,
        expected_in_days=6,
        notice_after_hours=31,
        acknowledged=("social",),
        tasks_done=1,
    ),  # fmt: skip
    State(
        "date changed",
        admitted_days_ago=6,
        expected_in_days=10,
        notice_after_hours=5,
        date_change=(4, "Medicineringen behöver ställas in under längre tid än väntat."),
    ),  # fmt: skip
    State(
        "protected identity",
        admitted_days_ago=2,
        expected_in_days=8,
        notice_after_hours=20,
        acknowledged=("social", "health"),
        protected=True,
    ),  # fmt: skip
    State(
        "ready, SIP call due",
        admitted_days_ago=12,
        expected_in_days=4,
        notice_after_hours=6,
        acknowledged=("social", "health"),
        tasks_done=1,
        ready_days_ago=1,
        contact=True,
    ),  # fmt: skip
    State(
        "ready, SIP call overdue",
        admitted_days_ago=15,
        expected_in_days=1,
        notice_after_hours=10,
        acknowledged=("social", "health"),
        tasks_done=2,
        ready_days_ago=5,
        contact=True,
    ),  # fmt: skip
    State(
        "ready, SIP meeting called",
        admitted_days_ago=14,
        expected_in_days=2,
        notice_after_hours=4,
        acknowledged=("social", "health"),
        tasks_done=3,
        ready_days_ago=2,
        contact=True,
        sip_meeting=True,
        care_information=True,
        care_given="Du har bott på avdelningen i två veckor. Vi har pratat varje dag om det som "
        "varit svårt och hittat en medicin som hjälper dig att sova.",
    ),  # fmt: skip
    State(
        "discharged to compulsory outpatient care",
        admitted_days_ago=30,
        expected_in_days=-9,
        notice_after_hours=8,
        acknowledged=("social", "health"),
        tasks_done=3,
        ready_days_ago=14,
        discharged_days_ago=9,
        care_information=True,
        contact=True,
        lpt=True,
        care_given="Du vårdades på avdelningen i tre veckor. Efter utskrivningen fortsätter "
        "vården på BUP-mottagningen enligt en samordnad vårdplan.",
    ),  # fmt: skip
    # The ward's other patients, in planning: a ward of a dozen beds.
    *(
        State(
            "in planning",
            admitted_days_ago=days,
            expected_in_days=expected,
            notice_after_hours=hours,
            acknowledged=("social", "health"),
            tasks_done=done,
        )  # fmt: skip
        for days, expected, hours, done in (
            (3, 11, 9, 0),
            (5, 7, 3, 1),
            (7, 5, 14, 2),
            (9, 9, 2, 1),
        )
    ),
    # The seed: notified in time, then ready and discharged the same day — no notice, no
    # information for continued care, nobody at social services has seen it yet.
    State(
        "same-day discharge",
        admitted_days_ago=9,
        expected_in_days=5,
        notice_after_hours=12,
        same_day=True,
    ),  # fmt: skip
)


def write_discharge(
    staff: dict[str, Staff], units: dict[str, Unit], progress: Callable[[str], None]
) -> None:
    if not {WARD, OUTPATIENT, INTAKE} <= units.keys():
        return
    if not {"heldygn", "behandlare", "mottagning"} <= staff.keys():
        return
    progress(_("Writing admissions to inpatient care…"))
    with translation.override("sv"):
        _Writer(staff, units).write()


class _Writer:
    def __init__(self, staff: dict[str, Staff], units: dict[str, Unit]) -> None:
        self.now = timezone.now()
        self.ward, self.outpatient, self.intake = units[WARD], units[OUTPATIENT], units[INTAKE]
        self.nurse = staff["heldygn"]
        self.contact = staff["behandlare"]
        self.caseworker = staff["mottagning"]
        self.basis = LegalBasis.objects.get(code=BASIS_CODE)

    def write(self) -> None:
        sip_case = self._open_sip()
        children = self._children(exclude={sip_case.child_id} if sip_case else set())
        for state in STATES:
            if state.sip_meeting:
                if sip_case is None:
                    continue
                child = sip_case.child
            else:
                pool = (state.protected and children["protected"]) or children["other"]
                if not pool:
                    continue  # a county too small for every state
                child = pool.pop(0)
            self._admission(state, child, sip_case if state.sip_meeting else None)

    def _open_sip(self) -> Case | None:
        """A SIP the outpatient unit takes part in, open, past consent: the discharge goes into
        it (one open SIP per child) and the meeting is called there."""
        membership = (
            Membership.objects.select_related("staff", "unit__organisation__principal")
            .filter(staff=self.contact, unit=self.outpatient)
            .first()
        )
        if membership is None:
            return None
        # One the fixed care contact reads: the consent covers the outpatient unit's BUP.
        visible = cases_visible_to(Actor(membership), purpose=PURPOSE)
        return (
            visible.filter(
                parties__unit=self.outpatient, parties__accepted_at__isnull=False,
                status__in=[Case.Status.DRAFTED, Case.Status.FINALISED],
                child__municipality__code="1880",
            )
            .select_related("child", "coordinator")
            .order_by("pk")
            .first()
        )  # fmt: skip

    def _children(self, *, exclude: set[int]) -> dict[str, list[Child]]:
        oldest_born = self.now.date() - datetime.timedelta(days=6 * 366)
        treated = Involvement.objects.filter(unit=self.outpatient, ended_on__isnull=True)
        common = Child.objects.filter(municipality__code="1880", birth_date__lte=oldest_born)
        # BUP Örebro's own patients first, then other children of Örebro: a small county has
        # few; none who has a SIP, whose story is sips.py's.
        others = (
            common.filter(protected_identity=False)
            .exclude(pk__in=Case.objects.values("child_id"))
            .exclude(pk__in=exclude)
            .annotate(treated=Exists(treated.filter(child=OuterRef("pk"))))
            .order_by("-treated", "pk")
        )
        protected = common.filter(protected_identity=True).order_by("pk")
        return {"other": list(others[: len(STATES)]), "protected": list(protected[:1])}

    def _admission(self, state: State, child: Child, sip_case: Case | None) -> None:
        now = self.now
        admitted = now - datetime.timedelta(days=state.admitted_days_ago)
        first_expected = timezone.localdate(now) + datetime.timedelta(days=state.expected_in_days)
        expected = first_expected
        if state.date_change:
            expected = first_expected + datetime.timedelta(days=state.date_change[0])
        ready = (
            now - datetime.timedelta(days=state.ready_days_ago) if state.ready_days_ago else None
        )
        discharged = (
            now - datetime.timedelta(days=state.discharged_days_ago)
            if state.discharged_days_ago
            else None
        )
        if state.same_day:
            yesterday = timezone.localdate(now) - DAY
            ready, discharged = (
                timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(*at)))
                for at in ((10, 30), (14, 0))
            )
        contact = self.contact if state.contact else None
        if state.lpt and state.contact:
            contact = self._colleague()
        admission = Admission.objects.create(
            child=child, organisation=self.ward.organisation, unit=self.ward,
            admitted_at=admitted, needs_judged_at=admitted, expected_discharge_on=expected,
            ready_at=ready, discharged_at=discharged,
            care_information_sent_at=discharged or ready if state.care_information else None,
            outpatient_unit=self.outpatient if state.notice_after_hours is not None else None,
            fixed_care_contact=contact, compulsory_outpatient_care=state.lpt,
            care_given=state.care_given, created_by=self.nurse,
        )  # fmt: skip
        Involvement.objects.create(
            child=child, unit=self.ward, staff=None,
            reason="Inskriven i BUP:s heldygnsvård", started_on=timezone.localdate(admitted),
            ended_on=timezone.localdate(discharged) if discharged else None,
        )  # fmt: skip
        if state.notice_after_hours is None:
            return
        sent = admitted + datetime.timedelta(hours=state.notice_after_hours)
        receivers = {"social": self.intake, "health": self.outpatient}
        grounds = {key: self._ground(admission, unit, sent) for key, unit in receivers.items()}
        notices: list[Notice] = []

        def send(kind: str, at: datetime.datetime) -> None:
            for key, unit in receivers.items():
                acknowledger = self.caseworker if key == "social" else self.contact
                acknowledged = key in state.acknowledged
                notices.append(
                    Notice(
                        admission=admission, kind=kind, to_unit=unit, sent_at=at,
                        sent_by=self.nurse, legal_ground=grounds[key],
                        acknowledged_at=at + 2 * HOUR if acknowledged else None,
                        acknowledged_by=acknowledger if acknowledged else None,
                    )
                )  # fmt: skip

        send(Notice.Kind.ADMISSION, sent)
        if state.date_change:
            changed = sent + DAY
            DischargeDateChange.objects.create(
                admission=admission, from_date=first_expected, to_date=expected,
                reason=state.date_change[1], changed_by=self.nurse, changed_at=changed,
            )  # fmt: skip
            send(Notice.Kind.DATE_CHANGED, changed)
        if ready:
            send(Notice.Kind.READY, ready)
        if state.care_information:
            send(Notice.Kind.CARE_INFORMATION, admission.care_information_sent_at)
        Notice.objects.bulk_create(notices)
        self._tasks(admission, state, sent)
        if sip_case is not None and ready is not None:
            self._meeting(sip_case, ready)

    def _ground(self, admission: Admission, unit: Unit, at: datetime.datetime) -> LegalGround:
        return LegalGround.objects.create(
            child=admission.child, basis=self.basis, receiving_organisation=unit.organisation,
            categories=list(GROUND_CATEGORIES), purposes=[PURPOSE],
            reason="Planering inför utskrivning från slutenvård (lag 2017:612).",
            valid_from=at, recorded_at=at, recorded_by=self.nurse,
            valid_until=end_of(admission.expected_discharge_on + datetime.timedelta(days=30)),
        )  # fmt: skip

    def _tasks(self, admission: Admission, state: State, sent: datetime.datetime) -> None:
        done_at = sent + DAY
        rows = []
        for key, unit, person in (
            ("social", self.intake, self.caseworker),
            ("health", self.outpatient, self.contact),
        ):
            if key not in state.acknowledged:
                continue
            for number, text in enumerate(DEFAULT_TASKS[key]):
                done = number < state.tasks_done
                rows.append(
                    PlanningTask(
                        admission=admission, unit=unit, text=str(text),
                        done_at=done_at if done else None, done_by=person if done else None,
                    )
                )  # fmt: skip
        PlanningTask.objects.bulk_create(rows)

    def _meeting(self, case: Case, ready: datetime.datetime) -> None:
        """The call (kallelse) sent the day after the ready notice, for a meeting in three days:
        the fixed care contact, the coordinator and the guardians invited."""
        starts = (self.now + 3 * DAY).replace(hour=9, minute=0, second=0, microsecond=0)
        meeting = Meeting.objects.create(
            case=case, starts_at=starts, ends_at=starts + HOUR, place="BUP Örebro, rum 4",
            booked_by=self.contact,
        )  # fmt: skip
        sent = min(ready + DAY, self.now)
        people = [self.contact, *([case.coordinator] if case.coordinator_id else [])]
        rows = [
            Invitation(
                meeting=meeting,
                kind=Invitation.Kind.STAFF,
                staff=person,
                name=person.name,
                email=person.email,
                sent_at=sent,
            )  # fmt: skip
            for person in dict.fromkeys(people)
        ]
        rows += [
            Invitation(
                meeting=meeting,
                kind=Invitation.Kind.GUARDIAN,
                guardian=guardian,
                name=guardian.name,
                email=guardian.email,
                sent_at=sent,
            )  # fmt: skip
            for guardian in Guardian.objects.filter(guardianships__child=case.child).order_by("pk")
        ]
        Invitation.objects.bulk_create(rows)

    def _colleague(self) -> Staff:
        """Another clinician of the outpatient unit: not every fixed care contact is the demo's."""
        member = (
            Membership.objects.filter(unit=self.outpatient, role=Role.CLINICIAN, active=True)
            .exclude(staff=self.contact)
            .select_related("staff")
            .order_by("staff__pk")
            .first()
        )
        return member.staff if member else self.contact
