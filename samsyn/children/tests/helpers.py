"""Helpers for the children tests: grounds to see a child, and what a page says."""

from __future__ import annotations

import datetime

from django.utils import timezone, translation
from django.utils.html import escape

from samsyn.access.models import Category, LegalBasis, LegalGround, Purpose
from samsyn.consent.models import Consent
from samsyn.directory.models import Unit
from samsyn.directory.tests.factories import MembershipFactory


def takes_part(child, unit: Unit) -> None:
    """The unit took part in a SIP about the child: the relationship inside the receiving
    organisation that a consent or legal ground needs (SEK-4)."""
    from samsyn.plans.tests.factories import CaseFactory, PartyFactory

    PartyFactory(case=CaseFactory(child=child), accepted_for=unit)


def give_consent(child, unit: Unit, *, categories=(Category.BASIC,), purposes=None, **kwargs):
    """A consent to the unit's organisation, and the unit's relationship with the child."""
    takes_part(child, unit)
    recorder = MembershipFactory()
    return Consent.objects.create(
        child=child,
        given_by=Consent.GivenBy.CHILD,
        receiving_organisation=unit.organisation,
        categories=list(categories),
        purposes=list(purposes or Purpose.values),
        form=Consent.Form.WRITTEN,
        valid_until=timezone.now() + datetime.timedelta(days=30),
        recorded_by=recorder.staff,
        recorded_for=recorder.unit.organisation,
        **kwargs,
    )


def record_legal_ground(child, unit: Unit, *, reference="OSL 25 kap. 12 §"):
    """A legal ground for the unit's organisation, and the unit's relationship with the child."""
    takes_part(child, unit)
    organisation = unit.organisation
    basis = LegalBasis.objects.create(
        code=f"basis-{organisation.pk}-{child.pk}",
        reference=reference,
        title="Health care and social services about a child",
        categories=[Category.BASIC],
        purposes=list(Purpose.values),
    )
    return LegalGround.objects.create(
        child=child,
        basis=basis,
        receiving_organisation=organisation,
        categories=[Category.BASIC],
        purposes=list(Purpose.values),
        reason="Necessary care",
        valid_until=timezone.now() + datetime.timedelta(days=30),
        recorded_by=MembershipFactory().staff,
    )


def says(response, msgid: str, plural: tuple[str, int] | None = None, **params) -> bool:
    """Whether the page shows `msgid` (with named `params`; `plural` gives the plural msgid and
    the count) in the language it was rendered in, so the tests hold whatever the catalogue says."""
    with translation.override(response.get("Content-Language", "sv")):
        if plural:
            expected = translation.ngettext(msgid, plural[0], plural[1])
        else:
            expected = translation.gettext(msgid)
    if params:
        expected = expected % params
    return escape(expected) in response.content.decode()
