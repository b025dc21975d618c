"""The queue: wake-ups and schedules, never the source of truth (Huey on SQLite or Redis).

    tasks = build_worker(settings)            # or register_tasks(make_huey(settings), factory)
    tasks.wake_push(connection_id)            # after the commit that stored the records
    make_consumer(tasks.huey, workers=4).run()

The outbox and inbox rows in the database are the work; a queue message only says "look".
See docs/workers.md.
"""

from xerosync.jobs.queue import EmbeddedConsumer, make_consumer, make_huey
from xerosync.jobs.runs import KeepAlive, Schedule, follow_up, keep_reports, keep_tokens_alive
from xerosync.jobs.tasks import Tasks, every, register_tasks
from xerosync.jobs.wake import wake_after_commit
from xerosync.jobs.worker import build_worker, run_worker

__all__ = [
    "EmbeddedConsumer",
    "KeepAlive",
    "Schedule",
    "Tasks",
    "build_worker",
    "every",
    "follow_up",
    "keep_reports",
    "keep_tokens_alive",
    "make_consumer",
    "make_huey",
    "register_tasks",
    "run_worker",
    "wake_after_commit",
]
