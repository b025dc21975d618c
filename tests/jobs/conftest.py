"""Workers against the emulator: the sync harness (SQLite and PostgreSQL) plus the tasks
registered on a queue whose worker process's `XeroSync` is the harness's."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from huey import Huey, MemoryHuey

from tests.sync.conftest import Harness, db, db_url, harness, pg_database  # noqa: F401
from xerosync.jobs import Schedule, Tasks, register_tasks

TasksFactory = Callable[[Huey], Tasks]


@pytest.fixture
def tasks_on(harness: Harness) -> TasksFactory:  # noqa: F811
    """Register the tasks on a given Huey, running the engine with the harness's XeroSync."""

    def make(huey: Huey) -> Tasks:
        return register_tasks(huey, lambda: harness.sync, Schedule(retry_after_seconds=30))

    return make


@pytest.fixture
def tasks(tasks_on: TasksFactory) -> Tasks:
    """Immediate mode: a task runs inside the call that enqueues it."""
    return tasks_on(MemoryHuey("xerosync-test", immediate=True, results=False))
