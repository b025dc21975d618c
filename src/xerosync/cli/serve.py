"""`xerosync serve`: the service (connect, webhooks, REST, metrics) under uvicorn, configured
from the environment (`XEROSYNC_*`, see `xerosync.settings`)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import typer
import uvicorn

from xerosync.cli.logs import setup_logging
from xerosync.errors import ConfigError
from xerosync.jobs import EmbeddedConsumer, Tasks, build_worker
from xerosync.service import create_app
from xerosync.settings import Settings

__all__ = ["serve"]


class _NoQueryStrings(logging.Filter):
    """Access-log lines without query strings: `/callback?code=...` carries a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            args[2] = str(args[2]).split("?", 1)[0]
            record.args = tuple(args)
        return True


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
    setup_logging(logging.INFO, "%(asctime)s %(name)s %(message)s")
    settings = Settings()
    try:
        tasks = build_worker(settings)
        app = create_app(settings, wake=waker(tasks))
    except ConfigError as exc:
        typer.echo(f"xerosync serve: {exc}", err=True)
        raise typer.Exit(2) from exc
    logging.getLogger("uvicorn.access").addFilter(_NoQueryStrings())
    consumer = (
        EmbeddedConsumer.over(tasks.huey, workers=workers, periodic=True) if workers else None
    )
    if consumer is not None:
        consumer.start()
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)


def waker(tasks: Tasks) -> Callable[[str, str], None]:
    """The service's `wake(kind, connection_id)`, sent through the workers' queue."""
    senders = {"push": tasks.wake_push, "pull": tasks.wake_pull, "inbox": tasks.wake_inbox}

    def wake(kind: str, connection_id: str) -> None:
        senders[kind](connection_id)

    return wake
