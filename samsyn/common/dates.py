"""Calendar days and the instants that bound them, in the project's time zone.

A period entered as valid "until and including" a day is stored as the instant the next day
starts, so whether it holds is always the one comparison `valid_until > now` (in SQL as in
Python). `last_day` turns that instant back into the day that was entered, which is what every
page and the API show.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def end_of(day: datetime.date) -> datetime.datetime:
    """The end of a day entered as "until and including": the next day's start."""
    return start_of(day + datetime.timedelta(days=1))


def last_day(end: datetime.datetime) -> datetime.date:
    """The last day a period ending at `end` covers, at least in part: `end_of`'s inverse."""
    return timezone.localtime(end - datetime.timedelta(microseconds=1)).date()
