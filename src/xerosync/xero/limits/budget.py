"""Rate budgets as plain data: fixed windows counted locally, aligned to Xero's resets.

Xero counts calls in fixed windows per tenant (minute, day) and per app (minute), resetting
"at different times for each tenant", and reports what is left on every response
(`X-MinLimit-Remaining`, `X-DayLimit-Remaining`, `X-AppMinLimit-Remaining`). The local count
is the estimate; the headers are the truth, so a budget spent by someone else is noticed.

The headers do not say when a window resets, and a window guessed to start at our first call
can end up to a whole window after Xero's does. So the boundary is learned and kept: from a
429's `Retry-After` (the reset, to the second), and from the moment the reported remaining
count jumps back up (a reset between two answers). Once `aligned`, windows roll over on
Xero's grid. Until then, a minute Xero says is spent lets one call through as a probe: it
is answered (the window had reset) or refused with the `Retry-After` that aligns us. Every estimate of a
reset errs late, never early. Nothing here does I/O or reads a clock: `now` is a parameter.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from xerosync.xero.retry import parse_retry_after

_SCOPES = {
    "minute": "minute",
    "min": "minute",
    "day": "day",
    "daily": "day",
    "concurrent": "concurrent",
    "appminute": "appminute",
    "app": "appminute",
}

RETRY_AFTER_RESOLUTION = 1.0  # Xero's Retry-After is in whole seconds, rounded up
PROBE_SCOPES = frozenset({"minute"})  # 429s that carry a Retry-After and cost nothing to ask
PROBE_POLL = 60  # while a probe is out, others look again every length/PROBE_POLL


@dataclass(frozen=True)
class Window:
    """A fixed window: at most `limit` calls per `length` seconds, stored under `key`."""

    key: str
    limit: int
    length: float
    scope: str  # "minute" | "day" | "appminute"


@dataclass(frozen=True)
class WindowState:
    start: float | None = None  # None: no call seen yet
    used: int = 0
    blocked_until: float = 0.0
    aligned: bool = False  # `start` is on Xero's boundary (learned), not our first call
    reported: int | None = None  # the lowest remaining Xero reported in this window
    probed: bool = False  # a call went out past the (unaligned) limit to learn the reset


@dataclass(frozen=True)
class Admission:
    """`wait` == 0: the call was counted. Otherwise nothing was counted and `scope` says why."""

    wait: float = 0.0
    scope: str | None = None


def current(state: WindowState, window: Window, now: float) -> WindowState:
    """The state as of `now`: a window that has run out starts afresh, on Xero's grid if known."""
    if state.start is None:
        return WindowState(start=now, blocked_until=state.blocked_until)
    if now < state.start + window.length:
        return state
    if state.aligned:
        passed = math.floor((now - state.start) / window.length)
        start = state.start + passed * window.length
        return WindowState(start=start, blocked_until=state.blocked_until, aligned=True)
    return WindowState(start=now, blocked_until=state.blocked_until)


def refusal(state: WindowState, window: Window, now: float) -> Admission | None:
    """Why `state` (already `current`) holds a call back, or None if it may go."""
    if state.blocked_until > now:
        return Admission(state.blocked_until - now, window.scope)
    if state.used < window.limit:
        return None
    assert state.start is not None
    wait = max(state.start + window.length - now, 0.001)
    if state.aligned or window.scope not in PROBE_SCOPES:
        return Admission(wait, window.scope)
    if state.probed:  # its answer may align the window: look again soon
        return Admission(min(wait, window.length / PROBE_POLL), window.scope)
    if state.reported == 0:
        return None  # the probe: answered (Xero reset already), or refused with a Retry-After
    return Admission(wait, window.scope)


def admit(
    states: Sequence[WindowState], windows: Sequence[Window], now: float
) -> tuple[Admission, list[WindowState]]:
    """Count one call in every window if all have room; else say how long until they do."""
    rolled = [current(s, w, now) for s, w in zip(states, windows, strict=True)]
    for state, window in zip(rolled, windows, strict=True):
        verdict = refusal(state, window, now)
        if verdict is not None:
            return verdict, rolled
    return Admission(), [
        replace(s, used=s.used + 1, probed=s.probed or s.used >= w.limit)
        for s, w in zip(rolled, windows, strict=True)
    ]


def corrected(
    state: WindowState,
    window: Window,
    remaining: int,
    now: float,
    *,
    sent_at: float | None = None,
    slack: int = 5,
) -> WindowState:
    """Xero says `remaining` calls are left, answering a call admitted at `sent_at`.

    Within a window, headers only ever lower our idea of what is left (someone else spent
    it, or calls of ours were in flight); they never raise it, so a `limit` set lower than
    Xero's holds, and answers arriving out of order cannot hand back calls already spent.
    But a count that climbs by `slack` or more (more than out-of-order answers explain:
    Xero's concurrent limit) means Xero's window reset: a new one started by `now`.
    An answer to a call sent before the current window began says nothing about it.
    """
    state = current(state, window, now)
    assert state.start is not None
    if sent_at is not None and sent_at < state.start:
        return state
    remaining = max(0, remaining)
    if state.reported is not None and remaining >= state.reported + slack:
        return WindowState(
            start=now,
            used=max(0, window.limit - remaining),
            blocked_until=state.blocked_until,
            aligned=True,
            reported=remaining,
        )
    reported = remaining if state.reported is None else min(state.reported, remaining)
    return replace(state, used=max(state.used, window.limit - remaining), reported=reported)


def left(state: WindowState, window: Window, now: float) -> int:
    """How many calls the window has room for at `now` (0 while a 429 holds it back)."""
    state = current(state, window, now)
    if state.blocked_until > now:
        return 0
    return max(0, window.limit - state.used)


def longest_block(length: float) -> float:
    """The longest a 429 for a window of `length` seconds may hold calls back."""
    return length + RETRY_AFTER_RESOLUTION


def blocked(
    state: WindowState, window: Window, until: float, now: float, *, exact: bool = True
) -> WindowState:
    """A 429: Xero says the window is spent until `until` (at most one window and a second away:
    a server's hint of years, or `inf`, must not block a tenant for good).

    With a `Retry-After` (`exact`), that is Xero's reset to the second: align to it, unless
    the boundary we already know lies within that second (it is the sharper of the two).
    Without one, `until` is only a pause: hold calls back without moving the window.
    """
    state = current(state, window, now)
    assert state.start is not None
    until = min(until, now + longest_block(window.length)) if math.isfinite(until) else now
    if not exact:
        if state.aligned:
            return replace(state, blocked_until=max(until, state.blocked_until))
        return WindowState(
            start=until - window.length,
            used=window.limit,
            blocked_until=max(until, state.blocked_until),
        )
    end = state.start + window.length
    if state.aligned and until - RETRY_AFTER_RESOLUTION <= end <= until:
        return replace(state, used=window.limit)
    return WindowState(
        start=until - window.length,
        used=window.limit,
        blocked_until=max(until, state.blocked_until),
        aligned=True,
    )


@dataclass(frozen=True)
class Remaining:
    """What Xero says is left (None: header absent, e.g. tenantless calls)."""

    minute: int | None = None
    day: int | None = None
    app_minute: int | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> Remaining:
        lowered = {k.lower(): v for k, v in headers.items()}
        return cls(
            minute=_int(lowered.get("x-minlimit-remaining")),
            day=_int(lowered.get("x-daylimit-remaining")),
            app_minute=_int(lowered.get("x-appminlimit-remaining")),
        )


@dataclass(frozen=True)
class RateProblem:
    """A 429 read: which limit (`scope`), and Xero's `Retry-After` if it sent one."""

    scope: str
    retry_after: float | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateProblem:
        lowered = {k.lower(): v for k, v in headers.items()}
        raw = lowered.get("x-rate-limit-problem", "").strip().lower()
        # no header: assume the per-tenant minute, the common case
        scope = _SCOPES.get(raw, raw or "minute")
        return cls(scope=scope, retry_after=parse_retry_after(lowered.get("retry-after")))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
