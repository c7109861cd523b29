"""UTS-5: the fixed care contact calls the SIP meeting within 3 days of the ready notice, in the
child's one open SIP — opened from the discharge, or joined where the child has one — never a
second plan (SIP-9), through the pages and the API alike."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of
from samsyn.discharge.models import Admission
from samsyn.discharge.selectors import receiving as selectors
from samsyn.discharge.services import receiving as services
from samsyn.discharge.tests.factories import AdmissionFactory, NoticeFactory
from samsyn.plans.models import Case, Party
from samsyn.plans.tests.factories import (
    CaseFactory,
    InvitationFactory,
    MeetingFactory,
    PartyFactory,
)

pytestmark = pytest.mark.django_db


def notified_with_contact():
    """An admission of a BUP inpatient unit notified to the municipality's social services and
    to an outpatient unit of the same BUP, whose clinician is the fixed care contact."""
    admission = AdmissionFactory()
    social = NoticeFactory(
        admission=admission,
        to_unit=UnitFactory(
            organisation__kind=Organisation.Kind.SOCIAL_SERVICES,
            organisation__principal=admission.child.municipality,
        ),
    )
    outpatient = UnitFactory(organisation=admission.organisation, name="BUP öppenvård")
    NoticeFactory(admission=admission, to_unit=outpatient)
    contact = actor_of(MembershipFactory(unit=outpatient, role=Role.CLINICIAN))
    Admission.objects.filter(pk=admission.pk).update(
        outpatient_unit=outpatient, fixed_care_contact=contact.staff,
        ready_at=timezone.now() - datetime.timedelta(hours=3),
    )  # fmt: skip
    admission.refresh_from_db()
    return admission, social.to_unit, contact


def page_call(client, admission):
    page = client.get(reverse("discharge:received_admission", args=[admission.pk]))
    assert page.status_code == 200
    return client.post(
        reverse("discharge:received_sip", args=[admission.pk]),
        {"form_token": page.context["form_token"]},
    )


def test_uts_5_the_fixed_care_contact_opens_the_childs_sip_with_the_notified_parties(
    actor_client,
):
    admission, social, contact = notified_with_contact()
    client = actor_client(contact)
    page = client.get(reverse("discharge:received_admission", args=[admission.pk]))
    assert reverse("discharge:received_sip", args=[admission.pk]) in page.content.decode()
    response = page_call(client, admission)
    case = Case.objects.get(child=admission.child)
    assert response.status_code == 302
    assert response.url == reverse("plans:detail", args=[case.pk])
    assert case.initiating_organisation == admission.organisation
    assert case.initiated_by == contact.staff
    assert "2017:612" in case.reason
    assert list(case.parties.values_list("organisation", flat=True)) == [social.organisation_id]
    # Called again: the same SIP, never a second.
    again = services.call_sip(actor=contact, admission_id=admission.pk)
    assert again.case == case
    assert Case.objects.filter(child=admission.child).count() == 1
    # The discharge's SIP step now points to it, for the meeting to be booked in.
    view = selectors.admission_for(contact, admission_id=admission.pk)
    assert view.sip.sip == case


def test_uts_5_the_childs_open_sip_is_joined_never_a_second_plan(actor_client):
    admission, social, contact = notified_with_contact()
    open_sip = CaseFactory(
        child=admission.child,
        initiating_organisation=social.organisation,
        initiated_by=MembershipFactory(unit=social, role=Role.CASEWORKER).staff,
    )
    response = page_call(actor_client(contact), admission)
    assert response.status_code == 302
    assert list(Case.objects.filter(child=admission.child)) == [open_sip]
    party = Party.objects.get(case=open_sip, organisation=admission.organisation)
    assert party.unit_id == contact.unit.pk  # the fixed care contact's unit takes part
    assert party.accepted_at is not None
    assert "2017:612" in party.joined_reason


def test_uts_5_a_sip_the_outpatient_care_already_takes_part_in_is_used_as_it_is():
    admission, social, contact = notified_with_contact()
    open_sip = CaseFactory(
        child=admission.child, initiating_organisation=admission.organisation,
        initiated_by=contact.staff,
    )  # fmt: skip
    opened = services.call_sip(actor=contact, admission_id=admission.pk)
    assert opened.case == open_sip
    assert opened.joined
    assert Case.objects.filter(child=admission.child).count() == 1


def test_uts_5_social_services_do_not_call_and_no_sip_is_opened(actor_client):
    admission, social, _contact = notified_with_contact()
    caseworker = actor_of(MembershipFactory(unit=social, role=Role.CASEWORKER))
    client = actor_client(caseworker)
    page = client.get(reverse("discharge:received_admission", args=[admission.pk]))
    assert reverse("discharge:received_sip", args=[admission.pk]) not in page.content.decode()
    response = client.post(
        reverse("discharge:received_sip", args=[admission.pk]),
        {"form_token": page.context["form_token"]},
    )
    assert response.status_code == 403
    assert not Case.objects.filter(child=admission.child).exists()


def test_uts_5_the_fixed_care_contact_is_appointed_before_the_call():
    admission, _social, contact = notified_with_contact()
    Admission.objects.filter(pk=admission.pk).update(fixed_care_contact=None)
    head = actor_of(MembershipFactory(unit=contact.unit, role=Role.UNIT_MANAGER))
    with pytest.raises(ValidationError):
        services.call_sip(actor=head, admission_id=admission.pk)
    assert not Case.objects.filter(child=admission.child).exists()


def test_uts_5_under_compulsory_outpatient_care_no_sip_is_opened():
    admission, _social, contact = notified_with_contact()
    Admission.objects.filter(pk=admission.pk).update(compulsory_outpatient_care=True)
    with pytest.raises(ValidationError, match="LPT 7 a"):
        services.call_sip(actor=contact, admission_id=admission.pk)
    assert not Case.objects.filter(child=admission.child).exists()


def test_uts_5_the_api_opens_then_joins_the_same_sip(actor_client):
    admission, social, contact = notified_with_contact()
    url = reverse("api:discharge_sip", args=[admission.pk])
    client = actor_client(contact)
    first = client.post(url)
    assert first.status_code == 200
    body = first.json()
    case = Case.objects.get(child=admission.child)
    assert body["sip_id"] == case.pk
    assert body["joined"] is False
    assert body["admission"]["sip"]["open_sip_id"] == case.pk
    second = client.post(url).json()
    assert (second["sip_id"], second["joined"]) == (case.pk, True)
    assert Case.objects.filter(child=admission.child).count() == 1
    caseworker = actor_client(actor_of(MembershipFactory(unit=social, role=Role.CASEWORKER)))
    assert caseworker.post(url).status_code == 403
    stranger = actor_client(
        actor_of(
            MembershipFactory(
                unit=UnitFactory(organisation__kind=Organisation.Kind.BUP), role=Role.CLINICIAN
            )
        )
    )
    assert stranger.post(url).status_code == 404


def test_uts_5_a_meeting_the_sip_held_before_the_admission_is_no_call():
    admission, _social, contact = notified_with_contact()
    case = CaseFactory(
        child=admission.child, initiating_organisation=admission.organisation,
        initiated_by=contact.staff,
    )  # fmt: skip
    earlier = admission.admitted_at - datetime.timedelta(days=40)
    InvitationFactory(
        meeting=MeetingFactory(case=case, starts_at=earlier, ends_at=earlier), sent_at=earlier
    )
    view = selectors.admission_for(contact, admission_id=admission.pk)
    assert view.sip.sip == case
    assert view.sip.called_at is None
    later = timezone.now() + datetime.timedelta(days=2)
    sent = timezone.now()
    InvitationFactory(
        meeting=MeetingFactory(case=case, starts_at=later, ends_at=later), sent_at=sent
    )
    view = selectors.admission_for(contact, admission_id=admission.pk)
    assert view.sip.called_at == sent
    assert view.sip.meeting_at == later


def test_uts_5_a_sip_the_unit_cannot_open_is_named_never_duplicated():
    """Social services' SIP, which another BUP unit accepted for the organisation and no consent
    lets the outpatient unit read: the call names it and opens nothing."""
    admission, social, contact = notified_with_contact()
    open_sip = CaseFactory(
        child=admission.child, initiating_organisation=social.organisation,
        initiated_by=MembershipFactory(unit=social, role=Role.CASEWORKER).staff,
    )  # fmt: skip
    PartyFactory(case=open_sip, accepted_for=UnitFactory(organisation=admission.organisation))
    with pytest.raises(ValidationError, match=str(open_sip.pk)):
        services.call_sip(actor=contact, admission_id=admission.pk)
    assert list(Case.objects.filter(child=admission.child)) == [open_sip]
