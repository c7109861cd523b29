"""iCalendar (RFC 5545) text for a SIP meeting invitation: one event, built with `icalendar`,
which does the escaping, the folding at 75 octets and the CRLF line ends calendar clients are
strict about.

Mail is not a secure channel: nothing here names the child. The caller passes only the meeting's
time, place, a generic summary and a link.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from datetime import UTC

import icalendar

PRODID = "-//Samsyn//SIP meeting//SV"


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    stamp: datetime.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    organizer_name: str = ""
    organizer_email: str = ""
    attendee_emails: list[str] = field(default_factory=list)
    # A reschedule or cancellation must carry a higher SEQUENCE than what the client holds.
    sequence: int = 0
    cancelled: bool = False


def calendar(event: Event) -> str:
    """The whole VCALENDAR text."""
    vevent = icalendar.Event.new(
        uid=event.uid,
        # In UTC, so the file needs no VTIMEZONE block for clients to agree on the hour.
        stamp=event.stamp.astimezone(UTC),
        start=event.starts_at.astimezone(UTC),
        end=event.ends_at.astimezone(UTC),
        sequence=event.sequence,
        status="CANCELLED" if event.cancelled else "CONFIRMED",
        summary=event.summary,
        location=event.location or None,
        description=event.description or None,
        url=event.url or None,
        organizer=(
            icalendar.vCalAddress.new(event.organizer_email, cn=event.organizer_name or None)
            if event.organizer_email
            else None
        ),
        # No CN: an attendee's name (the child's, a guardian's) would name the family.
        attendees=[
            icalendar.vCalAddress.new(
                email, cutype="INDIVIDUAL", role="REQ-PARTICIPANT", partstat="NEEDS-ACTION"
            )
            for email in event.attendee_emails
        ],
    )
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if event.cancelled else "REQUEST")
    cal.add_component(vevent)
    return cal.to_ical().decode()
