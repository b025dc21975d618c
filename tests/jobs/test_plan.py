"""The pure parts: when a task runs again, and when a schedule is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from xerosync.engine import PullReport, PushReport
from xerosync.jobs import Schedule, every, follow_up
from xerosync.settings import Settings

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        (PushReport("c", ok=3), None),
        (PushReport("c", busy=True), None),
        (PushReport("c", paused="needs_reauth", error="invalid_grant"), None),
        (PushReport("c", waiting=2), 60.0),
        (PushReport("c", error="Xero is unavailable (503)"), 60.0),
        (
            PushReport("c", error="rate limit [scope=minute until 2026-11-30T10:00:42+00:00]"),
            42.0,
        ),
        (PullReport("c", error="limit [scope=day until 2026-11-30T09:00:00+00:00]"), 1.0),
        (PullReport("c", error="limit [scope=day until not-a-date]"), 60.0),
        (PullReport("c", seen=5), None),
        (PushReport("c", deferred=50, deferred_until=NOW + timedelta(seconds=90)), 90.0),
        (PushReport("c", deferred=50, deferred_until=NOW - timedelta(seconds=5)), 1.0),
        (PushReport("c", waiting=2, deferred=50, deferred_until=NOW + timedelta(hours=2)), 60.0),
        (
            PushReport(
                "c",
                deferred=50,
                deferred_until=NOW + timedelta(hours=2),
                error="rate limit [scope=minute until 2026-11-30T10:00:42+00:00]",
            ),
            42.0,
        ),
    ],
)
def test_a_task_runs_again_only_when_it_stopped_short(
    report: PushReport | PullReport, expected: float | None
) -> None:
    assert follow_up(report, now=NOW, default=60.0) == expected


def test_every_n_minutes_is_due_once_per_n_minutes() -> None:
    due = every(15)
    minutes = [datetime(2026, 11, 30, 10, m) for m in range(60)]
    assert [m.minute for m in minutes if due(m)] == [0, 15, 30, 45]
    daily = every(24 * 60)
    assert sum(daily(datetime(2026, 11, 30, h, m)) for h in range(24) for m in range(60)) == 1


def test_the_schedule_comes_from_settings() -> None:
    settings = Settings(pull_every_minutes=5, token_keepalive_days=20, retry_after_seconds=9)
    schedule = Schedule.from_settings(settings)
    assert (schedule.pull_every_minutes, schedule.sweep_every_minutes) == (5, 5)
    assert (schedule.token_keepalive_days, schedule.retry_after_seconds) == (20, 9.0)
