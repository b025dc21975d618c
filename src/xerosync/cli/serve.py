"""`xerosync serve`: the service (connect, webhooks, REST, metrics) under uvicorn, configured
from the environment (`XEROSYNC_*`, see `xerosync.settings`)."""

from __future__ import annotations

import logging

import typer
import uvicorn

from xerosync.errors import ConfigError
from xerosync.service import create_app
from xerosync.settings import Settings

__all__ = ["serve"]


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8000, help="TCP port to listen on."),
) -> None:
    """Run the service: /connect, /webhooks/xero, /v1 (REST), /healthz, /metrics."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        app = create_app(Settings())
    except ConfigError as exc:
        typer.echo(f"xerosync serve: {exc}", err=True)
        raise typer.Exit(2) from exc
    uvicorn.run(app, host=host, port=port, log_level="info")
