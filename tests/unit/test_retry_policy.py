"""Retry decisions and backoff as tables (pure: no clock, no I/O)."""

from __future__ import annotations

import pytest

from xerosync.xero.retry import (
    RetryPolicy,
    backoff,
    is_replayable,
    parse_retry_after,
    should_retry,
)


@pytest.mark.parametrize(
    ("method", "key", "replayable"),
    [
        ("GET", None, True),
        ("get", None, True),
        ("HEAD", None, True),
        ("PUT", None, False),
        ("POST", None, False),
        ("DELETE", None, False),
        ("PUT", "k-1", True),
        ("POST", "k-1", True),
        ("POST", "", False),
    ],
)
def test_only_reads_and_keyed_writes_are_replayable(
    method: str, key: str | None, replayable: bool
) -> None:
    assert is_replayable(method, key) is replayable


@pytest.mark.parametrize(
    ("outcome", "attempt", "replayable", "expected"),
    [
        (503, 1, True, True),
        (500, 1, True, True),
        (502, 3, True, True),
        (503, 4, True, False),  # attempts spent (max 4)
        (501, 1, True, False),  # not implemented never changes
        (400, 1, True, False),  # never retry a 400
        (404, 1, True, False),
        (401, 1, True, False),  # the auth flow handles 401s
        (429, 1, True, False),  # the governor handles 429s
        ("timeout", 1, True, True),
        ("connect", 2, True, True),
        ("lost", 1, True, True),
        (503, 1, False, False),  # a write without an idempotency key
        ("lost", 1, False, False),  # a lost write response may have committed
    ],
)
def test_should_retry(outcome: int | str, attempt: int, replayable: bool, expected: bool) -> None:
    assert should_retry(outcome, attempt, replayable=replayable) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("attempt", "rng", "retry_after", "expected"),
    [
        (1, 0.0, None, 0.25),  # ceiling 0.5 -> [0.25, 0.5]
        (1, 1.0, None, 0.5),
        (2, 0.0, None, 0.5),  # ceiling 1.0
        (3, 1.0, None, 2.0),  # ceiling 2.0
        (10, 1.0, None, 30.0),  # capped at max_delay
        (10, 0.0, None, 15.0),
        (1, 0.0, 7.0, 7.0),  # Retry-After is a floor
        (3, 1.0, 1.0, 2.0),  # ... but not a ceiling
        (1, 0.0, 10_000.0, 120.0),  # an absurd hint is capped
    ],
)
def test_backoff_is_exponential_with_jitter(
    attempt: int, rng: float, retry_after: float | None, expected: float
) -> None:
    assert backoff(attempt, rng=lambda: rng, retry_after=retry_after) == pytest.approx(expected)


def test_jitter_spreads_workers_that_failed_together() -> None:
    delays = {backoff(3, rng=lambda v=v: v / 10) for v in range(11)}
    assert len(delays) == 11
    assert min(delays) == pytest.approx(1.0)
    assert max(delays) == pytest.approx(2.0)


def test_policy_changes_the_number_of_attempts() -> None:
    policy = RetryPolicy(max_attempts=2)
    assert should_retry(503, 1, replayable=True, policy=policy)
    assert not should_retry(503, 2, replayable=True, policy=policy)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("30", 30.0), (" 5 ", 5.0), ("0", 0.0), ("-3", 0.0), ("soon", None), (None, None)],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds
