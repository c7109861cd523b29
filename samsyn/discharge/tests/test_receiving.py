"""The receiving units (issue 10): incoming notices, acknowledgement and the planning it starts
(UTS-3), the fixed care contact (UTS-2), the SIP call within 3 days of the ready notice (UTS-5),
the family's summary (UTS-6), protected identity and SEK-4."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from samsyn.audit.models import Entry
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, actor_of
from samsyn.discharge.models import DischargeSettings, Notice, PlanningTask
from samsyn.discharge.selectors import receiving as selectors
from samsyn.discharge.selectors import start
from samsyn.discharge.tests.factories import (
    AdmissionFactory,
    DischargeDateChangeFactory,
    NoticeFactory,
)
from samsyn.plans.tests.factories import CaseFactory, InvitationFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def sv(msgid: str) -> str:
    with translation.override("sv"):
        return gettext(msgid)


def actor_in(unit, role=Role.CASEWORKER):
    return actor_of(MembershipFactory(unit=unit, role=role))


def both_notified(**admission):
    """An admission notified to social services and to a BUP outpatient unit (both under a
    ground): the municipality and the region must both act."""
    social = NoticeFactory(admission=AdmissionFactory(**admission))
    outpatient = UnitFactory(
        organisation__kind=Organisation.Kind.BUP, name="BUP öppenvård",
        organisation__principal=social.admission.organisation.principal,
    )  # fmt: skip
    health = NoticeFactory(admission=social.admission, to_unit=outpatient)
    return social, health


def test_uts_3_acknowledging_a_notice_starts_the_units_planning(actor_client):
    social, _health = both_notified()
    caseworker = actor_in(social.to_unit)
    client = actor_client(caseworker)
    page = client.get(reverse("discharge:received"))
    assert page.status_code == 200
    assert social.admission.child.name in page.content.decode()
    response = client.post(
        reverse("discharge:received_acknowledge", args=[social.pk]),
        {"form_token": page.context["form_token"]},
    )
    assert response.status_code == 302
    social.refresh_from_db()
    assert social.acknowledged_at is not None
    assert social.acknowledged_by_id == caseworker.staff.pk
    tasks = PlanningTask.objects.filter(admission=social.admission, unit=social.to_unit)
    assert [t.text for t in tasks.order_by("pk")] == [
        str(text) for text in selectors.DEFAULT_TASKS["social"]
    ]
    assert Entry.objects.filter(
        action="discharge_notice_acknowledged", object_id=str(social.pk)
    ).exists()
    # Acknowledged twice: still one set of tasks.
    from samsyn.discharge.services import receiving as services

    services.acknowledge(actor=caseworker, notice_id=social.pk)
    assert tasks.count() == 3
    # Ticked off on the admission's page.
    task = tasks.first()
    token = client.get(response.url).context["form_token"]
    client.post(
        reverse("discharge:received_task", args=[social.admission_id, task.pk]),
        {"form_token": token},
    )
    task.refresh_from_db()
    assert task.done_by_id == caseworker.staff.pk
    detail = client.get(reverse("discharge:received_admission", args=[social.admission_id]))
    assert task.text in detail.content.decode()


def test_uts_3_unacknowledged_notices_come_first():
    social = NoticeFactory(acknowledged_at=timezone.now())
    newer_done = NoticeFactory(to_unit=social.to_unit, acknowledged_at=timezone.now())
    waiting = NoticeFactory(
        to_unit=social.to_unit, sent_at=timezone.now() - datetime.timedelta(days=2)
    )
    result = selectors.received_for(actor_in(social.to_unit))
    assert list(result.notices)[0] == waiting
    assert set(result.notices) == {social, newer_done, waiting}
    assert start.counts_for(actor_in(social.to_unit)).unacknowledged == 1


def test_uts_2_the_outpatient_units_head_appoints_a_member_of_the_unit(actor_client):
    _social, health = both_notified()
    head = actor_in(health.to_unit, Role.UNIT_MANAGER)
    nurse = MembershipFactory(unit=health.to_unit, role=Role.CLINICIAN).staff
    stranger = MembershipFactory(role=Role.CLINICIAN).staff
    client = actor_client(head)
    url = reverse("discharge:received_appoint", args=[health.admission_id])
    token = client.get(url).context["form_token"]
    refused = client.post(url, {"fixed_care_contact": stranger.pk, "form_token": token})
    assert refused.status_code == 200  # not offered: the form refuses it, nothing stored
    assert refused.context["form"].errors
    health.admission.refresh_from_db()
    assert health.admission.fixed_care_contact_id is None
    saved = client.post(
        url, {"fixed_care_contact": nurse.pk, "form_token": refused.context["form_token"]}
    )
    assert saved.status_code == 302
    health.admission.refresh_from_db()
    assert health.admission.fixed_care_contact_id == nurse.pk
    assert health.admission.outpatient_unit_id == health.to_unit_id
    assert Entry.objects.filter(
        action="fixed_care_contact_appointed", child_id=health.admission.child_id
    ).exists()


def test_uts_2_social_services_do_not_appoint_the_fixed_care_contact(actor_client):
    social, health = both_notified()
    manager = actor_in(social.to_unit, Role.UNIT_MANAGER)
    member = MembershipFactory(unit=social.to_unit).staff
    client = actor_client(manager)
    response = client.post(
        reverse("discharge:received_appoint", args=[social.admission_id]),
        {"fixed_care_contact": member.pk},
    )
    assert response.status_code in (200, 403)
    social.admission.refresh_from_db()
    assert social.admission.fixed_care_contact_id is None
    from samsyn.common.errors import AccessDenied
    from samsyn.discharge.services import receiving as services

    with pytest.raises(AccessDenied):
        services.appoint_fixed_care_contact(
            actor=manager, admission_id=social.admission_id, staff_id=member.pk
        )


def test_uts_2_an_earlier_admissions_fixed_care_contact_is_shown_to_continue():
    _social, health = both_notified()
    earlier = AdmissionFactory(
        child=health.admission.child, unit=health.admission.unit,
        discharged_at=timezone.now() - datetime.timedelta(days=60),
        admitted_at=timezone.now() - datetime.timedelta(days=70),
        fixed_care_contact=MembershipFactory(unit=health.to_unit, role=Role.CLINICIAN).staff,
        outpatient_unit=health.to_unit,
    )  # fmt: skip
    NoticeFactory(admission=earlier, to_unit=health.to_unit)
    view = selectors.admission_for(
        actor_in(health.to_unit, Role.CLINICIAN), admission_id=health.admission_id
    )
    assert view.earlier_contact == earlier.fixed_care_contact


def _ready(admission, at):
    admission.ready_at = at
    admission.save(update_fields=["ready_at"])
    NoticeFactory(admission=admission, kind=Notice.Kind.READY, sent_at=at)


def test_uts_5_the_sip_call_is_due_three_days_after_the_ready_notice(actor_client):
    social, _health = both_notified()
    ready = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=datetime.UTC)  # a Wednesday
    _ready(social.admission, ready)
    view = selectors.admission_for(actor_in(social.to_unit), admission_id=social.admission_id)
    assert view.sip.required
    assert view.sip.due == datetime.date(2026, 3, 7)
    assert view.sip.overdue  # long past, and no meeting called
    page = actor_client(actor_in(social.to_unit)).get(
        reverse("discharge:received_admission", args=[social.admission_id])
    )
    text = page.content.decode()
    assert "2026-03-07" in text
    assert "2017:612) 4 kap. 1, 3 §§" in text
    # Social services see who calls; the fixed care contact's button is test_sip_call's.
    assert str(sv("The fixed care contact opens the child's SIP and calls the meeting.")) in text


def test_uts_5_in_working_days_the_sip_call_runs_across_the_weekend():
    social, _health = both_notified()
    DischargeSettings.objects.create(
        region=social.admission.organisation.principal, sip_call_working_days=True
    )
    _ready(social.admission, datetime.datetime(2026, 3, 6, 15, 0, tzinfo=datetime.UTC))  # Friday
    view = selectors.admission_for(actor_in(social.to_unit), admission_id=social.admission_id)
    assert view.sip.due == datetime.date(2026, 3, 11)  # Mon, Tue, Wed


def test_uts_5_only_when_both_region_and_municipality_are_notified():
    social = NoticeFactory()
    _ready(social.admission, timezone.now())
    view = selectors.admission_for(actor_in(social.to_unit), admission_id=social.admission_id)
    assert not view.sip.required
    assert not view.sip.overdue


def test_uts_5_a_changed_discharge_date_is_flagged_when_short_and_the_sip_due_stays():
    social, _health = both_notified()
    ready = timezone.now() - datetime.timedelta(days=1)
    _ready(social.admission, ready)
    settings = DischargeSettings()
    before = selectors.admission_for(actor_in(social.to_unit), admission_id=social.admission_id)
    assert not before.flags.short_notice  # a week ahead
    change = DischargeDateChangeFactory(
        admission=social.admission, to_date=timezone.localdate() + datetime.timedelta(days=1)
    )
    social.admission.expected_discharge_on = change.to_date
    social.admission.save(update_fields=["expected_discharge_on"])
    after = selectors.admission_for(actor_in(social.to_unit), admission_id=social.admission_id)
    assert after.flags.short_notice
    assert after.flags.minimum_notice_hours == settings.minimum_notice_hours
    assert after.sip.due == before.sip.due == timezone.localdate(ready) + datetime.timedelta(3)
    listed = selectors.received_for(actor_in(social.to_unit))
    assert [row.flags.short_notice for row in listed.rows] == [True]


def test_uts_1_a_late_admission_notice_is_flagged():
    notice = NoticeFactory(
        admission__admitted_at=timezone.now() - datetime.timedelta(hours=30),
    )
    view = selectors.admission_for(actor_in(notice.to_unit), admission_id=notice.admission_id)
    assert view.flags.late_notice
    on_time = NoticeFactory()
    assert not selectors.admission_for(
        actor_in(on_time.to_unit), admission_id=on_time.admission_id
    ).flags.late_notice


def test_uts_5_under_compulsory_outpatient_care_the_lpt_plan_replaces_the_sip(actor_client):
    social, _health = both_notified(compulsory_outpatient_care=True)
    page = actor_client(actor_in(social.to_unit)).get(
        reverse("discharge:received_admission", args=[social.admission_id])
    )
    assert "LPT 7 a §" in page.content.decode()
    assert reverse("discharge:received_sip", args=[social.admission_id]) not in (
        page.content.decode()
    )


def _open_sip_with_meeting(health):
    case = CaseFactory(consented=True, child=health.admission.child, receiving_unit=health.to_unit)
    meeting = MeetingFactory(case=case)
    InvitationFactory(meeting=meeting, sent_at=timezone.now())
    return case, meeting


def test_uts_6_the_summary_has_the_care_contact_and_the_sip_time_and_prints(actor_client):
    _social, health = both_notified()
    clinician = actor_in(health.to_unit, Role.CLINICIAN)
    contact = clinician.staff
    contact.phone = "019-60 20 000"
    contact.save(update_fields=["phone"])
    admission = health.admission
    admission.fixed_care_contact = contact
    admission.outpatient_unit = health.to_unit
    admission.save(update_fields=["fixed_care_contact", "outpatient_unit"])
    case, meeting = _open_sip_with_meeting(health)
    client = actor_client(clinician)
    url = reverse("discharge:received_summary", args=[admission.pk])
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert contact.name in text
    assert "019-60 20 000" in text
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") in text
    assert f"{case.pk}" in text
    assert "samsyn/print.css" in text
    assert "samsyn-no-print" in text
    assert Entry.objects.filter(
        object_type="discharge_summary", action="read", staff_id=clinician.staff.pk
    ).exists()
    # The care given, written and shown.
    detail = client.get(reverse("discharge:received_admission", args=[admission.pk]))
    assert reverse("plans:detail", args=[case.pk]) in detail.content.decode()
    from samsyn.discharge.services import receiving as services

    services.write_care_given(actor=clinician, admission_id=admission.pk, text="Tre veckor.")
    assert "Tre veckor." in client.get(url).content.decode()


def test_uts_6_the_summary_is_in_english_when_the_ui_is(actor_client):
    _social, health = both_notified()
    clinician = actor_in(health.to_unit, Role.CLINICIAN)
    client = actor_client(clinician)
    client.cookies["django_language"] = "en"
    url = reverse("discharge:received_summary", args=[health.admission_id])
    assert "After the hospital stay" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    sv = actor_client(clinician).get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Efter sjukhusvistelsen" in sv


def test_uts_1_protected_identity_never_shows_the_address_on_the_received_list(actor_client):
    notice = NoticeFactory(
        admission__child__protected_identity=True,
        admission__child__street_address="Hemliga vägen 7",
    )
    client = actor_client(actor_in(notice.to_unit))
    for url in (
        reverse("discharge:received"),
        reverse("discharge:received_admission", args=[notice.admission_id]),
        reverse("api:discharge_received"),
        reverse("api:discharge_received_admission", args=[notice.admission_id]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Hemliga vägen" not in response.content.decode(), url


def test_sek_4_another_unit_of_the_notified_social_services_sees_nothing(actor_client):
    notice = NoticeFactory()
    colleague = actor_in(UnitFactory(organisation=notice.to_unit.organisation))
    client = actor_client(colleague)
    listed = client.get(reverse("discharge:received")).content.decode()
    assert notice.admission.child.name not in listed
    detail = client.get(reverse("discharge:received_admission", args=[notice.admission_id]))
    assert detail.status_code == 404
    from samsyn.discharge.selectors import AdmissionNotFound
    from samsyn.discharge.services import receiving as services

    with pytest.raises(AdmissionNotFound):
        services.acknowledge(actor=colleague, notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.acknowledged_at is None
    assert Entry.objects.filter(
        object_type="admission", outcome="denied", staff_id=colleague.staff.pk
    ).exists()


def test_uts_3_the_start_page_shows_notices_not_yet_acknowledged(actor_client):
    notice = NoticeFactory()
    client = actor_client(actor_in(notice.to_unit))
    page = client.get(reverse("core:home")).content.decode()
    assert reverse("discharge:received") in page
    Notice.objects.filter(pk=notice.pk).update(acknowledged_at=timezone.now())
    assert reverse("discharge:received") not in client.get(reverse("core:home")).content.decode()


def test_the_api_acknowledges_and_appoints_under_the_same_rules(actor_client):
    social, health = both_notified()
    caseworker = actor_client(actor_in(social.to_unit))
    url = reverse("api:discharge_acknowledge", args=[social.pk])
    response = caseworker.post(url)
    assert response.status_code == 200
    assert [t["text"] for t in response.json()["tasks"]] == [
        str(text) for text in selectors.DEFAULT_TASKS["social"]
    ]
    # SEK-4 over the API: another unit of the same social services gets a 404.
    colleague = actor_client(actor_in(UnitFactory(organisation=social.to_unit.organisation)))
    assert (
        colleague.get(
            reverse("api:discharge_received_admission", args=[social.admission_id])
        ).status_code
        == 404
    )
    assert colleague.get(reverse("api:discharge_received")).json()["notices"] == []
    # Social services may not appoint the fixed care contact; the outpatient head may.
    appoint = reverse("api:discharge_appoint", args=[health.admission_id])
    member = MembershipFactory(unit=health.to_unit, role=Role.CLINICIAN).staff
    assert (
        caseworker.post(
            appoint, {"staff_id": member.pk}, content_type="application/json"
        ).status_code
        == 403
    )
    head = actor_client(actor_in(health.to_unit, Role.UNIT_MANAGER))
    outsider = MembershipFactory().staff
    refused = head.post(appoint, {"staff_id": outsider.pk}, content_type="application/json")
    assert refused.status_code == 422
    done = head.post(appoint, {"staff_id": member.pk}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["fixed_care_contact"]["id"] == member.pk
    summary = head.get(reverse("api:discharge_summary", args=[health.admission_id])).json()
    assert summary["fixed_care_contact"]["name"] == member.name
