"""[push 6] What Xero answered, written down: mapping + snapshot + closed outbox row + feed event,
all in the transaction that records the batch, so an outcome is either wholly kept or not at all."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Delete, Select, Update, and_, bindparam, case, delete, select, update
from sqlalchemy.orm import Session

from xerosync.engine.context import SyncContext
from xerosync.engine.failures import label, record_failure
from xerosync.engine.prepare import has_allocations, kind_of, synced_base
from xerosync.engine.resources import XeroState, xero_state
from xerosync.store import audit, feed, outbox
from xerosync.store.db import among_param, dialect_of, dicts_by, update_many
from xerosync.store.mappings import SessionRefs
from xerosync.store.tables import ConflictRow, DeadLetter, MappingRow, table_of
from xerosync.sync.mapping import from_xero
from xerosync.sync.records import parse_record
from xerosync.sync.snapshot import normalise
from xerosync.xero.batching import Outcome, RecordOutcome
from xerosync.xero.models.base import XeroModel

__all__ = ["record_outcomes", "record_success"]


_MAPPINGS = table_of(MappingRow)
_CONFLICTS = table_of(ConflictRow)
_DEAD_LETTERS = table_of(DeadLetter)
#: what recording an outcome reads of a mapping (its base only under an open conflict)
_MAPPING = tuple(
    _MAPPINGS.c[name]
    for name in (
        *("id", "app_id", "xero_id", "xero_number", "xero_status", "xero_type", "total"),
        *("amount_due", "amount_paid", "xero_updated_at", "sync_status", "version"),
        "synced_version",
    )
)


# The statements of recording a batch, built once a dialect (see `among_param`).


@functools.cache
def _mappings_query(dialect: str) -> Select[Any]:
    """A batch's mappings, each with the fields of its open conflict, if it has one, and then
    only its base: what both sides last agreed on, kept for the fields still undecided."""
    conflict = and_(
        _CONFLICTS.c.connection_id == _MAPPINGS.c.connection_id,
        _CONFLICTS.c.entity == _MAPPINGS.c.entity,
        _CONFLICTS.c.app_id == _MAPPINGS.c.app_id,
        _CONFLICTS.c.status == "open",
    )
    return (
        select(
            *_MAPPING,
            _CONFLICTS.c.fields.label("held"),
            case((_CONFLICTS.c.id.is_not(None), _MAPPINGS.c.base)).label("base"),
        )
        .select_from(_MAPPINGS.outerjoin(_CONFLICTS, conflict))
        .where(
            _MAPPINGS.c.connection_id == bindparam("connection"),
            _MAPPINGS.c.entity == bindparam("entity"),
            among_param(dialect, _MAPPINGS.c.app_id, "app_ids"),
        )
    )


@functools.cache
def _orphans_query(dialect: str) -> Delete:
    return delete(_MAPPINGS).where(
        _MAPPINGS.c.connection_id == bindparam("connection"),
        _MAPPINGS.c.entity == bindparam("entity"),
        among_param(dialect, _MAPPINGS.c.xero_id, "xero_ids"),
        _MAPPINGS.c.app_id.is_(None),
    )


@functools.cache
def _settle_query(dialect: str) -> Update:
    return (
        update(_DEAD_LETTERS)
        .where(
            _DEAD_LETTERS.c.connection_id == bindparam("connection"),
            # not "entity": an UPDATE's bind parameters may not take its table's column names
            _DEAD_LETTERS.c.entity == bindparam("kind"),
            among_param(dialect, _DEAD_LETTERS.c.app_id, "app_ids"),
            _DEAD_LETTERS.c.status == "open",
        )
        .values(status="resolved")
    )


@dataclass
class Loaded:
    """What recording a batch needs of the store, read in a few queries for the whole batch, as
    plain values: app id -> the mapping's columns in `_MAPPING` and `base` (None unless held)."""

    mappings: dict[str, dict[str, Any]]
    held: dict[str, dict[str, Any]]  # app id -> fields waiting for a person
    succeeded: list[str] = field(default_factory=list)
    #: outbox rows that went through, deleted together by `finish`
    done: list[int] = field(default_factory=list)
    #: mapping id -> the values `change` gave it, written together by `finish`
    changed: dict[int, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def read(
        cls, session: Session, connection_id: str, entity: str, app_ids: Sequence[str]
    ) -> Loaded:
        keys = {"connection": connection_id, "entity": entity, "app_ids": list(app_ids)}
        mappings = dicts_by(session.execute(_mappings_query(dialect_of(session)), keys), "app_id")
        held = {}
        for app_id, mapping in mappings.items():
            if (fields := mapping.pop("held")) is not None:
                held[app_id] = {f["field"]: f.get("xero") for f in fields}
        return cls(mappings, held)

    def change(self, mapping: dict[str, Any], values: Mapping[str, Any]) -> None:
        """Give `mapping` these values: at once in the dict, in the database by `finish`,
        together with the batch's other mappings, in one UPDATE a set of columns."""
        mapping.update(values)
        self.changed.setdefault(mapping["id"], {}).update(values)

    def finish(self, session: Session, connection_id: str, entity: str) -> None:
        """The mappings' changes written, the rows that went through deleted, and their dead
        letters settled."""
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for mapping_id, values in self.changed.items():
            by_columns.setdefault(tuple(values), []).append({"id": mapping_id, **values})
        for rows in by_columns.values():
            update_many(session, table_of(MappingRow), rows)
        self.changed = {}
        outbox.delete_done(session, self.done)
        self.done = []
        if self.succeeded:
            session.execute(
                _settle_query(dialect_of(session)),
                {"connection": connection_id, "kind": entity, "app_ids": self.succeeded},
            )


def _fold_orphans(
    session: Session, connection_id: str, entity: str, xero_ids: Sequence[str]
) -> None:
    """A pull may have met our records before their outcome was written, and kept them as
    Xero's own (no app id): drop those rows, ours take their place."""
    if xero_ids:
        session.execute(
            _orphans_query(dialect_of(session)),
            {"connection": connection_id, "entity": entity, "xero_ids": list(xero_ids)},
        )


def record_success(
    session: Session,
    ctx: SyncContext,
    row: outbox.Queued,
    kind: str,
    record: XeroModel | None,
    now: datetime,
    loaded: Loaded | None = None,
    agreed: Mapping[str, Any] | None = None,
    state: XeroState | None = None,
) -> None:
    """`agreed`: the record's synced snapshot if already worked out (`Prepared.base`); else it
    is worked out from `row.payload`. `state`: `xero_state` of `record`, if read already."""
    if record is not None and state is None:
        state = xero_state(row.entity, record)
    if loaded is None:
        loaded = Loaded.read(session, row.connection_id, row.entity, [row.app_id])
        if state is not None and state.xero_id:
            _fold_orphans(session, row.connection_id, row.entity, [state.xero_id])
        own = True
    else:
        own = False
    mapping = loaded.mappings.get(row.app_id)
    assert mapping is not None, f"{label(row)} has no mapping"
    changes: dict[str, Any] = {}
    if state is not None:
        changes.update(
            xero_id=state.xero_id or mapping["xero_id"],
            xero_number=state.number or mapping["xero_number"],
            xero_status=state.status or mapping["xero_status"],
            xero_type=state.type or mapping["xero_type"],
            total=_or(state.total, mapping["total"]),
            amount_due=_or(state.amount_due, mapping["amount_due"]),
            amount_paid=_or(state.amount_paid, mapping["amount_paid"]),
            xero_updated_at=state.updated_at or mapping["xero_updated_at"],
        )
    base = _agreed(session, ctx, row, agreed) if kind in ("create", "update") else None
    if base is not None:
        held = loaded.held.get(row.app_id, {})
        old = (mapping.get("base") or {}) if held else {}
        for name in held:  # undecided: keep what both last agreed on
            if name in old:
                base[name] = old[name]
            else:
                base.pop(name, None)
        changes.update(base=base, xero_hash=None)  # the next read of the record sets the hash
        if kind == "create" and row.entity == "credit_notes":
            _allocate_later(session, row)
    if kind == "delete":
        status = "deleted"
    elif mapping["sync_status"] != "conflict":
        status = "synced" if mapping["version"] <= row.version else "pending"
    else:
        status = mapping["sync_status"]
    changes.update(
        synced_version=max(mapping["synced_version"] or 0, row.version),
        sync_status=status,
        last_error=None,
    )
    loaded.change(mapping, changes)
    loaded.done.append(row.id)
    loaded.succeeded.append(row.app_id)
    total = mapping["total"]
    feed.emit(
        session,
        connection_id=row.connection_id,
        entity=row.entity,
        kind="deleted" if kind == "delete" else "pushed",
        app_id=row.app_id,
        xero_id=mapping["xero_id"],
        data={
            "action": kind,
            "number": mapping["xero_number"],
            "status": mapping["xero_status"],
            "total": str(total) if total is not None else None,
        },
    )
    if own:
        loaded.finish(session, row.connection_id, row.entity)


def _or(value: Decimal | None, kept: Decimal | None) -> Decimal | None:
    return value if value is not None else kept


def _payload(session: Session, row: outbox.Queued) -> dict[str, Any] | None:
    """The record as handed in: read with the row, or now (rows are read without it)."""
    return row.payload if row.payload is not None else outbox.payload_of(session, row.id)


def _allocate_later(session: Session, row: outbox.Queued) -> None:
    """A credit note created with allocations: they are a call of their own, once it exists."""
    payload = _payload(session, row)
    if payload is None or not has_allocations(parse_record(row.entity, payload)):
        return
    outbox.add(
        session,
        connection_id=row.connection_id,
        entity=row.entity,
        app_id=row.app_id,
        operation="allocate",
        version=row.version,
        payload=payload,
    )


def _agreed(
    session: Session, ctx: SyncContext, row: outbox.Queued, agreed: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """The snapshot both sides agree on after a create or update: `agreed` if worked out when
    the batch was prepared, else from the record as handed in."""
    if agreed is not None:
        return dict(agreed)
    payload = _payload(session, row)
    return None if payload is None else synced_base(parse_record(row.entity, payload), ctx)


def record_match(
    session: Session, ctx: SyncContext, row: outbox.Queued, found: XeroModel, loaded: Loaded
) -> None:
    """Adopt the record Xero already had: mapped to it, the base taken from it as it is, and the
    app's version queued as an update (so the app's values reach it, field by field)."""
    mapping = session.get_one(MappingRow, loaded.mappings[row.app_id]["id"])
    state = xero_state(row.entity, found)
    mapping.xero_id = state.xero_id
    mapping.xero_status = state.status
    mapping.xero_type = state.type or mapping.xero_type
    mapping.xero_number = state.number
    mapping.base = normalise(
        from_xero(row.entity, found, SessionRefs(session, row.connection_id), ctx.mapping)
    )
    mapping.xero_hash = None
    payload = _payload(session, row)  # read before its row goes
    outbox.delete_done(session, [row.id])
    loaded.succeeded.append(row.app_id)
    outbox.queue(session, mapping, payload=payload)
    mapping.sync_status = "pending"
    feed.emit_for(session, mapping, "pushed", {"action": "matched", "status": mapping.xero_status})


def record_outcomes(
    session: Session,
    ctx: SyncContext,
    *,
    batch_id: int,
    outcomes: Sequence[RecordOutcome[XeroModel]],
    key: str,
    method: str,
    now: datetime,
    matches: Mapping[int, XeroModel] | None = None,
    bases: Sequence[Mapping[str, Any] | None] | None = None,
) -> dict[str, int]:
    """Write one batch's outcomes (matched to rows by their position in the batch). `matches`
    are refused creates whose record Xero already holds (see `engine.matching`): adopted.
    `bases`: each position's synced snapshot, when the caller prepared the batch itself."""
    counts = {"ok": 0, "rejected": 0}
    # the payload is read only when a snapshot must be worked out from it (a resumed batch)
    rows = outbox.sent_rows(session, batch_id, payload=not bases)
    if not rows:
        return counts  # already recorded (a resumed batch answered again)
    connection_id, entity = rows[0].connection_id, rows[0].entity
    by_position = {row.position: row for row in rows}
    loaded = Loaded.read(session, connection_id, entity, [r.app_id for r in rows])
    states = {
        o.index: xero_state(entity, o.record) for o in outcomes if o.ok and o.record is not None
    }
    if method == "PUT":
        created = [s.xero_id for s in states.values() if s.xero_id]
        _fold_orphans(session, connection_id, entity, created)
    for outcome in outcomes:
        row = by_position.get(outcome.index)
        if row is None:
            continue
        kind = kind_of(method, row.operation)
        matched = (matches or {}).get(outcome.index)
        if matched is not None:
            record_match(session, ctx, row, matched, loaded)
            counts["ok"] += 1
            continue
        if outcome.ok:
            mapping = loaded.mappings.get(row.app_id)
            echoed = states.get(outcome.index)
            if (
                kind != "create"
                and mapping is not None
                and mapping["xero_id"]
                and echoed is not None
                and echoed.xero_id != mapping["xero_id"]
            ):
                record_failure(
                    session,
                    row,
                    "mismatch",
                    [
                        f"Xero answered the update of {label(row)} ({mapping['xero_id']}) with "
                        f"a different record ({echoed.xero_id}); nothing was marked as synced"
                    ],
                )
                counts["rejected"] += 1
                continue
            agreed = bases[outcome.index] if bases and outcome.index < len(bases) else None
            record_success(session, ctx, row, kind, outcome.record, now, loaded, agreed, echoed)
            counts["ok"] += 1
        elif outcome.outcome == Outcome.NOT_SENT:
            record_failure(session, row, "too_large", list(outcome.messages))
            counts["rejected"] += 1
        else:
            messages = list(outcome.messages) or ["Xero rejected the record"]
            record_failure(session, row, "rejected", messages)
            counts["rejected"] += 1
    loaded.finish(session, connection_id, entity)
    audit.log_write(
        session,
        connection_id=connection_id,
        entity=entity,
        method=method,
        key=key,
        app_ids=[r.app_id for r in rows],
        outcome=f"{counts['ok']} ok, {counts['rejected']} rejected",
        now=now,
    )
    return counts
