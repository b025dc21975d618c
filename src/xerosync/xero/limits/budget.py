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

A jump is only believed when it cannot be answers overtaking each other: the count rose by
more than the calls that can be in flight at once (`slack`), or the call reporting more was
admitted after the answer reporting less had arrived (Xero counted it later, so only a reset
can have given calls back).

The app's minute is learned from the headers alone (`PACED_SCOPES`): its 429s carry no
`Retry-After`, so a probe that is refused teaches nothing and costs a 429. Until its boundary
is known, a window keeps back a few calls (`reserve`) and spreads them over the rest of its
length, one every `spacing`: each is answered (Xero's window still has room: they are within
the limit), and the first answer counted after Xero's reset shows the count risen, which aligns
the window to within a spacing. If all of them were answered with no rise, Xero's window ends
in the last spacing before ours, or a little after (it holds our window's first call, so it
ends within a length of that call's arrival): the next window is aligned a `margin` after ours. An app-minute 429 (someone else spent
the minute, or a boundary was misjudged) starts such a spread afresh after a pause: only its
calls may then be refused, and each refusal pauses again.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

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
PACED_SCOPES = frozenset({"appminute"})  # 429s without Retry-After: learned from the headers
PACE_SHARE = 20  # an unaligned paced window spreads limit/PACE_SHARE calls over its length


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
    reported_at: float | None = None  # when the answer reporting `reported` arrived
    paced: int = 0  # calls of the `reserve` let through, one a `spacing`


def reserve(window: Window) -> int:
    """Calls an unaligned window of a paced scope keeps back to spread over its length."""
    if window.scope not in PACED_SCOPES:
        return 0
    return min(math.ceil(window.limit / PACE_SHARE), window.limit // 2)


def spacing(window: Window) -> float:
    """The time between two calls of a window's `reserve`: the last goes out a spacing before
    the window's end."""
    return window.length / (reserve(window) + 1)


def margin(window: Window) -> float:
    """How much later than our first call of a window Xero may count it (a second of a
    minute: it travels): a window learned from that call ends this much later, to err late."""
    return window.length / PROBE_POLL


@dataclass(frozen=True)
class Admission:
    """`wait` == 0: the call was counted. Otherwise nothing was counted and `scope` says why.
    `origin`: where the last window asked (the app's minute, for the governor) started.
    `at`: the time the verdict was reached for (a store may reach it later than asked)."""

    wait: float = 0.0
    scope: str | None = None
    origin: float | None = field(default=None, compare=False)
    at: float | None = field(default=None, compare=False)


def current(state: WindowState, window: Window, now: float) -> WindowState:
    """The state as of `now`: a window that has run out starts afresh, on Xero's grid if known."""
    if state.start is None:
        return WindowState(start=now, blocked_until=state.blocked_until)
    if now < state.start + window.length:
        return state
    if state.aligned:
        # at least one: (now - start) / length may round below 1 when now == start + length
        passed = max(1, math.floor((now - state.start) / window.length))
        start = state.start + passed * window.length
        return WindowState(start=start, blocked_until=state.blocked_until, aligned=True)
    if 0 < reserve(window) <= state.paced:
        # every call of the reserve was answered in Xero's window: it ends after the last of
        # them, and no later than a length after our first call reached Xero (`margin`)
        # (our window, moved that much later, is spent)
        moved = state.start + margin(window)
        spent = WindowState(moved, window.limit, state.blocked_until, aligned=True)
        return current(spent, window, now)
    return WindowState(start=now, blocked_until=state.blocked_until)


def refusal(state: WindowState, window: Window, now: float) -> Admission | None:
    """Why `state` (already `current`) holds a call back, or None if it may go."""
    if state.blocked_until > now:
        return Admission(state.blocked_until - now, window.scope)
    assert state.start is not None
    kept = 0 if state.aligned else reserve(window)
    if state.used < window.limit - kept:
        return None
    if state.used < window.limit:  # the reserve: one call a spacing
        due = state.start + (state.paced + 1) * spacing(window)
        return None if due <= now else Admission(due - now, window.scope)
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
            return replace(verdict, origin=rolled[-1].start, at=now), rolled
    return Admission(origin=rolled[-1].start, at=now), [
        replace(
            s,
            used=s.used + 1,
            probed=s.probed or s.used >= w.limit,
            paced=s.paced + int(not s.aligned and w.limit - reserve(w) <= s.used < w.limit),
        )
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
    the calls that can be in flight at once), or climbs at all in the answer to a call
    admitted after the lower count had arrived (Xero counted that call later), means
    Xero's window reset: a new one started by `now`.
    An answer to a call sent before the current window began says nothing about it.
    """
    state = current(state, window, now)
    assert state.start is not None
    if sent_at is not None and sent_at < state.start:
        return state
    remaining = max(0, remaining)
    low, low_at = state.reported, state.reported_at
    later = sent_at is not None and low_at is not None and sent_at > low_at
    if low is not None and (remaining >= low + slack or (later and remaining > low)):
        return WindowState(
            start=now,
            used=max(0, window.limit - remaining),
            blocked_until=state.blocked_until,
            aligned=True,
            reported=remaining,
            reported_at=now,
        )
    if low is None or remaining < low:
        low, low_at = remaining, now
    return replace(
        state, used=max(state.used, window.limit - remaining), reported=low, reported_at=low_at
    )


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
    Without one, `until` is only a pause: hold calls back without moving the window; in a
    paced scope (the app's minute) the reset is then looked for afresh: after the pause the
    window's `reserve` goes out one a spacing, until an answer shows the count risen.
    """
    state = current(state, window, now)
    assert state.start is not None
    until = min(until, now + longest_block(window.length)) if math.isfinite(until) else now
    if not exact and reserve(window) > 0:
        # after the pause, the reserve's first call: Xero's window ends within a length of
        # now, so the new one (from a spacing before the pause ends) ends no earlier
        resume = max(until, now)
        return WindowState(
            start=resume - spacing(window),
            used=window.limit - reserve(window),
            blocked_until=max(resume, state.blocked_until),
            reported=0,
            reported_at=now,
        )
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
