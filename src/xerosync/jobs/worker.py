"""Workers put together from `Settings`: the queue, the tasks on it, and the process's
`XeroSync` (built on the first task, once per process)."""

from __future__ import annotations

from collections.abc import Callable

from xerosync.api import XeroSync
from xerosync.compose import build_sync
from xerosync.jobs.queue import make_consumer, make_huey
from xerosync.jobs.runs import Schedule
from xerosync.jobs.tasks import Tasks, register_tasks
from xerosync.notify.email import Mailer
from xerosync.notify.incidents import Send
from xerosync.settings import Settings

__all__ = ["build_worker", "run_worker"]


def build_worker(
    settings: Settings,
    *,
    immediate: bool = False,
    sync_factory: Callable[[], XeroSync] | None = None,
) -> Tasks:
    """The queue named by `settings` with xerosync's tasks registered; the service builds the
    same to send wake-ups, a worker to run them."""
    huey = make_huey(settings, immediate=immediate)
    return register_tasks(
        huey,
        sync_factory or (lambda: build_sync(settings)),
        Schedule.from_settings(settings),
        marker_ttl=max(600.0, 2 * 60.0 * settings.sweep_every_minutes),
        notify=mailer(settings),
    )


def mailer(settings: Settings) -> Send | None:
    """E-mail for incidents when an SMTP server and recipients are set."""
    if not (settings.smtp_host and settings.notify_emails):
        return None
    return Mailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_sender,
        recipients=tuple(settings.notify_emails),
    ).send


def run_worker(
    settings: Settings,
    *,
    workers: int = 2,
    periodic: bool = True,
    serving: Callable[[Tasks], object] | None = None,
) -> None:
    """Run a consumer until SIGINT (finishes running tasks first) or SIGTERM; `serving(tasks)`
    is called first (the CLI starts the worker's metrics endpoint with it)."""
    settings.require_xero()
    tasks = build_worker(settings)
    if serving is not None:
        serving(tasks)
    make_consumer(tasks.huey, workers=workers, periodic=periodic).run()
