"""What every Xero model shares: PascalCase names on the wire, unknown fields kept, Decimal money,
dates read by `dates.py`, and a write payload that leaves out what Xero computes itself.

- `model_validate(xero_json)` accepts Xero's names (`InvoiceID`, `UpdatedDateUTC`) and Python names.
- Fields Xero adds later are not dropped: they stay in `model_extra` and go back out unchanged.
- `to_payload()` is the body for PUT/POST: Xero's names, no `None`s, no read-only fields (totals,
  `UpdatedDateUTC`, validation echoes), money as JSON numbers, dates as `YYYY-MM-DD`.
"""

from __future__ import annotations

import functools
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar

import orjson
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from xerosync.xero.models.dates import format_date, format_datetime, parse_date, parse_datetime

__all__ = [
    "Money",
    "ValidationMessage",
    "XeroDate",
    "XeroDateTime",
    "XeroModel",
    "XeroRecord",
    "encode",
    "json_number",
    "xero_name",
]

_ACRONYMS = {"id": "ID", "ids": "IDs", "utc": "UTC", "cis": "CIS"}


def xero_name(field_name: str) -> str:
    """`invoice_id` -> `InvoiceID`, `updated_date_utc` -> `UpdatedDateUTC`, `line_items` -> `LineItems`."""
    return "".join(_ACRONYMS.get(part, part.capitalize()) for part in field_name.split("_"))


def json_number(value: Decimal) -> float | int | str:
    """A JSON number that reads back as exactly `value` (always so for money); text otherwise.
    How every Decimal goes on the wire, in a model's payload or a payload built directly."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0 and abs(value) < 10**15:
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else str(value)


def json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return json_number(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def encode(payload: Any) -> bytes:
    """A request body for a payload in any form (a model's dump or a plain dict): compact UTF-8
    JSON, Decimal money written as the models write it, an exact JSON number. orjson: a
    batch's body is encoded once a call and each record measured once (`encoded_size`), and
    Python's own encoder cost more than building them; what orjson cannot write (an integer
    past 64 bits) goes through Python's."""
    try:
        return orjson.dumps(payload, default=json_default)
    except orjson.JSONEncodeError:
        text = json.dumps(
            payload,
            default=json_default,
            ensure_ascii=False,
            separators=(",", ":"),
            allow_nan=False,
        )
        return text.encode()


def _decimal(value: Any) -> Any:
    """Floats go through their shortest text form, so 0.1 stays 0.1 rather than 0.1000000000000000055."""
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


Money = Annotated[
    Decimal, BeforeValidator(_decimal), PlainSerializer(json_number, when_used="json")
]
XeroDate = Annotated[
    date, BeforeValidator(parse_date), PlainSerializer(format_date, when_used="json")
]
XeroDateTime = Annotated[
    datetime, BeforeValidator(parse_datetime), PlainSerializer(format_datetime, when_used="json")
]


class XeroModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=xero_name,
        populate_by_name=True,
        extra="allow",
        arbitrary_types_allowed=False,
    )

    def to_payload(self) -> dict[str, Any]:
        """The JSON body Xero expects for this record on PUT/POST."""
        return self.model_dump(
            mode="json", by_alias=True, exclude_none=True, context={"payload": True}
        )

    def to_json_dict(self) -> dict[str, Any]:
        """Everything, read-only fields included, in Xero's names (for snapshots and round trips)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class ValidationMessage(XeroModel):
    message: str | None = None


_WRITE_ECHO = frozenset({"status_attribute_string", "validation_errors", "warnings"})


class XeroRecord(XeroModel):
    """A top-level record: carries the per-item status Xero echoes with `summarizeErrors=false`."""

    status_attribute_string: str | None = None
    validation_errors: list[ValidationMessage] | None = None
    warnings: list[ValidationMessage] | None = None

    #: Python names of fields Xero computes; left out of `to_payload()`.
    read_only: ClassVar[frozenset[str]] = _WRITE_ECHO

    @model_serializer(mode="wrap", when_used="json")
    def _drop_read_only(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, Any]:
        """JSON dumps only (`to_payload` is one), and records only: only records have fields
        Xero computes, and Python called for every nested line and address of every record
        sent cost more than dumping them."""
        data: dict[str, Any] = handler(self)
        if isinstance(info.context, dict) and info.context.get("payload"):
            for key in _read_only_keys(type(self)):
                data.pop(key, None)
        return data

    @property
    def rejected(self) -> bool:
        """Xero refused this record (`HasErrors`/`HasValidationErrors`, or status ERROR)."""
        flagged = self._flag("HasErrors") or self._flag("HasValidationErrors")
        return flagged or bool(self.validation_errors) or self.status_attribute_string == "ERROR"

    def _flag(self, wire_name: str) -> bool:
        """Xero's flag `wire_name`, declared or kept as extra. Read straight from the extras:
        asked of a model for a name it does not hold, pydantic raises and catches an
        AttributeError, and that cost more than reading the rest of the answer's outcome."""
        name = _field_names(type(self)).get(wire_name)
        if name is not None:
            return bool(getattr(self, name))
        return bool((self.model_extra or {}).get(wire_name))

    def error_messages(self) -> list[str]:
        return [m.message or "" for m in self.validation_errors or []]

    def warning_messages(self) -> list[str]:
        return [m.message or "" for m in self.warnings or []]


@functools.cache
def _read_only_keys(model: type[XeroRecord]) -> tuple[str, ...]:
    """Xero's names of `model.read_only`: declared fields' aliases, else as Xero would name them
    (a field Xero sends that the model does not declare is kept under that name)."""
    fields = model.model_fields
    return tuple(
        field.alias if (field := fields.get(name)) and field.alias else xero_name(name)
        for name in sorted(model.read_only)
    )


@functools.cache
def _field_names(model: type[BaseModel]) -> dict[str, str]:
    """Xero's name -> attribute, of a model's declared fields (every answer asks a few)."""
    return {field.alias: name for name, field in model.model_fields.items() if field.alias}
