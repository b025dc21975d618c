"""[push 4] Outbox rows -> what to send: a create (PUT), an update or status change (POST), a
payment deletion, or a credit note allocation. Rows that cannot be sent as they are go to the
dead letters here, before any call; rows naming a record not yet in Xero wait for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from xerosync.engine.context import SyncContext
from xerosync.engine.failures import label, record_failure
from xerosync.store import outbox
from xerosync.store.mappings import SessionRefs, by_app, set_sync_status
from xerosync.store.tables import OutboxRow, table_of
from xerosync.sync.config import Books, check_codes
from xerosync.sync.entities import ID_FIELD
from xerosync.sync.mapping import MissingReference, canonical, to_payload
from xerosync.sync.records import AppCreditNote, AppRecord, parse_record
from xerosync.sync.snapshot import normalise

__all__ = ["MAPPING_COLUMNS", "Prepared", "Skipped", "prepare", "synced_base"]

_GONE = ("DELETED", "VOIDED")

Method = Literal["PUT", "POST", "DELPAY", "ALLOC"]
#: what became of a row not to be sent: a dead letter, waiting for a record it names, or done
#: without a call (a deletion of what never reached Xero)
Skipped: TypeAlias = Literal["failed", "waiting", "done"]
#: what `prepare` reads of a mapping
MAPPING_COLUMNS = ("id", "app_id", "xero_id", "xero_status", "amount_paid")


@dataclass(frozen=True)
class Prepared:
    row: outbox.Queued
    method: Method
    body: dict[str, Any]
    xero_id: str | None = None
    #: what both sides agree on once this create or update is through (`synced_base`), worked
    #: out here from the record already parsed, so recording the answer need not parse it again
    base: dict[str, Any] | None = None


def _waiting_or_missing(session: Session, row: outbox.Queued, missing: MissingReference) -> Skipped:
    """The named record is coming (queued, in flight, or refused and awaiting a fix): wait.
    It was never handed in: nothing will ever fill the gap, so say so."""
    named = by_app(session, row.connection_id, missing.entity, missing.app_id)
    if named is None:
        record_failure(
            session,
            row,
            "missing_reference",
            [
                f"{label(row)} names {missing.entity[:-1].replace('_', ' ')} {missing.app_id}, "
                "which was never handed to xerosync: submit it, then retry this record"
            ],
        )
        return "failed"
    outbox.mark_waiting(session, row.id, f"{missing.entity}:{missing.app_id}")
    return "waiting"


def _delete_body(row: outbox.Queued, mapping: Mapping[str, Any]) -> dict[str, Any] | str:
    """The POST that removes the record as Xero allows, or why it cannot be removed."""
    entity, id_field, status = row.entity, ID_FIELD[row.entity], mapping["xero_status"]
    body: dict[str, Any] = {id_field: mapping["xero_id"]}
    if entity == "contacts":
        return {**body, "ContactStatus": "ARCHIVED"}
    if entity in ("invoices", "credit_notes"):
        paid = mapping["amount_paid"]
        if (paid and paid > 0) or status == "PAID":
            return (
                f"{label(row)} has payments recorded in Xero, and Xero does not void a document "
                "with payments: delete its payments first, then retry this deletion"
            )
        target = "DELETED" if status in ("DRAFT", "SUBMITTED") else "VOIDED"
        return {**body, "Status": target}
    if entity == "bank_transactions":
        return {**body, "Status": "DELETED"}
    if entity == "manual_journals":
        return {**body, "Status": "DELETED" if status == "DRAFT" else "VOIDED"}
    raise AssertionError(entity)


def _prepare_delete(
    session: Session, row: outbox.Queued, mapping: Mapping[str, Any] | None
) -> Prepared | Skipped:
    if mapping is None or mapping["xero_id"] is None or mapping["xero_status"] in _GONE:
        # never reached Xero, or gone from it already: nothing to remove
        outbox.delete_done(session, [row.id])
        if mapping is not None:
            set_sync_status(session, mapping["id"], "deleted")
        return "done"
    if row.entity == "payments":
        return Prepared(row, "DELPAY", {"Status": "DELETED"}, mapping["xero_id"])
    body = _delete_body(row, mapping)
    if isinstance(body, str):
        record_failure(session, row, "forbidden", [body])
        return "failed"
    return Prepared(row, "POST", body, mapping["xero_id"])


def _prepare_allocation(
    session: Session, row: outbox.Queued, mapping: Mapping[str, Any] | None, refs: SessionRefs
) -> Prepared | Skipped:
    if mapping is None or mapping["xero_id"] is None:
        outbox.mark_waiting(session, row.id, f"credit_notes:{row.app_id}")
        return "waiting"
    allocations = []
    for allocation in (row.payload or {}).get("allocations", []):
        invoice = refs.xero_id("invoices", allocation["invoice_id"])
        if invoice is None:
            return _waiting_or_missing(
                session, row, MissingReference("invoices", allocation["invoice_id"])
            )
        entry = {"Invoice": {"InvoiceID": invoice}, "Amount": allocation["amount"]}
        entry["Date"] = allocation.get("date") or (row.payload or {}).get("date")
        allocations.append(entry)
    return Prepared(row, "ALLOC", {"Allocations": allocations}, mapping["xero_id"])


def prepare(
    session: Session,
    ctx: SyncContext,
    row: outbox.Queued,
    mapping: Mapping[str, Any] | None,
    refs: SessionRefs,
    books: Books,
) -> Prepared | Skipped:
    """What to send for `row`, or what became of it here (dead letter, wait, nothing to do).
    `mapping`: the record's mapping, its `MAPPING_COLUMNS` only."""
    if row.operation == "delete":
        return _prepare_delete(session, row, mapping)
    if row.operation == "allocate":
        return _prepare_allocation(session, row, mapping, refs)
    record: AppRecord = parse_record(row.entity, row.payload or {})
    xero_id = mapping["xero_id"] if mapping is not None else None
    if row.entity == "payments" and xero_id:
        record_failure(
            session,
            row,
            "forbidden",
            [
                f"{label(row)} is already in Xero and Xero cannot change a payment: delete it "
                "and hand in a new payment with a new id"
            ],
        )
        return "failed"
    problems_found = check_codes(record, ctx.mapping, books)
    if problems_found:
        record_failure(session, row, "invalid_code", problems_found)
        return "failed"
    try:
        body = to_payload(record, refs, ctx.mapping)
    except MissingReference as missing:
        return _waiting_or_missing(session, row, missing)
    base = synced_base(record, ctx)
    if xero_id:
        body[ID_FIELD[row.entity]] = xero_id
        return Prepared(row, "POST", body, xero_id, base)
    return Prepared(row, "PUT", body, base=base)


def synced_base(record: AppRecord, ctx: SyncContext) -> dict[str, Any]:
    """The snapshot both sides agree on once `record` is in Xero as the app has it."""
    return normalise(canonical(record, ctx.mapping))


def kind_of(method: str, operation: str) -> str:
    """What success of `method` means for the mapping: create, update, delete or allocate."""
    if method == "PUT":
        return "create"
    if method == "DELPAY" or operation == "delete":
        return "delete"
    return "allocate" if method == "ALLOC" else "update"


def has_allocations(record: AppRecord) -> bool:
    return isinstance(record, AppCreditNote) and bool(record.allocations)


_IN_FLIGHT = select(table_of(OutboxRow).c.app_id).where(
    table_of(OutboxRow).c.connection_id == bindparam("connection"),
    table_of(OutboxRow).c.entity == bindparam("entity"),
    table_of(OutboxRow).c.state == outbox.IN_FLIGHT,
)


def in_flight_ids(session: Session, connection_id: str, entity: str) -> set[str]:
    return set(session.scalars(_IN_FLIGHT, {"connection": connection_id, "entity": entity}))
