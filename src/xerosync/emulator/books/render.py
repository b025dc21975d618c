"""Records to JSON bytes: datetimes and dates as `/Date(ms+0000)/`, Decimals as numbers.

Records hold Python values; the encoder (orjson) meets them only here, through
`default`, so rendering a page of 1,000 records is one fast encode. Unit prices are
`UnitPrice` Decimals and honour `unitdp` (2 dp unless the request says `unitdp=4`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson

from xerosync.emulator.books.dates import ms_date
from xerosync.emulator.books.money import round_to

_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class UnitPrice(Decimal):
    """A unit price/amount: stored to 4 dp, shown to 2 dp unless `unitdp=4`."""


def _default_2(value: Any) -> Any:
    if isinstance(value, UnitPrice):
        return float(round_to(value, 2))
    return _default(value)


def _default_4(value: Any) -> Any:
    if isinstance(value, UnitPrice):
        return float(round_to(value, 4))
    return _default(value)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return ms_date(value)
    if isinstance(value, set | frozenset):
        return list(value)
    raise TypeError(f"cannot render {type(value).__name__}")


def dumps(body: Any, *, unitdp: int = 2) -> bytes:
    return orjson.dumps(body, default=_default_4 if unitdp == 4 else _default_2, option=_OPTIONS)
