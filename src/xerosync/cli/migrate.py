"""`xerosync migrate`: bring the database named by XEROSYNC_DATABASE_URL to the newest schema."""

from __future__ import annotations

import typer
from rich.console import Console

from xerosync.settings import Settings
from xerosync.store.db import Database

__all__ = ["migrate"]


def migrate() -> None:
    """Create or upgrade xerosync's tables (Alembic `upgrade head`; SQLite or PostgreSQL)."""
    settings = Settings()
    database = Database(settings.database_url)
    try:
        database.migrate()
    finally:
        database.dispose()
    Console().print(
        f"[green]schema up to date[/green] ({database.engine.url.render_as_string(hide_password=True)})"
    )
    raise typer.Exit(0)
