"""Leases: one worker at a time on a piece of work (a connection's push, its pull), across
processes. A lease has an owner and an end; a worker that dies lets its lease run out.

`acquire` says what it took over: a lease that was free (never taken, released) or already
ours, or one whose other owner merely let it run out; that owner may still be working (a
stalled worker, a call that outlived the lease), which a push must allow for before it sends
that owner's batches again (see `xerosync.engine.push`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from xerosync.store.db import Database
from xerosync.store.tables import Lease

__all__ = ["Taken", "acquire", "hand_back", "release", "renew"]


@dataclass(frozen=True)
class Taken:
    """What `acquire` did: truthy when the lease is ours now. `previous` and `until` name the
    other owner whose lease had run out when it was taken (None: it was free or ours)."""

    taken: bool
    previous: str | None = None
    until: datetime | None = None

    def __bool__(self) -> bool:
        return self.taken


def acquire(db: Database, name: str, owner: str, *, now: datetime, ttl: float) -> Taken:
    """Take `name` for `owner` until now + ttl if it is free, expired or already ours."""
    with db.engine.begin() as connection:
        connection.execute(db.insert_ignore(Lease, ["name"]).values(name=name, owner="", until=now))
        # locked until the commit (PostgreSQL; SQLite's writer holds the database since the
        # insert): the owner read is the one replaced
        held = connection.execute(
            select(Lease.owner, Lease.until).where(Lease.name == name).with_for_update()
        ).one_or_none()
        if held is None:  # released by its holder since the insert found it: busy, as before
            return Taken(False)
        taken = connection.execute(
            update(Lease)
            .where(Lease.name == name, or_(Lease.until <= now, Lease.owner == owner))
            .values(owner=owner, until=now + timedelta(seconds=ttl))
        )
        if taken.rowcount != 1:
            return Taken(False)
        if held.owner in ("", owner):
            return Taken(True)
        return Taken(True, previous=held.owner, until=held.until)


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


def hand_back(db: Database, name: str, owner: str, taken: Taken) -> None:
    """Release a lease taken from another owner as if it had never been taken: that owner's,
    run out at the same moment, so the next worker to take it allows for the same owner (a
    plain `release` would let it believe the lease was let go cleanly)."""
    if taken.previous is None or taken.until is None:
        release(db, name, owner)
        return
    with db.engine.begin() as connection:
        connection.execute(
            update(Lease)
            .where(Lease.name == name, Lease.owner == owner)
            .values(owner=taken.previous, until=taken.until)
        )
