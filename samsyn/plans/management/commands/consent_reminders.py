from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from samsyn.plans.services.consents import REMINDER_DAYS, remind_coordinators_of_expiring_consents


class Command(BaseCommand):
    help = _("E-mail the coordinators of SIPs whose consents run out in 30 or 7 days (run daily).")

    def handle(self, *args, **options):
        sent = remind_coordinators_of_expiring_consents()
        self.stdout.write(
            _("%(sent)s coordinators reminded (consents with %(days)s days left).")
            % {"sent": sent, "days": " / ".join(str(d) for d in REMINDER_DAYS)}
        )
