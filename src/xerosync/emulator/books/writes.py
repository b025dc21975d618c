"""The write pipeline every entity plugs into: PUT creates, POST creates or updates.

    elements_of(body)  ->  apply_batch(entity, elements, mode)  ->  batch_response(...)

Each element is validated and applied on its own, in order (an invalid record never
half-changes the books; a later element sees the earlier ones, so two new contacts
with one name in a batch clash). Xero's two reporting modes:

- `summarizeErrors=false`: always 200; every element echoed with
  `StatusAttributeString` OK | WARNING | ERROR, `ValidationErrors: [{Message}]` and the
  entity's flag (`HasValidationErrors` or `HasErrors`); failed new records carry the
  all-zero GUID.
- default (summarised): if any element failed, a 400 `ValidationException` whose
  `Elements` hold only the failed ones, while the valid ones ARE created (Xero's real,
  non-transactional behaviour).

An entity implements `WriteEntity` (see `books.contacts.Contacts` for an example).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from xerosync.emulator.books.store import ZERO_GUID, Record
from xerosync.emulator.books.write_shapes import conform

Mode = Literal["create", "upsert", "update"]


class Invalid(Exception):
    """A record Xero would refuse; each message becomes a `ValidationErrors` entry."""

    def __init__(self, *messages: str) -> None:
        super().__init__("; ".join(messages))
        self.messages = list(messages)


class BadRequest(Exception):
    """The request body itself is unusable (not JSON, wrong envelope)."""


@dataclass
class WriteContext:
    """Per-request facts an entity may need while applying one element."""

    now: datetime
    unitdp: int = 2
    summarize_errors: bool = True
    client_id: str = ""
    warnings: list[str] = field(default_factory=list)


class WriteEntity(Protocol):
    plural: str  # envelope key, e.g. "Contacts"
    id_field: str  # e.g. "ContactID"
    error_flag: str  # "HasValidationErrors" | "HasErrors" | "" (schema has none)

    def match(self, data: Record) -> Record | None:
        """The existing record `data` targets on POST (by id or natural key), else None.

        Raise Invalid when `data` names an id that does not exist."""
        ...

    def create(self, data: Record, ctx: WriteContext) -> Record:
        """Validate and store a new record; raise Invalid (and change nothing) if refused."""
        ...

    def update(self, record: Record, data: Record, ctx: WriteContext) -> Record:
        """Validate and apply `data` onto `record`; raise Invalid if refused."""
        ...

    def view(self, record: Record) -> Record:
        """The record as a write response shows it."""
        ...


@dataclass
class Outcome:
    data: Record
    record: Record | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def elements_of(body: Any, plural: str, *, single_ok: bool = True) -> list[Record]:
    """`{"Contacts": [...]}` -> the list; a bare object is one element (Xero accepts both
    on the single-record endpoints). Raises BadRequest otherwise."""
    if isinstance(body, dict):
        for key, value in body.items():
            if key.lower() == plural.lower():
                if isinstance(value, list) and all(isinstance(v, dict) for v in value):
                    return list(value)
                if isinstance(value, dict):
                    return [value]
                raise BadRequest(f"'{plural}' must be a list of objects")
        if single_ok and body:
            return [body]
    if isinstance(body, list) and all(isinstance(v, dict) for v in body):
        return list(body)
    raise BadRequest(f"The request must contain '{plural}'")


def apply_batch(
    entity: WriteEntity,
    elements: list[Record],
    mode: Mode,
    ctx: WriteContext,
    target: Record | None = None,
) -> list[Outcome]:
    """Apply each element in turn. `target` is the record of a `POST /X/{id}`."""
    outcomes: list[Outcome] = []
    for data in elements:
        outcome = Outcome(data)
        ctx.warnings = []
        try:
            if mode == "update":
                assert target is not None
                outcome.record = entity.update(target, data, ctx)
            elif mode == "upsert":
                existing = entity.match(data)
                if existing is None:
                    outcome.record = entity.create(data, ctx)
                else:
                    outcome.record = entity.update(existing, data, ctx)
            else:
                outcome.record = entity.create(data, ctx)
        except Invalid as exc:
            outcome.errors = exc.messages
        outcome.warnings = list(ctx.warnings)
        outcomes.append(outcome)
    return outcomes


def echo(entity: WriteEntity, outcome: Outcome, *, with_status: bool) -> Record:
    """One element as the response shows it."""
    if outcome.record is not None:
        shown = entity.view(outcome.record)
        if with_status:
            shown["StatusAttributeString"] = "WARNING" if outcome.warnings else "OK"
        if outcome.warnings:
            shown["Warnings"] = [{"Message": m} for m in outcome.warnings]
        return shown
    shown = conform(outcome.data, entity.plural)  # as Xero read it: spec-typed values
    given = shown.get(entity.id_field)
    if not given or not entity_has(entity, given):
        shown[entity.id_field] = ZERO_GUID
    shown["ValidationErrors"] = [{"Message": m} for m in outcome.errors]
    if entity.error_flag:
        shown[entity.error_flag] = True
    if with_status:
        shown["StatusAttributeString"] = "ERROR"
    return shown


def entity_has(entity: WriteEntity, record_id: object) -> bool:
    try:
        return entity.match({entity.id_field: record_id}) is not None
    except Invalid:
        return False


def batch_response(
    entity: WriteEntity, outcomes: list[Outcome], *, summarize_errors: bool
) -> tuple[int, dict[str, Any]]:
    """(status, body-without-envelope) for a batch, in Xero's chosen reporting mode.

    The 200 body is `{plural: [...]}`; the caller adds the envelope fields. The 400 body
    is a complete ValidationException."""
    if not summarize_errors:
        return 200, {entity.plural: [echo(entity, o, with_status=True) for o in outcomes]}
    failed = [o for o in outcomes if not o.ok]
    if failed:
        return 400, validation_exception([echo(entity, o, with_status=False) for o in failed])
    return 200, {entity.plural: [echo(entity, o, with_status=False) for o in outcomes]}


def validation_exception(elements: list[Record]) -> dict[str, Any]:
    return {
        "ErrorNumber": 10,
        "Type": "ValidationException",
        "Message": "A validation exception occurred",
        "Elements": elements,
    }


def error_body(message: str, *, number: int = 10, kind: str = "ValidationException") -> Record:
    """A 400 body with one message, readable by clients that look at Elements[0]."""
    return {
        "ErrorNumber": number,
        "Type": kind,
        "Message": message,
        "Elements": [{"ValidationErrors": [{"Message": message}]}],
    }
