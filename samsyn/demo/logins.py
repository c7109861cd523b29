"""The demo's sign-in: one password and one TOTP secret for every demo user, and the named
logins a newcomer tries first."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from samsyn.directory.models import Role

# Passes Django's validators in conf/base.py (twelve characters or more, not common, not
# numeric). Published on purpose: the demo holds no real person.
DEMO_PASSWORD = "samsyn-demo-2026"  # noqa: S105

# The hex key of every demo user's TOTP device: the 20 ASCII bytes "samsyn-demo-2026-otp".
# An authenticator app wants it in base32: DEMO_TOTP_BASE32 below,
# ONQW243ZNYWWIZLNN4WTEMBSGYWW65DQ (SHA-1, 6 digits, 30 seconds).
DEMO_TOTP_KEY = "73616d73796e2d64656d6f2d323032362d6f7470"
DEMO_TOTP_BASE32 = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()

# Unit keys are "<organisation key>/<unit name>"; see generator.py for the organisation keys.
SOCIAL_OREBRO = "soc-1880"
SCHOOL_OREBRO = "skola-1880"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    first_name: str
    last_name: str
    title: str
    memberships: tuple[tuple[str, str], ...]  # (unit key, role)


# The demo school is the first school of Örebro (data.SCHOOL_NAMES[0]).
DEMO_SCHOOL = f"{SCHOOL_OREBRO}/Ekängsskolan"

DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("handlaggare", "Sara", "Lindholm", "Socialsekreterare",
              ((f"{SOCIAL_OREBRO}/Barn och unga – utredning", Role.CASEWORKER),)),
    DemoLogin("behandlare", "Johan", "Ekström", "Psykolog",
              (("bup/BUP Örebro (USÖ)", Role.CLINICIAN),)),
    DemoLogin("kurator", "Maria", "Nyberg", "Skolkurator",
              ((DEMO_SCHOOL, Role.SCHOOL_COUNSELLOR),)),
    DemoLogin("skolskoterska", "Lena", "Holm", "Skolsköterska",
              ((DEMO_SCHOOL, Role.SCHOOL_NURSE),)),
    # Intake (mottagning): the municipality's reports of concern arrive in this unit's queue.
    DemoLogin("mottagning", "Lisa", "Bergqvist", "Socialsekreterare",
              ((f"{SOCIAL_OREBRO}/Barn och unga – mottagning", Role.CASEWORKER),)),
    DemoLogin("enhetschef", "Anders", "Sjöberg", "Enhetschef",
              ((f"{SOCIAL_OREBRO}/Barn och unga – utredning", Role.UNIT_MANAGER),)),
    DemoLogin("polis", "Erik", "Dahl", "Barnutredare",
              (("polis/Lokalpolisområde Örebro", Role.POLICE_OFFICER),)),
    DemoLogin("admin", "Karin", "Berg", "Systemförvaltare",
              ((f"{SOCIAL_OREBRO}/Verksamhetsstöd", Role.ADMINISTRATOR),)),
    DemoLogin("analytiker", "Fatima", "Haddad", "Analytiker",
              (("ledning/Analys och uppföljning barn och unga", Role.ANALYST),)),
    DemoLogin("bup.lindesberg", "Per", "Strand", "Kurator",
              (("bup/BUP Lindesberg", Role.CLINICIAN),)),
    DemoLogin("handlaggare.kumla", "Emma", "Wik", "Socialsekreterare",
              (("soc-1881/Barn och unga – utredning", Role.CASEWORKER),)),
    # BUP's inpatient unit (issue 10): the nurse who admits and notifies, and the unit's
    # manager, who answers for discharges with short notice.
    DemoLogin("heldygn", "Eva", "Lundgren", "Sjuksköterska",
              (("bup/BUP heldygnsvård", Role.CLINICIAN),)),
    DemoLogin("heldygn.chef", "Mikael", "Forsberg", "Vårdenhetschef",
              (("bup/BUP heldygnsvård", Role.UNIT_MANAGER),)),
    # Two memberships: the sign-in asks which one she acts for.
    DemoLogin("dubbelroll", "Nadia", "Karimi", "Distriktssköterska",
              (("bvc/BVC Örebro", Role.CLINICIAN), (DEMO_SCHOOL, Role.SCHOOL_NURSE))),
)  # fmt: skip

DEMO_USERNAMES = frozenset(login.username for login in DEMO_LOGINS)
