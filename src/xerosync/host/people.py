"""What a person decides: conflicts resolved (keep app / keep Xero / an edited value per field),
dead letters retried or discarded."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xerosync.store import conflicts, feed, outbox
from xerosync.store.mappings import by_app
from xerosync.store.tables import ConflictRow, DeadLetter, OutboxRow
from xerosync.sync.records import parse_record
from xerosync.sync.snapshot import normalise, snapshot_hash

__all__ = ["discard_dead_letter", "resolve_conflict", "retry_dead_letter"]

#: per field: "app", "xero", or ("edit", value)
Choice = str | tuple[str, Any]


def _value(choice: Choice, field: Mapping[str, Any]) -> Any:
    if choice == "app":
        return field.get("app")
    if choice == "xero":
        return field.get("xero")
    if isinstance(choice, tuple) and len(choice) == 2 and choice[0] == "edit":
        return choice[1]
    raise ValueError(f"a choice is 'app', 'xero' or ('edit', value); got {choice!r}")


def resolve_conflict(
    session: Session,
    conflict_id: int,
    choices: Mapping[str, Choice],
    *,
    by: str | None,
    now: datetime,
) -> ConflictRow:
    """Settle every field of an open conflict. The chosen values become the app's record (the
    app is told) and, where they differ from Xero's, are pushed."""
    row = session.get(ConflictRow, conflict_id)
    if row is None or row.status != "open":
        raise LookupError(f"no open conflict {conflict_id}")
    fields = {f["field"]: f for f in row.fields}
    missing = sorted(set(fields) - set(choices))
    unknown = sorted(set(choices) - set(fields))
    if missing or unknown:
        raise ValueError(
            f"conflict {conflict_id} needs a choice for each of {sorted(fields)}"
            + (f"; missing {missing}" if missing else "")
            + (f"; not in conflict {unknown}" if unknown else "")
        )
    final = {name: _value(choices[name], fields[name]) for name in fields}
    mapping = by_app(session, row.connection_id, row.entity, row.app_id or "")
    if mapping is None:
        raise LookupError(f"conflict {conflict_id}'s record is no longer mapped")
    app_data = dict(mapping.app_data or {})
    app_data.update(final)
    mapping.app_data = parse_record(row.entity, app_data).model_dump(mode="json")
    mapping.app_hash = snapshot_hash(mapping.app_data)
    base = dict(mapping.base or {})
    to_xero = {
        k: v for k, v in final.items() if normalise({k: v}) != normalise({k: fields[k].get("xero")})
    }
    # fields Xero already holds are synced now; for the rest, Xero's value as the person saw
    # it is the base, so the push's merge sends the decision and an edit made in Xero since
    # then is a new conflict, not a silent overwrite
    base.update({k: v for k, v in normalise(final).items() if k not in to_xero})
    seen = normalise({k: fields[k].get("xero") for k in to_xero})
    for name in to_xero:
        if name in seen:
            base[name] = seen[name]
        else:
            base.pop(name, None)
    mapping.base = base
    conflicts.close(
        session,
        row,
        resolution={
            "choices": {k: _describe(v) for k, v in choices.items()},
            "values": normalise(final),
        },
        by=by,
        now=now,
    )
    if to_xero or _queued(session, row):
        mapping.sync_status = "pending"
        outbox.queue(session, mapping, payload=mapping.app_data)
    else:
        mapping.sync_status = "synced"
    feed.emit_for(
        session,
        mapping,
        "conflict_resolved",
        {"fields": normalise(final), "pushed": sorted(to_xero)},
    )
    return row


def _queued(session: Session, row: ConflictRow) -> bool:
    """A change of the record waits in the outbox (it must now carry the decided values)."""
    return (
        session.scalar(
            select(OutboxRow.id).where(
                OutboxRow.connection_id == row.connection_id,
                OutboxRow.entity == row.entity,
                OutboxRow.app_id == row.app_id,
                OutboxRow.state == outbox.PENDING,
            )
        )
        is not None
    )


def _describe(choice: Choice) -> Any:
    return list(choice) if isinstance(choice, tuple) else choice


def retry_dead_letter(session: Session, letter_id: int) -> None:
    """Queue the record again as it is now in the app (fix the cause first: a code, a contact)."""
    letter = _open_letter(session, letter_id)
    mapping = by_app(session, letter.connection_id, letter.entity, letter.app_id)
    payload = (
        mapping.app_data if mapping is not None and letter.operation == "upsert" else letter.payload
    )
    version = mapping.version if mapping is not None else 0
    if mapping is not None:
        mapping.sync_status = "pending"
    outbox.add(
        session,
        connection_id=letter.connection_id,
        entity=letter.entity,
        app_id=letter.app_id,
        operation=letter.operation,
        version=version,
        payload=payload,
    )
    letter.status = "retried"


def discard_dead_letter(session: Session, letter_id: int) -> None:
    _open_letter(session, letter_id).status = "discarded"


def _open_letter(session: Session, letter_id: int) -> DeadLetter:
    letter = session.get(DeadLetter, letter_id)
    if letter is None or letter.status != "open":
        raise LookupError(f"no open dead letter {letter_id}")
    return letter
