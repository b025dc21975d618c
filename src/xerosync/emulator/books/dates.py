"""Xero's date formats, in and out.

Out: `/Date(ms+0000)/` for dates and timestamps (dates are midnight UTC of the
organisation-local day, so a client never shifts a day), `2016-10-13T00:00:00` for the
`DateString` twins and ISO-with-Z for `UpdatedDateUTCString`.

In: `YYYY-MM-DD`, ISO datetimes (with or without offset), `/Date(ms)/` and
`/Date(ms+hhmm)/`. `If-Modified-Since` also comes as RFC 1123 (`Tue, 01 Jan 2019 00:00:00 GMT`).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime

_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def as_datetime(value: date | datetime) -> datetime:
    """A date becomes midnight UTC; a naive datetime is taken as UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(0), tzinfo=UTC)


def to_ms(value: date | datetime) -> int:
    delta = as_datetime(value) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def ms_date(value: date | datetime) -> str:
    """`/Date(1439434356790+0000)/`, the form of every x-is-msdate(-time) field."""
    return f"/Date({to_ms(value)}+0000)/"


def ms_date_bare(value: datetime) -> str:
    """`/Date(1439434356790)/`, the form of the envelope's DateTimeUTC."""
    return f"/Date({to_ms(value)})/"


def date_string(value: date | datetime) -> str:
    """The `DateString` twin: `2016-10-13T00:00:00`."""
    if isinstance(value, datetime):
        return as_datetime(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return value.strftime("%Y-%m-%dT00:00:00")


def iso_z(value: datetime) -> str:
    """The `UpdatedDateUTCString` twin: `2026-01-01T10:00:00Z` (to the second)."""
    return as_datetime(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_ms(text: str) -> datetime | None:
    match = _MS_DATE.match(text)
    if match is None:
        return None
    moment = _EPOCH + timedelta(milliseconds=int(match.group(1)))
    return moment


def parse_date(value: object) -> date:
    """A date-only input field (`Date`, `DueDate`...). Raises ValueError if unreadable.

    `/Date(ms)/` is read in UTC (xero-python sends midnight UTC); an ISO datetime keeps
    its own calendar day (a `+12:00` midnight is that day, not the previous one).
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"not a date: {value!r}")
    text = value.strip()
    moment = _parse_ms(text)
    if moment is not None:
        return moment.date()
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text.replace("Z", "+00:00")).date()


def parse_datetime(value: object) -> datetime:
    """A timestamp input (aware UTC result). Raises ValueError if unreadable."""
    if isinstance(value, datetime | date):
        return as_datetime(value).astimezone(UTC)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"not a timestamp: {value!r}")
    text = value.strip()
    moment = _parse_ms(text)
    if moment is not None:
        return moment
    if len(text) == 10:
        return as_datetime(date.fromisoformat(text))
    return as_datetime(datetime.fromisoformat(text.replace("Z", "+00:00"))).astimezone(UTC)


def parse_if_modified_since(header: str) -> datetime:
    """Every `If-Modified-Since` form clients send, truncated to the second (UTC).

    ISO with offset or Z, bare `yyyy-mm-ddThh:mm:ss` (UTC), RFC 1123, `/Date(ms)/`.
    Raises ValueError if it is none of them.
    """
    text = header.strip()
    try:
        moment = parse_datetime(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError) as exc:
            raise ValueError(f"unreadable If-Modified-Since: {header!r}") from exc
        moment = as_datetime(moment).astimezone(UTC)
    return moment.replace(microsecond=0)


def to_second(value: datetime) -> datetime:
    return value.replace(microsecond=0)
