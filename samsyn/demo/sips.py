"""The demo county's SIPs (issue 4, item 8): every state, some overdue, some with a withdrawn
consent, coordinator relays, meetings with invitations and versioned plans — and the seed case
of the child who waited a year and a half for treatment because nobody owned it.

Drawn from a random generator of its own (seeded from the county's seed), so adding SIPs leaves
the rest of the county as it was. SIP dates count back from `today`, the day the county is
built: a fresh demo always has SIPs due soon, due today and overdue. Same seed, size, year and
day give the same SIPs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from samsyn.demo import data
from samsyn.demo.logins import SOCIAL_OREBRO

if TYPE_CHECKING:
    from samsyn.demo.generator import _Builder

CASEWORKER_UNIT = f"{SOCIAL_OREBRO}/Barn och unga – utredning"
BUP_OREBRO = "bup/BUP Örebro (USÖ)"
# The states a scenario leaves a SIP in; "follow_up_due" and "followed_up" are finalised SIPs
# whose follow-up date has passed, without and with a newer version.
SCENARIOS = (
    "proposed", "proposed_late", "consented", "consented_late", "meeting_booked",
    "meeting_booked_late", "drafted", "finalised", "follow_up_due", "followed_up", "closed",
    "withdrawn",
)  # fmt: skip
# The SIPs the caseworker and the BUP clinician share: one of each stage a newcomer follows.
SHARED = ("meeting_booked", "drafted", "finalised", "follow_up_due", "followed_up",
          "consented_late")  # fmt: skip


@dataclass
class SipRow:
    child: int
    status: str
    reason: str
    proposed_at: datetime
    proposed_by_kind: str
    proposer_name: str
    initiated_by: str
    initiating_organisation: str
    first_contact_at: datetime | None
    coordinator: str | None
    coordinator_organisation: str | None
    closed_at: datetime | None = None
    close_reason: str = ""


@dataclass
class PartyRow:
    sip: int
    organisation: str
    invited_by: str
    invited_at: datetime
    # The unit that accepted the invitation: its relationship with the child (SEK-4).
    unit: str
    accepted_by: str


@dataclass
class HandoverRow:
    sip: int
    from_staff: str | None
    to_staff: str
    to_organisation: str
    note: str
    offered_at: datetime
    accepted_at: datetime | None
    declined_at: datetime | None


@dataclass
class InvitationRow:
    kind: str
    staff: str | None
    guardian: int | None
    name: str
    email: str
    sent_at: datetime
    reply: str
    replied_at: datetime | None


@dataclass
class MeetingRow:
    sip: int
    starts_at: datetime
    ends_at: datetime
    place: str
    video_link: str
    minutes: str
    minutes_by: str | None
    booked_by: str
    cancelled_at: datetime | None
    invitations: list[InvitationRow] = field(default_factory=list)


@dataclass
class PlanItemRow:
    key: str  # a stable key, turned into a UUID when written
    kind: str
    text: str
    need_key: str | None
    responsible_principal: str | None
    responsible_organisation: str | None
    responsible_other: str
    position: int


@dataclass
class PlanVersionRow:
    sip: int
    number: int
    status: str
    child_view: str
    child_view_missing_reason: str
    no_measures_by_others: bool
    follow_up_on: date | None
    follow_up_how: str
    created_at: datetime
    created_by: str
    finalised_at: datetime | None
    finalised_by: str | None
    items: list[PlanItemRow] = field(default_factory=list)


@dataclass
class SipConsentRow:
    sip: int
    child: int
    guardian: int
    receiving_organisation: str
    categories: list[str]
    purposes: list[str]
    form: str
    given_at: datetime
    valid_until: datetime
    withdrawn_at: datetime | None
    recorded_by: str
    recorded_for: str


REASONS = (
    "Barnet har omfattande skolfrånvaro, ångest och konflikter hemma; behöver insatser från både "
    "socialtjänst och BUP.",
    "Misstänkt neuropsykiatrisk problematik och oro för hemsituationen; vårdnadshavarna ber om "
    "samordnat stöd.",
    "Självskadebeteende och nedstämdhet; familjebehandling och psykiatrisk bedömning behöver "
    "samordnas.",
    "Utåtagerande beteende i skolan och hemma; skolan har anmält oro och familjen vill ha hjälp.",
)
NEEDS = (
    ("Trygghet och stöd hemma", "Familjebehandling varannan vecka", "soc"),
    ("Bedömning och behandling av ångest", "KBT-behandling hos BUP", "bup"),
    ("Regelbunden skolgång", "Anpassad studiegång och kontakt med elevhälsan", "skola"),
    ("Stöd i vardagen", "Insatser från habiliteringen kring struktur och sömn", "hab"),
)
CHILD_VIEWS = (
    "Jag vill kunna gå till skolan utan att få ont i magen.",
    "Det är bra att alla pratar med varandra så jag slipper berätta allt flera gånger.",
    "Jag vill att mamma och pappa bråkar mindre och att någon lyssnar på mig.",
)

# The seed case (DOMAIN intro, seeds/): a child who waited 1.5 years because nobody owned it.
SEED_REASON = (
    "Skolan anmälde oro för barnets ångest och frånvaro. Socialtjänsten bedömde att behoven var "
    "psykiatriska, BUP att de var sociala; i ett och ett halvt år var ärendet ”inte renodlat” "
    "för någon, och ingen behandling startade. SIP:en visar väntan och stafetten som till sist "
    "gav ärendet en ägare."
)


def _moment(day: date, rng: random.Random, hour: int | None = None) -> datetime:
    hour = 7 + rng.randrange(8) if hour is None else hour
    return datetime.combine(day, time(hour, rng.randrange(0, 60, 15)), tzinfo=UTC)


class _SipDrawer:
    def __init__(self, builder: _Builder, today: date) -> None:
        self.b = builder
        self.c = builder.county
        self.rng = random.Random(f"{self.c.seed}-sip")
        self.today = today
        self.org_of = {u.key: u.organisation for u in self.c.units}
        self.kind_of = {o.key: o.kind for o in self.c.organisations}
        self.principal_of = {o.key: o.principal for o in self.c.organisations}
        self.staff_by_name = {s.username: s for s in self.c.staff}

    # -- helpers

    def day(self, days_ago: int) -> date:
        return self.today - timedelta(days=days_ago)

    def name_of(self, username: str) -> str:
        person = self.staff_by_name[username]
        return f"{person.first_name} {person.last_name}"

    def staff_in(self, unit: str) -> str:
        return self.b.pick(unit) or self.b._someone_in(self.org_of[unit])

    def new_sip(self, row: SipRow) -> int:
        self.c.sips.append(row)
        return len(self.c.sips) - 1

    # -- the parts of a SIP

    def parties(self, sip: int, units: list[str], invited_by: str, at: datetime) -> None:
        for unit in units:
            self.c.sip_parties.append(
                PartyRow(sip, self.org_of[unit], invited_by, at, unit, self.staff_in(unit))
            )

    def consents(self, sip: int, units: list[str], at: datetime, recorder: str,
                 withdrawn: datetime | None = None) -> None:  # fmt: skip
        row = self.c.sips[sip]
        guardians = self.c.children[row.child].guardians
        for unit in units[1:]:  # the initiator holds the relationship; the others receive
            org = self.org_of[unit]
            purpose = {"bup": "treatment", "skola": "support", "habilitering": "treatment"}.get(
                self.kind_of[org], "investigation"
            )
            for n, guardian in enumerate(guardians):
                self.c.sip_consents.append(
                    SipConsentRow(
                        sip, row.child, guardian, org,
                        ["basic", "plan", "social"], sorted({"planning", "follow_up", purpose}),
                        self.rng.choice(("written", "oral")), at, at + timedelta(days=365),
                        # A withdrawal is one guardian's: the other's consent stands alone.
                        withdrawn if n == 0 else None, recorder, row.initiating_organisation,
                    )
                )  # fmt: skip

    def meeting(self, sip: int, units: list[str], start: datetime, booked_by: str, *,
                held: bool, cancelled: datetime | None = None) -> None:  # fmt: skip
        rng = self.rng
        row = self.c.sips[sip]
        child = self.c.children[row.child]
        video = rng.random() < 0.4
        meeting = MeetingRow(
            sip, start, start + timedelta(hours=1, minutes=30),
            "" if video else f"Samtalsrummet, {self.b.units_by_key[units[0]].address}",
            f"https://mote.demo.invalid/sip-{sip}" if video else "",
            "Alla parter presenterade sina insatser; barnets synpunkter lästes upp. Planen "
            "skrivs av samordnaren." if held else "",
            booked_by if held else None, booked_by, cancelled,
        )  # fmt: skip
        sent = start - timedelta(days=rng.randint(5, 10))
        people = [(self.staff_in(unit) if unit != units[0] else booked_by) for unit in units]
        for username in dict.fromkeys(people):
            person = self.staff_by_name[username]
            reply = "accepted" if held or rng.random() < 0.7 else "pending"
            meeting.invitations.append(
                InvitationRow("staff", username, None, self.name_of(username), person.email,
                              sent, reply, sent + timedelta(hours=3) if reply != "pending"
                              else None)
            )  # fmt: skip
        for guardian in child.guardians:
            g = self.c.guardians[guardian]
            reply = rng.choice(("accepted", "accepted", "declined", "pending"))
            meeting.invitations.append(
                InvitationRow("guardian", None, guardian, f"{g.first_name} {g.last_name}",
                              g.email, sent, reply,
                              sent + timedelta(days=1) if reply != "pending" else None)
            )  # fmt: skip
        if self.b.year - child.birth_date.year >= 12:
            meeting.invitations.append(
                InvitationRow("child", None, None, f"{child.first_name} {child.last_name}",
                              "", sent, "accepted", sent + timedelta(days=1))
            )  # fmt: skip
        self.c.sip_meetings.append(meeting)

    def version(self, sip: int, number: int, units: list[str], created: datetime, author: str,
                *, final: datetime | None, follow_up_on: date | None) -> None:  # fmt: skip
        rng = self.rng
        kinds = {self.kind_of[self.org_of[u]] for u in units}
        wanted = [n for n in NEEDS if {"soc": "socialtjanst", "bup": "bup", "skola": "skola",
                                       "hab": "habilitering"}[n[2]] in kinds]  # fmt: skip
        version = PlanVersionRow(
            sip, number, "final" if final else "draft",
            rng.choice(CHILD_VIEWS), "", "skola" not in kinds, follow_up_on,
            "Uppföljande SIP-möte med alla parter, barnet och vårdnadshavarna.",
            created, author, final, author if final else None,
        )  # fmt: skip
        units_of_kind = {self.kind_of[self.org_of[u]]: u for u in units}
        for position, (need, effort, kind) in enumerate(wanted):
            need_key = f"{sip}-need-{position}"
            unit = next((u for k, u in units_of_kind.items() if k.startswith(kind[:3])), None)
            org = self.org_of[unit] if unit else None
            if kind == "skola":
                school = self.b.units_by_key[unit].name
                item = PlanItemRow(f"{sip}-other-{position}", "other_measure", effort,
                                   need_key, None, None, school, position)  # fmt: skip
                version.items.append(item)
            else:
                version.items.append(PlanItemRow(f"{sip}-effort-{position}", "effort", effort,
                                                 need_key, self.principal_of[org], org, "",
                                                 position))  # fmt: skip
            version.items.insert(0, PlanItemRow(need_key, "need", need, None, None, None, "",
                                                position))  # fmt: skip
            version.items.append(PlanItemRow(f"{sip}-goal-{position}", "goal",
                                             f"Inom ett halvår: {need.lower()} fungerar bättre.",
                                             need_key, None, None, "", position))  # fmt: skip
        self.c.sip_versions.append(version)

    # -- one SIP in one state

    def sip(self, child: int, units: list[str], scenario: str, initiator: str) -> int:
        rng = self.rng
        days_ago = {
            "proposed": 1, "proposed_late": rng.randint(5, 9), "consented": rng.randint(4, 12),
            "consented_late": rng.randint(24, 40), "meeting_booked": rng.randint(5, 14),
            "meeting_booked_late": rng.randint(22, 26), "drafted": rng.randint(25, 60),
            "finalised": rng.randint(40, 120), "follow_up_due": rng.randint(200, 260),
            "followed_up": rng.randint(250, 330), "closed": rng.randint(300, 500),
            "withdrawn": rng.randint(30, 90),
        }[scenario]  # fmt: skip
        proposed = _moment(self.day(days_ago), rng)
        org = self.org_of[units[0]]
        contacted = scenario not in ("proposed", "proposed_late")
        status = {
            "proposed": "proposed", "proposed_late": "proposed", "consented": "consented",
            "consented_late": "consented", "meeting_booked": "meeting_booked",
            "meeting_booked_late": "meeting_booked", "drafted": "drafted",
            "finalised": "finalised", "follow_up_due": "finalised", "followed_up": "finalised",
            "closed": "closed", "withdrawn": "drafted",
        }[scenario]  # fmt: skip
        sip = self.new_sip(
            SipRow(
                child, status, rng.choice(REASONS), proposed,
                rng.choice(("staff", "staff", "guardian", "child")), "", initiator, org,
                proposed + timedelta(days=rng.randint(0, 2)) if contacted else None,
                initiator if contacted else None, org if contacted else None,
            )
        )  # fmt: skip
        row = self.c.sips[sip]
        if row.proposed_by_kind == "guardian":
            g = self.c.children[child].guardians
            guardian = self.c.guardians[g[0]] if g else None
            row.proposer_name = f"{guardian.first_name} {guardian.last_name}" if guardian else ""
        self.parties(sip, units, initiator, proposed)
        if not contacted:
            return sip
        consented = proposed + timedelta(days=rng.randint(1, 3))
        withdrawn = (
            _moment(self.day(rng.randint(1, max(1, days_ago - 20))), rng)
            if scenario == "withdrawn" else None
        )  # fmt: skip
        self.consents(sip, units, consented, initiator, withdrawn)
        if self.c.sips[sip].coordinator:
            self.c.sip_handovers.append(
                HandoverRow(sip, None, initiator, org, "", proposed, proposed, None)
            )
        if scenario in ("consented", "consented_late"):
            return sip
        if scenario in ("meeting_booked", "meeting_booked_late"):
            self.meeting(sip, units, _moment(self.today + timedelta(days=rng.randint(3, 12)), rng,
                                             9), initiator, held=False)  # fmt: skip
            return sip
        first = _moment(proposed.date() + timedelta(days=rng.randint(10, 20)), rng, 9)
        self.meeting(sip, units, first, initiator, held=True)
        if scenario in ("drafted", "withdrawn"):
            self.version(sip, 1, units, first + timedelta(days=1), initiator, final=None,
                         follow_up_on=self.today + timedelta(days=120))  # fmt: skip
            return sip
        final = first + timedelta(days=rng.randint(3, 10))
        follow_up = {
            "finalised": final.date() + timedelta(days=180),
            "follow_up_due": self.day(rng.randint(3, 20)),
            "followed_up": final.date() + timedelta(days=rng.randint(90, 150)),
            "closed": final.date() + timedelta(days=120),
        }[scenario]
        self.version(sip, 1, units, first + timedelta(days=1), initiator, final=final,
                     follow_up_on=follow_up)  # fmt: skip
        if scenario == "followed_up":
            again = _moment(follow_up, rng, 9)
            self.meeting(sip, units, again, initiator, held=True)
            next_date = self.today + timedelta(days=rng.randint(30, 150))
            self.version(sip, 2, units, again, initiator, final=again + timedelta(days=2),
                         follow_up_on=next_date)  # fmt: skip
        if scenario == "closed":
            row.status = "closed"
            row.closed_at = _moment(follow_up + timedelta(days=7), rng)
            row.close_reason = "Målen är uppnådda; insatserna avslutas och familjen klarar sig."
        if scenario == "finalised" and rng.random() < 0.5:
            # A relay offered but not yet answered: the role stays until it is accepted.
            to = self.staff_in(units[1])
            self.c.sip_handovers.append(
                HandoverRow(sip, initiator, to, self.org_of[units[1]],
                            "BUP:s insatser är nu de största; föreslår att BUP samordnar.",
                            _moment(self.day(2), rng), None, None)
            )  # fmt: skip
        return sip

    # -- the seed case

    def seed_case(self, child: int) -> None:
        rng = self.rng
        c = self.c
        units = [CASEWORKER_UNIT, BUP_OREBRO, self._school_of(child)]
        soc, bup = self.org_of[CASEWORKER_UNIT], self.org_of[BUP_OREBRO]
        other_caseworker = next(u for u in self.b.case_staff[CASEWORKER_UNIT] if u != "handlaggare")
        other_clinician = next(u for u in self.b.case_staff[BUP_OREBRO] if u != "behandlare")
        proposed = _moment(self.day(600), rng, 8)
        sip = self.new_sip(
            SipRow(child, "finalised", SEED_REASON, proposed, "other",
                   "Kurator, " + self.b.units_by_key[units[2]].name, other_caseworker, soc,
                   proposed + timedelta(days=58), "handlaggare", soc)
        )  # fmt: skip
        self.parties(sip, units, other_caseworker, proposed)
        self.consents(sip, units, proposed + timedelta(days=60), other_caseworker)
        relay = [
            (
                other_caseworker,
                other_clinician,
                bup,
                70,
                None,
                84,
                "Behoven är psykiatriska; BUP bör samordna.",
            ),
            (
                other_clinician,
                other_caseworker,
                soc,
                150,
                None,
                171,
                "Inte renodlat psykiatriskt: familjesituationen först. "
                "Socialtjänsten bör samordna.",
            ),
            (
                other_caseworker,
                other_clinician,
                bup,
                300,
                None,
                340,
                "Ny begäran efter skolans andra anmälan.",
            ),
            (
                None,
                other_caseworker,
                soc,
                380,
                380,
                None,
                "Utsedd av enhetschefen i väntan på beslut.",
            ),
            (
                other_caseworker,
                "handlaggare",
                soc,
                555,
                556,
                None,
                "Övertar ärendet och ansvaret; första SIP-mötet bokas direkt.",
            ),
        ]
        for from_staff, to_staff, to_org, offered, accepted, declined, note in relay:
            offered_at = proposed + timedelta(days=offered)
            c.sip_handovers.append(
                HandoverRow(sip, from_staff, to_staff, to_org, note, offered_at,
                            proposed + timedelta(days=accepted) if accepted else None,
                            proposed + timedelta(days=declined) if declined else None)
            )  # fmt: skip
        first = _moment(proposed.date() + timedelta(days=562), rng, 9)
        self.meeting(sip, units, first, "handlaggare", held=True)
        self.version(sip, 1, units, first + timedelta(days=1), "handlaggare",
                     final=first + timedelta(days=4),
                     follow_up_on=self.today + timedelta(days=60))  # fmt: skip
        c.sip_versions[-1].child_view = (
            "Jag har väntat jättelänge. Ingen visste vem som skulle hjälpa mig, och jag fick "
            "berätta samma sak för alla. Nu vill jag bara börja må bättre."
        )
        self.seed_sip = sip

    def _school_of(self, child: int) -> str:
        return next(
            i.unit for i in self.c.involvements if i.child == child and i.unit.startswith("skola-")
        )

    # -- the whole county

    def draw(self) -> None:
        c, rng = self.c, self.rng
        active: dict[int, list[str]] = {}
        for involvement in c.involvements:
            if involvement.ended_on is None:
                active.setdefault(involvement.child, []).append(involvement.unit)
        year = self.b.year

        def eligible(index: int) -> bool:
            child = c.children[index]
            return bool(child.guardians) and 6 <= year - child.birth_date.year <= 14

        # The caseworker's and the BUP clinician's shared SIPs, and the seed case.
        own = sorted(
            {i.child for i in c.involvements
             if i.unit == CASEWORKER_UNIT and i.staff == "handlaggare" and i.ended_on is None
             and eligible(i.child) and any(u.startswith("skola-") for u in active[i.child])}
        )  # fmt: skip
        if len(own) < len(SHARED) + 1:
            # A small county: give the caseworker more children so every shared stage is there.
            more = [i for i, child in enumerate(c.children)
                    if child.municipality == "1880" and i not in own and eligible(i)]  # fmt: skip
            for index in more[: len(SHARED) + 1 - len(own)]:
                self.b.involve(index, CASEWORKER_UNIT, "handlaggare", "soc_investigation",
                               self.day(rng.randint(30, 90)))  # fmt: skip
                active[index].append(CASEWORKER_UNIT)
                own.append(index)
        shared = own[: len(SHARED) + 1]
        for index in shared:
            if not any(u == BUP_OREBRO for u in active.get(index, [])):
                self.b.involve(
                    index, BUP_OREBRO, "behandlare", "bup", self.day(rng.randint(30, 90))
                )
        self.seed_case(shared[0])
        for index, scenario in zip(shared[1:], SHARED, strict=False):
            self.sip(index, [CASEWORKER_UNIT, BUP_OREBRO], scenario, "handlaggare")

        # The rest of the county: children known to social services, most of them also to
        # health care; where a chosen child is not yet known to one side, the SIP's reason is
        # exactly that the other side is needed, so the involvement is added.
        by_code = {m.code: m for m in data.MUNICIPALITIES}
        taken = set(shared)

        def social(units: list[str]) -> list[str]:
            return [u for u in units if u.startswith("soc-") and not u.endswith("mottagning")]

        pool = [i for i in sorted(active) if i not in taken and eligible(i) and social(active[i])]
        want = max(len(SCENARIOS) * 2, len(c.children) // 40)
        if len(pool) < want:
            known = set(pool) | taken
            pool += [i for i in range(len(c.children)) if i not in known and eligible(i)][
                : want - len(pool)
            ]
        assigned = {(i.child, i.unit): i.staff for i in c.involvements if i.staff}
        for n, index in enumerate(rng.sample(pool, min(want, len(pool)))):
            m = by_code[c.children[index].municipality]
            units = active.setdefault(index, [])
            if not social(units):
                unit = f"soc-{m.code}/Barn och unga – utredning"
                self.b.involve(index, unit, self.b.pick(unit), "soc_investigation",
                               self.day(rng.randint(20, 200)))  # fmt: skip
                units.append(unit)
            care = [u for u in units if u.startswith(("bup/", "hab/"))]
            if not care:
                unit = f"bup/BUP {m.bup}"
                self.b.involve(index, unit, self.b.pick(unit) if rng.random() < 0.7 else None,
                               "bup", self.day(rng.randint(20, 400)))  # fmt: skip
                care = [unit]
            school = [u for u in units if u.startswith("skola-")]
            parties = [social(units)[0], *care, *school[: rng.random() < 0.35]]
            scenario = SCENARIOS[n % len(SCENARIOS)]
            initiator = assigned.get((index, parties[0])) or self.staff_in(parties[0])
            self.sip(index, parties, scenario, initiator)


def draw_sips(builder: _Builder, today: date) -> None:
    _SipDrawer(builder, today).draw()
