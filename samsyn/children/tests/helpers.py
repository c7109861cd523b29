"""Helpers for the children tests: grounds to see a child, and what a page says."""

from __future__ import annotations

from django.utils import translation
from django.utils.html import escape

from samsyn.access.models import Category, Purpose
from samsyn.access.tests.factories import LegalGroundFactory
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.directory.models import Unit


def takes_part(child, unit: Unit) -> None:
    """The unit took part in a SIP about the child: the relationship inside the receiving
    organisation that a consent or legal ground needs (SEK-4)."""
    from samsyn.plans.tests.factories import CaseFactory, PartyFactory

    PartyFactory(case=CaseFactory(child=child), accepted_for=unit)


def give_consent(child, unit: Unit, *, categories=(Category.BASIC,), purposes=None):
    """The child's consent to the unit's organisation, and the unit's relationship with the
    child."""
    takes_part(child, unit)
    return ConsentFactory(
        child=child,
        by_child=True,
        receiving_organisation=unit.organisation,
        categories=list(categories),
        purposes=list(purposes or Purpose.values),
    )


def record_legal_ground(child, unit: Unit, *, reference="OSL 25 kap. 12 §"):
    """A legal ground for the unit's organisation, and the unit's relationship with the child."""
    takes_part(child, unit)
    return LegalGroundFactory(
        child=child,
        receiving_organisation=unit.organisation,
        basis__reference=reference,
        basis__categories=[Category.BASIC],
        basis__purposes=list(Purpose.values),
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
