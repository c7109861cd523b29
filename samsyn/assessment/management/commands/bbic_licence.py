import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from samsyn.assessment.services import licences


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("Not a date (YYYY-MM-DD): %(text)s") % {"text": text}) from None


class Command(BaseCommand):
    help = _(
        "Record a municipality's licence from Socialstyrelsen to use BBIC, or end it: the BBIC "
        "triangle is offered only in licensed municipalities."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help=_("The municipality's code, e.g. 1880"))
        parser.add_argument("--reference", help=_("The licence's reference"))
        parser.add_argument("--since", help=_("Licensed from this day (YYYY-MM-DD)"))
        parser.add_argument("--end", help=_("The licence ends on this day (YYYY-MM-DD)"))

    def handle(self, *args, code, reference, since, end, **options):
        try:
            if end:
                licence = licences.end_licence(code=code, ended_on=_date(end))
                self.stdout.write(
                    _("The BBIC licence of %(municipality)s ends on %(date)s.")
                    % {"municipality": licence.municipality, "date": licence.ended_on}
                )
                return
            if not reference or not since:
                raise CommandError(_("Give --reference and --since, or --end."))
            licence = licences.record_licence(
                code=code, reference=reference, licensed_on=_date(since)
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            _("%(municipality)s is licensed to use BBIC from %(date)s (%(reference)s).")
            % {
                "municipality": licence.municipality,
                "date": licence.licensed_on,
                "reference": licence.reference,
            }
        )
