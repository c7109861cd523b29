"""The synthetic county, generated in memory: Örebro län with its principals, organisations,
units, staff, children, guardians, involvements, consents and legal grounds.

Pure Python and deterministic: one `random.Random(seed)` drives every choice, and dates are
counted from 1 January of the county's year, so the same (seed, children, year) gives the same
county byte for byte (`County.digest()`). Writing it to the database is `services.py`'s job.

Identity numbers use only the birth numbers 980–999 (see README.md), so none belongs to a real
person; when a date's twenty numbers are used up the samordningsnummer of the same date (day +
60) takes the same serials, and after that the next free date.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import astuple, dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from samsyn.children.identity import luhn_check_digit
from samsyn.demo import data
from samsyn.demo.logins import DEMO_LOGINS, DEMO_SCHOOL
from samsyn.directory.models import Role

# Each demo login with children gets at least this many (the brief: "a handful, ≥ 10").
MIN_VISIBLE = 12
SERIALS = {"F": tuple(range(980, 1000, 2)), "M": tuple(range(981, 1000, 2))}
# Birth numbers 980–999 over 17 birth years, personnummer and samordningsnummer.
MAX_CHILDREN = 20 * 2 * 365 * 17


# ---------------------------------------------------------------------------- rows


@dataclass
class PrincipalRow:
    key: str
    kind: str
    name: str
    code: str
    population: int


@dataclass
class OrganisationRow:
    key: str
    principal: str
    kind: str
    name: str
    mandate: str
    competence: str
    priorities: str
    contact_route: str
    phone: str


@dataclass
class UnitRow:
    key: str
    organisation: str
    name: str
    municipality: str  # principal key, "" when the unit serves the whole county
    address: str


@dataclass
class StaffRow:
    username: str
    first_name: str
    last_name: str
    title: str
    email: str
    phone: str
    memberships: list[tuple[str, str]]  # (unit key, role)


@dataclass
class GuardianRow:
    identity_number: str
    first_name: str
    last_name: str
    street_address: str
    postal_code: str
    city: str
    phone: str
    email: str
    protected_identity: bool


@dataclass
class ChildRow:
    identity_number: str
    first_name: str
    last_name: str
    street_address: str
    postal_code: str
    city: str
    phone: str
    protected_identity: bool
    birth_date: date
    is_coordination_number: bool
    municipality: str  # principal key
    guardians: list[int]  # indexes into County.guardians


@dataclass
class InvolvementRow:
    child: int
    unit: str
    staff: str | None  # username; None when the whole unit treats the child
    reason: str
    started_on: date
    ended_on: date | None = None


@dataclass
class ConsentRow:
    child: int
    given_by: str  # "child" or "guardian"
    guardian: int | None
    receiving_organisation: str
    categories: list[str]
    purposes: list[str]
    form: str
    given_at: datetime
    valid_until: datetime
    withdrawn_at: datetime | None
    recorded_by: str
    recorded_for: str


@dataclass
class LegalGroundRow:
    child: int
    basis: str  # LegalBasis.code, seeded by access/migrations/0002_legal_bases.py
    receiving_organisation: str
    categories: list[str]
    purposes: list[str]
    reason: str
    valid_from: datetime
    valid_until: datetime
    ended_at: datetime | None
    recorded_by: str


@dataclass
class County:
    seed: int
    year: int
    principals: list[PrincipalRow] = field(default_factory=list)
    organisations: list[OrganisationRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    staff: list[StaffRow] = field(default_factory=list)
    guardians: list[GuardianRow] = field(default_factory=list)
    children: list[ChildRow] = field(default_factory=list)
    involvements: list[InvolvementRow] = field(default_factory=list)
    consents: list[ConsentRow] = field(default_factory=list)
    legal_grounds: list[LegalGroundRow] = field(default_factory=list)
    # The SIPs and their parts (sips.py); indexes refer into `sips`, `children`, `guardians`.
    sips: list = field(default_factory=list)
    sip_parties: list = field(default_factory=list)
    sip_consents: list = field(default_factory=list)
    sip_handovers: list = field(default_factory=list)
    sip_meetings: list = field(default_factory=list)
    sip_versions: list = field(default_factory=list)

    def digest(self) -> str:
        """SHA-256 over every row, in order: equal digests mean equal counties."""
        sha = hashlib.sha256()
        for name in (
            "principals", "organisations", "units", "staff", "guardians", "children",
            "involvements", "consents", "legal_grounds", "sips", "sip_parties", "sip_consents",
            "sip_handovers", "sip_meetings", "sip_versions",
        ):  # fmt: skip
            for row in getattr(self, name):
                sha.update(json.dumps(astuple(row), default=str, ensure_ascii=False).encode())
                sha.update(b"\n")
        return sha.hexdigest()


def people_digest(rows) -> str:
    """A digest of (identity number, first name, last name) triples, sorted: the same
    projection can be taken from the database, to prove what was written is what was drawn."""
    sha = hashlib.sha256()
    for triple in sorted(rows):
        sha.update("|".join(triple).encode())
        sha.update(b"\n")
    return sha.hexdigest()


# ---------------------------------------------------------------------------- helpers


def identity_number(born: date, serial: int, *, coordination: bool) -> str:
    # Plain integer formatting: strftime is the slowest step at 100,000 children.
    day = born.day + (60 if coordination else 0)
    nine = f"{born.year % 100:02d}{born.month:02d}{day:02d}{serial:03d}"
    return f"{born.year // 100:02d}{nine}{luhn_check_digit(nine)}"


class IdentityPool:
    """Hands out identity numbers with birth numbers 980–999 only, never one twice."""

    def __init__(self) -> None:
        self._used: dict[tuple[date, bool, str], int] = {}

    def allocate(
        self, born: date, sex: str, *, lowest: date, highest: date, coordination: bool = False
    ) -> tuple[str, date, bool]:
        day = born
        for _attempt in range((highest - lowest).days + 1):
            for coord in (True,) if coordination else (False, True):
                key = (day, coord, sex)
                used = self._used.get(key, 0)
                if used < len(SERIALS[sex]):
                    self._used[key] = used + 1
                    return identity_number(day, SERIALS[sex][used], coordination=coord), day, coord
            # Full: the next day, wrapping inside the allowed birth dates so ages stay right.
            day = day + timedelta(days=1) if day < highest else lowest
        raise ValueError("No identity numbers left in the birth numbers 980–999.")


_ASCII = str.maketrans("åäöéüÅÄÖÉÜčćžšđČĆŽŠĐ ", "aaoeuAAOEUcczsdCCZSD-")


def _ascii(text: str) -> str:
    return text.translate(_ASCII).lower()


def _slug(name: str) -> str:
    return _ascii(name).replace("(", "").replace(")", "")


def _largest_remainder(total: int, weights: list[int]) -> list[int]:
    """Split `total` in proportion to `weights`, exactly (Hamilton's method)."""
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    counts = [int(share) for share in shares]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _moment(day: date, rng: random.Random) -> datetime:
    """A working-hours moment on `day`, in UTC (Stockholm is UTC+1/+2; 07–15 UTC is office)."""
    return datetime.combine(day, time(7 + rng.randrange(8), rng.randrange(60)), tzinfo=UTC)


# ---------------------------------------------------------------------------- structure


class _Builder:
    def __init__(self, *, seed: int, children: int, year: int) -> None:
        if children > MAX_CHILDREN:
            raise ValueError(
                f"At most {MAX_CHILDREN} children fit in the test birth numbers 980–999."
            )
        self.rng = random.Random(seed)
        self.county = County(seed=seed, year=year)
        self.n_children = children
        self.year = year
        self.as_of = date(year, 1, 1)
        self.pool = IdentityPool()
        self.phone_counter = 0
        self.usernames: set[str] = set()
        # unit key -> usernames of the staff who take cases there
        self.case_staff: dict[str, list[str]] = {}
        self.units_by_key: dict[str, UnitRow] = {}
        self.schools: dict[str, list[str]] = {}  # municipality code -> grundskola unit keys
        self.upper_school: dict[str, str] = {}  # municipality code -> gymnasium unit key

    def phone(self) -> str:
        self.phone_counter += 1
        return data.fictional_phone(self.phone_counter)

    # -- principals, organisations, units

    def structure(self) -> None:
        c = self.county
        region_population = sum(m.population for m in data.MUNICIPALITIES)
        c.principals.append(
            PrincipalRow(
                data.REGION_CODE, "region", data.REGION_NAME, data.REGION_CODE, region_population
            )
        )
        for m in data.MUNICIPALITIES:
            c.principals.append(
                PrincipalRow(m.code, "kommun", f"{m.name} kommun", m.code, m.population)
            )
        c.principals.append(PrincipalRow("polisen", "state", "Polismyndigheten", "", 0))

        school_names = iter(data.SCHOOL_NAMES)
        for m in data.MUNICIPALITIES:
            soc = self.organisation(
                f"soc-{m.code}", m.code, "socialtjanst", f"Socialtjänsten {m.name} kommun", m.name
            )
            for unit in (
                "Barn och unga – mottagning",
                "Barn och unga – utredning",
                "Barn och unga – öppenvård",
            ):
                self.unit(soc, unit, m.code, m.post_town)
            if m.code == "1880":
                self.unit(soc, "Verksamhetsstöd", m.code, m.post_town)
            school = self.organisation(
                f"skola-{m.code}", m.code, "skola", f"Grundskola och elevhälsa {m.name}", m.name
            )
            # A few schools, more where more people live.
            count = max(2, round(m.population / 10_000))
            self.schools[m.code] = [
                self.unit(school, next(school_names), m.code, m.post_town) for _ in range(count)
            ]
            self.upper_school[m.code] = self.unit(
                school, f"Gymnasieskolan {m.name}", m.code, m.post_town
            )
            lss = self.organisation(
                f"lss-{m.code}", m.code, "lss", f"Stöd och service enligt LSS, {m.name}", m.name
            )
            self.unit(lss, "Barn och unga – LSS-handläggning", m.code, m.post_town)
            self.unit(lss, "Korttidsvistelse för barn och unga", m.code, m.post_town)

        region = data.REGION_CODE
        bup = self.organisation(
            "bup", region, "bup", f"Barn- och ungdomspsykiatrin, {data.REGION_NAME}"
        )  # noqa: E501
        for clinic in data.BUP_CLINICS:
            self.unit(bup, f"BUP {clinic}", self._code_of(clinic), clinic.split(" ")[0])
        # The county's BUP inpatient unit at USÖ: its admissions are demo/discharge.py's.
        self.unit(bup, "BUP heldygnsvård", "", "Örebro")
        ledning = self.organisation(
            "ledning", region, "ledning", f"Regionkansliet, {data.REGION_NAME}"
        )
        self.unit(ledning, "Analys och uppföljning barn och unga", "", "Örebro")
        bvc = self.organisation("bvc", region, "bvc", f"Barnhälsovården, {data.REGION_NAME}")
        for m in data.MUNICIPALITIES:
            self.unit(bvc, f"BVC {m.name}", m.code, m.post_town)
        hab = self.organisation(
            "hab", region, "habilitering", f"Barn- och ungdomshabiliteringen, {data.REGION_NAME}"
        )  # noqa: E501
        for clinic in data.HABILITATION_CLINICS:
            self.unit(
                hab, f"Barn- och ungdomshabiliteringen {clinic}", self._code_of(clinic), clinic
            )  # noqa: E501
        bum = self.organisation(
            "bum", region, "bum", f"Barn- och ungdomsmedicin, {data.REGION_NAME}"
        )  # noqa: E501
        for clinic in data.PAEDIATRIC_CLINICS:
            self.unit(bum, f"BUM {clinic}", self._code_of(clinic), clinic.split(" ")[0])
        vc = self.organisation("vc", region, "primarvard", f"Primärvården, {data.REGION_NAME}")
        for m in data.MUNICIPALITIES:
            self.unit(vc, f"Vårdcentralen {m.name}", m.code, m.post_town)
        for place in data.EXTRA_HEALTH_CENTRES_OREBRO:
            self.unit(vc, f"Vårdcentralen {place}", "1880", "Örebro")
        police = self.organisation("polis", "polisen", "polis", "Polisen, region Bergslagen")
        for area in data.POLICE_AREAS:
            self.unit(police, f"Lokalpolisområde {area}", self._code_of(area), area)
        barnahus = self.organisation("barnahus", "1880", "barnahus", "Barnahus Örebro län")
        self.unit(barnahus, "Barnahus Örebro län", "", "Örebro")

    @staticmethod
    def _code_of(place: str) -> str:
        name = place.split(" ")[0]
        for m in data.MUNICIPALITIES:
            if m.name == name:
                return m.code
        return ""  # Bergslagen, Sydnärke: areas of several municipalities

    def organisation(self, key: str, principal: str, kind: str, name: str, kommun: str = "") -> str:
        texts = {
            field: text.format(kommun=kommun, region=data.REGION_NAME)
            for field, text in data.ORGANISATION_TEXTS[kind].items()
        }
        self.county.organisations.append(
            OrganisationRow(key, principal, kind, name, phone=self.phone(), **texts)
        )
        return key

    def unit(self, organisation: str, name: str, municipality: str, town: str) -> str:
        key = f"{organisation}/{name}"
        street = self.rng.choice(data.STREETS)
        row = UnitRow(
            key, organisation, name, municipality, f"{street} {self.rng.randint(1, 40)}, {town}"
        )  # noqa: E501
        self.county.units.append(row)
        self.units_by_key[key] = row
        return key

    # -- staff

    # Per kind of unit: (role, title, how many) for generated staff, besides the demo logins.
    def _staffing(self, unit: UnitRow) -> list[tuple[str, str, int]]:
        org = unit.organisation.split("-")[0]
        big = unit.municipality == "1880"
        if org == "soc":
            if unit.name.endswith("utredning"):
                return [
                    (Role.CASEWORKER, "Socialsekreterare", 8 if big else 3),
                    (Role.UNIT_MANAGER, "Enhetschef", 1),
                ]
            if unit.name.endswith("mottagning"):
                return [
                    (Role.CASEWORKER, "Socialsekreterare", 4 if big else 2),
                    (Role.UNIT_MANAGER, "Enhetschef", 1),
                ]
            if unit.name.endswith("öppenvård"):
                return [
                    (Role.CLINICIAN, "Familjebehandlare", 4 if big else 2),
                    (Role.UNIT_MANAGER, "Enhetschef", 1),
                ]
            return [(Role.ADMINISTRATOR, "Systemförvaltare", 1)]
        if org == "skola":
            return [
                (Role.SCHOOL_COUNSELLOR, "Skolkurator", 1),
                (Role.SCHOOL_NURSE, "Skolsköterska", 1),
                (Role.UNIT_MANAGER, "Rektor", 1),
            ]
        if org == "lss":
            return [(Role.CASEWORKER, "LSS-handläggare", 1), (Role.UNIT_MANAGER, "Enhetschef", 1)]
        if org == "ledning":
            return [(Role.ANALYST, "Analytiker", 1)]
        if unit.name == "BUP heldygnsvård":
            return [
                (Role.CLINICIAN, "Överläkare", 2),
                (Role.CLINICIAN, "Sjuksköterska", 3),
                (Role.CLINICIAN, "Skötare", 2),
            ]
        if org == "bup":
            return [
                (Role.CLINICIAN, "Psykolog", 5 if "USÖ" in unit.name else 2),
                (Role.CLINICIAN, "Sjuksköterska", 2),
                (Role.UNIT_MANAGER, "Verksamhetschef", 1),
            ]
        if org == "bvc":
            return [(Role.CLINICIAN, "BVC-sjuksköterska", 3 if big else 1)]
        if org == "hab":
            return [
                (Role.CLINICIAN, "Arbetsterapeut", 2),
                (Role.CLINICIAN, "Psykolog", 1),
                (Role.UNIT_MANAGER, "Enhetschef", 1),
            ]
        if org == "bum":
            return [(Role.CLINICIAN, "Barnläkare", 2), (Role.CLINICIAN, "Barnsjuksköterska", 1)]
        if org == "vc":
            return [(Role.CLINICIAN, "Distriktssköterska", 1)]
        if org == "polis":
            return [
                (Role.POLICE_OFFICER, "Barnutredare", 3 if big else 2),
                (Role.UNIT_MANAGER, "Gruppchef", 1),
            ]
        if org == "barnahus":
            return [
                (Role.CASEWORKER, "Barnahussamordnare", 2),
                (Role.UNIT_MANAGER, "Enhetschef", 1),
            ]  # noqa: E501
        return []  # fmt: skip

    def staff(self) -> None:
        for login in DEMO_LOGINS:
            self.add_staff(login.username, login.first_name, login.last_name, login.title,
                           [(unit, str(role)) for unit, role in login.memberships])  # fmt: skip
        for unit in self.county.units:
            for role, title, count in self._staffing(unit):
                for _ in range(count):
                    female = self.rng.random() < 0.7  # most of this workforce are women
                    first = self.rng.choice(data.WOMEN if female else data.MEN)
                    last = self.rng.choice(data.SURNAMES)
                    self.add_staff(None, first, last, title, [(unit.key, str(role))])

    def add_staff(
        self, username: str | None, first: str, last: str, title: str, memberships
    ) -> None:
        base = username or f"{_ascii(first)}.{_ascii(last)}"
        username, n = base, 1
        while username in self.usernames:
            n += 1
            username = f"{base}{n}"
        self.usernames.add(username)
        unit = self.units_by_key[memberships[0][0]]
        principal = next(
            o.principal for o in self.county.organisations if o.key == unit.organisation
        )  # noqa: E501
        domain = _slug(next(p.name for p in self.county.principals if p.key == principal))
        domain = domain.replace("-", "")
        self.county.staff.append(
            StaffRow(username, first, last, title, f"{username}@{domain}.demo.invalid",
                     self.phone(), list(memberships))
        )  # fmt: skip
        for unit_key, role in memberships:
            if role in (Role.CASEWORKER, Role.CLINICIAN, Role.POLICE_OFFICER):
                self.case_staff.setdefault(unit_key, []).append(username)

    # -- children and guardians

    def people(self) -> None:
        quotas = _largest_remainder(self.n_children, [m.population for m in data.MUNICIPALITIES])
        youngest, oldest = date(self.year - 1, 12, 31), date(self.year - 17, 1, 1)
        for m, quota in zip(data.MUNICIPALITIES, quotas, strict=True):
            made = 0
            while made < quota:
                size = min(quota - made, self.rng.choices((1, 2, 3, 4), (45, 35, 15, 5))[0])
                self.family(m, size, oldest, youngest)
                made += size
        self.protect()

    def family(self, m: data.Municipality, size: int, oldest: date, youngest: date) -> None:
        rng = self.rng
        span = (youngest - oldest).days
        births = sorted(oldest + timedelta(days=rng.randrange(span + 1)) for _ in range(size))
        street = f"{rng.choice(data.STREETS)} {rng.randint(1, 80)}"
        if rng.random() < 0.3:
            street += f" lgh {rng.randint(1001, 1303)}"
        postal = f"{rng.choice(m.postal_prefixes)} {rng.randrange(10, 96):02d}"
        family_name = rng.choice(data.SURNAMES)
        guardians_wanted = rng.choices((2, 1, 0), (78, 18, 4))[0]
        # Unaccompanied minors have no guardian in Sweden yet, and often a samordningsnummer.
        coordination = guardians_wanted == 0 and rng.random() < 0.5
        guardian_ids: list[int] = []
        for index in range(guardians_wanted):
            female = rng.random() < 0.5 if index == 0 else not self._female(guardian_ids[0])
            last = family_name if index == 0 or rng.random() < 0.6 else rng.choice(data.SURNAMES)
            born_year = births[0].year - rng.randint(20, 42)
            born = date(born_year, 1, 1) + timedelta(days=rng.randrange(365))
            number, born, _coord = self.pool.allocate(
                born, "F" if female else "M",
                lowest=date(born_year, 1, 1), highest=date(born_year, 12, 31),
            )  # fmt: skip
            first = rng.choice(data.WOMEN if female else data.MEN)
            suffix = rng.randint(1, 99)
            # Most guardians left an e-mail address, so the demo's invitations reach them; about
            # one in twelve did not, and the meeting form says so. Decided by the number already
            # drawn, so the same seed still gives the same people.
            email = f"{_ascii(first)}.{_ascii(last)}{suffix}@example.org" if suffix > 8 else ""
            self.county.guardians.append(
                GuardianRow(number, first, last, street, postal, m.post_town, self.phone(), email,
                            False)
            )  # fmt: skip
            guardian_ids.append(len(self.county.guardians) - 1)
        named: set[str] = set()
        for born in births:
            female = rng.random() < 0.49
            number, born, coord = self.pool.allocate(
                born, "F" if female else "M", lowest=oldest, highest=youngest,
                coordination=coordination,
            )  # fmt: skip
            age = self.year - born.year
            # Siblings never share a first name.
            first = rng.choice([n for n in (data.GIRLS if female else data.BOYS) if n not in named])
            named.add(first)
            self.county.children.append(
                ChildRow(
                    number, first, family_name,
                    street, postal, m.post_town,
                    self.phone() if age >= 12 and rng.random() < 0.6 else "",
                    False, born, coord, m.code, list(guardian_ids),
                )
            )  # fmt: skip

    def _female(self, guardian: int) -> bool:
        return int(self.county.guardians[guardian].identity_number[10]) % 2 == 0

    def protect(self) -> None:
        """About 1 % of children live with protected identity, with their whole household."""
        children = self.county.children
        target = max(1, round(len(children) * 0.01))
        protected = 0
        for index in self.rng.sample(range(len(children)), len(children)):
            if protected >= target:
                break
            child = children[index]
            if child.protected_identity:
                continue
            household = [c for c in self._household(index)]
            for member in household:
                children[member].protected_identity = True
                for guardian in children[member].guardians:
                    self.county.guardians[guardian].protected_identity = True
            protected += len(household)

    def _household(self, index: int) -> list[int]:
        # Siblings are adjacent and share the address: scan the neighbours.
        children = self.county.children
        address = (children[index].street_address, children[index].postal_code)
        members = [index]
        for step in (-1, 1):
            i = index + step
            while (
                0 <= i < len(children)
                and (children[i].street_address, children[i].postal_code) == address
            ):  # noqa: E501
                members.append(i)
                i += step
        return members

    # -- who works with which child

    def involvements(self) -> None:
        rng = self.rng
        by_code = {m.code: m for m in data.MUNICIPALITIES}
        for index, child in enumerate(self.county.children):
            m = by_code[child.municipality]
            age = self.year - child.birth_date.year  # the age reached this year
            if age < 6:
                self.involve(
                    index,
                    f"bvc/BVC {m.name}",
                    None,
                    "bvc",
                    child.birth_date + timedelta(days=rng.randint(3, 14)),
                )  # noqa: E501
            elif age <= 15:
                school = rng.choice(self.schools[m.code])
                self.involve(index, school, None, "school", date(child.birth_date.year + 6, 8, 20))  # noqa: E501
            else:
                self.involve(
                    index,
                    self.upper_school[m.code],
                    None,
                    "school",
                    date(child.birth_date.year + 16, 8, 20),
                )  # noqa: E501
            draw = rng.random()
            soc = f"soc-{m.code}/Barn och unga – "
            if draw < 0.025:
                self.involve(index, soc + "mottagning", None, "soc_intake", self.recent(30))
            elif draw < 0.06:
                assigned = rng.random() < 0.75
                self.involve(
                    index,
                    soc + "utredning",
                    self.pick(soc + "utredning") if assigned else None,
                    "soc_investigation",
                    self.recent(120),
                )  # noqa: E501
            elif draw < 0.08:
                self.involve(
                    index,
                    soc + "öppenvård",
                    self.pick(soc + "öppenvård"),
                    "soc_outpatient",
                    self.recent(400),
                )  # noqa: E501
            elif draw < 0.095:
                # A closed case: history that no longer opens the child.
                started = self.recent(900)
                self.involve(
                    index,
                    soc + "utredning",
                    self.pick(soc + "utredning"),
                    "soc_investigation",
                    started,
                    ended=started + timedelta(days=rng.randint(60, 120)),
                )  # noqa: E501
            if age >= 6 and rng.random() < 0.05 + 0.03 * (age >= 13):
                unit = f"bup/BUP {m.bup}"
                self.involve(
                    index,
                    unit,
                    self.pick(unit) if rng.random() < 0.7 else None,
                    "bup",
                    self.recent(500),
                )  # noqa: E501
            if rng.random() < 0.015:
                unit = f"hab/Barn- och ungdomshabiliteringen {m.habilitation}"
                self.involve(
                    index,
                    unit,
                    self.pick(unit) if rng.random() < 0.5 else None,
                    "habilitation",
                    self.recent(1500),
                )  # noqa: E501
                if rng.random() < 0.5:
                    unit = f"lss-{m.code}/Barn och unga – LSS-handläggning"
                    self.involve(index, unit, self.pick(unit), "lss", self.recent(1000))
            if rng.random() < 0.02:
                self.involve(
                    index, f"bum/BUM {m.paediatrics}", None, "paediatrics", self.recent(1000)
                )  # noqa: E501
            if rng.random() < 0.02:
                self.involve(
                    index, f"vc/Vårdcentralen {m.name}", None, "primary_care", self.recent(200)
                )  # noqa: E501
            if age >= 10 and rng.random() < 0.012:
                unit = f"polis/Lokalpolisområde {m.police}"
                self.involve(
                    index,
                    unit,
                    self.pick(unit) if rng.random() < 0.6 else None,
                    "police",
                    self.recent(150),
                )  # noqa: E501
            if rng.random() < 0.004:
                self.involve(
                    index,
                    "barnahus/Barnahus Örebro län",
                    self.pick("barnahus/Barnahus Örebro län"),
                    "barnahus",
                    self.recent(60),
                )  # noqa: E501
        self.top_up()

    def recent(self, days: int) -> date:
        return self.as_of - timedelta(days=self.rng.randint(1, days))

    def pick(self, unit: str) -> str | None:
        staff = self.case_staff.get(unit)
        return self.rng.choice(staff) if staff else None

    def involve(self, child: int, unit: str, staff: str | None, reason: str, started: date, *,
                ended: date | None = None) -> None:  # fmt: skip
        started = max(started, self.county.children[child].birth_date)
        self.county.involvements.append(
            InvolvementRow(child, unit, staff, self.rng.choice(data.INVOLVEMENT_REASONS[reason]),
                           started, ended)
        )  # fmt: skip

    def top_up(self) -> None:
        """Give each demo login at least MIN_VISIBLE children of its own, however small the
        county: a newcomer's first list must not be empty."""
        rng = self.rng
        units_reason = {"soc": "soc_investigation", "bup": "bup", "polis": "police", "bvc": "bvc"}
        for login in DEMO_LOGINS:
            for unit, role in login.memberships:
                if role in (Role.ADMINISTRATOR, Role.ANALYST):
                    continue  # role alone never opens a child
                personal = role in (Role.CASEWORKER, Role.CLINICIAN, Role.POLICE_OFFICER)
                staff = login.username if personal and not unit.startswith("bvc/") else None
                seen = {
                    i.child for i in self.county.involvements
                    if i.unit == unit and i.ended_on is None and i.staff in (None, login.username)
                }  # fmt: skip
                missing = MIN_VISIBLE - len(seen)
                if missing <= 0:
                    continue
                served = self._served_by(unit)
                candidates = [
                    index for index, child in enumerate(self.county.children)
                    if child.municipality in served and index not in seen
                    and self._fits(unit, self.year - child.birth_date.year)
                ]  # fmt: skip
                for index in rng.sample(candidates, min(missing, len(candidates))):
                    if unit == DEMO_SCHOOL:
                        # A pupil attends one school: move the child rather than add one.
                        for involvement in self.county.involvements:
                            if involvement.child == index and involvement.unit.startswith("skola-"):
                                involvement.unit = unit
                                break
                        continue
                    reason = units_reason[unit.split("/")[0].split("-")[0]]
                    self.involve(index, unit, staff, reason, self.recent(200))

    def _served_by(self, unit: str) -> set[str]:
        name = unit.split("/", 1)[1]
        if unit.startswith("bup/"):
            return {m.code for m in data.MUNICIPALITIES if f"BUP {m.bup}" == name}
        if unit.startswith("polis/"):
            return {m.code for m in data.MUNICIPALITIES if f"Lokalpolisområde {m.police}" == name}
        return {self.units_by_key[unit].municipality}

    @staticmethod
    def _fits(unit: str, age: int) -> bool:
        if unit == DEMO_SCHOOL:
            return 6 <= age <= 15
        if unit.startswith("bvc/"):
            return age < 6
        if unit.startswith("polis/"):
            return age >= 10
        if unit.startswith("bup/"):
            return age >= 6
        return True

    # -- grounds across organisations

    def grounds(self) -> None:
        rng = self.rng
        org_of = {u.key: u.organisation for u in self.county.units}
        kind_of = {o.key: o.kind for o in self.county.organisations}
        active: dict[int, list[InvolvementRow]] = {}
        for involvement in self.county.involvements:
            if involvement.ended_on is None:
                active.setdefault(involvement.child, []).append(involvement)
        health = {"bup", "bvc", "habilitering", "bum", "primarvard"}
        for index in sorted(active):
            child = self.county.children[index]
            involved = active[index]
            orgs = list(dict.fromkeys(org_of[i.unit] for i in involved))
            social = [o for o in orgs if kind_of[o] == "socialtjanst"]
            if len(orgs) < 2 or not social:
                continue
            recorder = social[0]
            caseworker = next(
                (i.staff for i in involved if org_of[i.unit] == recorder and i.staff), None
            )  # noqa: E501
            recorder_staff = caseworker or self._someone_in(recorder)
            others = [o for o in orgs if o != recorder]
            if rng.random() < 0.6:
                receiving = rng.choice(others)
                self.consent(index, child, recorder, recorder_staff, receiving, kind_of[receiving])
            for other in others:
                kind = kind_of[other]
                if kind in health and rng.random() < 0.4:
                    # Health care told social services, and social services told health care.
                    self.legal_ground(
                        index,
                        "osl-25-12",
                        recorder,
                        ["basic", "health"],
                        ["investigation", "planning"],
                        self._someone_in(other),
                        "Uppgifter om barnets vård behövs för nödvändigt stöd.",
                    )
                    self.legal_ground(
                        index,
                        "osl-26-9",
                        other,
                        ["basic", "social"],
                        ["treatment", "planning"],
                        recorder_staff,
                        "Socialtjänstens uppgifter behövs för nödvändig vård.",
                    )
                elif kind == "polis" and rng.random() < 0.7:
                    self.legal_ground(
                        index,
                        "osl-10-21",
                        other,
                        ["basic", "social"],
                        ["investigation"],
                        recorder_staff,
                        "Misstanke om brott mot barnet enligt 3 kap. brottsbalken.",
                    )
                elif kind == "skola" and rng.random() < 0.3:
                    self.legal_ground(
                        index,
                        "osl-26-9a",
                        other,
                        ["basic"],
                        ["follow_up"],
                        recorder_staff,
                        "Återkoppling till anmälaren: utredning har inletts.",
                    )

    def _someone_in(self, organisation: str) -> str:
        for unit, staff in self.case_staff.items():
            if unit.startswith(organisation + "/") and staff:
                return staff[0]
        for person in self.county.staff:
            if person.memberships[0][0].startswith(organisation + "/"):
                return person.username
        raise LookupError(organisation)

    _PURPOSE_OF_KIND = {
        "socialtjanst": "investigation", "lss": "investigation", "barnahus": "investigation",
        "polis": "investigation", "skola": "support", "bup": "treatment", "bvc": "treatment",
        "habilitering": "treatment", "bum": "treatment", "primarvard": "treatment",
    }  # fmt: skip

    def consent(self, index: int, child: ChildRow, recorder: str, recorder_staff: str,
                receiving: str, receiving_kind: str) -> None:  # fmt: skip
        rng = self.rng
        given = self.as_of - timedelta(days=rng.randint(1, 300))
        state = rng.random()
        valid_until = _moment(given + timedelta(days=730), rng)
        withdrawn = None
        if state < 0.12:
            withdrawn = _moment(
                given + timedelta(days=rng.randint(1, (self.as_of - given).days)), rng
            )  # noqa: E501
            withdrawn = min(withdrawn, _moment(self.as_of - timedelta(days=1), rng))
        elif state < 0.22:
            # Expired: given long ago, for a year.
            given = self.as_of - timedelta(days=rng.randint(400, 700))
            valid_until = _moment(given + timedelta(days=365), rng)
        purposes = sorted({"planning", "follow_up", self._PURPOSE_OF_KIND[receiving_kind]})
        common = {
            "receiving_organisation": receiving,
            "categories": ["basic", "contact", "social", "plan"],
            "purposes": purposes,
            "form": rng.choice(("written", "written", "oral")),
            "given_at": _moment(given, rng),
            "valid_until": valid_until,
            "withdrawn_at": withdrawn,
            "recorded_by": recorder_staff,
            "recorded_for": recorder,
        }
        age = self.year - child.birth_date.year
        if age >= 15 or not child.guardians:
            self.county.consents.append(ConsentRow(index, "child", None, **common))
        else:
            # Each guardian consents for themself (DOMAIN SEK-3).
            for guardian in child.guardians:
                self.county.consents.append(ConsentRow(index, "guardian", guardian, **common))

    def legal_ground(self, index: int, basis: str, receiving: str, categories: list[str],
                     purposes: list[str], recorded_by: str, reason: str) -> None:  # fmt: skip
        rng = self.rng
        start = self.as_of - timedelta(days=rng.randint(1, 200))
        ended = _moment(self.as_of - timedelta(days=1), rng) if rng.random() < 0.1 else None
        self.county.legal_grounds.append(
            LegalGroundRow(index, basis, receiving, categories, purposes, reason,
                           _moment(start, rng), _moment(start + timedelta(days=540), rng),
                           ended, recorded_by)
        )  # fmt: skip


def generate_county(*, seed: int, children: int, year: int, today: date | None = None) -> County:
    """The county for this seed, size and year; nothing touches the database. SIP dates count
    back from `today` (the day the county is built; 1 July of the year when not given)."""
    from samsyn.demo.sips import draw_sips

    builder = _Builder(seed=seed, children=children, year=year)
    builder.structure()
    builder.staff()
    builder.people()
    builder.involvements()
    builder.grounds()
    draw_sips(builder, today or date(year, 7, 1))
    return builder.county
