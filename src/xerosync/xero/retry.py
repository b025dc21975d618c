"""When to try a call again, and how long to wait first: pure functions, tested as tables.

What is retried: 5xx answers, timeouts and connection failures (including a response lost
after the request went out). Only for calls that are safe to send twice: reads, and writes
that carry an `Idempotency-Key` (Xero answers a replay from its record of the first try).
A 4xx is never retried here: 400 means the request is wrong, 401 is handled by the auth
flow, 429 by the rate governor.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# What happened to one attempt: an HTTP status, or a kind of transport failure.
Failure = Literal["timeout", "connect", "lost"]
Outcome = int | Failure


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0  # a server hint longer than this is not waited out here


def is_replayable(method: str, idempotency_key: str | None) -> bool:
    """Can this request be sent twice without doing its work twice?"""
    return method.upper() in SAFE_METHODS or bool(idempotency_key)


def is_transient(outcome: Outcome) -> bool:
    """Would the same request plausibly succeed a little later?"""
    if isinstance(outcome, str):
        return True
    return outcome >= 500 and outcome != 501  # 501: "not implemented" will not change


def should_retry(
    outcome: Outcome, attempt: int, *, replayable: bool, policy: RetryPolicy = RetryPolicy()
) -> bool:
    """After attempt number `attempt` (1-based) ended in `outcome`, try again?"""
    return replayable and attempt < policy.max_attempts and is_transient(outcome)


def backoff(
    attempt: int,
    *,
    rng: Callable[[], float] = random.random,
    retry_after: float | None = None,
    policy: RetryPolicy = RetryPolicy(),
) -> float:
    """Seconds to wait after failed attempt `attempt`: exponential with full jitter.

    The delay is drawn uniformly from [ceiling/2, ceiling] with ceiling = base * 2**(attempt-1)
    capped at `max_delay`, so workers that failed together do not return together. A
    server's `Retry-After` is a floor (capped at `max_retry_after`).
    """
    ceiling = min(policy.max_delay, policy.base_delay * 2.0 ** max(0, attempt - 1))
    delay = ceiling / 2 + rng() * ceiling / 2
    if retry_after is not None:
        delay = max(delay, min(retry_after, policy.max_retry_after))
    return delay


def parse_retry_after(value: str | None) -> float | None:
    """`Retry-After` in seconds (Xero sends whole seconds); None if absent, not a number or not
    finite (`inf`, `nan`). A finite but absurd value is capped by whoever knows the limit's scope."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(0.0, seconds) if math.isfinite(seconds) else None
