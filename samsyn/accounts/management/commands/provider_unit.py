from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samsyn.accounts import oidc_services
from samsyn.accounts.models import ProviderUnit
from samsyn.directory.models import Unit


class Command(BaseCommand):
    help = _(
        "Connect the id the organisation's identity provider gives a unit (its HSA-id or an "
        "organisation number) to a Samsyn unit, remove it, or list them all."
    )

    def add_arguments(self, parser):
        parser.add_argument("external_id", nargs="?", help=_("The unit's HSA-id"))
        parser.add_argument("--unit", type=int, help=_("The Samsyn unit's number"))
        parser.add_argument("--remove", action="store_true", help=_("Remove the connection"))

    def handle(self, *args, external_id, unit, remove, **options):
        if external_id is None:
            for row in ProviderUnit.objects.select_related("unit").order_by("external_id"):
                self.stdout.write(f"{row.external_id}\t{row.unit_id}\t{row.unit}")
            return
        if remove:
            if not oidc_services.disconnect_unit(external_id=external_id):
                raise CommandError(_("No unit is connected to %(id)s.") % {"id": external_id})
            self.stdout.write(_("%(id)s is no longer connected.") % {"id": external_id})
            return
        if unit is None:
            raise CommandError(_("Give --unit, or --remove."))
        try:
            row = oidc_services.connect_unit(external_id=external_id, unit_id=unit)
        except Unit.DoesNotExist:
            raise CommandError(_("There is no unit %(unit)s.") % {"unit": unit}) from None
        self.stdout.write(_("%(id)s is %(unit)s.") % {"id": row.external_id, "unit": row.unit})
