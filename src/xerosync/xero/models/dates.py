"""Xero's date formats, read without shifting a day and written back in a form Xero accepts.

Xero sends timestamps as `/Date(1552326816230)/` or `/Date(1552326816230+0000)/` (milliseconds since
the epoch, UTC, with the writer's offset as a hint) and date-only fields (`Date`, `DueDate`, ...) as
midnight UTC of the organisation's calendar date. Clients that turn those into the machine's local time
lose a day east or west of UTC (xero-php-oauth2#294, xero-python#179), so nothing here ever consults
the local time zone:

- a date-only value is the calendar date *as written*: `/Date(ms+HHMM)/` is read in its own offset,
  ISO text with an offset keeps its own date part (`2026-03-01T00:00:00+13:00` is 1 March, not
  28 February in UTC);
- a timestamp becomes an aware `datetime` (UTC when no offset is given).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

__all__ = ["format_date", "format_datetime", "parse_date", "parse_datetime"]

_MS_DATE = re.compile(r"^/Date\((?P<ms>-?\d+)(?P<offset>[+-]\d{4})?\)/$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _offset(text: str | None) -> timezone:
    if not text:
        return UTC
    sign = -1 if text[0] == "-" else 1
    minutes = int(text[1:3]) * 60 + int(text[3:5])
    return UTC if minutes == 0 else timezone(sign * timedelta(minutes=minutes))


def _parse_ms(text: str) -> datetime | None:
    match = _MS_DATE.match(text)
    if match is None:
        return None
    instant = _EPOCH + timedelta(milliseconds=int(match["ms"]))
    return instant.astimezone(_offset(match["offset"]))


def parse_datetime(value: str | datetime | date) -> datetime:
    """An aware datetime from `/Date(ms[+HHMM])/`, ISO 8601 (naive means UTC) or a date (midnight UTC)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    text = value.strip()
    parsed = _parse_ms(text)
    if parsed is not None:
        return parsed
    try:
        iso = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a Xero date or timestamp: {value!r}") from None
    return iso if iso.tzinfo else iso.replace(tzinfo=UTC)


def parse_date(value: str | datetime | date) -> date:
    """The calendar date a Xero date field names, whatever form it came in and wherever we run."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = value.strip()
    parsed = _parse_ms(text)
    if parsed is not None:
        return parsed.date()
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        raise ValueError(f"not a Xero date: {value!r}") from None


def format_date(value: date) -> str:
    """`YYYY-MM-DD`: the form Xero's docs ask for on input."""
    return value.isoformat()


def format_datetime(value: datetime) -> str:
    """`/Date(ms+HHMM)/`: Xero's own timestamp form, keeping the offset the value carries."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    delta = aware - _EPOCH
    ms = delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000
    offset = aware.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"/Date({ms}{sign}{minutes // 60:02d}{minutes % 60:02d})/"
