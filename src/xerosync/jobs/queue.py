"""The queue: Huey on SQLite (embedded, the default), on Redis (production, several hosts), or in
memory and immediate (tests: a task runs inside the call that enqueues it).

There is no module-level Huey: the composition root (`xerosync.jobs.worker.build_worker`, the
service's app factory) builds one from `Settings` and registers the tasks on it.

`EmbeddedConsumer` is Huey's consumer without the process-wide signal handlers, for running
workers on threads inside another program (the demo, tests); `xerosync worker` runs the plain
consumer, which stops on SIGINT (finishing running tasks) or SIGTERM.
"""

from __future__ import annotations

from typing import Any

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

from xerosync.settings import Settings

__all__ = ["EmbeddedConsumer", "make_consumer", "make_huey"]


def make_huey(settings: Settings, *, immediate: bool = False) -> Huey:
    """`MemoryHuey` running tasks at once when `immediate`; else `RedisHuey` when
    `settings.redis_url` is set; else `SqliteHuey` in the file `settings.queue_path`."""
    name = settings.queue_name
    if immediate:
        return MemoryHuey(name, immediate=True, results=False)
    if settings.redis_url:
        return RedisHuey(name, url=settings.redis_url, results=False)
    return SqliteHuey(name, filename=settings.queue_path, results=False)


def make_consumer(
    huey: Huey, *, workers: int = 2, periodic: bool = True, **options: Any
) -> Consumer:
    """Huey's consumer with `workers` threads (a task spends its time waiting on Xero and the
    database, so threads are enough); `periodic` runs the schedules (the sweeper, the pulls,
    the token keep-alive): run at least one consumer with it."""
    return huey.create_consumer(workers=workers, worker_type="thread", periodic=periodic, **options)


class EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """A consumer started with `start()` and ended with `stop(graceful=True)` by its host
    program, which keeps its own signal handling."""

    def _set_signal_handlers(self) -> None:
        return None

    @classmethod
    def over(
        cls, huey: Huey, *, workers: int = 2, periodic: bool = False, **options: Any
    ) -> EmbeddedConsumer:
        return cls(huey, workers=workers, periodic=periodic, worker_type="thread", **options)
