"""`xerosync serve`: the service (connect, webhooks, REST, metrics) under uvicorn, configured
from the environment (`XEROSYNC_*`, see `xerosync.settings`)."""

from __future__ import annotations

from collections.abc import Callable

import typer
import uvicorn

from xerosync.cli.logs import setup_logging
from xerosync.compose import build_sync
from xerosync.errors import ConfigError
from xerosync.jobs import EmbeddedConsumer, Tasks, build_worker
from xerosync.service import create_app
from xerosync.settings import Settings

__all__ = ["serve"]


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to bind."),
    port: int = typer.Option(8000, help="TCP port to listen on."),
    workers: int = typer.Option(
        0,
        "--workers",
        min=0,
        help="Also run this many worker threads in this process (embedded defaults: one "
        "machine, no separate `xerosync worker`); 0 leaves the work to `xerosync worker`.",
    ),
) -> None:
    """Run the service: /connect, /webhooks/xero, /v1 (REST), /healthz, /metrics. Records and
    webhook events it stores wake the workers through the queue the settings name."""
    settings = Settings()
    setup_logging(level=settings.log_level, fmt=settings.log_format)
    try:
        sync = build_sync(settings)
        # embedded workers share the service's XeroSync: one client, one count of the budgets
        tasks = build_worker(settings, sync_factory=lambda: sync)
        app = create_app(settings, sync=sync, wake=tasks.wake)
    except ConfigError as exc:
        typer.echo(f"xerosync serve: {exc}", err=True)
        raise typer.Exit(2) from exc
    consumer = (
        EmbeddedConsumer.over(tasks.huey, workers=workers, periodic=True) if workers else None
    )
    if consumer is not None:
        consumer.start()
    try:
        uvicorn.run(app, host=host, port=port, log_config=None)
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)
        sync.close()


def waker(tasks: Tasks) -> Callable[[str, str], None]:
    """The service's `wake(kind, connection_id)`, sent through the workers' queue."""
    return tasks.wake
