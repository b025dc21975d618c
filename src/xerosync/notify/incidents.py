"""Incidents: open once, notify once, resolve, and only then notify again if it reopens.

`watch_connection` looks at one connection after a worker ran it and opens or resolves its two
incidents: "needs re-authorisation" and "dead letters waiting" (at least `dead_letter_threshold`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select, update

from xerosync.store import connections, feed
from xerosync.store.db import Database
from xerosync.store.tables import DeadLetter, Incident

__all__ = ["open_incident", "resolve_incident", "watch_connection"]

Send = Callable[[str, str], None]  # (subject, body)


def open_incident(
    db: Database, key: str, *, subject: str, body: str, now: datetime, send: Send
) -> bool:
    """Open `key` unless it is open already; tell a person only when it opens. True if told."""
    with db.transaction() as session:
        row = session.get(Incident, key)
        if row is not None and row.resolved_at is None:
            return False
        if row is None:
            row = Incident(key=key, subject=subject, opened_at=now)
            session.add(row)
        row.subject, row.opened_at, row.resolved_at, row.notified_at = subject, now, None, None
    send(subject, body)  # after the commit: a crash here loses a mail, never sends two
    with db.transaction() as session:
        session.execute(update(Incident).where(Incident.key == key).values(notified_at=now))
    return True


def resolve_incident(db: Database, key: str, *, now: datetime) -> None:
    with db.transaction() as session:
        session.execute(
            update(Incident)
            .where(Incident.key == key, Incident.resolved_at.is_(None))
            .values(resolved_at=now)
        )


def watch_connection(
    db: Database,
    connection_id: str,
    *,
    now: datetime,
    send: Send,
    dead_letter_threshold: int = 1,
) -> list[str]:
    """Open or resolve this connection's incidents; returns the keys a person was told about."""
    told: list[str] = []
    with db.transaction() as session:
        connection = connections.get(session, connection_id)
        name, status = connection.tenant_name or connection.tenant_id, connection.status
        letters = (
            session.scalar(
                select(func.count())
                .select_from(DeadLetter)
                .where(DeadLetter.connection_id == connection_id, DeadLetter.status == "open")
            )
            or 0
        )
    reauth = f"needs_reauth:{connection_id}"
    if status == connections.NEEDS_REAUTH:
        subject = f"xerosync: reconnect {name} to keep it in sync"
        body = (
            f"Xero no longer accepts xerosync's access to {name}: the grant was revoked or "
            "expired. Its work is kept and paused. Connect the organisation again (the "
            "service's /connect page, or `xerosync connect`) and it resumes where it stopped."
        )
        if open_incident(db, reauth, subject=subject, body=body, now=now, send=send):
            told.append(reauth)
            with db.transaction() as session:
                feed.emit(
                    session,
                    connection_id=connection_id,
                    entity="connections",
                    kind="needs_reauth",
                    data={"tenant": name},
                )
    else:
        resolve_incident(db, reauth, now=now)
    stuck = f"dead_letters:{connection_id}"
    if letters >= dead_letter_threshold:
        subject = f"xerosync: {letters} record(s) for {name} need a person"
        body = (
            f"{letters} record(s) could not be sent to Xero for {name}; each dead letter holds "
            "Xero's messages. Fix the cause, then retry or discard them (dashboard, "
            "`xerosync dead-letters`, or the REST API)."
        )
        if open_incident(db, stuck, subject=subject, body=body, now=now, send=send):
            told.append(stuck)
    else:
        resolve_incident(db, stuck, now=now)
    return told
