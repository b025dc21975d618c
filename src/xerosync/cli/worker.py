"""`xerosync worker`: run the queue's tasks (pushes, pulls, webhook pulls, schedules)."""

from __future__ import annotations

import typer
from prometheus_client import start_http_server

from xerosync.cli.logs import setup_logging
from xerosync.jobs import Tasks, run_worker
from xerosync.service.metrics import worker_registry
from xerosync.settings import Settings

__all__ = ["worker"]


def worker(
    workers: int = typer.Option(2, "--workers", min=1, help="Worker threads in this process."),
    periodic: bool = typer.Option(
        True,
        "--periodic/--no-periodic",
        help="Run the schedules (sweeper, periodic pulls, token keep-alive) in this process.",
    ),
    metrics_port: int = typer.Option(
        0, help="Serve this worker's Prometheus metrics (calls, 429s, budgets) on this port."
    ),
    metrics_host: str = typer.Option("127.0.0.1", help="Interface for --metrics-port."),
    log_level: str | None = typer.Option(
        None, help="DEBUG, INFO, WARNING or ERROR (default: XEROSYNC_LOG_LEVEL)."
    ),
) -> None:
    """Run workers on the queue named by the XEROSYNC_* environment (a SQLite file by default,
    Redis when XEROSYNC_REDIS_URL is set). Ctrl-C stops after the running tasks; see
    docs/workers.md."""
    settings = Settings()
    setup_logging(level=log_level or settings.log_level, fmt=settings.log_format)
    run_worker(
        settings,
        workers=workers,
        periodic=periodic,
        serving=(lambda tasks: _metrics(tasks, metrics_host, metrics_port))
        if metrics_port
        else None,
    )


def _metrics(tasks: Tasks, host: str, port: int) -> None:
    start_http_server(port, addr=host, registry=worker_registry(tasks.sync))
