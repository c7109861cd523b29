"""The synthetic county: deterministic, valid identities that belong to nobody, the
municipalities in proportion, and every demo login with children to see."""

from __future__ import annotations

import datetime
import io
import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from samsyn.access import rules
from samsyn.access.actor import Actor
from samsyn.access.models import LegalBasis, LegalGround, Purpose
from samsyn.children.identity import parse_identity_number
from samsyn.children.models import Child, Guardian, Involvement
from samsyn.consent.models import Consent
from samsyn.demo import data, services
from samsyn.demo.generator import generate_county, people_digest
from samsyn.demo.logins import DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOTP_BASE32, DEMO_TOTP_KEY
from samsyn.demo.models import DemoState
from samsyn.directory.models import Membership, Organisation, Principal, Role, Unit
from samsyn.referrals.models import Referral

SEED, CHILDREN, YEAR = 7, 200, 2026
TODAY = datetime.date(2026, 11, 23)  # the SIPs' dates count back from the build day


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """One small county for the module, rolled back afterwards so other tests never see it."""
    with django_db_blocker.unblock(), transaction.atomic():
        state = services.build_county(seed=SEED, children=CHILDREN, year=YEAR, today=TODAY)
        yield state
        transaction.set_rollback(True)


def test_same_seed_same_county():
    first = generate_county(seed=SEED, children=CHILDREN, year=YEAR)
    again = generate_county(seed=SEED, children=CHILDREN, year=YEAR)
    other = generate_county(seed=SEED + 1, children=CHILDREN, year=YEAR)
    assert first.digest() == again.digest()
    assert first.digest() != other.digest()


def test_database_holds_what_was_drawn(county, db):
    drawn = generate_county(seed=SEED, children=CHILDREN, year=YEAR, today=TODAY)
    expected = people_digest(
        [(p.identity_number, p.first_name, p.last_name) for p in drawn.children + drawn.guardians]
    )
    assert people_digest(services.people_in_database()) == expected
    assert county.digest == drawn.digest()


def test_identity_numbers_valid_and_only_test_serials(county, db):
    numbers = list(Child.objects.values_list("identity_number", "birth_date"))
    numbers += [(n, None) for n in Guardian.objects.values_list("identity_number", flat=True)]
    assert len(numbers) > CHILDREN
    for number, born in numbers:
        parsed = parse_identity_number(number)
        assert parsed.digits == number
        assert 980 <= int(number[8:11]) <= 999
        if born is not None:
            assert parsed.birth_date == born


def test_children_aged_0_to_17_all_year(county, db):
    years = set(Child.objects.values_list("birth_date__year", flat=True))
    assert min(years) >= YEAR - 17
    assert max(years) <= YEAR - 1


def test_children_in_population_proportions(county, db):
    counts = Counter(Child.objects.values_list("municipality__code", flat=True))
    total_population = sum(m.population for m in data.MUNICIPALITIES)
    assert sum(counts.values()) == CHILDREN
    for m in data.MUNICIPALITIES:
        expected = CHILDREN * m.population / total_population
        assert abs(counts[m.code] - expected) <= 1, m.name


def test_county_structure(county, db):
    assert Principal.objects.get(kind="region").code == "18"
    assert Principal.objects.filter(kind="kommun").count() == 12
    bup = Unit.objects.filter(organisation__kind=Organisation.Kind.BUP)
    for clinic in ("Örebro (USÖ)", "Karlskoga", "Lindesberg", "Hallsberg"):
        assert bup.filter(name=f"BUP {clinic}").exists()
    for kind in Organisation.Kind.values:
        if kind != Organisation.Kind.SIS:
            assert Organisation.objects.filter(kind=kind).exists(), kind
    assert not Organisation.objects.filter(mandate="").exists()
    assert not Organisation.objects.filter(search=None).exists()
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)


def test_guardians_zero_to_two(county, db):
    counts = Counter(Child.objects.annotate(n=Count("guardianships")).values_list("n", flat=True))
    assert set(counts) <= {0, 1, 2}
    assert counts[2] > counts[1] > 0


def test_most_guardians_have_an_e_mail_and_every_one_a_phone(county, db):
    guardians = list(Guardian.objects.values_list("email", "phone"))
    addresses = [email for email, _phone in guardians if email]
    # Most, not all: a few show what the meeting form says when the address is missing.
    assert 0.85 * len(guardians) < len(addresses) < len(guardians)
    for address in addresses:
        validate_email(address)
        assert address.endswith("@example.org")
    assert all(phone for _email, phone in guardians)


def test_protected_identity_share(county, db):
    protected = Child.objects.filter(protected_identity=True).count()
    assert 0.005 <= protected / CHILDREN <= 0.025


@pytest.mark.parametrize(
    ("username", "role"),
    [
        (login.username, str(role))
        for login in DEMO_LOGINS
        for _unit, role in login.memberships
        if role not in (Role.ADMINISTRATOR, Role.ANALYST)
    ],
)
def test_each_demo_login_sees_children(county, db, username, role):
    membership = Membership.objects.get(staff__user__username=username, role=role)
    actor = Actor.for_membership(membership.pk, user_id=membership.staff.user_id)
    visible = rules.restrict(actor, Child.objects.all(), purpose=rules.default_purpose(actor))
    assert visible.count() >= 10


def test_sek_4_bup_lindesberg_sees_none_of_bup_orebros_patients(county, db):
    """A consent to BUP opens a child only to BUP's units with a relationship with the child."""
    memberships = {
        login: Membership.objects.get(staff__user__username=login, role=Role.CLINICIAN)
        for login in ("behandlare", "bup.lindesberg")
    }
    actors = {
        login: Actor.for_membership(m.pk, user_id=m.staff.user_id)
        for login, m in memberships.items()
    }
    lindesberg, orebro = actors["bup.lindesberg"], actors["behandlare"]
    assert lindesberg.organisation == orebro.organisation
    visible = rules.restrict(lindesberg, Child.objects.all(), purpose=Purpose.TREATMENT)
    related = Q(involvements__unit=lindesberg.unit) | Q(sip_cases__parties__unit=lindesberg.unit)
    assert not visible.exclude(related).exists()
    # Örebro's patients under a consent to BUP: Lindesberg sees none of them.
    orebros = Child.objects.filter(
        involvements__unit=orebro.unit,
        consents__receiving_organisation=orebro.organisation,
        consents__withdrawn_at__isnull=True,
    ).exclude(involvements__unit=lindesberg.unit)
    assert orebros.exists()
    assert not visible.filter(pk__in=orebros).exists()


@pytest.mark.parametrize("username", ["admin", "analytiker"])
def test_role_alone_opens_no_child(county, db, username):
    membership = Membership.objects.get(staff__user__username=username)
    actor = Actor.for_membership(membership.pk, user_id=membership.staff.user_id)
    assert not rules.restrict(actor, Child.objects.all(), purpose="follow_up").exists()


def test_one_demo_login_has_two_memberships(county, db):
    assert Membership.objects.filter(staff__user__username="dubbelroll").count() == 2


def test_demo_logins_sign_in_with_password_and_demo_key(county, db):
    for login in DEMO_LOGINS:
        device = TOTPDevice.objects.get(user__username=login.username)
        assert device.confirmed
        assert device.key == DEMO_TOTP_KEY
        assert device.user.check_password(DEMO_PASSWORD)
    assert DEMO_TOTP_BASE32 == "ONQW243ZNYWWIZLNN4WTEMBSGYWW65DQ"


def test_grounds_across_organisations(county, db):
    assert set(LegalBasis.objects.values_list("code", flat=True)) >= {
        "osl-10-28", "osl-25-12", "osl-26-9", "osl-10-21", "osl-10-23", "osl-26-9a",
    }  # fmt: skip
    assert Consent.objects.exists()
    assert Consent.objects.filter(withdrawn_at__isnull=False).exists()
    assert LegalGround.objects.exists()
    # A consent goes to an organisation the child is involved with, or to one a referral about
    # the child was sent to under it (the school's, before intake answers), never elsewhere.
    for consent in Consent.objects.all():
        assert (
            Involvement.objects.filter(
                child=consent.child, unit__organisation=consent.receiving_organisation
            ).exists()
            or Referral.objects.filter(
                child=consent.child, to_organisation=consent.receiving_organisation
            ).exists()
        )


def test_demo_command_reuses_the_county(county, db, settings):
    settings.SAMSYN_DEMO_ALLOWED = True
    before = Child.objects.count()
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "demo", "--no-serve", "--seed", str(SEED), "--children", str(CHILDREN),
        stdout=out, stderr=err,
    )  # fmt: skip
    assert Child.objects.count() == before
    assert DemoState.objects.count() == 1
    assert "handlaggare" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    already = gettext("The demo county is already there (seed %(seed)s, %(children)s children).")
    assert already % {"seed": SEED, "children": CHILDREN} in err.getvalue()


def test_demo_command_says_how_to_build_another(county, db, settings):
    settings.SAMSYN_DEMO_ALLOWED = True
    err = io.StringIO()
    call_command("demo", "--no-serve", "--children", "300", stdout=io.StringIO(), stderr=err)
    assert Child.objects.count() == CHILDREN
    assert "--rebuild" in err.getvalue()


def test_build_refuses_a_second_county(county, db):
    with pytest.raises(RuntimeError):
        services.build_county(seed=SEED, children=CHILDREN, year=YEAR)


def test_totp_command_prints_a_code_the_device_accepts(county, db):
    out = io.StringIO()
    call_command("totp", "handlaggare", stdout=out, stderr=io.StringIO())
    code = out.getvalue().strip()
    assert len(code) == 6
    assert code.isdigit()
    device = TOTPDevice.objects.get(user__username="handlaggare")
    assert device.verify_token(code)


def test_totp_command_refuses_other_keys(county, db):
    device = TOTPDevice.objects.get(user__username="polis")
    device.key = "00" * 20
    device.save(update_fields=["key"])
    with pytest.raises(CommandError):
        call_command("totp", "polis", stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(CommandError):
        call_command("totp", "nobody", stdout=io.StringIO(), stderr=io.StringIO())


def test_totp_matches_rfc_6238_for_the_demo_key():
    # Independent of django_otp's device: the same algorithm an authenticator app runs.
    totp = TOTP(bytes.fromhex(DEMO_TOTP_KEY), 30, 0, 6, 0)
    totp.time = 59
    assert 0 <= totp.token() < 1_000_000


def test_demo_command_refuses_production_settings(db, settings):
    settings.SAMSYN_DEMO_ALLOWED = False
    with pytest.raises(
        CommandError,
        match=re.escape(
            gettext("The demo county has public passwords; it runs only with development settings.")
        ),
    ):
        call_command("demo", "--no-serve", stdout=io.StringIO(), stderr=io.StringIO())
