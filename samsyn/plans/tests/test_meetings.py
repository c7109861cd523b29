import datetime
import re

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from samsyn.access.models import Purpose
from samsyn.audit.models import Entry
from samsyn.children.selectors import guardians_of
from samsyn.children.tests.factories import (
    GuardianshipFactory,
    InvolvementFactory,
    name_no_staff_member_shares,
)
from samsyn.consent.models import Consent
from samsyn.consent.tests.factories import ConsentFactory
from samsyn.directory.models import Organisation, Role
from samsyn.directory.tests.factories import MembershipFactory, UnitFactory, make_actor
from samsyn.plans.models import Case, Invitation, Meeting
from samsyn.plans.selectors import meetings as meeting_selectors
from samsyn.plans.services import ics, meetings
from samsyn.plans.state import TransitionRefused
from samsyn.plans.tests.factories import (
    CaseFactory,
    InvitationFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db
BASE_URL = "https://samsyn.example.org/"


@pytest.fixture
def social():
    actor = make_actor()
    actor.staff.email = "handlaggare@example.org"
    actor.staff.save()
    return actor


@pytest.fixture
def bup():
    actor = make_actor(unit__organisation__kind=Organisation.Kind.BUP, role=Role.CLINICIAN)
    actor.staff.email = "behandlare@example.org"
    actor.staff.save()
    return actor


@pytest.fixture
def case(social, bup):
    """A SIP with BUP as a party and the consent of the child's one guardian: status "consent
    recorded"."""
    child = GuardianshipFactory(guardian__email="vh@example.org").child
    case = CaseFactory(
        child=child, consented=True, receiving_unit=bup.unit, initiated_by=social.staff,
        initiating_organisation=social.organisation,
    )  # fmt: skip
    InvolvementFactory(child=case.child, unit=social.unit)
    return case


def _start(days=7, hour=9):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _book(actor, case, **kwargs):
    values = {
        "starts_at": _start(), "ends_at": _start() + datetime.timedelta(hours=1),
        "place": "Storgatan 1", "video_link": "", "staff_ids": [actor.staff.pk],
        "guardian_ids": [], "invite_child": False, "child_email": "", "others": [],
        "base_url": BASE_URL,
    }  # fmt: skip
    values.update(kwargs)
    return meetings.book_meeting(actor=actor, case_id=case.pk, **values)


def _form_data(token, **kwargs):
    day = timezone.localdate() + datetime.timedelta(days=7)
    data = {
        "form_token": token, "date": day.isoformat(), "start_time": "09:00",
        "end_time": "10:30", "place": "Familjecentralen, rum 2", "video_link": "",
    }  # fmt: skip
    data.update(kwargs)
    return data


def _token(client, url):
    return client.get(url).context["form_token"]


# --- booking and the state machine --------------------------------------------------------


def test_sip_3_booking_refused_before_consent(social, case, actor_client):
    case.status = Case.Status.PROPOSED
    case.save()
    with pytest.raises(TransitionRefused):
        _book(social, case)
    client = actor_client(social)
    url = reverse("plans:meeting_book", args=[case.pk])
    data = _form_data(_token(client, url), staff=[social.staff.pk], place="Rum 7")
    response = client.post(url, data)
    assert response.status_code == 200
    # The state machine's message is shown, and what the user typed is kept.
    status = case.get_status_display()
    with translation.override("sv"):
        expected = gettext("This step is not possible while the SIP is %(status)s.") % {
            "status": status
        }
    assert expected in response.content.decode()
    assert 'value="Rum 7"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_sip_3_booking_refused_when_consent_withdrawn(social, case):
    Consent.objects.filter(child=case.child).update(withdrawn_at=timezone.now())
    with pytest.raises(TransitionRefused):
        _book(social, case)
    case.refresh_from_db()
    assert case.status == Case.Status.CONSENTED
    assert not Meeting.objects.exists()


def test_booking_moves_consented_to_meeting_booked(social, case):
    meeting = _book(social, case)
    case.refresh_from_db()
    assert case.status == Case.Status.MEETING_BOOKED
    assert list(meeting.invitations.values_list("staff_id", flat=True)) == [social.staff.pk]
    entry = Entry.objects.get(action="meeting_booked", child_id=case.child_id)
    assert (entry.child_id, entry.purpose, entry.staff_id) == (
        case.child_id, Purpose.PLANNING, social.staff.pk,
    )  # fmt: skip


def test_a_follow_up_meeting_leaves_the_status(social, case):
    case.status = Case.Status.FINALISED
    case.save()
    _book(social, case)
    case.refresh_from_db()
    assert case.status == Case.Status.FINALISED


def test_staff_picker_groups_by_unit_the_units_working_with_the_child_first(
    social, bup, case, actor_client
):
    # Another unit of BUP takes no part with the child: it is listed, after the working units.
    other = MembershipFactory(
        unit=UnitFactory(organisation=bup.organisation, name="Ö Annan enhet"),
        role=Role.CLINICIAN,
    )
    form = actor_client(social).get(reverse("plans:meeting_book", args=[case.pk])).context["form"]
    groups = [group for group, _options in form.fields["staff"].choices]
    working = {
        f"{actor.organisation.name} · {actor.unit.name}" for actor in (social, bup)
    }  # fmt: skip
    assert set(groups[:2]) == working
    assert groups[-1] == f"{bup.organisation.name} · Ö Annan enhet"
    [(staff_id, label)] = dict(form.fields["staff"].choices)[groups[-1]]
    assert (staff_id, label.startswith(other.staff.name)) == (other.staff_id, True)


def test_booking_through_the_page(social, bup, case, actor_client):
    client = actor_client(bup)
    url = reverse("plans:meeting_book", args=[case.pk])
    guardian = guardians_of(case.child).get()
    data = _form_data(
        _token(client, url), staff=[social.staff.pk, bup.staff.pk], guardians=[guardian.pk],
        invite_child="on", other_1_name="Anna Mentor", other_1_email="mentor@example.org",
        others_consented="on",
    )  # fmt: skip
    with translation.override("sv"):
        response = client.post(url, data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    kinds = sorted(meeting.invitations.values_list("kind", flat=True))
    assert kinds == ["child", "guardian", "other", "staff", "staff"]
    # Typed in Swedish time, stored in UTC.
    local = timezone.localtime(meeting.starts_at, meetings.STOCKHOLM)
    assert (local.hour, local.minute) == (9, 0)
    assert meeting.starts_at.utcoffset() == datetime.timedelta(0)


# --- invitations by mail ------------------------------------------------------------------


def test_invitations_mailed_after_commit_with_ics(
    social, bup, case, django_capture_on_commit_callbacks
):
    name_no_staff_member_shares(case.child)
    guardian = guardians_of(case.child).get()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _book(
            social, case, staff_ids=[social.staff.pk, bup.staff.pk], guardian_ids=[guardian.pk],
            invite_child=True, child_email="",
            others=[meetings.OtherInvitee(name="Anna Mentor", email="mentor@example.org")],
        )  # fmt: skip
    # The child has no address: four mails for five invited.
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(
        ["handlaggare@example.org", "behandlare@example.org", "vh@example.org",
         "mentor@example.org"]
    )  # fmt: skip
    child = case.child
    for message in mail.outbox:
        (name, content, mimetype) = message.attachments[0]
        assert name.endswith(".ics")
        assert mimetype.startswith("text/calendar")
        assert "BEGIN:VEVENT" in content
        token = str(meeting.invitations.get(email=message.to[0]).token)
        assert f"/sip/reply/{token}/" in message.body
        # Mail is not a secure channel: the child is named nowhere.
        for secret in (child.first_name, child.last_name, child.identity_number,
                       child.identity_display):  # fmt: skip
            assert secret not in message.subject
            assert secret not in content
            assert secret not in message.body
    with translation.override("sv"):
        subject = gettext("SIP meeting %(date)s") % {
            "date": timezone.localtime(meeting.starts_at, meetings.STOCKHOLM).date().isoformat()
        }
    assert mail.outbox[0].subject == subject
    assert meeting.invitations.filter(sent_at__isnull=False).count() == 4


def _choice_labels(response, name: str) -> list[str]:
    return [label for _value, label in response.context["form"].fields[name].choices]


def test_sip_7_a_guardian_given_an_e_mail_on_the_childs_page_is_invited_by_mail(
    social, bup, case, actor_client, django_capture_on_commit_callbacks
):
    """Issue 8, item 3: the guardian without an address gets one on the child's page; the
    booking form then offers them as invitable, and the invitation reaches them."""
    guardian = GuardianshipFactory(child=case.child, guardian__email="").guardian
    ConsentFactory(child=case.child, guardian=guardian, receiving_organisation=bup.organisation)
    client = actor_client(social)
    book_url = reverse("plans:meeting_book", args=[case.pk])
    no_address = gettext("no e-mail address: no invitation is sent")
    assert f"{guardian.name} – {no_address}" in _choice_labels(client.get(book_url), "guardians")

    contact_url = reverse("children:edit_guardian_contact", args=[case.child_id, guardian.pk])
    response = client.post(
        contact_url,
        {"version": guardian.version, "email": "foralder@example.org", "phone": "070-174 06 33",
         "street_address": "", "postal_code": "", "city": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert f"{guardian.name} (foralder@example.org)" in _choice_labels(
        client.get(book_url), "guardians"
    )

    data = _form_data(
        _token(client, book_url), staff=[social.staff.pk],
        guardians=[g.pk for g in guardians_of(case.child)],
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(book_url, data).status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["handlaggare@example.org", "vh@example.org", "foralder@example.org"]
    )
    invitation = Invitation.objects.get(guardian=guardian)
    assert (invitation.email, invitation.sent_at is not None) == ("foralder@example.org", True)


def test_sek_1_a_guardians_e_mail_shows_only_where_contact_details_may_be_read(
    social, bup, case, actor_client
):
    guardian = guardians_of(case.child).get()
    url = reverse("plans:meeting_book", args=[case.pk])
    # BUP reads the SIP under consent to the plan, not to contact details: invitable, unseen.
    labels = _choice_labels(actor_client(bup).get(url), "guardians")
    assert labels == [f"{guardian.name} – {gettext('invited by e-mail')}"]
    assert "vh@example.org" not in actor_client(bup).get(url).content.decode()
    assert _choice_labels(actor_client(social).get(url), "guardians") == [
        f"{guardian.name} (vh@example.org)"
    ]


def test_an_ended_guardian_is_neither_offered_nor_invited(social, case, actor_client):
    guardian = guardians_of(case.child).get()
    other = GuardianshipFactory(child=case.child, guardian__email="f.d@example.org")
    other.ended_on, other.end_reason = timezone.localdate(), "Ensam vårdnad"
    other.save()
    url = reverse("plans:meeting_book", args=[case.pk])
    choices = actor_client(social).get(url).context["form"].fields["guardians"].choices
    assert [value for value, _label in choices] == [guardian.pk]
    with pytest.raises(ValidationError):
        _book(social, case, guardian_ids=[other.guardian_id])


def test_nothing_mailed_when_the_booking_rolls_back(
    social, case, django_capture_on_commit_callbacks
):
    class Boom(Exception):
        pass

    def book_then_fail():
        with transaction.atomic():
            _book(social, case)
            raise Boom

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Boom):
        book_then_fail()
    assert callbacks == []
    assert mail.outbox == []
    assert not Meeting.objects.exists()


def test_invitation_mail_is_swedish_by_default(social, case, django_capture_on_commit_callbacks):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        _book(social, case)
    with translation.override("sv"):
        greeting = gettext("Hello,")
    assert mail.outbox[0].body.startswith(greeting)


# --- iCalendar ----------------------------------------------------------------------------


def _event(**kwargs):
    start = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=meetings.STOCKHOLM)
    values = {
        "uid": "sip-meeting-1@samsyn.example.org", "starts_at": start,
        "ends_at": start + datetime.timedelta(minutes=90), "stamp": start,
        "summary": "SIP-möte 2026-12-03", "attendee_emails": ["vh@example.org"],
        "organizer_name": "Eva Ek, Socialtjänsten", "organizer_email": "eva@example.org",
    }  # fmt: skip
    values.update(kwargs)
    return ics.Event(**values)


def test_ics_has_the_required_properties_in_utc():
    text = ics.calendar(_event())
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert text.endswith("END:VEVENT\r\nEND:VCALENDAR\r\n")
    unfolded = text.replace("\r\n ", "")
    # 09:00 in Stockholm in December (CET, UTC+1) is 08:00 UTC.
    assert "\r\nDTSTART:20261203T080000Z\r\n" in unfolded
    assert "\r\nDTEND:20261203T093000Z\r\n" in unfolded
    assert "\r\nDTSTAMP:20261203T080000Z\r\n" in unfolded
    assert "\r\nUID:sip-meeting-1@samsyn.example.org\r\n" in unfolded
    assert '\r\nORGANIZER;CN="Eva Ek, Socialtjänsten":mailto:eva@example.org\r\n' in unfolded
    assert "ATTENDEE;" in unfolded
    assert "mailto:vh@example.org" in unfolded
    assert "METHOD:REQUEST" in unfolded


def test_ics_lines_end_in_crlf_and_fold_at_75_octets():
    text = ics.calendar(_event(description="Åäö " * 60 + "slut"))
    assert "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # something was folded
    unfolded = text.replace("\r\n ", "")
    assert "DESCRIPTION:" + "Åäö " * 60 + "slut\r\n" in unfolded
    # Each part is valid UTF-8 on its own: no letter split across a fold.
    for line in text.encode().split(b"\r\n"):
        line.decode("utf-8")


def test_ics_escapes_commas_semicolons_backslashes_and_newlines():
    text = ics.calendar(_event(location="Rum 3, plan 2; Storgatan\\1\nhiss"))
    unfolded = text.replace("\r\n ", "")
    assert "\r\nLOCATION:Rum 3\\, plan 2\\; Storgatan\\\\1\\nhiss\r\n" in unfolded


def test_ics_cancellation():
    text = ics.calendar(_event(cancelled=True, sequence=5))
    assert "METHOD:CANCEL" in text
    assert "STATUS:CANCELLED" in text
    assert "SEQUENCE:5" in text


def test_ics_folding_never_splits_a_letter():
    # "SUMMARY:" and 66 letters fill 74 octets: the two octets of "ö" would cross the 75th.
    text = ics.calendar(_event(summary="X" * 66 + "öy"))
    assert "\r\nSUMMARY:" + "X" * 66 + "\r\n öy\r\n" in text


def test_ics_in_the_mail_parses_back_to_the_meeting(
    social, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = _book(social, case)
    (message,) = mail.outbox
    calendar = icalendar.Calendar.from_ical(message.attachments[0][1])
    (event,) = calendar.events
    assert calendar["METHOD"] == "REQUEST"
    assert (event.start, event.end) == (meeting.starts_at, meeting.ends_at)
    local_start = timezone.localtime(event.start, meetings.STOCKHOLM)
    assert local_start.hour == 9
    with translation.override("sv"):
        summary = gettext("SIP meeting %(date)s") % {"date": local_start.date().isoformat()}
    assert event["SUMMARY"] == summary
    assert event["LOCATION"] == "Storgatan 1"
    assert event["ORGANIZER"] == "mailto:handlaggare@example.org"
    assert event["ORGANIZER"].params["CN"] == social.staff.name
    assert [str(attendee) for attendee in event.attendees] == ["mailto:handlaggare@example.org"]


# --- replies ------------------------------------------------------------------------------


def test_reply_page_shows_the_meeting_and_nothing_about_the_child(case, client):
    name_no_staff_member_shares(case.child)
    meeting = MeetingFactory(case=case, place="Familjecentralen")
    guardian = guardians_of(case.child).get()
    invitation = InvitationFactory(
        meeting=meeting, kind=Invitation.Kind.GUARDIAN, guardian=guardian, name=guardian.name
    )
    response = client.get(reverse("plans:meeting_reply", args=[invitation.token]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Familjecentralen" in html
    child = case.child
    for secret in (child.first_name, child.last_name, child.identity_number,
                   child.identity_display, guardian.last_name, case.reason):  # fmt: skip
        assert secret not in html


def test_reply_by_token_is_recorded_and_audited_without_actor(case, client):
    invitation = InvitationFactory(meeting=MeetingFactory(case=case))
    url = reverse("plans:meeting_reply", args=[invitation.token])
    response = client.post(url, {"reply": "declined"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.reply == Invitation.Reply.DECLINED
    assert invitation.replied_at is not None
    entry = Entry.objects.get(action="invitation_replied", child_id=case.child_id)
    assert (entry.staff_id, entry.user_id, entry.child_id) == (None, None, case.child_id)


def test_reply_with_unknown_token_is_404(client):
    url = reverse("plans:meeting_reply", args=["0b0e8a4e-7f65-4a43-9d5e-2f1a0d5b9c11"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reply": "accepted"}).status_code == 404


def test_reply_to_a_cancelled_meeting_is_refused(case, client):
    invitation = InvitationFactory(meeting=MeetingFactory(case=case, cancelled=True))
    with pytest.raises(ValidationError):
        meetings.record_reply(token=invitation.token, reply="accepted")
    invitation.refresh_from_db()
    assert invitation.reply == Invitation.Reply.PENDING


# --- reschedule and cancel ----------------------------------------------------------------


def test_reschedule_tells_the_invited_and_asks_again(
    social, case, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(case=case, booked_by=social.staff)
    invitation = InvitationFactory(meeting=meeting, reply=Invitation.Reply.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        meetings.reschedule_meeting(
            actor=social, meeting_id=meeting.pk,
            version=meeting_selectors.time_fingerprint(meeting),
            starts_at=_start(days=9), ends_at=_start(days=9) + datetime.timedelta(hours=2),
            place="Annat rum", video_link="", base_url=BASE_URL,
        )  # fmt: skip
    invitation.refresh_from_db()
    assert invitation.reply == Invitation.Reply.PENDING
    (message,) = mail.outbox
    content = message.attachments[0][1]
    assert f"UID:sip-meeting-{meeting.pk}@samsyn.example.org" in content
    assert "SEQUENCE:0" not in content


def test_reschedule_from_a_stale_form_is_refused(social, case):
    meeting = MeetingFactory(case=case)
    with pytest.raises(meetings.StaleMeeting):
        meetings.reschedule_meeting(
            actor=social, meeting_id=meeting.pk, version="stale", starts_at=_start(days=9),
            ends_at=_start(days=9) + datetime.timedelta(hours=1), place="X", video_link="",
            base_url=BASE_URL,
        )  # fmt: skip


def test_cancel_tells_the_invited_and_frees_the_status(
    social, case, actor_client, django_capture_on_commit_callbacks
):
    meeting = _book(social, case)
    mail.outbox.clear()
    client = actor_client(social)
    url = reverse("plans:meeting_cancel", args=[meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
        assert client.post(url).status_code == 302  # twice: no second notice
    meeting.refresh_from_db()
    case.refresh_from_db()
    assert meeting.cancelled_at is not None
    assert case.status == Case.Status.CONSENTED
    (message,) = mail.outbox
    assert "METHOD:CANCEL" in message.attachments[0][1]


# --- minutes ------------------------------------------------------------------------------


def test_minutes_recorded_by_a_party(bup, case, actor_client):
    meeting = MeetingFactory(case=case)
    client = actor_client(bup)
    url = reverse("plans:meeting_minutes", args=[meeting.pk])
    version = client.get(url).context["version_form"]["version"].value()
    response = client.post(url, {"minutes": "Vi kom överens om insatser.", "version": version})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.minutes_by) == ("Vi kom överens om insatser.", bup.staff)
    assert Entry.objects.filter(action="meeting_minutes_recorded", child_id=case.child_id).exists()


def test_minutes_edited_from_a_stale_form_keep_both_texts(social, bup, case, actor_client):
    meeting = MeetingFactory(case=case, minutes="Första versionen.")
    client = actor_client(bup)
    url = reverse("plans:meeting_minutes", args=[meeting.pk])
    version = client.get(url).context["version_form"]["version"].value()
    meetings.record_minutes(
        actor=social, meeting_id=meeting.pk, version=version, minutes="Socialtjänstens text."
    )
    response = client.post(url, {"minutes": "BUP:s text.", "version": version})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Socialtjänstens text." in html  # theirs shown
    assert "BUP:s text." in html  # mine kept
    meeting.refresh_from_db()
    assert meeting.minutes == "Socialtjänstens text."
    # Saving again, having seen theirs, goes through.
    version = response.context["version_form"]["version"].value()
    assert client.post(url, {"minutes": "Båda.", "version": version}).status_code == 302


def test_minutes_too_long_are_refused(social, case, actor_client):
    meeting = MeetingFactory(case=case)
    client = actor_client(social)
    url = reverse("plans:meeting_minutes", args=[meeting.pk])
    version = client.get(url).context["version_form"]["version"].value()
    response = client.post(url, {"minutes": "x" * 20001, "version": version})
    assert response.status_code == 200
    assert response.context["form"].errors["minutes"]
    meeting.refresh_from_db()
    assert meeting.minutes == ""


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"start_time": "10:00", "end_time": "09:00"}, "end_time"),
        ({"place": "", "video_link": ""}, "place"),
        ({"place": "x" * 201}, "place"),
        ({"video_link": "inte en länk"}, "video_link"),
        ({"date": "2026-02-30"}, "date"),
        ({"date": "2020-01-01"}, "date"),
        ({"other_1_name": "Anna Mentor", "other_1_email": "a@example.org"}, "others_consented"),
        ({"other_1_name": "Anna Mentor"}, "other_1_email"),
    ],
)
def test_bad_booking_input_is_refused_and_kept(social, case, actor_client, fields, error_field):
    client = actor_client(social)
    url = reverse("plans:meeting_book", args=[case.pk])
    data = _form_data(_token(client, url), staff=[social.staff.pk], **fields)
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors[error_field]
    assert "data-error-summary" in response.content.decode()
    assert not Meeting.objects.exists()
    for value in fields.values():
        if value and value != "x" * 201:
            assert value in response.content.decode()


def test_booking_with_nobody_invited_is_refused(social, case, actor_client):
    client = actor_client(social)
    url = reverse("plans:meeting_book", args=[case.pk])
    response = client.post(url, _form_data(_token(client, url)))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Meeting.objects.exists()


def test_booking_a_staff_member_outside_the_parties_is_refused(social, case, actor_client):
    outsider = make_actor()
    with pytest.raises(ValidationError) as refused:
        _book(social, case, staff_ids=[outsider.staff.pk])
    assert "staff" in refused.value.error_dict
    assert not Meeting.objects.exists()


def test_double_submit_books_once(social, case, actor_client, django_capture_on_commit_callbacks):
    client = actor_client(social)
    url = reverse("plans:meeting_book", args=[case.pk])
    data = _form_data(_token(client, url), staff=[social.staff.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
        second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert Meeting.objects.count() == 1
    assert len(mail.outbox) == 1


def test_expired_form_token_keeps_the_input(social, case, actor_client):
    client = actor_client(social)
    url = reverse("plans:meeting_book", args=[case.pk])
    data = _form_data("forged-or-expired", staff=[social.staff.pk], place="Rum 9")
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'value="Rum 9"' in response.content.decode()
    assert not Meeting.objects.exists()
    data["form_token"] = response.context["form_token"]
    assert client.post(url, data).status_code == 302


# --- access -------------------------------------------------------------------------------


def test_staff_of_a_non_party_organisation_get_404(case, actor_client):
    meeting = MeetingFactory(case=case)
    outsider = actor_client(unit__organisation__kind=Organisation.Kind.SCHOOL)
    # Even a consent covering the outsider's organisation does not make it a party.
    ConsentFactory(
        child=case.child, guardian=guardians_of(case.child).get(),
        receiving_organisation=outsider.actor.organisation,
    )  # fmt: skip
    urls = [
        reverse("plans:meeting_book", args=[case.pk]),
        reverse("plans:meeting_edit", args=[meeting.pk]),
        reverse("plans:meeting_cancel", args=[meeting.pk]),
        reverse("plans:meeting_minutes", args=[meeting.pk]),
    ]
    for url in urls:
        assert outsider.get(url).status_code == 404
        assert outsider.post(url, {"minutes": "x", "version": "x"}).status_code == 404
    meeting.refresh_from_db()
    assert (meeting.cancelled_at, meeting.minutes) == (None, "")
    with pytest.raises(meeting_selectors.MeetingNotFound):
        meetings.cancel_meeting(actor=outsider.actor, meeting_id=meeting.pk, base_url=BASE_URL)


def test_sek_1_a_party_without_consent_gets_404(social, bup, case, actor_client):
    Consent.objects.filter(child=case.child).update(withdrawn_at=timezone.now())
    meeting = MeetingFactory(case=case)
    client = actor_client(bup)
    assert client.get(reverse("plans:meeting_minutes", args=[meeting.pk])).status_code == 404


# --- the SIP page's section ---------------------------------------------------------------


def _render_section(actor, case):
    request = RequestFactory().get("/")
    request.actor = actor
    template = Template('{% include "plans/meetings/_case_section.html" %}')
    return template.render(Context({"case": case, "actor": actor, "request": request}))


def test_section_lists_meetings_and_replies_in_bounded_queries(
    social, case, django_assert_max_num_queries, django_assert_num_queries
):
    first = MeetingFactory(case=case, place="Rum A")
    InvitationFactory(meeting=first, name="Anna Mentor", reply=Invitation.Reply.ACCEPTED)
    with django_assert_max_num_queries(5) as small:
        html = _render_section(social, case)
    assert "Rum A" in html
    assert "Anna Mentor" in html
    assert reverse("plans:meeting_minutes", args=[first.pk]) in html
    assert reverse("plans:meeting_book", args=[case.pk]) in html
    for n in range(6):
        meeting = MeetingFactory(case=case, starts_at=_start(days=10 + n))
        for _ in range(4):
            InvitationFactory(meeting=meeting)
    with django_assert_num_queries(len(small.captured_queries)):
        html = _render_section(social, case)
    assert html.count('class="ds-card samsyn-meeting"') == 7


def test_section_shows_nothing_to_an_outsider(case):
    MeetingFactory(case=case, place="Rum A")
    outsider = make_actor(unit__organisation__kind=Organisation.Kind.SCHOOL)
    assert "Rum A" not in _render_section(outsider, case)


def test_no_date_in_the_email_subject_names_the_child(
    social, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _book(social, case)
    assert re.fullmatch(r".*\d{4}-\d{2}-\d{2}", mail.outbox[0].subject)


def test_reschedule_through_the_page_and_a_stale_form(social, bup, case, actor_client):
    meeting = MeetingFactory(case=case)
    client = actor_client(social)
    url = reverse("plans:meeting_edit", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    version = page.context["version_form"]["version"].value()
    day = (timezone.localdate() + datetime.timedelta(days=12)).isoformat()
    data = {"date": day, "start_time": "13:00", "end_time": "14:00", "place": "Rum 5"}
    # BUP moves it first: social services' form is now stale.
    meetings.reschedule_meeting(
        actor=bup, meeting_id=meeting.pk, version=version, starts_at=_start(days=11),
        ends_at=_start(days=11) + datetime.timedelta(hours=1), place="BUP:s rum", video_link="",
        base_url=BASE_URL,
    )  # fmt: skip
    response = client.post(url, {**data, "version": version})
    assert response.status_code == 200
    html = response.content.decode()
    assert "BUP:s rum" in html  # theirs shown
    assert 'value="Rum 5"' in html  # mine kept
    meeting.refresh_from_db()
    assert meeting.place == "BUP:s rum"
    version = response.context["version_form"]["version"].value()
    response = client.post(url, {**data, "version": version})
    assert response.status_code == 302
    assert response.url == reverse("plans:detail", args=[case.pk])
    meeting.refresh_from_db()
    local = timezone.localtime(meeting.starts_at, meetings.STOCKHOLM)
    assert (meeting.place, local.date().isoformat(), local.hour) == ("Rum 5", day, 13)


def test_cancel_page_asks_first(social, case, actor_client):
    meeting = MeetingFactory(case=case, place="Rum A")
    response = actor_client(social).get(reverse("plans:meeting_cancel", args=[meeting.pk]))
    assert response.status_code == 200
    assert "Rum A" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.cancelled_at is None


def test_the_sip_page_shows_the_meeting_section(social, case, actor_client):
    meeting = MeetingFactory(case=case, place="Rum A")
    InvitationFactory(meeting=meeting, name="Anna Mentor")
    response = actor_client(social).get(reverse("plans:detail", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="sip-meetings-heading"' in html
    assert "Anna Mentor" in html
    assert reverse("plans:meeting_cancel", args=[meeting.pk]) in html
