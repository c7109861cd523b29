"""Helpers for the children tests: grounds to see a child, and what a page says."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.html import escape

from samsyn.access.models import Category, Purpose
from samsyn.access.tests.factories import LegalGroundFactory
from samsyn.children.tests.factories import ChildFactory, InvolvementFactory
from samsyn.concerns.tests.factories import IntakeFactory, InvestigationFactory, ReportFactory
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.consultations.tests.factories import ConsultationFactory
from samsyn.directory.models import Organisation, Principal, Role, Unit
from samsyn.directory.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PrincipalFactory,
    UnitFactory,
)
from samsyn.discharge.tests.factories import AdmissionFactory, NoticeFactory
from samsyn.plans.tests.factories import CaseFactory
from samsyn.radar.models import Rule, Signal
from samsyn.referrals.tests.factories import ReferralFactory


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


def ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def signal(
    child, organisation, unit, *, code="RAD-7", days=1, subject=Signal.Subject.SIP, subject_id=None
) -> Signal:
    return Signal.objects.create(
        rule=Rule.objects.get(code=code), child=child, subject_type=subject,
        subject_id=child.pk if subject_id is None else subject_id, organisation=organisation,
        unit=unit, due_on=timezone.localdate(), found_at=ago(days),
    )  # fmt: skip


@dataclass
class County:
    child: object
    social: object  # the caseworker's membership, social services
    bup_ward: object  # a clinician of the BUP inpatient unit
    seen: dict  # what the caseworker may see, by timeline kind
    hidden: dict  # what the caseworker may not


def timeline_county() -> County:
    """A child on whose timeline a caseworker of social services sees every kind of record,
    and beside each, one of the same kind it may not see (`County.hidden`)."""
    kommun = PrincipalFactory(kind=Principal.Kind.MUNICIPALITY)
    intake = IntakeFactory(municipality=kommun)
    social_org = intake.organisation
    unit = UnitFactory(organisation=social_org, municipality=kommun, name="Utredning")
    social = MembershipFactory(unit=unit, role=Role.CASEWORKER)
    child = ChildFactory(municipality=kommun)
    contact = InvolvementFactory(child=child, unit=unit)
    contact.started_on = timezone.localdate() - datetime.timedelta(days=400)
    contact.save()

    region = PrincipalFactory(kind=Principal.Kind.REGION)
    bup = OrganisationFactory(kind=Organisation.Kind.BUP, principal=region)
    ward = UnitFactory(organisation=bup, name="BUP heldygnsvård")
    bup_ward = MembershipFactory(unit=ward, role=Role.CLINICIAN)
    bup_contact = InvolvementFactory(child=child, unit=ward)

    # Social services' own: a report to its intake, the investigation, a consultation asked.
    report = ReportFactory(intake=intake, child=child, received_at=ago(30))
    investigation = InvestigationFactory(
        child=child, organisation=social_org, unit=unit, opened_on=timezone.localdate()
    )
    consultation = ConsultationFactory(
        asking_unit=unit, asked_by=social.staff, category=Category.SOCIAL, child=child,
        linked_at=ago(3), linked_by=social.staff, asked_at=ago(3),
    )  # fmt: skip
    # The SIP BUP initiated, the unit taking part under the guardians' consent for planning.
    sip = CaseFactory(
        child=child, initiating_organisation=bup, initiated_by=bup_ward.staff,
        receiving_unit=unit, finalised=True, proposed_at=ago(60),
    )  # fmt: skip
    meeting = sip.meetings.get()
    version = sip.versions.get(status="final")
    # BUP's admission, notified to the unit under a legal ground.
    admission = AdmissionFactory(child=child, unit=ward, admitted_at=ago(5))
    notice = NoticeFactory(admission=admission, to_unit=unit, sent_at=ago(5))
    own_signal = signal(child, social_org, unit)
    # The unit's referral of the child to BUP's ward.
    referral = ReferralFactory(child=child, from_unit=unit, sent_by=social.staff, to_unit=ward)

    # What the unit may not see: BUP's earlier admission with no notice to it, BUP's own
    # signal, a report to another municipality, a school's consultation, and the school's
    # contact (no ground covers the school's information).
    school = UnitFactory(organisation__kind=Organisation.Kind.SCHOOL, name="Skolan")
    school_contact = InvolvementFactory(child=child, unit=school)
    earlier = AdmissionFactory(
        child=child, unit=ward, admitted_at=ago(200), discharged_at=ago(190),
        needs_judged_at=ago(200),
    )  # fmt: skip
    elsewhere = ReportFactory(child=child, received_at=ago(20))
    school_asked = ConsultationFactory(
        child=child, linked_at=ago(4), linked_by=social.staff, asked_at=ago(4)
    )
    school_referral = ReferralFactory(
        child=child, from_unit=school, to_unit=ward, category=Category.SCHOOL
    )
    return County(
        child=child, social=social, bup_ward=bup_ward,
        seen={
            "contact": sorted([contact.pk, bup_contact.pk]), "report": [report.pk],
            "investigation": [investigation.pk],
            "consultation": [consultation.pk], "sip": [sip.pk], "sip_meeting": [meeting.pk],
            "plan_version": [version.pk], "admission": [admission.pk],
            "discharge_notice": [notice.pk], "signal": [own_signal.pk],
            "referral": [referral.pk],
        },
        hidden={
            "contact": [school_contact.pk], "admission": [earlier.pk], "report": [elsewhere.pk],
            "consultation": [school_asked.pk], "referral": [school_referral.pk],
            "signal": [signal(child, bup, ward, code="RAD-5").pk],
        },
    )  # fmt: skip
