"""[pull 7] Records read from Xero, applied: Xero's state on the mapping, a three-way merge of the
fields both sides may edit, conflicts recorded, the app told through the feed, and pushes queued
where the app's side must reach Xero. Pure decisions come from `xerosync.sync`; this module only
reads and writes the store."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xerosync.engine.context import SyncContext
from xerosync.engine.resources import XeroState, xero_state
from xerosync.errors import UnreadableRecord
from xerosync.store import conflicts, feed, outbox, problems
from xerosync.store.db import among
from xerosync.store.mappings import SessionRefs, by_xero, insert_rows
from xerosync.store.tables import MappingRow
from xerosync.sync.entities import FIELDS
from xerosync.sync.mapping import canonical, from_xero
from xerosync.sync.merge import MergeResult, merge
from xerosync.sync.records import parse_record
from xerosync.sync.rules import Side
from xerosync.sync.snapshot import normalise, snapshot_hash, xero_digest
from xerosync.xero.models.base import XeroModel

__all__ = ["Applied", "apply_records", "quarantine_all"]


@dataclass
class Applied:
    seen: int = 0
    unchanged: int = 0
    changed: int = 0
    created: int = 0
    conflicts: int = 0
    quarantined: int = 0
    newest: datetime | None = None
    #: Xero ids of invoices/credit notes a payment touched (their amounts must be re-read)
    touched: dict[str, set[str]] = field(default_factory=dict)


def quarantine_all(
    session: Session, connection_id: str, entity: str, failures: Sequence[UnreadableRecord]
) -> int:
    for failure in failures:
        problems.quarantine(
            session,
            connection_id=connection_id,
            entity=entity,
            raw=json.dumps(failure.raw, default=str, sort_keys=True),
            reason=failure.reason,
            xero_id=failure.record_id,
        )
        feed.emit(
            session,
            connection_id=connection_id,
            entity=entity,
            xero_id=failure.record_id,
            kind="quarantined",
            data={"reason": failure.reason},
        )
    return len(failures)


def _known(session: Session, connection_id: str, entity: str, ids: list[str]) -> dict[str, Any]:
    """What is kept of these Xero records already mapped: each mapping's id, hash and type only
    (a record read again unchanged needs no more; whole mappings are loaded for the others, by
    `_load`). Asked by Xero id alone (its own index), then kept to this connection and kind: a
    query that also names them lets PostgreSQL pick an index that walks every mapping of the
    connection, which grows with the books."""
    found: dict[str, Any] = {}
    columns = (MappingRow.id, MappingRow.xero_id, MappingRow.xero_hash, MappingRow.xero_type)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(*columns, MappingRow.connection_id, MappingRow.entity).where(
                among(session, MappingRow.xero_id, ids[start : start + 500])
            )
        )
        found.update(
            {
                row.xero_id: row
                for row in rows
                if row.xero_id and row.connection_id == connection_id and row.entity == entity
            }
        )
    return found


def _load(session: Session, ids: list[int]) -> dict[str, MappingRow]:
    """The whole mappings of these ids, by Xero id."""
    found: dict[str, MappingRow] = {}
    for start in range(0, len(ids), 500):
        rows = session.scalars(
            select(MappingRow).where(among(session, MappingRow.id, ids[start : start + 500]))
        )
        found.update({m.xero_id: m for m in rows if m.xero_id})
    return found


def apply_records(
    session: Session,
    ctx: SyncContext,
    connection_id: str,
    entity: str,
    records: Sequence[XeroModel],
) -> Applied:
    applied = Applied()
    states = [xero_state(entity, r) for r in records]
    digests = [xero_digest(r) if s.xero_id else "" for r, s in zip(records, states, strict=True)]
    known = _known(session, connection_id, entity, [s.xero_id for s in states if s.xero_id])
    # Whole mappings only of the records changed since last read (or kept before their type was)
    stale = [
        seen.id
        for state, digest in zip(states, digests, strict=True)
        if (seen := known.get(state.xero_id or ""))
        and (seen.xero_hash != digest or (seen.xero_type is None and state.type))
    ]
    mappings = _load(session, stale)
    refs = SessionRefs(session, connection_id)
    named = [c.contact_id for r in records if (c := getattr(r, "contact", None)) and c.contact_id]
    refs.preload_xero("contacts", named)  # one query, before any row is added (no autoflush)
    now = ctx.clock.now()
    new: dict[str, dict[str, Any]] = {}  # adopted rows, written together after the page
    for record, state, digest in zip(records, states, digests, strict=True):
        applied.seen += 1
        if state.updated_at and (applied.newest is None or state.updated_at > applied.newest):
            applied.newest = state.updated_at
        if not state.xero_id:
            continue
        mapping = mappings.get(state.xero_id)
        if mapping is None and state.xero_id in known:  # not loaded: read again unchanged
            applied.unchanged += 1
            continue
        if mapping is None and state.xero_id in new:  # twice on one page: write the first
            mapping = mappings[state.xero_id] = _written(session, new, state.xero_id)
        if mapping is not None and mapping.xero_hash == digest:
            applied.unchanged += 1
            if mapping.xero_type is None and state.type:  # kept before the type was
                mapping.xero_type = state.type
            continue
        if entity == "payments":
            _touch(applied, record.to_json_dict())
        if mapping is None:
            new[state.xero_id] = _adopt_new(
                session, ctx, connection_id, entity, record, state, digest, refs
            )
            applied.created += 1
            continue
        _xero_owned(session, mapping, state, record)
        if mapping.app_id is not None and mapping.base is not None and FIELDS[entity]:
            applied.conflicts += _merge(session, ctx, mapping, record, state, refs, now)
        elif mapping.app_id is None:
            _report_xero_change(session, ctx, mapping, record, refs)
        mapping.xero_hash = digest
        applied.changed += 1
    insert_rows(session, list(new.values()))
    return applied


def _written(session: Session, new: dict[str, dict[str, Any]], xero_id: str) -> MappingRow:
    """The mapping adopted from `xero_id`'s first appearance on this page, written (with the
    others waiting) and read back, to be applied again like any mapping."""
    insert_rows(session, list(new.values()))
    row = new[xero_id]
    new.clear()
    mapping = by_xero(session, row["connection_id"], row["entity"], xero_id)
    assert mapping is not None  # just written, in this transaction
    return mapping


def _touch(applied: Applied, data: dict[str, Any]) -> None:
    for key, entity, id_field in (
        ("Invoice", "invoices", "InvoiceID"),
        ("CreditNote", "credit_notes", "CreditNoteID"),
    ):
        xero_id = (data.get(key) or {}).get(id_field)
        if xero_id:
            applied.touched.setdefault(entity, set()).add(xero_id)


def _adopt_new(
    session: Session,
    ctx: SyncContext,
    connection_id: str,
    entity: str,
    record: XeroModel,
    state: XeroState,
    digest: str,
    refs: SessionRefs,
) -> dict[str, Any]:
    """A record the app did not create (or not yet known to be ours): kept with no app id. Its
    mapping's row is returned as plain values (Xero's state taken as `_xero_owned` takes it,
    `digest` its hash), for the caller to write with the rest of the page's."""
    fields = normalise(from_xero(entity, record, refs, ctx.mapping))
    row = {
        "connection_id": connection_id,
        "entity": entity,
        "app_id": None,
        "xero_id": state.xero_id,
        "origin": "xero",
        "base": fields,
        "sync_status": "synced",
        "version": 0,
        "synced_version": 0,
        "xero_number": state.number or None,
        "xero_status": state.status or None,
        "xero_type": state.type or None,
        "total": state.total,
        "amount_due": state.amount_due,
        "amount_paid": state.amount_paid,
        "xero_updated_at": state.updated_at or None,
        "xero_hash": digest,
    }
    data = {**fields, "number": state.number, "status": state.status}
    if entity == "payments":
        data["amount"] = str(state.total) if state.total is not None else None
        data.update(_paid_target(record, refs))
    feed.emit(
        session,
        connection_id=connection_id,
        entity=entity,
        xero_id=state.xero_id,
        kind="payment_received" if entity == "payments" else "created_in_xero",
        data=data,
    )
    return row


def _paid_target(record: XeroModel, refs: SessionRefs) -> dict[str, Any]:
    data = record.to_json_dict()
    invoice = (data.get("Invoice") or {}).get("InvoiceID")
    if invoice:
        return {"invoice_id": refs.app_id("invoices", invoice), "invoice_xero_id": invoice}
    note = (data.get("CreditNote") or {}).get("CreditNoteID")
    return {"credit_note_id": refs.app_id("credit_notes", note) if note else None}


def _xero_owned(
    session: Session,
    mapping: MappingRow,
    state: XeroState,
    record: XeroModel,
) -> None:
    """Status, number and money are Xero's: take them, and tell the app what moved."""
    before_status = mapping.xero_status
    mapping.xero_number = state.number or mapping.xero_number
    mapping.xero_status = state.status or mapping.xero_status
    mapping.xero_type = state.type or mapping.xero_type
    if state.total is not None:
        mapping.total = state.total
    if state.amount_due is not None:
        mapping.amount_due = state.amount_due
    if state.amount_paid is not None:
        mapping.amount_paid = state.amount_paid
    mapping.xero_updated_at = state.updated_at or mapping.xero_updated_at
    if before_status == mapping.xero_status:
        return
    summary = {
        "number": mapping.xero_number,
        "status": mapping.xero_status,
        "previous_status": before_status,
        "amount_due": str(mapping.amount_due) if mapping.amount_due is not None else None,
        "amount_paid": str(mapping.amount_paid) if mapping.amount_paid is not None else None,
        "fully_paid_on": record.to_json_dict().get("FullyPaidOnDate"),
    }
    feed.emit_for(
        session, mapping, "paid" if mapping.xero_status == "PAID" else "status_changed", summary
    )


def _report_xero_change(
    session: Session, ctx: SyncContext, mapping: MappingRow, record: XeroModel, refs: SessionRefs
) -> None:
    fields = normalise(from_xero(mapping.entity, record, refs, ctx.mapping))
    base = mapping.base or {}
    changed = {k: v for k, v in fields.items() if base.get(k) != v}
    changed.update({k: None for k in base if k not in fields})
    mapping.base = fields
    if changed:
        feed.emit_for(session, mapping, "changed_in_xero", {"fields": changed})


def _merge(
    session: Session,
    ctx: SyncContext,
    mapping: MappingRow,
    record: XeroModel,
    state: XeroState,
    refs: SessionRefs,
    now: datetime,
) -> int:
    entity = mapping.entity
    app_record = parse_record(entity, mapping.app_data or {})
    app = normalise(canonical(app_record, ctx.mapping))
    xero = normalise(from_xero(entity, record, refs, ctx.mapping))
    result = merge(
        mapping.base,
        app,
        xero,
        entity=entity,
        rules=ctx.rules,
        origin=Side(mapping.origin if mapping.origin in ("app", "xero") else "app"),
        app_changed_at=mapping.app_changed_at,
        xero_changed_at=state.updated_at,
    )
    if result.in_step:
        mapping.base = normalise(result.merged)
        return 0
    _take_merge(session, mapping, result, app, xero, now)
    return 1 if result.pending else 0


def _take_merge(
    session: Session,
    mapping: MappingRow,
    result: MergeResult,
    app: dict[str, Any],
    xero: dict[str, Any],
    now: datetime,
) -> None:
    pending = {c.field for c in result.pending}
    # Fields still on their way to Xero, or waiting for a person, are not synced yet: their
    # base stays what it was, so the next read cannot mistake them for Xero's own edits.
    unsynced = pending | set(result.to_xero)
    old_base = mapping.base or {}
    new_base = {k: v for k, v in normalise(result.merged).items() if k not in unsynced}
    new_base.update({k: old_base[k] for k in unsynced if k in old_base})
    if result.to_app:
        app_data = dict(mapping.app_data or {})
        for key, value in result.to_app.items():
            app_data[key] = value
        mapping.app_data = parse_record(mapping.entity, app_data).model_dump(mode="json")
        mapping.app_hash = snapshot_hash(mapping.app_data)
        feed.emit_for(
            session,
            mapping,
            "changed_in_xero",
            {"fields": normalise(result.to_app), "decided": [c.field for c in result.decided]},
        )
    mapping.base = new_base
    if result.pending:
        rule = result.pending[0].rule
        conflicts.record(
            session,
            connection_id=mapping.connection_id,
            entity=mapping.entity,
            app_id=mapping.app_id,
            xero_id=mapping.xero_id,
            fields=[
                {"field": c.field, "base": c.base, "app": c.app, "xero": c.xero}
                for c in result.pending
            ],
            app_version=app,
            xero_version=xero,
            base=old_base,
            rule=str(rule),
        )
        mapping.sync_status = "conflict"
    if result.to_xero or result.pending:
        # Queued (or re-queued over a change not yet sent) with the fields a person must
        # decide held at Xero's value: a waiting conflict is never settled by a push.
        if not result.pending:
            mapping.sync_status = "pending"
        outbox.queue(
            session,
            mapping,
            payload=conflicts.push_payload(
                session,
                mapping.connection_id,
                mapping.entity,
                mapping.app_id or "",
                mapping.app_data or {},
            ),
        )
    if result.pending:
        feed.emit_for(session, mapping, "conflict", {"fields": sorted(pending)})
