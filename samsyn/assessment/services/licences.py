"""The BBIC licence as a setting held as data (DOMAIN BBIC-1): recorded when Socialstyrelsen
licenses a municipality, ended when the licence ends. No child's data: no audit row."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samsyn.assessment.models import BbicLicence
from samsyn.directory.models import Principal


def _municipality(code: str) -> Principal:
    municipality = Principal.objects.filter(kind=Principal.Kind.MUNICIPALITY, code=code).first()
    if municipality is None:
        raise ValidationError(_("No municipality has the code %(code)s.") % {"code": code})
    return municipality


@transaction.atomic
def record_licence(*, code: str, reference: str, licensed_on: datetime.date) -> BbicLicence:
    """The municipality's licence, recorded or renewed (a renewal clears an earlier end)."""
    municipality = _municipality(code)
    licence = BbicLicence.objects.filter(municipality=municipality).first() or BbicLicence(
        municipality=municipality
    )
    licence.reference, licence.licensed_on, licence.ended_on = reference, licensed_on, None
    licence.full_clean()
    licence.save()
    return licence


@transaction.atomic
def end_licence(*, code: str, ended_on: datetime.date) -> BbicLicence:
    """From `ended_on` new assessment versions have no triangle; earlier ones stay as written."""
    licence = BbicLicence.objects.filter(municipality=_municipality(code)).first()
    if licence is None:
        raise ValidationError(_("The municipality %(code)s has no BBIC licence.") % {"code": code})
    licence.ended_on = ended_on
    licence.full_clean()
    licence.save(update_fields=["ended_on"])
    return licence
