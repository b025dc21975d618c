"""Calendar arithmetic for report columns: months, quarters, years and financial years."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

TIMEFRAME_MONTHS = {"MONTH": 1, "QUARTER": 3, "YEAR": 12}


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def is_month_end(day: date) -> bool:
    return day == month_end(day)


def add_months(day: date, months: int, *, keep_month_end: bool = False) -> date:
    """`day` moved by whole months, clamped to the month's length.

    With `keep_month_end`, a month-end stays a month-end (31 Mar - 1 month = 28/29 Feb).
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    if keep_month_end and is_month_end(day):
        return date(year, month + 1, last)
    return date(year, month + 1, min(day.day, last))


def financial_year_start(day: date, end_day: int, end_month: int) -> date:
    """First day of the financial year containing `day`, for a year ending end_day/end_month.

    A year ending on 28 February ends on the 29th in leap years (it is a month end)."""

    def year_end(year: int) -> date:
        last = calendar.monthrange(year, end_month)[1]
        month_end_day = end_day >= 28 and end_month == 2
        return date(year, end_month, last if month_end_day else min(end_day, last))

    this_year = year_end(day.year)
    if day > this_year:
        return this_year + timedelta(days=1)
    return year_end(day.year - 1) + timedelta(days=1)


def comparison_periods(
    start: date, end: date, periods: int, timeframe: str
) -> list[tuple[date, date]]:
    """The period asked for, then `periods` earlier ones of the timeframe's length, newest first."""
    step = TIMEFRAME_MONTHS.get(timeframe.upper(), 1)
    out = [(start, end)]
    for k in range(1, max(periods, 0) + 1):
        out.append(
            (
                add_months(start, -k * step),
                add_months(end, -k * step, keep_month_end=True),
            )
        )
    return out


def comparison_dates(day: date, periods: int, timeframe: str) -> list[date]:
    """The date asked for, then `periods` earlier ones a timeframe apart (balance sheet)."""
    step = TIMEFRAME_MONTHS.get(timeframe.upper(), 1)
    return [day] + [
        add_months(day, -k * step, keep_month_end=True) for k in range(1, max(periods, 0) + 1)
    ]
