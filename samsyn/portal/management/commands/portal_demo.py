"""`samsyn portal_demo`: a demo guardian for the family portal.

Enrols the first guardian of the first SIP child the demo caseworker (social services) and the
demo BUP clinician share, with the demo TOTP key, as the citizen `vardnadshavare`; so
`samsyn totp vardnadshavare` prints the code, as for the staff logins. Run it after the demo
county is built; running it again changes nothing.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samsyn.children.models import Guardianship
from samsyn.demo.logins import DEMO_TOTP_KEY
from samsyn.directory.models import Membership
from samsyn.plans.models import Case
from samsyn.portal.services import enrol_citizen

DEMO_CITIZEN = "vardnadshavare"
CASEWORKER, CLINICIAN = "handlaggare", "behandlare"


def _organisation_of(username: str):
    membership = (
        Membership.objects.filter(staff__user__username=username, active=True)
        .select_related("unit__organisation")
        .order_by("pk")
        .first()
    )
    return membership.unit.organisation if membership else None


def demo_guardianship() -> Guardianship | None:
    social, bup = _organisation_of(CASEWORKER), _organisation_of(CLINICIAN)
    if social is None or bup is None:
        return None
    case = (
        Case.objects.filter(parties__organisation=social)
        .filter(
            parties__organisation=bup,
            child__guardianships__isnull=False,
            child__guardianships__ended_on__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if case is None:
        return None
    return (
        Guardianship.objects.current()
        .filter(child_id=case.child_id)
        .select_related("guardian", "child")
        .order_by("pk")
        .first()
    )


class Command(BaseCommand):
    help = "Enrol a demo guardian for the family portal (/family/), with the demo TOTP key."

    def handle(self, *args, **options):
        guardianship = demo_guardianship()
        if guardianship is None:
            raise CommandError(
                _("No SIP shared by the demo caseworker and clinician: build the demo first.")
            )
        citizen = enrol_citizen(
            guardian=guardianship.guardian, totp_key=DEMO_TOTP_KEY, username=DEMO_CITIZEN
        )
        guardian = citizen.guardian
        self.stdout.write(
            _(
                "Family portal: /family/login/\n"
                "  guardian: %(guardian)s (%(identity)s), child: %(child)s\n"
                "  one-time code: samsyn totp %(username)s"
            )
            % {
                "guardian": guardian.name,
                "identity": guardian.identity_display,
                "child": guardianship.child.name,
                "username": citizen.user.username,
            }
        )
