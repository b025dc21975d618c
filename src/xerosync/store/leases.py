"""Leases: one worker at a time on a piece of work (a connection's push, its pull), across
processes. A lease has an owner and an end; a worker that dies lets its lease run out."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update

from xerosync.store.db import Database
from xerosync.store.tables import Lease

__all__ = ["acquire", "release", "renew"]


def acquire(db: Database, name: str, owner: str, *, now: datetime, ttl: float) -> bool:
    """Take `name` for `owner` until now + ttl if it is free, expired or already ours."""
    until = now + timedelta(seconds=ttl)
    with db.engine.begin() as connection:
        connection.execute(db.insert_ignore(Lease, ["name"]).values(name=name, owner="", until=now))
        taken = connection.execute(
            update(Lease)
            .where(Lease.name == name, or_(Lease.until <= now, Lease.owner == owner))
            .values(owner=owner, until=until)
        )
        return taken.rowcount == 1


def renew(db: Database, name: str, owner: str, *, now: datetime, ttl: float) -> bool:
    """Extend our lease; False if it was lost (expired and taken by another)."""
    with db.engine.begin() as connection:
        kept = connection.execute(
            update(Lease)
            .where(Lease.name == name, Lease.owner == owner)
            .values(until=now + timedelta(seconds=ttl))
        )
        return kept.rowcount == 1


def release(db: Database, name: str, owner: str) -> None:
    with db.engine.begin() as connection:
        connection.execute(delete(Lease).where(Lease.name == name, Lease.owner == owner))
