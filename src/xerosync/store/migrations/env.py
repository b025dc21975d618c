"""Alembic environment: the engine comes from `xerosync.store.migrate` (config.attributes)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from xerosync.store.tables import Base

engine: Engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
