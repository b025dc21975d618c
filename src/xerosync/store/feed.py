"""The change feed: what happened, in order, for the application to read and replay.

Readers keep the `seq` of the last event they handled and ask for what comes after. Events are
written in the same transaction as the change they describe. On PostgreSQL a transaction-scoped
lock makes events commit in `seq` order, so a reader never sees seq 11 before seq 10 exists and
skips 10 for good.

Events are kept on the session and written together, in the order emitted, when it commits: one
bulk write (`insert_many`) for a page or batch instead of an ORM insert per event. Seq order is
emission order; a transaction rolled back takes its unwritten events with it.

The lock is taken last (`_write_pending`): the transaction's row changes are all flushed first,
then the lock, then the events, then the commit. Whoever holds it waits on no row, so no two
writers can deadlock over it (a push recording a batch and a pull merging a page once did, when
one took it after its row locks and the other before), and it is held for the events' write
only, not for a whole batch's recording: pushes and pulls of other organisations, and of other
workers, go on meanwhile.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session, SessionTransaction

from xerosync.store.db import insert_many
from xerosync.store.tables import FeedEvent, MappingRow, table_of, utcnow

__all__ = ["KINDS", "emit", "emit_for", "read"]

#: what an event says happened
KINDS = frozenset(
    {
        "pushed",  # the record is in Xero (xero_id, number)
        "push_failed",  # Xero refused it or it cannot be sent: see the dead letter
        "deleted",  # the app's deletion reached Xero (archived, voided or deleted)
        "paid",  # an invoice is paid in full
        "payment_received",  # a payment was applied in Xero
        "changed_in_xero",  # fields changed in Xero that the app should take
        "created_in_xero",  # a record the app did not create
        "status_changed",  # Xero's status moved (voided, deleted, ...)
        "conflict",  # both sides changed a field and a person must decide
        "conflict_resolved",
        "quarantined",  # Xero sent a record that could not be read
        "needs_reauth",  # a connection's grant is dead: a person must connect it again
    }
)

_FEED_LOCK = 0x5E5F  # any constant, shared by every writer
_LOCK = text("SELECT pg_advisory_xact_lock(:k)")
_PENDING = "feed_pending"  # session.info: (transaction, events not yet written)
_HOOKED = "feed_hooked"


def emit(
    session: Session,
    *,
    connection_id: str,
    entity: str,
    kind: str,
    app_id: str | None = None,
    xero_id: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown feed event kind {kind!r}")
    if session.get_transaction() is None:
        session.connection()  # begin: the events belong to this transaction
    _pending(session, session.get_transaction()).append(
        {
            "connection_id": connection_id,
            "entity": entity,
            "app_id": app_id,
            "xero_id": xero_id,
            "kind": kind,
            "data": dict(data or {}),
        }
    )


def _pending(session: Session, transaction: SessionTransaction | None) -> list[dict[str, Any]]:
    entry = session.info.get(_PENDING)
    if entry is None or entry[0] is not transaction:
        entry = session.info[_PENDING] = (transaction, [])
    if not session.info.get(_HOOKED):
        event.listen(session, "before_commit", _write_pending)
        session.info[_HOOKED] = True
    events: list[dict[str, Any]] = entry[1]
    return events


def _write_pending(session: Session) -> None:
    """Write the events emitted in this transaction, on its commit (never earlier: what the
    transaction wrote after the lock could wait on a row): the row changes flushed, then the
    feed's lock, then the events."""
    entry = session.info.get(_PENDING)
    if entry is None:
        return
    transaction, events = entry
    if not events or transaction is not session.get_transaction():  # rolled back with it
        session.info.pop(_PENDING, None)
        return
    session.flush()  # every row change first: nothing done under the lock waits on a row
    session.info.pop(_PENDING, None)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_LOCK, {"k": _FEED_LOCK})  # held until the commit that follows
    now = utcnow()  # in emission order, so `seq` follows it (a COPY on PostgreSQL)
    insert_many(session, table_of(FeedEvent), events, same={"created_at": now})


def emit_for(
    session: Session, mapping: MappingRow, kind: str, data: Mapping[str, Any] | None = None
) -> None:
    """An event about the record `mapping` maps."""
    emit(
        session,
        connection_id=mapping.connection_id,
        entity=mapping.entity,
        kind=kind,
        app_id=mapping.app_id,
        xero_id=mapping.xero_id,
        data=data,
    )


def read(
    session: Session,
    *,
    after: int = 0,
    limit: int = 100,
    connection_id: str | None = None,
    among: Collection[str] | None = None,
) -> list[FeedEvent]:
    """Events after `after`: of one connection, of those `among` (None: every connection).
    Committed events only: this transaction's own are written when it commits."""
    query = select(FeedEvent).where(FeedEvent.seq > after)
    if connection_id is not None:
        query = query.where(FeedEvent.connection_id == connection_id)
    if among is not None:
        query = query.where(FeedEvent.connection_id.in_(list(among)))
    return list(session.scalars(query.order_by(FeedEvent.seq).limit(limit)))
