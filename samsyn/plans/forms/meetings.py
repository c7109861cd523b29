"""Input checks for the SIP meeting pages. Times are typed in Swedish time (Europe/Stockholm)
and stored in UTC. Every text field carries its model's max_length and says the limit, so a
too-long text is refused with a reason, never cut."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from samsyn.plans.models import Invitation, Meeting
from samsyn.plans.services.meetings import STOCKHOLM, OtherInvitee

OTHER_ROWS = 3


def _limit(length: int):
    return ngettext_lazy(
        "At most %(limit)d character.", "At most %(limit)d characters.", length
    ) % {"limit": length}


def _text(label, length: int, *, required: bool = True, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=length, required=required, help_text=_limit(length), **kwargs
    )


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _guardian_label(row, no_address: str) -> str:
    """A guardian with the e-mail address the invitation goes to, where the actor may see their
    contact details; otherwise only whether an invitation can be sent."""
    guardian = row.guardian
    if not guardian.email:
        return f"{guardian.name} – {no_address}"
    if row.shows_contact:
        return f"{guardian.name} ({guardian.email})"
    invited = gettext("invited by e-mail")
    return f"{guardian.name} – {invited}"


class VersionForm(forms.Form):
    """What the user started editing from (optimistic locking, DESIGN invariant 6): a
    fingerprint of the saved values, since a meeting has no version column."""

    version = forms.CharField(max_length=64, widget=forms.HiddenInput)


class MeetingTimeForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        help_text=_("Format: YYYY-MM-DD."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    start_time = forms.TimeField(
        label=_("Starts at"),
        help_text=_("Swedish time. Format: HH:MM."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end_time = forms.TimeField(
        label=_("Ends at"),
        help_text=_("Swedish time. Format: HH:MM."),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    place = _text(_("Place"), _max_length(Meeting, "place"), required=False)
    video_link = forms.URLField(
        label=_("Video link"),
        max_length=_max_length(Meeting, "video_link"),
        required=False,
        assume_scheme="https",
        help_text=_("A place, a video link, or both. The link starts with https://."),
    )

    @staticmethod
    def initial_for(meeting: Meeting) -> dict:
        starts = timezone.localtime(meeting.starts_at, STOCKHOLM)
        ends = timezone.localtime(meeting.ends_at, STOCKHOLM)
        return {
            "date": starts.date(), "start_time": starts.time().replace(second=0),
            "end_time": ends.time().replace(second=0), "place": meeting.place,
            "video_link": meeting.video_link,
        }  # fmt: skip

    def clean(self) -> dict:
        data = super().clean()
        date, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if date and start and end:
            combine = datetime.datetime.combine
            data["starts_at"] = timezone.make_aware(combine(date, start), STOCKHOLM)
            data["ends_at"] = timezone.make_aware(combine(date, end), STOCKHOLM)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end_time", gettext("The meeting must end after it starts."))
            elif data["starts_at"] < timezone.now():
                self.add_error("date", gettext("The meeting cannot start in the past."))
        if (
            not (data.get("place") or "").strip()
            and not data.get("video_link")
            and ("place" not in self.errors and "video_link" not in self.errors)
        ):
            self.add_error("place", gettext("Give a place, a video link, or both."))
        return data


class MeetingBookingForm(MeetingTimeForm):
    """The time and place, and whom to invite: staff of the organisations taking part, the
    child, the guardians, and others the family has consented to."""

    staff = forms.TypedMultipleChoiceField(
        label=_("Staff of the organisations taking part"),
        help_text=_(
            "By organisation and unit; the units working with the child come first. Search by "
            "name, unit or organisation."
        ),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"data-searchable": ""}),
    )
    guardians = forms.TypedMultipleChoiceField(
        label=_("Guardians"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    invite_child = forms.BooleanField(label=_("Invite the child"), required=False)
    child_email = forms.EmailField(
        label=_("The child's e-mail"),
        max_length=_max_length(Invitation, "email"),
        required=False,
        help_text=_("Optional. Without an address no e-mail is sent to the child."),
    )
    others_consented = forms.BooleanField(
        label=_("The child or the guardians have consented to inviting the others below"),
        required=False,
    )

    def __init__(self, *args, memberships=(), guardians=(), **kwargs):
        super().__init__(*args, **kwargs)
        no_address = gettext("no e-mail address: no invitation is sent")
        # Grouped by unit, in the order given (the units working with the child first). A
        # person in several units is invited once: the first unit lists them.
        groups: dict[str, list[tuple[int, str]]] = {}
        listed: set[int] = set()
        for membership in memberships:
            if membership.staff_id in listed:
                continue
            listed.add(membership.staff_id)
            unit = membership.unit
            label = membership.staff.name
            if not membership.staff.email:
                label += f" – {no_address}"
            group = f"{unit.organisation.name} · {unit.name}"
            groups.setdefault(group, []).append((membership.staff_id, label))
        self.fields["staff"].choices = list(groups.items())
        self.fields["guardians"].choices = [
            (row.guardian.pk, _guardian_label(row, no_address)) for row in guardians
        ]
        name_length = _max_length(Invitation, "name")
        for row in range(1, OTHER_ROWS + 1):
            self.fields[f"other_{row}_name"] = _text(
                gettext("Other person %(row)d: name") % {"row": row}, name_length, required=False
            )
            self.fields[f"other_{row}_email"] = forms.EmailField(
                label=gettext("Other person %(row)d: e-mail") % {"row": row},
                max_length=_max_length(Invitation, "email"),
                required=False,
            )

    def clean(self) -> dict:
        data = super().clean()
        others = []
        for row in range(1, OTHER_ROWS + 1):
            name = (data.get(f"other_{row}_name") or "").strip()
            email = data.get(f"other_{row}_email") or ""
            if name and not email and f"other_{row}_email" not in self.errors:
                self.add_error(f"other_{row}_email", gettext("Give the person's e-mail."))
            elif email and not name:
                self.add_error(f"other_{row}_name", gettext("Give the person's name."))
            elif name and email:
                others.append(OtherInvitee(name=name, email=email))
        if others and not data.get("others_consented"):
            self.add_error(
                "others_consented",
                gettext("Others than staff and family are invited only with consent."),
            )
        data["others"] = others
        invited = data.get("staff") or data.get("guardians") or data.get("invite_child") or others
        if not invited and not any(
            name in self.errors for name in ("staff", "guardians") + tuple(self._other_names())
        ):
            self.add_error(None, gettext("Invite at least one person."))
        if data.get("child_email") and not data.get("invite_child"):
            self.add_error("invite_child", gettext("Tick this to invite the child."))
        return data

    def _other_names(self):
        for row in range(1, OTHER_ROWS + 1):
            yield f"other_{row}_name"
            yield f"other_{row}_email"


class MinutesForm(forms.Form):
    minutes = _text(
        _("Minutes"),
        _max_length(Meeting, "minutes"),
        widget=forms.Textarea(attrs={"rows": 14}),
    )


class ReplyForm(forms.Form):
    reply = forms.ChoiceField(
        choices=[
            (Invitation.Reply.ACCEPTED, _("I am coming")),
            (Invitation.Reply.DECLINED, _("I am not coming")),
        ]
    )

    def clean_reply(self) -> str:
        reply = self.cleaned_data["reply"]
        if reply not in (Invitation.Reply.ACCEPTED, Invitation.Reply.DECLINED):
            raise ValidationError(gettext("Answer coming or not coming."))
        return reply
