"""Rate budgets as plain data: fixed windows counted locally, corrected from Xero's headers.

Xero counts calls in fixed windows per tenant (minute, day) and per app (minute), resetting
"at different times for each tenant", and reports what is left on every response
(`X-MinLimit-Remaining`, `X-DayLimit-Remaining`, `X-AppMinLimit-Remaining`). The local count
is the estimate; the headers are the truth, so a budget spent by someone else is noticed.
Nothing here does I/O or reads a clock: `now` is always a parameter (seconds since epoch).
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class Admission:
    """`wait` == 0: the call was counted. Otherwise nothing was counted and `scope` says why."""

    wait: float = 0.0
    scope: str | None = None


def current(state: WindowState, window: Window, now: float) -> WindowState:
    """The state as of `now`: a window that has run out starts afresh."""
    if state.start is None or now >= state.start + window.length:
        return WindowState(start=now, used=0, blocked_until=state.blocked_until)
    return state


def admit(
    states: Sequence[WindowState], windows: Sequence[Window], now: float
) -> tuple[Admission, list[WindowState]]:
    """Count one call in every window if all have room; else say how long until they do."""
    rolled = [current(s, w, now) for s, w in zip(states, windows, strict=True)]
    for state, window in zip(rolled, windows, strict=True):
        if state.blocked_until > now:
            return Admission(state.blocked_until - now, window.scope), rolled
        if state.used >= window.limit:
            assert state.start is not None
            return Admission(max(state.start + window.length - now, 0.001), window.scope), rolled
    return Admission(), [replace(s, used=s.used + 1) for s in rolled]


def corrected(state: WindowState, window: Window, remaining: int, now: float) -> WindowState:
    """Xero says `remaining` calls are left: at least `limit - remaining` are used.

    Headers only ever lower our idea of what is left (someone else spent it, or calls of
    ours were in flight); they never raise it, so a `limit` set lower than Xero's (a Starter
    tier, or a share left for other apps) holds, and concurrent answers arriving out of
    order cannot hand back calls already spent. A window Xero reset earlier than we
    thought costs at most one wait until ours ends.
    """
    state = current(state, window, now)
    return replace(state, used=max(state.used, window.limit - max(0, remaining)))


def blocked(state: WindowState, window: Window, until: float) -> WindowState:
    """Xero said the window is spent until `until`: align our window to end then."""
    return WindowState(
        start=until - window.length,
        used=window.limit,
        blocked_until=max(until, state.blocked_until),
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
