"""API keys of the REST API: made here, shown once, kept only as a SHA-256 hash.

A key is `xs_` + 32 random bytes (`secrets.token_urlsafe`), so it has 256 bits of entropy. For
secrets that strong a single unsalted SHA-256 is the right hash: salts and slow hashes (bcrypt,
scrypt, argon2) exist to stop guessing of *low*-entropy passwords, and nobody can enumerate
2**256 keys however fast the hash. Being fast and deterministic, the hash is also what a key is
looked up by (a unique index), so checking a key is one indexed read; timing tells an attacker
nothing, since learning a prefix of a hash does not help to find a key that has it.

Each key is limited to the connections it names (`connections`, connection ids), or to none
when that is NULL (all of them). A revoked key is kept (who had it, until when) and refused.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from xerosync.store.tables import ApiKeyRow

__all__ = [
    "KEY_PREFIX",
    "TOUCH_EVERY",
    "any_active",
    "create",
    "hash_key",
    "listed",
    "revoke",
    "verify",
]

KEY_PREFIX = "xs_"
#: how many leading characters of a key are kept in clear, to recognise it by
SHOWN = 10
#: `last_used_at` is written at most this often per key (not on every request)
TOUCH_EVERY = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create(
    session: Session, *, name: str, connections: Sequence[str] | None, now: datetime
) -> tuple[ApiKeyRow, str]:
    """A new key: its row and the key itself, which is not kept and cannot be shown again."""
    name = name.strip()
    if not name or len(name) > 255:
        raise ValueError("an API key needs a name of 1 to 255 characters")
    if connections is not None and not connections:
        raise ValueError("name at least one connection, or none at all for every connection")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKeyRow(
        id=secrets.token_hex(6),
        name=name,
        key_hash=hash_key(key),
        prefix=key[:SHOWN],
        connections=sorted(set(connections)) if connections is not None else None,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row, key


def verify(session: Session, key: str, *, now: datetime) -> ApiKeyRow | None:
    """The key's row when `key` is a live key (None when unknown or revoked); its `last_used_at`
    is moved on when it is older than `TOUCH_EVERY`."""
    if not key.startswith(KEY_PREFIX):
        return None
    row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == hash_key(key)))
    if row is None or row.revoked_at is not None:
        return None
    stale = now - TOUCH_EVERY
    if row.last_used_at is None or row.last_used_at <= stale:
        # conditional, so requests racing on several processes write once between them
        session.execute(
            update(ApiKeyRow)
            .where(
                ApiKeyRow.id == row.id,
                or_(ApiKeyRow.last_used_at.is_(None), ApiKeyRow.last_used_at <= stale),
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(row, "last_used_at", now)  # written above; no second UPDATE
    return row


def revoke(session: Session, key_id: str, *, now: datetime) -> ApiKeyRow:
    row = session.get(ApiKeyRow, key_id)
    if row is None:
        raise LookupError(f"no API key {key_id!r}")
    if row.revoked_at is None:
        row.revoked_at = now
    return row


def listed(session: Session) -> list[ApiKeyRow]:
    return list(session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id)))


def any_active(session: Session) -> bool:
    found = session.scalar(
        select(func.count()).select_from(ApiKeyRow).where(ApiKeyRow.revoked_at.is_(None))
    )
    return bool(found)
