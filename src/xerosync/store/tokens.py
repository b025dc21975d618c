"""`DatabaseTokenStore`: the client's `TokenStore` on xerosync's own database, encrypted at rest.

`lock(key)` holds across processes: a transaction-scoped advisory lock on PostgreSQL, and on
SQLite a `BEGIN IMMEDIATE` transaction (the database's single write lock). `load` and `save`
called inside the lock, on the same thread, run in that same transaction, so the rotated pair is
written by the holder of the lock and committed when the lock is let go. Outside a lock, each
call is its own short transaction.

Keep the lock short: on SQLite it holds every other writer back while Xero answers the refresh.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import OperationalError

from xerosync.store.crypto import TokenCipher
from xerosync.store.db import Database
from xerosync.store.tables import TokenGrant, utcnow
from xerosync.xero.auth.tokens import TokenLockTimeout, TokenSet

__all__ = ["DatabaseTokenStore"]

_LOCK_TIMEOUT_S = 120


def _digest(refresh_token: str | None) -> str | None:
    return hashlib.sha256(refresh_token.encode()).hexdigest() if refresh_token else None


class DatabaseTokenStore:
    def __init__(self, db: Database, cipher: TokenCipher) -> None:
        self._db = db
        self._cipher = cipher
        self._held = threading.local()

    # -- the TokenStore protocol ---------------------------------------------------------

    def load(self, key: str) -> TokenSet | None:
        with self._connection(key) as connection:
            row = connection.execute(
                select(TokenGrant.ciphertext).where(TokenGrant.key == key)
            ).first()
        if row is None or row[0] is None:
            return None
        return TokenSet.from_json(self._cipher.decrypt(row[0]))

    def save(self, key: str, tokens: TokenSet, *, replacing: str | None = None) -> bool:
        """Compare-and-set (see `xerosync.xero.auth.tokens`): with `replacing`, only inside
        this thread's `lock(key)` and only over the pair holding that refresh token."""
        ciphertext = self._cipher.encrypt(tokens.to_json().encode())
        if replacing is None:
            with self._connection(key) as connection:
                self._upsert(connection, key, ciphertext, _digest(tokens.refresh_token))
            return True
        held = self._held_map().get(key)
        if held is None:
            return False  # not our lock: another worker may have refreshed already
        written = held.execute(
            update(TokenGrant)
            .where(TokenGrant.key == key, TokenGrant.refresh_hash == _digest(replacing))
            .values(
                ciphertext=ciphertext,
                refresh_hash=_digest(tokens.refresh_token),
                version=TokenGrant.version + 1,
                updated_at=utcnow(),
            )
        )
        return written.rowcount == 1

    def delete(self, key: str) -> None:
        with self._connection(key) as connection:
            connection.execute(
                update(TokenGrant)
                .where(TokenGrant.key == key)
                .values(
                    ciphertext=None,
                    refresh_hash=None,
                    version=TokenGrant.version + 1,
                    updated_at=utcnow(),
                )
            )

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        held: dict[str, Connection] = self._held_map()
        if key in held:  # re-entered on this thread: already ours
            yield
            return
        try:
            connection = self._db.engine.connect()
            connection.begin()
            if not self._db.is_sqlite:
                connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{_LOCK_TIMEOUT_S}s'")
                connection.exec_driver_sql(
                    "SELECT pg_advisory_xact_lock(hashtextextended(%(key)s, 7))",
                    {"key": f"xerosync.token:{key}"},
                )
        except OperationalError as exc:
            raise TokenLockTimeout(
                f"another worker held the token lock for grant {key!r} too long"
            ) from exc
        held[key] = connection
        try:
            yield
            connection.commit()
        finally:
            del held[key]
            connection.close()

    # -- helpers ---------------------------------------------------------------------------

    def rotate_keys(self) -> int:
        """Re-encrypt every stored pair under the first configured key; returns how many."""
        count = 0
        with self._db.engine.begin() as connection:
            rows = connection.execute(
                select(TokenGrant.key, TokenGrant.ciphertext).where(
                    TokenGrant.ciphertext.is_not(None)
                )
            ).all()
            for key, ciphertext in rows:
                if ciphertext is None:
                    continue
                connection.execute(
                    update(TokenGrant)
                    .where(TokenGrant.key == key)
                    .values(ciphertext=self._cipher.rotate(ciphertext))
                )
                count += 1
        return count

    def _held_map(self) -> dict[str, Connection]:
        held: dict[str, Connection] | None = getattr(self._held, "map", None)
        if held is None:
            held = self._held.map = {}
        return held

    @contextmanager
    def _connection(self, key: str) -> Iterator[Connection]:
        held = self._held_map().get(key)
        if held is not None:
            yield held
            return
        with self._db.engine.begin() as connection:
            yield connection

    def _upsert(
        self, connection: Connection, key: str, ciphertext: bytes, refresh_hash: str | None
    ) -> None:
        insert = self._db.insert_ignore(TokenGrant, ["key"]).values(
            key=key, ciphertext=None, version=0, updated_at=utcnow()
        )
        connection.execute(insert)
        values: dict[str, Any] = {
            "ciphertext": ciphertext,
            "refresh_hash": refresh_hash,
            "version": TokenGrant.version + 1,
            "updated_at": utcnow(),
        }
        connection.execute(update(TokenGrant).where(TokenGrant.key == key).values(**values))
