"""Money and dates as Xero writes them: Decimal to 2 dp (half up) and `/Date(ms+0000)/`."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_MS_DATE = re.compile(r"/Date\((-?\d+)([+-]\d{4})?\)/")


def money(value: Any) -> Decimal:
    """A money amount as Decimal, rounded half up to cents; None and "" are zero."""
    if value is None or value == "":
        return ZERO
    if isinstance(value, float):
        value = repr(value)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_date(value: Any) -> date:
    """Read a Xero date: a `date`, a `datetime`, ISO text, or `/Date(ms+zzzz)/` (UTC day)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        found = _MS_DATE.fullmatch(value.strip())
        if found:
            return datetime.fromtimestamp(int(found.group(1)) / 1000, UTC).date()
        return date.fromisoformat(value.strip()[:10])
    raise ValueError(f"not a date: {value!r}")


def ms_date(day: date) -> str:
    """A date the way Xero's JSON writes it: `/Date(1539993600000+0000)/`."""
    stamp = datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
    return f"/Date({int(stamp) * 1000}+0000)/"


def ms_datetime(moment: datetime) -> str:
    """A timestamp the way Xero's JSON writes it: `/Date(1541176243467+0000)/`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"/Date({int(moment.timestamp() * 1000)}+0000)/"
