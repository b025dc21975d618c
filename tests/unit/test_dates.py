"""Xero dates read without shifting a day, wherever the process runs and whatever offset came in."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from xerosync.xero.models.dates import format_date, format_datetime, parse_date, parse_datetime

NZ = timezone(timedelta(hours=13))
HAWAII = timezone(timedelta(hours=-10))


@pytest.fixture(params=["Pacific/Auckland", "Pacific/Honolulu", "UTC"])
def local_zone(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run under a machine time zone far east, far west, and at UTC."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Xero's date-only form: midnight UTC of the organisation's date
        ("/Date(1772323200000+0000)/", date(2026, 3, 1)),
        ("/Date(1772323200000)/", date(2026, 3, 1)),
        # the last millisecond of the day stays on that day
        ("/Date(1772409599999+0000)/", date(2026, 3, 1)),
        # an offset is read in its own zone: 2026-02-28T11:00Z is 1 March in +13:00
        ("/Date(1772276400000+1300)/", date(2026, 3, 1)),
        # ... and 23:30 on 1 March in -10:00 is 09:30 UTC on 2 March
        ("/Date(1772443800000-1000)/", date(2026, 3, 1)),
        ("2026-03-01", date(2026, 3, 1)),
        ("2026-03-01T00:00:00", date(2026, 3, 1)),
        ("2026-03-01T00:00:00+13:00", date(2026, 3, 1)),
        ("2026-03-01T23:30:00-10:00", date(2026, 3, 1)),
        ("2016-10-13T00:00:00", date(2016, 10, 13)),
        ("/Date(-86400000+0000)/", date(1969, 12, 31)),
    ],
)
def test_date_fields_keep_their_calendar_date(local_zone: str, text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/Date(1552326816230)/", datetime(2019, 3, 11, 17, 53, 36, 230000, tzinfo=UTC)),
        ("/Date(1552326816230+0000)/", datetime(2019, 3, 11, 17, 53, 36, 230000, tzinfo=UTC)),
        ("/Date(1772276400000+1300)/", datetime(2026, 3, 1, 0, 0, tzinfo=NZ)),
        ("/Date(1772443800000-1000)/", datetime(2026, 3, 1, 23, 30, tzinfo=HAWAII)),
        ("2020-02-06T12:17:43.202-08:00", datetime(2020, 2, 6, 20, 17, 43, 202000, tzinfo=UTC)),
        ("2024-06-21T01:15:39.902", datetime(2024, 6, 21, 1, 15, 39, 902000, tzinfo=UTC)),
        ("2026-07-16T10:00:00Z", datetime(2026, 7, 16, 10, 0, tzinfo=UTC)),
    ],
)
def test_timestamps_become_aware_datetimes(local_zone: str, text: str, expected: datetime) -> None:
    parsed = parse_datetime(text)
    assert parsed.tzinfo is not None
    assert parsed == expected


def test_an_offset_timestamp_keeps_its_offset() -> None:
    assert parse_datetime("/Date(1772276400000+1300)/").utcoffset() == timedelta(hours=13)


@pytest.mark.parametrize("bad", ["", "yesterday", "/Date(abc)/", "2026-13-01", "/Date(1+00)/"])
def test_unreadable_dates_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="not a Xero date"):
        parse_date(bad)
    with pytest.raises(ValueError, match="not a Xero date"):
        parse_datetime(bad)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2019, 3, 11, 17, 53, 36, 230000, tzinfo=UTC),
        datetime(2026, 3, 1, 0, 0, tzinfo=NZ),
        datetime(2026, 3, 1, 23, 30, tzinfo=HAWAII),
        datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=UTC),
    ],
)
def test_timestamps_round_trip_through_xero_form(value: datetime) -> None:
    text = format_datetime(value)
    assert text.startswith("/Date(")
    assert text.endswith(")/")
    back = parse_datetime(text)
    assert back == value
    assert back.utcoffset() == value.utcoffset()


def test_xero_timestamp_text_is_reproduced_exactly() -> None:
    for text in [
        "/Date(1552326816230+0000)/",
        "/Date(1772276400000+1300)/",
        "/Date(1772443800000-1000)/",
    ]:
        assert format_datetime(parse_datetime(text)) == text


@pytest.mark.parametrize("day", [date(2026, 3, 1), date(2024, 2, 29), date(1999, 12, 31)])
def test_dates_are_written_as_iso_and_read_back(local_zone: str, day: date) -> None:
    assert format_date(day) == day.isoformat()
    assert parse_date(format_date(day)) == day
