"""Months in a deadline (DOMAIN ANM-5's "4 months"): the same day months later, or that month's
last day; and the one cutoff per request agrees with the due dates for months too."""

from datetime import date, timedelta

import pytest

from samsyn.common import dates


@pytest.mark.parametrize(
    ("start", "months", "day"),
    [
        (date(2026, 10, 31), 4, date(2027, 2, 28)),
        (date(2027, 10, 31), 4, date(2028, 2, 29)),  # a leap year
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 15), 4, date(2026, 7, 15)),
        (date(2026, 11, 30), 2, date(2027, 1, 30)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_anm_5_months_end_on_the_same_day_or_the_months_last(start, months, day):
    assert dates.add_months(start, months) == day
    assert dates.due_date(start, 0, working_days=False, months=months) == day


@pytest.mark.parametrize(
    ("months", "days", "working_days"), [(4, 0, False), (1, 2, True), (0, 14, False)]
)
def test_anm_5_cutoff_agrees_with_due_dates_across_month_ends(months, days, working_days):
    for offset in range(0, 400, 3):
        today = date(2026, 1, 1) + timedelta(days=offset)
        limit = dates.cutoff(today, days, working_days=working_days, months=months)
        for back in range(0, 160, 2):
            start = today - timedelta(days=back)
            due = dates.due_date(start, days, working_days=working_days, months=months)
            assert (start < limit) == (due < today), (today, start)
