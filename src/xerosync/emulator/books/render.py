"""Records to JSON bytes: datetimes and dates as `/Date(ms+0000)/`, Decimals as numbers.

Records hold Python values; `json.dumps` meets them only here, through `default`, so
rendering a page of 1,000 records is one C-speed encode. Unit prices are `UnitPrice`
Decimals and honour `unitdp` (2 dp unless the request says `unitdp=4`).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from xerosync.emulator.books.dates import ms_date
from xerosync.emulator.books.money import round_to


class UnitPrice(Decimal):
    """A unit price/amount: stored to 4 dp, shown to 2 dp unless `unitdp=4`."""


def dumps(body: Any, *, unitdp: int = 2) -> bytes:
    def default(value: Any) -> Any:
        if isinstance(value, UnitPrice):
            return float(round_to(value, 4 if unitdp == 4 else 2))
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, datetime | date):
            return ms_date(value)
        if isinstance(value, set | frozenset | tuple):
            return list(value)
        raise TypeError(f"cannot render {type(value).__name__}")

    return json.dumps(body, default=default, separators=(",", ":"), ensure_ascii=False).encode()
