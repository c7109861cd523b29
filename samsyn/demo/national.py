"""The national set (issue 12 point 1): Sweden's 21 regions and 290 municipalities, up to
millions of children, streamed into PostgreSQL by COPY.

The demo's Örebro county (`services.build_county`, at most 2,000 children) is built first, so
the demo logins and their stories are there at any size; this module then adds the rest of the
country's structure and spreads the remaining children over all 290 municipalities, Örebro's
included. Children are drawn household by household and written in chunks of CHUNK children:
each chunk's rows (guardians, children, guardianships, involvements, consents, SIPs and their
parties, reports of concern with their assessments, investigations and feedback, admissions)
are held only until their COPY, so memory does not grow with the size. Keys are handed out here
(each table's sequence is moved past them at the end), so rows refer to each other without
reading anything back.

Identity numbers of the national children and guardians carry a deliberately wrong check digit
(`national_identity_number`): no issued number fails its check, so none is or can become a real
person's (README.md, "Identity numbers that belong to nobody").
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from samsyn.audit.links import GENESIS, link_hash
from samsyn.children.identity import luhn_check_digit
from samsyn.concerns.models import Intake
from samsyn.demo import data
from samsyn.demo.logins import DEMO_PASSWORD
from samsyn.directory.models import Membership, Organisation, Principal, Role, Staff, Unit

CHUNK = 10_000
# Reports of concern a year per child: Sweden's ~420,000 a year over 2.2 million children.
REPORTS_PER_CHILD_YEAR = 420_000 / 2_200_000
REPORT_YEARS = 3
# Two kinds (personnummer, samordningsnummer) × 980 birth numbers (000–979) per birth date.
PER_DATE = 2 * 980
MAX_CHILDREN = PER_DATE * 365 * 17

# (county code, region, seat, inhabitants in thousands, municipalities): SCB, mid-2020s, round.
REGIONS: tuple[tuple[str, str, str, int, int], ...] = (
    ("01", "Region Stockholm", "Stockholm", 2_450, 26),
    ("03", "Region Uppsala", "Uppsala", 400, 8),
    ("04", "Region Sörmland", "Nyköping", 300, 9),
    ("05", "Region Östergötland", "Linköping", 470, 13),
    ("06", "Region Jönköpings län", "Jönköping", 370, 13),
    ("07", "Region Kronoberg", "Växjö", 205, 8),
    ("08", "Region Kalmar län", "Kalmar", 246, 12),
    ("09", "Region Gotland", "Gotland", 61, 1),
    ("10", "Region Blekinge", "Karlskrona", 157, 5),
    ("12", "Region Skåne", "Malmö", 1_410, 33),
    ("13", "Region Halland", "Halmstad", 340, 6),
    ("14", "Västra Götalandsregionen", "Göteborg", 1_750, 49),
    ("17", "Region Värmland", "Karlstad", 283, 16),
    ("18", data.REGION_NAME, "Örebro", 306, 12),
    ("19", "Region Västmanland", "Västerås", 280, 10),
    ("20", "Region Dalarna", "Falun", 288, 15),
    ("21", "Region Gävleborg", "Gävle", 287, 10),
    ("22", "Region Västernorrland", "Härnösand", 244, 7),
    ("23", "Region Jämtland Härjedalen", "Östersund", 132, 8),
    ("24", "Region Västerbotten", "Umeå", 275, 15),
    ("25", "Region Norrbotten", "Luleå", 250, 14),
)
# Synthetic place names for the municipalities besides the seats (and Örebro's real twelve).
_STEMS = (
    "Björk", "Ek", "Gran", "Lind", "Sjö", "Berg", "Å", "Hög", "Norr", "Söder", "Väster", "Öster",
    "Stor", "Lill", "Mal", "Kvarn", "Hammar", "Sand", "Sten", "Mo", "Ljung", "Rönn", "Hassel",
    "Al", "Tall", "Vik", "Holm", "Ås", "Hed", "Fors",
)  # fmt: skip
_ENDINGS = (
    "köping", "sala", "by", "fors", "hamn", "vik", "ås", "berga", "holm", "sund", "dal", "tuna",
    "ryd", "målen", "näs", "stad", "torp", "boda",
)  # fmt: skip
WHAT_SEEN = (
    "Barnet har vid flera tillfällen kommit till skolan hungrigt och utan ytterkläder.",
    "Barnet berättar att det är bråk hemma och att hen inte vill gå hem.",
    "Polisen har varit på plats efter larm om våld i hemmet; barnet var hemma.",
    "Barnet har hög frånvaro och verkar nedstämt; vårdnadshavarna svarar inte på kontakt.",
    "Vi har sett blåmärken på barnets armar som barnet inte vill förklara.",
    "Förälder uppträdde påverkad vid hämtning.",
)

Progress = Callable[[str], None]


def national_identity_number(born: date, slot: int) -> str:
    """The `slot`th number of a birth date (0 ≤ slot < PER_DATE): birth numbers 000–979 as
    personnummer, then as samordningsnummer (day + 60), with the check digit the real one plus 5
    (mod 10). Never a real person's: every number Skatteverket issues passes its check."""
    coordination, serial = divmod(slot, 980)
    day = born.day + (60 if coordination else 0)
    nine = f"{born.year % 100:02d}{born.month:02d}{day:02d}{serial:03d}"
    return f"{born.year // 100:02d}{nine}{(luhn_check_digit(nine) + 5) % 10}"


# ---------------------------------------------------------------------------- structure


@dataclass
class Place:
    """One municipality, as the chunks need it: keys only."""

    code: str
    name: str
    weight: int
    principal: int = 0
    region: int = 0
    soc: int = 0
    intake: int = 0
    intake_unit: int = 0
    investigation_unit: int = 0
    outpatient_unit: int = 0
    schools: list[int] = field(default_factory=list)
    upper_school: int = 0
    bvc: int = 0
    bup_org: int = 0
    bup: int = 0
    ward: int = 0
    police: int = 0


class Staffing:
    """Staff ids per unit, and who they are (for the audit rows)."""

    def __init__(self) -> None:
        self.by_unit: dict[int, list[int]] = {}
        self.by_organisation: dict[int, list[int]] = {}
        self.organisation_of: dict[int, int] = {}
        self.actors: list[tuple] = []

    def load(self) -> None:
        rows = Membership.objects.filter(active=True).values_list(
            "unit_id", "staff_id", "staff__user_id", "staff__name", "unit__organisation_id",
            "unit__organisation__name", "unit__name", "role",
        )  # fmt: skip
        for unit, staff, user, name, org, org_name, unit_name, role in rows:
            self.by_unit.setdefault(unit, []).append(staff)
            self.by_organisation.setdefault(org, []).append(staff)
            if role not in (Role.ADMINISTRATOR, Role.ANALYST):
                self.actors.append((user, staff, name, org, org_name, unit, unit_name, role))

        self.organisation_of = dict(Unit.objects.values_list("pk", "organisation_id"))

    def pick(self, rng: random.Random, unit: int) -> int:
        # The base county staffs only some of its schools: a colleague of the organisation then.
        staff = self.by_unit.get(unit) or self.by_organisation[self.organisation_of[unit]]
        return rng.choice(staff)


def _municipality_names(rng: random.Random) -> Iterator[str]:
    taken = {region[2] for region in REGIONS} | {m.name for m in data.MUNICIPALITIES}
    names = [stem + ending for stem in _STEMS for ending in _ENDINGS]
    names = [name for name in names if name not in taken]
    rng.shuffle(names)
    yield from names


def write_structure(seed: int, progress: Progress) -> list[Place]:
    """The 20 regions besides Örebro and their municipalities, with social services, schools,
    BVC, BUP (with an inpatient ward per region) and the police; Örebro's are read back."""
    rng = random.Random(f"{seed}-national")
    names = _municipality_names(rng)
    password = make_password(DEMO_PASSWORD, salt=f"samsyndemo{seed}")
    police = Principal.objects.get(kind="state", name="Polismyndigheten")
    places: list[Place] = []
    for code, region_name, seat, thousands, count in REGIONS:
        if code == data.REGION_CODE:
            places += _orebro_places()
            continue
        region = Principal.objects.create(
            kind="region", name=region_name, code=code, population=thousands * 1000
        )
        bup = _organisation(region, "bup", f"Barn- och ungdomspsykiatrin, {region_name}")
        bvc = _organisation(region, "bvc", f"Barnhälsovården, {region_name}")
        polis = _organisation(police, "polis", f"Polisen, {region_name.removeprefix('Region ')}")
        ward = _unit(bup, "BUP heldygnsvård", None, seat)
        # The seat holds about a third of the region; the rest fall off like real towns do.
        weights = [thousands * 350] + [
            int(thousands * 650 / max(1, count - 1) * rng.lognormvariate(0, 0.6))
            for _ in range(count - 1)
        ]
        bup_unit = None
        for index in range(count):
            name = seat if index == 0 else next(names)
            mcode = f"{code}80" if index == 0 else f"{code}{index + (index >= 80):02d}"
            kommun = Principal.objects.create(
                kind="kommun", name=f"{name} kommun", code=mcode, population=weights[index]
            )
            place = Place(mcode, name, weights[index], kommun.pk, region.pk)
            soc = _organisation(kommun, "socialtjanst", f"Socialtjänsten {name} kommun", name)
            intake = _unit(soc, "Barn och unga – mottagning", kommun, name)
            place.soc, place.intake_unit = soc.pk, intake.pk
            place.investigation_unit = _unit(soc, "Barn och unga – utredning", kommun, name).pk
            place.outpatient_unit = _unit(soc, "Barn och unga – öppenvård", kommun, name).pk
            place.intake = Intake.objects.create(
                municipality=kommun, organisation=soc, unit=intake
            ).pk
            school = _organisation(kommun, "skola", f"Grundskola och elevhälsa {name}", name)
            children = weights[index] * 0.2
            place.schools = [
                _unit(school, f"{rng.choice(data.SCHOOL_NAMES)} {n + 1}", kommun, name).pk
                for n in range(max(1, round(children / 450)))
            ]
            place.upper_school = _unit(school, f"Gymnasieskolan {name}", kommun, name).pk
            place.bvc = _unit(bvc, f"BVC {name}", kommun, name).pk
            if index % 4 == 0:  # one BUP clinic for every few municipalities
                bup_unit = _unit(bup, f"BUP {name}", kommun, name)
            assert bup_unit is not None
            place.bup_org, place.bup, place.ward = bup.pk, bup_unit.pk, ward.pk
            place.police = _unit(polis, f"Lokalpolisområde {name}", kommun, name).pk
            places.append(place)
        progress(f"  {region_name}: {count} kommuner")
    _write_staff(places, password, rng)
    return places


def _organisation(principal: Principal, kind: str, name: str, kommun: str = "") -> Organisation:
    region = principal.name if principal.kind == "region" else ""
    texts = {
        key: text.format(kommun=kommun, region=region)
        for key, text in data.ORGANISATION_TEXTS[kind].items()
    }
    return Organisation.objects.create(
        principal=principal, kind=kind, name=name, phone=data.fictional_phone(principal.pk),
        **texts,
    )  # fmt: skip


def _unit(organisation: Organisation, name: str, kommun: Principal | None, town: str) -> Unit:
    return Unit.objects.create(
        organisation=organisation, name=name, municipality=kommun, address=f"Storgatan 1, {town}"
    )


def _orebro_places() -> list[Place]:
    """The base county's municipalities, as `services.build_county` wrote them."""
    places = []
    units = {(u.organisation.name, u.name): u for u in Unit.objects.select_related("organisation")}
    intakes = {i.municipality_id: i for i in Intake.objects.all()}
    bup_ward = units[(f"Barn- och ungdomspsykiatrin, {data.REGION_NAME}", "BUP heldygnsvård")]
    for m in data.MUNICIPALITIES:
        kommun = Principal.objects.get(kind="kommun", code=m.code)
        soc = f"Socialtjänsten {m.name} kommun"
        school = f"Grundskola och elevhälsa {m.name}"
        intake = intakes[kommun.pk]
        places.append(
            Place(
                m.code, m.name, m.population, kommun.pk, bup_ward.organisation.principal_id,
                soc=intake.organisation_id, intake=intake.pk, intake_unit=intake.unit_id,
                investigation_unit=units[(soc, "Barn och unga – utredning")].pk,
                outpatient_unit=units[(soc, "Barn och unga – öppenvård")].pk,
                schools=[u.pk for (org, name), u in units.items()
                         if org == school and not name.startswith("Gymnasieskolan")],
                upper_school=units[(school, f"Gymnasieskolan {m.name}")].pk,
                bvc=units[(f"Barnhälsovården, {data.REGION_NAME}", f"BVC {m.name}")].pk,
                bup_org=bup_ward.organisation_id,
                bup=units[(bup_ward.organisation.name, f"BUP {m.bup}")].pk, ward=bup_ward.pk,
                police=units[("Polisen, region Bergslagen", f"Lokalpolisområde {m.police}")].pk,
            )
        )  # fmt: skip
    return places


def _write_staff(places: list[Place], password: str, rng: random.Random) -> None:
    """Staff for the new units, in proportion to the children each will serve."""
    from samsyn.accounts.models import User

    plan: list[tuple[int, str, str, int]] = []  # (unit, role, title, how many)
    wards = set()
    for p in places:
        if p.code[:2] == data.REGION_CODE:
            continue  # the base county staffed Örebro's
        kids = p.weight * 0.2
        plan += [
            (p.intake_unit, Role.CASEWORKER, "Socialsekreterare", 2 + int(kids // 6000)),
            (p.investigation_unit, Role.CASEWORKER, "Socialsekreterare", 3 + int(kids // 2500)),
            (p.investigation_unit, Role.UNIT_MANAGER, "Enhetschef", 1),
            (p.outpatient_unit, Role.CASEWORKER, "Familjebehandlare", 2 + int(kids // 5000)),
            (p.bvc, Role.CLINICIAN, "BVC-sjuksköterska", 1 + int(kids // 3000)),
            (p.police, Role.POLICE_OFFICER, "Polisinspektör", 1 + int(kids // 10000)),
            (p.bup, Role.CLINICIAN, "Psykolog", 2 + int(kids // 4000)),
        ]
        for school in p.schools:
            plan += [
                (school, Role.SCHOOL_COUNSELLOR, "Kurator", 1),
                (school, Role.SCHOOL_NURSE, "Skolsköterska", 1),
            ]
        if p.ward not in wards:
            wards.add(p.ward)
            plan.append((p.ward, Role.CLINICIAN, "Sjuksköterska", 4))
    start = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    users, staff, members = [], [], []
    for unit, role, title, count in plan:
        for _ in range(count):
            n = start + len(users)
            first, last = rng.choice(data.WOMEN + data.MEN), rng.choice(data.SURNAMES)
            email = f"personal{n}@samsyn-demo.invalid"
            users.append(User(username=f"personal{n}", first_name=first, last_name=last,
                              email=email, password=password))  # fmt: skip
            staff.append(Staff(name=f"{first} {last}", title=title, email=email,
                               phone=data.fictional_phone(n)))  # fmt: skip
            members.append((unit, role))
    users = User.objects.bulk_create(users, batch_size=5000)
    for user, member in zip(users, staff, strict=True):
        member.user = user
    staff = Staff.objects.bulk_create(staff, batch_size=5000)
    Membership.objects.bulk_create(
        [Membership(staff=s, unit_id=u, role=r) for s, (u, r) in zip(staff, members, strict=True)],
        batch_size=5000,
    )


def _largest_remainder(total: int, weights: list[int]) -> list[int]:
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


# ---------------------------------------------------------------------------- rows

# The columns each COPY writes, in order; every NOT NULL column without a database default.
COLUMNS: dict[str, tuple[str, ...]] = {
    "children_guardian": (
        "id", "identity_number", "first_name", "last_name", "street_address", "postal_code",
        "city", "phone", "protected_identity", "email", "version",
    ),
    "children_child": (
        "id", "identity_number", "first_name", "last_name", "street_address", "postal_code",
        "city", "phone", "protected_identity", "birth_date", "is_coordination_number",
        "version", "municipality_id",
    ),
    "children_guardianship": ("id", "child_id", "guardian_id", "end_reason", "ended_on"),
    "children_involvement": (
        "id", "reason", "started_on", "ended_on", "child_id", "staff_id", "unit_id",
    ),
    "consent_consent": (
        "id", "given_by", "categories", "purposes", "form", "given_at", "valid_until",
        "withdrawn_at", "child_id", "guardian_id", "receiving_organisation_id",
        "recorded_by_id", "recorded_for_id", "withdrawn_recorded_by_id",
    ),
    "plans_case": (
        "id", "status", "reason", "proposed_at", "proposed_by_kind", "proposer_name",
        "first_contact_at", "closed_at", "close_reason", "version", "child_id",
        "coordinator_id", "coordinator_organisation_id", "initiated_by_id",
        "initiating_organisation_id",
    ),
    "plans_party": (
        "id", "invited_at", "case_id", "invited_by_id", "organisation_id", "accepted_at",
        "accepted_by_id", "unit_id", "joined_reason",
    ),
    "concerns_investigation": (
        "id", "opened_on", "extended_until", "extension_reason", "finished_on", "outcome",
        "version", "caseworker_id", "child_id", "extended_by_id", "opened_by_id",
        "organisation_id", "unit_id",
    ),
    "concerns_report": (
        "id", "received_at", "reporter_kind", "reporter_category", "anonymous", "reporter_name",
        "reporter_phone", "reporter_email", "given_identity_number", "given_name",
        "given_address", "linked_at", "what_seen", "urgency", "feedback_requested_at",
        "version", "child_id", "intake_id", "intake_unit_id", "linked_by_id", "organisation_id",
        "reporter_staff_id", "reporter_unit_id",
    ),
    "concerns_protectionassessment": (
        "id", "immediate_protection_needed", "assessment", "decided_at", "decided_by_id",
        "report_id",
    ),
    "concerns_initialassessment": (
        "id", "decision", "reasons", "decided_at", "extended_until", "extension_reason",
        "version", "decided_by_id", "extended_by_id", "investigation_id", "report_id",
    ),
    "concerns_feedback": ("id", "answer", "given_at", "given_by_id", "report_id"),
    "discharge_admission": (
        "id", "admitted_at", "needs_judged_at", "expected_discharge_on", "ready_at",
        "discharged_at", "care_information_sent_at", "compulsory_outpatient_care", "version",
        "child_id", "created_by_id", "fixed_care_contact_id", "organisation_id",
        "outpatient_unit_id", "unit_id", "care_given",
    ),
}  # fmt: skip


class Keys:
    """The next free key of each table, handed out here and given to the sequences at the end."""

    def __init__(self) -> None:
        self.next: dict[str, int] = {}
        with connection.cursor() as cursor:
            for table in COLUMNS:
                cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608
                self.next[table] = cursor.fetchone()[0]

    def take(self, table: str) -> int:
        key = self.next[table]
        self.next[table] = key + 1
        return key

    def commit(self) -> None:
        with connection.cursor() as cursor:
            for table, key in self.next.items():
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [table, key]
                )


class Chunk:
    def __init__(self) -> None:
        self.rows: dict[str, list[tuple]] = {table: [] for table in COLUMNS}

    def add(self, table: str, row: tuple) -> None:
        self.rows[table].append(row)

    def write(self) -> int:
        written = 0
        with connection.cursor() as cursor:
            for table, rows in self.rows.items():
                if not rows:
                    continue
                columns = ", ".join(COLUMNS[table])
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                written += len(rows)
                rows.clear()
        return written


def _at(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, 7 + rng.randrange(9), rng.randrange(60),
                    tzinfo=UTC)  # fmt: skip


class Drawer:
    """Draws households into a Chunk. One generator (seed + "-children") for everything, so the
    same seed and size give the same national set."""

    def __init__(self, seed: int, year: int, today: date, keys: Keys, staffing: Staffing):
        self.rng = random.Random(f"{seed}-children")
        self.year, self.today, self.keys, self.staffing = year, today, keys, staffing
        self.as_of = date(year, 1, 1)
        self.first_birth = date(year - 17, 1, 1)
        self.birth_days = (self.as_of - self.first_birth).days
        self.used: dict[date, int] = {}  # birth date -> slots used: flat (~6,200 + ~15,000 dates)
        self.reports_from = today - timedelta(days=365 * REPORT_YEARS)

    def identity(self, born: date) -> tuple[str, bool]:
        slot = self.used.get(born, 0)
        if slot >= PER_DATE:
            raise ValueError("No national identity numbers left for " + born.isoformat())
        self.used[born] = slot + 1
        return national_identity_number(born, slot), slot >= 980

    def household(self, place: Place, chunk: Chunk, siblings: int) -> None:
        rng, take = self.rng, self.keys.take
        surname = rng.choice(data.SURNAMES)
        street = f"{rng.choice(data.STREETS)} {rng.randint(1, 90)}"
        postal = f"{rng.randint(100, 989)} {rng.randint(10, 99)}"
        protected = rng.random() < 0.01
        draw = rng.random()
        guardians = []
        for _ in range(2 if draw < 0.78 else 1 if draw < 0.96 else 0):
            born = self.as_of - timedelta(days=rng.randint(365 * 22, 365 * 55))
            number, _coordination = self.identity(born)
            key = take("children_guardian")
            female = rng.random() < 0.5
            email = f"{key}@example.org" if rng.random() < 0.92 else ""
            chunk.add("children_guardian", (
                key, number, rng.choice(data.WOMEN if female else data.MEN), surname, street,
                postal, place.name, data.fictional_phone(key), protected, email, 1,
            ))  # fmt: skip
            guardians.append(key)
        for _ in range(siblings):
            self.child(place, chunk, guardians, surname, street, postal, protected)

    def child(self, place, chunk, guardians, surname, street, postal, protected) -> None:
        rng, take = self.rng, self.keys.take
        born = self.first_birth + timedelta(days=rng.randrange(self.birth_days))
        number, coordination = self.identity(born)
        key = take("children_child")
        girl = int(number[10]) % 2 == 0
        chunk.add("children_child", (
            key, number, rng.choice(data.GIRLS if girl else data.BOYS), surname, street, postal,
            place.name, "", protected, born, coordination, 1, place.principal,
        ))  # fmt: skip
        for guardian in guardians:
            chunk.add("children_guardianship", (take("children_guardianship"), key, guardian, "",
                                                 None))  # fmt: skip
        age = self.year - born.year
        involved = self.involvements(place, chunk, key, born, age)
        if "soc" in involved and rng.random() < 0.6:
            receiving = place.bup_org if "bup" in involved else None
            if receiving:
                self.consents(place, chunk, key, guardians, age, receiving, involved["soc"])
        if involved and rng.random() < 0.18 and ("soc" in involved or "bup" in involved):
            self.sip(place, chunk, key, guardians, age, involved)
        self.reports(place, chunk, key, number, age, involved)
        if age >= 6 and rng.random() < 0.0045:
            self.admission(place, chunk, key)

    def involvements(self, place: Place, chunk: Chunk, child: int, born: date, age: int) -> dict:
        rng = self.rng
        involved: dict[str, int | None] = {}

        def involve(unit: int, staff: int | None, reason: str, started: date,
                    ended: date | None = None) -> None:  # fmt: skip
            chunk.add("children_involvement", (self.keys.take("children_involvement"), reason,
                      max(started, born), ended, child, staff, unit))  # fmt: skip

        if age < 6:
            involve(place.bvc, None, "Barnhälsovård enligt det nationella programmet.",
                    born + timedelta(days=rng.randint(3, 14)))  # fmt: skip
        elif age <= 15:
            involve(rng.choice(place.schools), None, "Elev i grundskolan.",
                    date(born.year + 6, 8, 20))  # fmt: skip
        else:
            involve(place.upper_school, None, "Elev i gymnasieskolan.", date(born.year + 16, 8, 20))
        draw = rng.random()
        if draw < 0.025:
            involve(place.intake_unit, None, "Orosanmälan under bedömning.", self.recent(30))
        elif draw < 0.08:
            unit = place.investigation_unit if draw < 0.06 else place.outpatient_unit
            staff = self.staffing.pick(rng, unit)
            involve(unit, staff, "Utredning enligt 11 kap. 1 § SoL.", self.recent(400))
            involved["soc"] = staff
        elif draw < 0.095:
            started = self.recent(900)
            ended = started + timedelta(days=rng.randint(60, 120))
            staff = self.staffing.pick(rng, place.investigation_unit)
            involve(place.investigation_unit, staff, "Avslutad utredning.", started, ended)
        if age >= 6 and rng.random() < 0.05 + 0.03 * (age >= 13):
            staff = self.staffing.pick(rng, place.bup)
            involve(place.bup, staff if rng.random() < 0.7 else None,
                    "Utredning och behandling inom BUP.", self.recent(500))  # fmt: skip
            involved["bup"] = staff
        if age >= 10 and rng.random() < 0.012:
            involve(place.police, self.staffing.pick(rng, place.police),
                    "Förundersökning där barnet är målsägande.", self.recent(150))  # fmt: skip
        return involved

    def recent(self, days: int) -> date:
        return self.as_of - timedelta(days=self.rng.randint(1, days))

    def consents(self, place, chunk, child, guardians, age, receiving, recorder) -> None:
        rng = self.rng
        given = _at(self.as_of - timedelta(days=rng.randint(1, 300)), rng)
        withdrawn = given + timedelta(days=rng.randint(1, 30)) if rng.random() < 0.12 else None
        common = (["basic", "contact", "social", "plan"], ["follow_up", "planning", "treatment"],
                  rng.choice(("written", "written", "oral")), given, given + timedelta(days=730),
                  withdrawn, child)  # fmt: skip
        tail = (receiving, recorder, place.soc, recorder if withdrawn else None)
        givers = [("child", None)] if age >= 15 or not guardians else [
            ("guardian", g) for g in guardians]  # fmt: skip
        for given_by, guardian in givers:
            chunk.add("consent_consent", (self.keys.take("consent_consent"), given_by, *common,
                                          guardian, *tail))  # fmt: skip

    def sip(self, place, chunk, child, guardians, age, involved) -> None:
        rng, take = self.rng, self.keys.take
        caseworker = involved.get("soc") or self.staffing.pick(rng, place.investigation_unit)
        clinician = involved.get("bup") or self.staffing.pick(rng, place.bup)
        proposed = _at(self.today - timedelta(days=rng.randint(5, 700)), rng)
        status = rng.choices(
            ("proposed", "consented", "meeting_booked", "drafted", "finalised", "closed"),
            (5, 5, 10, 10, 45, 25),
        )[0]
        contact = proposed + timedelta(days=rng.randint(1, 5)) if status != "proposed" else None
        closed = status == "closed"
        key = take("plans_case")
        chunk.add("plans_case", (
            key, status, "Barnet behöver samordnade insatser från socialtjänst och BUP.",
            proposed, "staff", "", contact, contact + timedelta(days=200) if closed else None,
            "Målen är nådda." if closed else "", 1, child,
            caseworker if status != "proposed" else None,
            place.soc if status != "proposed" else None, caseworker, place.soc,
        ))  # fmt: skip
        for org, unit, staff in ((place.soc, place.investigation_unit, caseworker),
                                 (place.bup_org, place.bup, clinician)):  # fmt: skip
            chunk.add("plans_party", (take("plans_party"), proposed, key, caseworker, org,
                                      proposed, staff, unit, ""))  # fmt: skip
        if status != "proposed" and "bup" in involved:
            self.consents(place, chunk, child, guardians, age, place.bup_org, caseworker)

    def reports(self, place, chunk, child, number, age, involved) -> None:
        rng = self.rng
        # Reports gather on a few children: a fifth get any, and those often several.
        # A report leads to another with odds 0.65: 1/0.35 reports per reported child.
        if rng.random() >= REPORTS_PER_CHILD_YEAR * REPORT_YEARS * 0.35:
            return
        count = 1
        while rng.random() < 0.65 and count < 12:
            count += 1
        span = (self.today - self.reports_from).days
        open_until: date | None = None  # the finish of the child's running investigation
        open_id = 0
        for day in sorted(self.reports_from + timedelta(days=rng.randrange(span))
                          for _ in range(count)):  # fmt: skip
            open_until, open_id = self.report(place, chunk, child, number, age, day,
                                              open_until, open_id)  # fmt: skip

    def report(self, place, chunk, child, number, age, day, open_until, open_id):
        rng, take, pick = self.rng, self.keys.take, self.staffing.pick
        received = _at(day, rng)
        category = rng.choices(
            ("school", "preschool", "health", "social", "police", "authority", "public"),
            (28, 4, 14, 8, 30, 4, 12),
        )[0]
        if category == "school" and age < 6:
            category = "preschool"
        public = category == "public"
        anonymous = public and rng.random() < 0.5
        unit = {
            "school": place.schools[0] if age <= 15 else place.upper_school,
            "preschool": place.schools[0], "health": place.bup if age >= 6 else place.bvc,
            "social": place.outpatient_unit, "police": place.police,
            "authority": place.police,
        }.get(category)  # fmt: skip
        reporter = pick(rng, unit) if unit else None
        intake_staff = pick(rng, place.intake_unit)
        requested = received if not public and rng.random() < 0.6 else None
        name = f"{rng.choice(data.WOMEN)} {rng.choice(data.SURNAMES)}"
        key = take("concerns_report")
        chunk.add("concerns_report", (
            key, received, "public" if public else "professional", category, anonymous,
            "" if anonymous or not public else name,
            "", "", "" if public else number, "", "", received + timedelta(minutes=30),
            rng.choice(WHAT_SEEN), "acute" if rng.random() < 0.1 else "not_acute", requested, 1,
            child, place.intake, place.intake_unit, intake_staff if public else None, place.soc,
            reporter, unit,
        ))  # fmt: skip
        if day >= self.today - timedelta(days=1):
            return open_until, open_id
        chunk.add("concerns_protectionassessment", (
            take("concerns_protectionassessment"), False,
            "Inget akut skyddsbehov framkommer.", received + timedelta(hours=3), intake_staff, key,
        ))  # fmt: skip
        decided_on = day + timedelta(days=rng.randint(3, 14))
        if decided_on >= self.today:
            return open_until, open_id
        decided = _at(decided_on, rng)
        investigation = None
        if open_until is not None and (open_until is date.max or open_until > decided_on):
            decision, investigation = "under_way", open_id
        elif rng.random() < 0.35:
            decision = "opened"
            investigation = open_id = take("concerns_investigation")
            finished = decided_on + timedelta(days=rng.randint(60, 125))
            done = finished < self.today
            caseworker = pick(rng, place.investigation_unit)
            chunk.add("concerns_investigation", (
                investigation, decided_on, None, "", finished if done else None,
                "Insatser i öppenvården." if done else "", 1, caseworker, child, None,
                intake_staff, place.soc, place.investigation_unit,
            ))  # fmt: skip
            open_until = finished if done else date.max
        else:
            decision = "not_opened"
        chunk.add("concerns_initialassessment", (
            take("concerns_initialassessment"), decision, "Bedömt utifrån anmälan och samtal.",
            decided, None, "", 1, intake_staff, None, investigation, key,
        ))  # fmt: skip
        if requested:
            chunk.add("concerns_feedback", (take("concerns_feedback"), decision,
                      decided + timedelta(days=rng.randint(0, 6)), intake_staff, key))  # fmt: skip
        return open_until, open_id

    def admission(self, place: Place, chunk: Chunk, child: int) -> None:
        rng = self.rng
        admitted = _at(self.today - timedelta(days=rng.randint(0, 365 * REPORT_YEARS)), rng)
        expected = (admitted + timedelta(days=rng.randint(7, 40))).date()
        done = expected < self.today
        nurse = self.staffing.pick(rng, place.ward)
        chunk.add("discharge_admission", (
            self.keys.take("discharge_admission"), admitted, admitted + timedelta(hours=2),
            expected, _at(expected, rng) if done else None,
            _at(expected, rng) + timedelta(hours=30) if done else None,
            _at(expected, rng) + timedelta(hours=30) if done else None, False, 1, child, nurse,
            None, place.bup_org, None, place.ward, "",
        ))  # fmt: skip


# ---------------------------------------------------------------------------- the build


class Bar:
    """A progress bar on stderr: one line, redrawn at most twice a second."""

    def __init__(self, label: str, total: int, stream=None) -> None:
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream = stream or sys.stderr
        self.started = self.shown = time.monotonic()

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if now - self.shown >= 0.5 or self.done >= self.total:
            self.shown = now
            share = min(self.done / self.total, 1)
            rate = self.done / max(now - self.started, 1e-6)
            left = (self.total - self.done) / rate if rate else 0
            bar = "#" * int(share * 30)
            self.stream.write(
                f"\r  {self.label:<10} [{bar:<30}] {share:6.1%} {self.done:>12,}/{self.total:,}"
                f"  {rate:,.0f}/s  {left / 60:5.1f} min left "
            )
            self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def write_children(places: list[Place], children: int, *, seed: int, year: int, today: date,
                   progress: Progress, stream=None) -> dict[str, int]:  # fmt: skip
    """Stream `children` children over the places, CHUNK at a time; returns rows per table."""
    if children > MAX_CHILDREN:
        raise ValueError(f"At most {MAX_CHILDREN} national children fit the numbering.")
    staffing = Staffing()
    staffing.load()
    keys = Keys()
    drawer = Drawer(seed, year, today, keys, staffing)
    counts = _largest_remainder(children, [p.weight for p in places])
    chunk = Chunk()
    written: dict[str, int] = dict.fromkeys(COLUMNS, 0)
    bar = Bar("children", children, stream)
    pending = 0
    for place, count in zip(places, counts, strict=True):
        left = count
        while left > 0:
            siblings = min(left, drawer.rng.choice((1, 1, 2, 2, 2, 3, 3, 4)))
            drawer.household(place, chunk, siblings)
            left -= siblings
            pending += siblings
            if pending >= CHUNK:
                _flush(chunk, written)
                bar.advance(pending)
                pending = 0
    _flush(chunk, written)
    bar.advance(pending)
    bar.close()
    keys.commit()
    return written


def _flush(chunk: Chunk, written: dict[str, int]) -> None:
    for table, rows in chunk.rows.items():
        written[table] += len(rows)
    chunk.write()


# ---------------------------------------------------------------------------- audit rows


AUDIT_COLUMNS = (
    "at", "chain", "seq", "prev_hash", "hash", "user_id", "staff_id", "staff_name",
    "organisation_id", "organisation_name", "unit_id", "unit_name", "role", "action", "outcome",
    "child_id", "object_type", "object_id", "purpose", "basis", "detail",
)  # fmt: skip
AUDIT_BATCH = 20_000
# The stripe a single writer takes (docs/adr/0010): each organisation's rows in one chain.
AUDIT_STRIPE = 0
_AUDIT_BASIS = {"basis": "involvement", "relationship": "own_unit"}
_PURPOSE = {Role.CASEWORKER: "investigation", Role.POLICE_OFFICER: "investigation",
            Role.SCHOOL_COUNSELLOR: "support", Role.SCHOOL_NURSE: "support"}  # fmt: skip


def write_audit(rows: int, *, seed: int, today: date, stream=None) -> int:
    """`rows` reads of children by staff over the last REPORT_YEARS years, oldest first, by
    COPY in committed batches, each row linked into its organisation's chain here."""
    if rows <= 0:
        return 0
    staffing = Staffing()
    staffing.load()
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM children_child")
        children = cursor.fetchone()
        start = datetime.combine(today - timedelta(days=365 * REPORT_YEARS), datetime.min.time(),
                                 tzinfo=UTC)  # fmt: skip
        month = start.replace(day=1)
        while month <= timezone.now():
            cursor.execute("SELECT audit_ensure_partition(%s)", [month])
            month = (month + timedelta(days=32)).replace(day=1)
    bar = Bar("audit", rows, stream)
    AuditJob(random.Random(f"{seed}-audit"), staffing.actors, children, start, bar).write(rows)
    bar.close()
    return rows


class AuditJob:
    """Audit rows by COPY, linked here: chain, seq, prev_hash and hash computed by
    `audit.links.link_hash` (equal to the database's `audit_link_hash`) from the chain heads as
    they stand, and the heads moved to each batch's last links in the batch's transaction.

    The database's linking trigger (`audit_entry_link`, docs/adr/0010) is not fired for these
    COPYs (`session_replication_role = replica`, for the COPY only): it would link every row
    again with an UPDATE of its head and a hash in plpgsql, the per-row work that held one writer
    to 1/3–1/2 of the rows/s it does now (README.md, "Size and time"). Setting it takes a
    superuser (the embedded server's) or, from PostgreSQL 15, `GRANT SET ON PARAMETER
    session_replication_role`. The loader must be its chains' only writer: it runs in the
    database built aside, which nobody else uses."""

    def __init__(self, rng, actors, children, start, bar) -> None:
        self.rng, self.actors, self.children, self.start = rng, actors, children, start
        self.bar = bar

    def write(self, rows: int) -> None:
        rng, actors, (low, high) = self.rng, self.actors, self.children
        step = (timezone.now() - self.start) / rows
        basis_text = json.dumps(_AUDIT_BASIS)
        columns = ", ".join(AUDIT_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute("SELECT chain, seq, hash FROM audit_chainhead")
            heads = {chain: (seq, link) for chain, seq, link in cursor.fetchall()}
        chains = {actor[3]: f"org:{actor[3]}/{AUDIT_STRIPE}" for actor in actors}
        done = 0
        while done < rows:
            batch = min(AUDIT_BATCH, rows - done)
            moved: set[str] = set()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SHOW session_replication_role")
                role_before = cursor.fetchone()[0]
                cursor.execute("SET LOCAL session_replication_role = replica")
                with cursor.cursor.copy(f"COPY audit_entry ({columns}) FROM STDIN") as copy:
                    for n in range(done, done + batch):
                        user, staff, name, org, org_name, unit, unit_name, role = rng.choice(actors)
                        child = rng.randint(low, high)
                        at = self.start + step * n
                        fields = (user, staff, name, org, org_name, unit, unit_name, role, "read",
                                  "allowed", child, "child", str(child),
                                  _PURPOSE.get(role, "treatment"))  # fmt: skip
                        chain = chains[org]
                        seq, prev = heads.get(chain, (0, GENESIS))
                        seq += 1
                        link = link_hash(prev, at, chain, seq, *fields, _AUDIT_BASIS, {})
                        heads[chain] = (seq, link)
                        moved.add(chain)
                        copy.write_row([at, chain, seq, prev, link, *fields, basis_text, "{}"])
                # Back at once: inside a caller's transaction, a SET LOCAL in this savepoint
                # would outlive it and leave the caller's own audit rows unlinked.
                cursor.execute(
                    "SELECT set_config('session_replication_role', %s, true)", [role_before]
                )
                cursor.execute(
                    "INSERT INTO audit_chainhead (chain, seq, hash)"
                    " SELECT * FROM unnest(%s::text[], %s::bigint[], %s::text[])"
                    " ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                    [list(moved), [heads[c][0] for c in moved], [heads[c][1] for c in moved]],
                )
            done += batch
            self.bar.advance(batch)
