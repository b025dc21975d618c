"""Alembic, driven from code: `upgrade(engine)` and `check(engine)` with no alembic.ini to find.

The migrations ship inside the package (`xerosync/store/migrations`), so `xerosync migrate` works
from an installed wheel as well as from a clone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from xerosync.store.tables import Base

__all__ = ["alembic_config", "pending_changes", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def pending_changes(engine: Engine) -> list[Any]:
    """What the models have that the database's schema lacks (empty when they agree)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return list(compare_metadata(context, Base.metadata))
