"""iCalendar (RFC 5545) text for a SIP meeting invitation, written by hand: one event, a few
properties, and the three rules that calendar clients are strict about — CRLF line ends, lines
folded at 75 octets, and escaped TEXT values.

Mail is not a secure channel: nothing here names the child. The caller passes only the meeting's
time, place, a generic summary and a link.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from datetime import UTC

CRLF = "\r\n"
MAX_OCTETS = 75  # RFC 5545 3.1: "Lines of text SHOULD NOT be longer than 75 octets"
PRODID = "-//Samsyn//SIP meeting//SV"


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash first, so the escapes it adds stay single."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def _param(value: str) -> str:
    """A parameter value (RFC 5545 3.2): quoted when it holds a separator; a DQUOTE cannot
    appear at all, so it is dropped."""
    value = value.replace('"', "").replace("\r", " ").replace("\n", " ")
    return f'"{value}"' if any(c in value for c in ",;:") else value


def fold(line: str) -> str:
    """Fold one content line into parts of at most 75 octets, each continuation starting with
    one space (RFC 5545 3.1). Never splits inside a UTF-8 sequence: Swedish letters are two
    octets, and a split one breaks the whole file in strict clients."""
    parts: list[str] = []
    current, size = "", 0
    limit = MAX_OCTETS
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            parts.append(current)
            # The leading space of a continuation line counts towards its 75 octets.
            current, size, limit = char, octets, MAX_OCTETS - 1
        else:
            current += char
            size += octets
    parts.append(current)
    return (CRLF + " ").join(parts)


def utc_stamp(moment: datetime.datetime) -> str:
    """DATE-TIME in UTC form (RFC 5545 3.3.5, FORM #2): 20261203T080000Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


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
    """The whole VCALENDAR text, CRLF-terminated lines, folded."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if event.cancelled else 'REQUEST'}",
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{utc_stamp(event.stamp)}",
        f"DTSTART:{utc_stamp(event.starts_at)}",
        f"DTEND:{utc_stamp(event.ends_at)}",
        f"SEQUENCE:{event.sequence}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.organizer_email:
        cn = f";CN={_param(event.organizer_name)}" if event.organizer_name else ""
        lines.append(f"ORGANIZER{cn}:mailto:{event.organizer_email}")
    for email in event.attendee_emails:
        # No CN: an attendee's name (the child's, a guardian's) would name the family.
        lines.append(
            f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:{email}"
        )
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + CRLF for line in lines)
