"""Writing the synthetic county to the database, once.

Bulk inserts in batches inside one transaction: a county is either all there or not at all,
and PostgreSQL returns the new keys so rows can refer to each other without reading back.
Seeding is a bulk load, not a person's act, so it writes no audit rows.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.access.models import LegalBasis, LegalGround
from samsyn.accounts.models import User
from samsyn.children.models import Child, Guardian, Guardianship, Involvement
from samsyn.consent.models import Consent
from samsyn.demo.assessments import write_assessments
from samsyn.demo.concerns import write_concerns
from samsyn.demo.consultations import write_consultations
from samsyn.demo.discharge import write_discharge
from samsyn.demo.efforts import write_efforts
from samsyn.demo.generator import County, generate_county
from samsyn.demo.ladder import write_ladder
from samsyn.demo.logins import DEMO_PASSWORD, DEMO_TOTP_KEY
from samsyn.demo.models import DemoState
from samsyn.demo.referrals import write_referrals
from samsyn.directory.models import Membership, Organisation, Principal, Staff, Unit
from samsyn.plans.models import (
    Case,
    Handover,
    Invitation,
    Meeting,
    Party,
    PlanItem,
    PlanVersion,
)

BATCH = 5_000
DEFAULT_SEED = 2026
DEFAULT_CHILDREN = 2_000

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


def county_year() -> int:
    """The county is drawn as of 1 January of this year, so every child is 0–17 all year."""
    return timezone.localdate().year


def current_state() -> DemoState | None:
    return DemoState.objects.order_by("-pk").first()


def _number(value: float, decimals: int = 0) -> str:
    # As the console's language writes numbers: 2 000 and 1,5 in Swedish, 2,000 and 1.5 in English.
    return formats.number_format(value, decimals, force_grouping=True)


def _insert(model, objects: list, progress: Progress, label: str) -> list:
    total = len(objects)
    for start in range(0, total, BATCH):
        model.objects.bulk_create(objects[start : start + BATCH])
        if total > BATCH:
            progress(f"  {label}: {_number(min(start + BATCH, total))}/{_number(total)}")
    return objects


@transaction.atomic
def build_county(
    *,
    seed: int = DEFAULT_SEED,
    children: int = DEFAULT_CHILDREN,
    year: int | None = None,
    today: date | None = None,
    progress: Progress = _quiet,
) -> DemoState:
    """Generate the county and write it. Refuses when a county is already there."""
    if DemoState.objects.exists() or Principal.objects.filter(name="Region Örebro län").exists():
        raise RuntimeError("The database already holds a county.")
    started = time.monotonic()
    year = year or county_year()
    today = today or timezone.localdate()
    progress(
        _("Drawing Örebro län: seed %(seed)s, %(children)s children, as of 1 January %(year)s…")
        % {"seed": seed, "children": _number(children), "year": year}
    )
    county = generate_county(seed=seed, children=children, year=year, today=today)
    progress(_("Writing the directory and staff…"))
    write_county(county, progress)
    write_concerns(county, today, progress)
    write_efforts(seed, today, progress)
    state = DemoState.objects.create(
        seed=seed,
        children=children,
        year=year,
        digest=county.digest(),
        seconds=round(time.monotonic() - started, 2),
    )
    progress(_("The county is ready (%(seconds)s s).") % {"seconds": _number(state.seconds, 1)})
    return state


def write_county(county: County, progress: Progress = _quiet) -> None:
    principals = {
        row.key: Principal(kind=row.kind, name=row.name, code=row.code, population=row.population)
        for row in county.principals
    }
    _insert(Principal, list(principals.values()), progress, _("principals"))
    organisations = {
        row.key: Organisation(
            principal=principals[row.principal],
            kind=row.kind,
            name=row.name,
            mandate=row.mandate,
            competence=row.competence,
            priorities=row.priorities,
            contact_route=row.contact_route,
            phone=row.phone,
        )
        for row in county.organisations
    }
    _insert(Organisation, list(organisations.values()), progress, _("organisations"))
    units = {
        row.key: Unit(
            organisation=organisations[row.organisation],
            name=row.name,
            municipality=principals.get(row.municipality),
            address=row.address,
        )
        for row in county.units
    }
    _insert(Unit, list(units.values()), progress, _("units"))
    staff = _write_staff(county, units, progress)
    write_ladder(principals, staff)

    progress(
        _("Writing %(children)s children and %(guardians)s guardians…")
        % {"children": _number(len(county.children)), "guardians": _number(len(county.guardians))}
    )
    guardians = _insert(
        Guardian,
        [
            Guardian(
                identity_number=row.identity_number,
                first_name=row.first_name,
                last_name=row.last_name,
                street_address=row.street_address,
                postal_code=row.postal_code,
                city=row.city,
                phone=row.phone,
                email=row.email,
                protected_identity=row.protected_identity,
            )
            for row in county.guardians
        ],
        progress,
        _("guardians"),
    )
    children = _insert(
        Child,
        [
            Child(
                identity_number=row.identity_number,
                first_name=row.first_name,
                last_name=row.last_name,
                street_address=row.street_address,
                postal_code=row.postal_code,
                city=row.city,
                phone=row.phone,
                protected_identity=row.protected_identity,
                birth_date=row.birth_date,
                is_coordination_number=row.is_coordination_number,
                municipality=principals[row.municipality],
            )
            for row in county.children
        ],
        progress,
        _("children"),
    )
    _insert(
        Guardianship,
        [
            Guardianship(child_id=children[index].pk, guardian_id=guardians[guardian].pk)
            for index, row in enumerate(county.children)
            for guardian in row.guardians
        ],
        progress,
        _("guardianships"),
    )
    _insert(
        Involvement,
        [
            Involvement(
                child_id=children[row.child].pk,
                unit_id=units[row.unit].pk,
                staff_id=staff[row.staff].pk if row.staff else None,
                reason=row.reason,
                started_on=row.started_on,
                ended_on=row.ended_on,
            )
            for row in county.involvements
        ],
        progress,
        _("involvements"),
    )
    _insert(
        Consent,
        [
            Consent(
                child_id=children[row.child].pk,
                given_by=row.given_by,
                guardian_id=guardians[row.guardian].pk if row.guardian is not None else None,
                receiving_organisation_id=organisations[row.receiving_organisation].pk,
                categories=row.categories,
                purposes=row.purposes,
                form=row.form,
                given_at=row.given_at,
                valid_until=row.valid_until,
                withdrawn_at=row.withdrawn_at,
                recorded_by_id=staff[row.recorded_by].pk,
                recorded_for_id=organisations[row.recorded_for].pk,
            )
            for row in county.consents
        ],
        progress,
        _("consents"),
    )
    bases = dict(LegalBasis.objects.values_list("code", "pk"))
    _insert(
        LegalGround,
        [
            LegalGround(
                child_id=children[row.child].pk,
                basis_id=bases[row.basis],
                receiving_organisation_id=organisations[row.receiving_organisation].pk,
                categories=row.categories,
                purposes=row.purposes,
                reason=row.reason,
                valid_from=row.valid_from,
                valid_until=row.valid_until,
                ended_at=row.ended_at,
                recorded_by_id=staff[row.recorded_by].pk,
                recorded_at=row.valid_from,
            )
            for row in county.legal_grounds
        ],
        progress,
        _("legal grounds"),
    )
    _write_sips(county, children, guardians, staff, organisations, principals, units, progress)
    write_consultations(county, children, guardians, staff, units, progress)
    write_referrals(county, children, guardians, staff, units, progress)
    write_assessments(county.seed, progress)
    write_discharge(staff, units, progress)


def _write_sips(
    county, children, guardians, staff, organisations, principals, units, progress
) -> None:
    """The SIPs and their parts, written straight to the models: a bulk load, not a person's
    act, so no service (and no audit row) is involved."""
    progress(_("Writing %(sips)s SIPs…") % {"sips": _number(len(county.sips))})

    def pk(mapping, key):
        return mapping[key].pk if key is not None else None

    cases = _insert(
        Case,
        [
            Case(
                child_id=children[row.child].pk, status=row.status, reason=row.reason,
                proposed_at=row.proposed_at, proposed_by_kind=row.proposed_by_kind,
                proposer_name=row.proposer_name, initiated_by_id=staff[row.initiated_by].pk,
                initiating_organisation_id=organisations[row.initiating_organisation].pk,
                first_contact_at=row.first_contact_at, coordinator_id=pk(staff, row.coordinator),
                coordinator_organisation_id=pk(organisations, row.coordinator_organisation),
                closed_at=row.closed_at, close_reason=row.close_reason,
            )
            for row in county.sips
        ],
        progress,
        _("SIPs"),
    )  # fmt: skip
    _insert(
        Party,
        [
            Party(case_id=cases[row.sip].pk, organisation_id=organisations[row.organisation].pk,
                  invited_by_id=staff[row.invited_by].pk, invited_at=row.invited_at,
                  unit_id=units[row.unit].pk, accepted_at=row.invited_at,
                  accepted_by_id=staff[row.accepted_by].pk)
            for row in county.sip_parties
        ],
        progress,
        _("SIP parties"),
    )  # fmt: skip
    _insert(
        Consent,
        [
            Consent(
                child_id=children[row.child].pk, given_by=Consent.GivenBy.GUARDIAN,
                guardian_id=guardians[row.guardian].pk,
                receiving_organisation_id=organisations[row.receiving_organisation].pk,
                categories=row.categories, purposes=row.purposes, form=row.form,
                given_at=row.given_at, valid_until=row.valid_until,
                withdrawn_at=row.withdrawn_at, recorded_by_id=staff[row.recorded_by].pk,
                recorded_for_id=organisations[row.recorded_for].pk,
                withdrawn_recorded_by_id=staff[row.recorded_by].pk if row.withdrawn_at else None,
            )
            for row in county.sip_consents
        ],
        progress,
        _("SIP consents"),
    )  # fmt: skip
    _insert(
        Handover,
        [
            Handover(
                case_id=cases[row.sip].pk, from_staff_id=pk(staff, row.from_staff),
                to_staff_id=staff[row.to_staff].pk,
                to_organisation_id=organisations[row.to_organisation].pk, note=row.note,
                offered_at=row.offered_at, accepted_at=row.accepted_at,
                declined_at=row.declined_at,
            )
            for row in county.sip_handovers
        ],
        progress,
        _("coordinator handovers"),
    )  # fmt: skip
    meetings = _insert(
        Meeting,
        [
            Meeting(
                case_id=cases[row.sip].pk, starts_at=row.starts_at, ends_at=row.ends_at,
                place=row.place, video_link=row.video_link, minutes=row.minutes,
                minutes_by_id=pk(staff, row.minutes_by), booked_by_id=staff[row.booked_by].pk,
                cancelled_at=row.cancelled_at,
            )
            for row in county.sip_meetings
        ],
        progress,
        _("SIP meetings"),
    )  # fmt: skip
    _insert(
        Invitation,
        [
            Invitation(
                meeting_id=meeting.pk, kind=row.kind, staff_id=pk(staff, row.staff),
                guardian_id=guardians[row.guardian].pk if row.guardian is not None else None,
                name=row.name, email=row.email, sent_at=row.sent_at, reply=row.reply,
                replied_at=row.replied_at,
                # Seeded tokens: the reply links are as repeatable as the rest of the county.
                token=uuid.uuid5(uuid.NAMESPACE_URL, f"samsyn-demo/{county.seed}/{n}/{m}"),
            )
            for n, (meeting, source) in enumerate(
                zip(meetings, county.sip_meetings, strict=True)
            )
            for m, row in enumerate(source.invitations)
        ],
        progress,
        _("invitations"),
    )  # fmt: skip
    versions = _insert(
        PlanVersion,
        [
            PlanVersion(
                case_id=cases[row.sip].pk, number=row.number, status=row.status,
                child_view=row.child_view, child_view_missing_reason=row.child_view_missing_reason,
                no_measures_by_others=row.no_measures_by_others, follow_up_on=row.follow_up_on,
                follow_up_how=row.follow_up_how, created_at=row.created_at,
                created_by_id=staff[row.created_by].pk, finalised_at=row.finalised_at,
                finalised_by_id=pk(staff, row.finalised_by),
            )
            for row in county.sip_versions
        ],
        progress,
        _("plan versions"),
    )  # fmt: skip

    def key(text: str) -> uuid.UUID:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"samsyn-demo/{county.seed}/{text}")

    _insert(
        PlanItem,
        [
            PlanItem(
                version_id=version.pk, key=key(item.key), kind=item.kind, text=item.text,
                need_key=key(item.need_key) if item.need_key else None,
                responsible_principal_id=pk(principals, item.responsible_principal),
                responsible_organisation_id=pk(organisations, item.responsible_organisation),
                responsible_other=item.responsible_other, position=item.position,
            )
            for version, row in zip(versions, county.sip_versions, strict=True)
            for item in row.items
        ],
        progress,
        _("plan items"),
    )  # fmt: skip


def _write_staff(county: County, units: dict[str, Unit], progress: Progress) -> dict[str, Staff]:
    # One hash for everyone: hashing hundreds of passwords at full strength would take minutes,
    # and the demo password is public anyway. The salt comes from the seed, for repeatability.
    encoded = make_password(DEMO_PASSWORD, salt=f"samsyndemo{county.seed}")
    users = _insert(
        User,
        [
            User(
                username=row.username,
                first_name=row.first_name,
                last_name=row.last_name,
                email=row.email,
                password=encoded,
            )
            for row in county.staff
        ],
        progress,
        _("users"),
    )
    staff = _insert(
        Staff,
        [
            Staff(
                user=user,
                name=f"{row.first_name} {row.last_name}",
                title=row.title,
                email=row.email,
                phone=row.phone,
            )
            for user, row in zip(users, county.staff, strict=True)
        ],
        progress,
        _("staff"),
    )
    _insert(
        Membership,
        [
            Membership(staff=member, unit=units[unit], role=role)
            for member, row in zip(staff, county.staff, strict=True)
            for unit, role in row.memberships
        ],
        progress,
        _("memberships"),
    )
    _insert(
        TOTPDevice,
        [
            TOTPDevice(user=user, name="Samsyn demo", confirmed=True, key=DEMO_TOTP_KEY)
            for user in users
        ],
        progress,
        _("TOTP devices"),
    )
    return {row.username: member for row, member in zip(county.staff, staff, strict=True)}


def people_in_database() -> Iterable[tuple[str, str, str]]:
    """(identity number, first name, last name) of every child and guardian, for digests."""
    for model in (Child, Guardian):
        yield from model.objects.values_list("identity_number", "first_name", "last_name")


def as_of(state: DemoState) -> date:
    return date(state.year, 1, 1)
