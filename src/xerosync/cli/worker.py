"""`xerosync worker`: run the queue's tasks (pushes, pulls, webhook pulls, schedules)."""

from __future__ import annotations

import typer

from xerosync.cli.logs import setup_logging
from xerosync.jobs import run_worker
from xerosync.settings import Settings

__all__ = ["worker"]


def worker(
    workers: int = typer.Option(2, "--workers", min=1, help="Worker threads in this process."),
    periodic: bool = typer.Option(
        True,
        "--periodic/--no-periodic",
        help="Run the schedules (sweeper, periodic pulls, token keep-alive) in this process.",
    ),
    log_level: str | None = typer.Option(
        None, help="DEBUG, INFO, WARNING or ERROR (default: XEROSYNC_LOG_LEVEL)."
    ),
) -> None:
    """Run workers on the queue named by the XEROSYNC_* environment (a SQLite file by default,
    Redis when XEROSYNC_REDIS_URL is set). Ctrl-C stops after the running tasks; see
    docs/workers.md."""
    settings = Settings()
    setup_logging(level=log_level or settings.log_level, fmt=settings.log_format)
    run_worker(settings, workers=workers, periodic=periodic)
