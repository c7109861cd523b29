"""Calendar days and the instants that bound them, in the project's time zone (Stockholm), and
the Swedish working-day calendar that legal deadlines count in.

A period entered as valid "until and including" a day is stored as the instant the next day
starts, so whether it holds is always the one comparison `valid_until > now` (in SQL as in
Python). `last_day` turns that instant back into the day that was entered, which is what every
page and the API show.

A deadline's due date is the last day it may be done on; it is late from the day after. Working
days follow the Swedish calendar: not Saturday or Sunday, not a public holiday, and not
midsommarafton, julafton or nyårsafton, which Lag (1930:173) om beräkning av lagstadgad tid
treats as holidays although they are not public holidays (the `holidays` package's `DE_FACTO`
category for Sweden).
"""

from __future__ import annotations

import calendar
import datetime
import functools

import holidays
from django.utils import timezone


def start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def end_of(day: datetime.date) -> datetime.datetime:
    """The end of a day entered as "until and including": the next day's start."""
    return start_of(day + datetime.timedelta(days=1))


def last_day(end: datetime.datetime) -> datetime.date:
    """The last day a period ending at `end` covers, at least in part: `end_of`'s inverse."""
    return timezone.localtime(end - datetime.timedelta(microseconds=1)).date()


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


@functools.cache
def _holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.Sweden(years=year, categories=(holidays.PUBLIC, holidays.DE_FACTO)))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def next_working_day(day: datetime.date) -> datetime.date:
    """`day` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or that month's last day when it is shorter (31 October
    and four months is 28 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def due_date(
    start: datetime.date, days: int, *, working_days: bool, months: int = 0
) -> datetime.date:
    """The last day of a deadline of `months` and `days` (working) days counted from `start`."""
    start = add_months(start, months)
    if not working_days:
        return start + datetime.timedelta(days=days)
    day = start
    for _step in range(days):
        day = next_working_day(day + datetime.timedelta(days=1))
    # Zero working days from a Saturday still ends on a working day.
    return next_working_day(day)


def cutoff(
    today: datetime.date, days: int, *, working_days: bool, months: int = 0
) -> datetime.date:
    """The earliest start date whose deadline has not passed on `today`: anything started
    before it is late. Due dates never decrease as the start moves later, so this is a search
    back from today; a bounded one, since no stretch of Swedish holidays is longer than a week."""
    if not working_days and not months:
        return today - datetime.timedelta(days=days)
    day = datetime.timedelta(days=1)

    def due(start: datetime.date) -> datetime.date:
        return due_date(start, days, working_days=working_days, months=months)

    # Forward to a start whose deadline has not passed, then back while the day before's has
    # not either: month ends and holidays make several starts share one due date.
    start = add_months(today, -months) - datetime.timedelta(days=days)
    while due(start) < today:
        start += day
    while due(start - day) >= today:
        start -= day
    return start
