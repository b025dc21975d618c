"""Snapshots: the canonical form of a record, so "changed?" means a real change, not a new spelling.

The last synced snapshot of each record is the base of the three-way merge; it is stored as
`normalise(record)` with its `snapshot_hash`. Two spellings of the same value (Decimal("100") and
Decimal("100.00"), keys in another order, a None against an absent key) must normalise alike, or
every pull would find phantom changes and, under a manual rule, phantom conflicts.

`xero_digest` is the other fingerprint: of a Xero record as read, to tell at once whether a
record read again is unchanged.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import orjson

from xerosync.xero.models.base import XeroModel

__all__ = ["changed_fields", "normalise", "snapshot_hash", "xero_digest"]

_CENT = Decimal("0.01")


def _decimal_text(value: Decimal) -> str:
    """Money keeps two places ("100.00"); extra places are kept only if they carry digits
    ("1.2345", but "12.3400" -> "12.34"); never an exponent; "-0" is "0.00"."""
    if not value.is_finite():
        raise ValueError(f"cannot snapshot a non-finite amount: {value}")
    if value.is_zero():
        return "0.00"
    reduced = value.normalize()
    if reduced.as_tuple().exponent > -2:  # type: ignore[operator]  # finite: exponent is an int
        reduced = reduced.quantize(_CENT)
    return format(reduced, "f")


#: exact types that normalise to themselves (subclasses, enums among them, take the long way)
_AS_IS = frozenset({str, int, float, bool, type(None)})


def _key(pair: tuple[Any, Any]) -> str:
    return str(pair[0])


def _value(value: Any) -> Any:
    kind = type(value)
    if kind in _AS_IS:  # the common leaves first: no ABC check for each of them
        return value
    if kind is dict or isinstance(value, Mapping):
        return {
            str(key): item if type(item) in _AS_IS else _value(item)
            for key, item in sorted(value.items(), key=_key)
            if item is not None
        }
    if kind is list or isinstance(value, list | tuple):
        return [_value(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Enum):
        return _value(value.value)
    if isinstance(value, str | int | float):
        return value
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, datetime):
        # The same instant in two offsets is the same value.
        return (value.astimezone(UTC) if value.tzinfo else value).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"cannot snapshot a value of type {type(value).__name__}: {value!r}")


def normalise(record: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical JSON-able form used for snapshots and hashes: Decimal -> text (money keeps 2dp),
    dates/datetimes -> ISO text (aware datetimes in UTC), UUIDs -> text, None values dropped from
    mappings, keys sorted recursively; lists kept in order (a None inside a list is kept)."""
    result: dict[str, Any] = _value(record)
    return result


def _canonical_json(record: Mapping[str, Any]) -> str:
    return json.dumps(normalise(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def snapshot_hash(record: Mapping[str, Any]) -> str:
    """sha256 hex of the canonical JSON of `normalise(record)`: equal records, equal hashes."""
    return hashlib.sha256(_canonical_json(record).encode("utf-8")).hexdigest()


def changed_fields(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> set[str]:
    """Top-level keys whose normalised value differs; a key present on one side only counts as
    changed (a deletion), a key missing or None on both does not. `before=None`: all of `after`."""
    old = normalise(before or {})
    new = normalise(after)
    return {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}


#: keys sorted: a record digests alike whatever order Xero writes its fields in
_DIGEST_OPTIONS = orjson.OPT_SORT_KEYS


def xero_digest(record: XeroModel) -> str:
    """sha256 of all Xero said of the record (None fields left out): equal for a record read
    again unchanged. Taken from a Python-mode dump, where no Python runs for each nested model
    or amount (the JSON dump's read-only filter and money formatting do: they were a quarter of
    a pull), written by orjson with Decimals as their text, which is exact.

    Digests kept before this form (of the JSON dump, until 2026-11) do not match it: each such
    record is taken as changed once, at its next read (Xero's state applied again and merged
    with the base, which finds nothing new), and as unchanged from then on."""
    data = record.model_dump(by_alias=True, exclude_none=True)
    try:
        text = orjson.dumps(data, option=_DIGEST_OPTIONS, default=str)
    except orjson.JSONEncodeError:  # beyond orjson (an int past 64 bits, a lone surrogate)
        text = json.dumps(data, sort_keys=True, default=str).encode()
    return hashlib.sha256(text).hexdigest()
