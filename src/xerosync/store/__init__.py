"""Durable state: SQLAlchemy 2 + Alembic, SQLite by default and PostgreSQL in production.

`Database(url)` is the entry; each module here owns one table's rules (`outbox`, `mappings`,
`inbox`, `feed`, ...) as plain functions over a `Session`, so the engine and the host API call
them inside whatever transaction they are in.
"""

from xerosync.store.db import Database

__all__ = ["Database"]
