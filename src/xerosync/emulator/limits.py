"""Xero's rate limits: per app per tenant (minute, day, concurrent) and per app (minute).

Windows are fixed, not rolling, and each tenant's boundaries are shifted by an offset
derived from its id, so two organisations' minutes (and days) reset at different
moments, as Xero's limits page says. The app-wide minute is shifted by the client id.
Lengths come from `EmulatorConfig.minute_seconds`/`day_seconds` and time from the
injected clock, so tests can spend a "minute" and then move the clock on.

"Another app" (another worker of the same app, or someone else's script) can spend a
tenant's budget: `spend()` takes N calls at once, and a `Spender` consumes evenly through
every window until it is stopped. Its calls count in the same counters the headers report.

Calls refused with a 429 are not counted. Counting is guarded by a lock: the emulator's
handlers may run in a thread pool.
"""

from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import dataclass, field
from typing import Any

from xerosync.clock import Clock
from xerosync.emulator.config import EmulatorConfig

DAY_HEADER = "X-DayLimit-Remaining"
MINUTE_HEADER = "X-MinLimit-Remaining"
APP_MINUTE_HEADER = "X-AppMinLimit-Remaining"


@dataclass(frozen=True)
class Admission:
    """The outcome of asking for a call slot: headers to send, and a refusal if any."""

    headers: dict[str, str]
    problem: str | None = None  # "minute" | "day" | "concurrent" | "appminute"
    retry_after: int | None = None
    holds_slot: bool = False  # a concurrent slot was taken: `release()` it when done


@dataclass(frozen=True)
class Window:
    """One fixed window: [start, end) in clock seconds, numbered by `index`."""

    index: int
    start: float
    end: float


def offset_for(key: str, length: float, kind: str) -> float:
    """A stable offset in [0, length) for `key`: the same id always gets the same boundaries."""
    digest = hashlib.sha256(f"{kind}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 * length


def window_at(t: float, length: float, offset: float) -> Window:
    index = math.floor((t - offset) / length)
    start = offset + index * length
    return Window(index, start, start + length)


def seconds_until(window: Window, t: float) -> int:
    """Whole seconds until the window resets, rounded up, at least 1 (Retry-After)."""
    return max(1, math.ceil(window.end - t))


@dataclass
class Counter:
    """Calls counted in one window; a new window starts from zero."""

    window: int | None = None
    used: int = 0

    def at(self, window: Window) -> int:
        return self.used if self.window == window.index else 0

    def add(self, window: Window, calls: int) -> None:
        if self.window != window.index:
            self.window, self.used = window.index, 0
        self.used += calls


@dataclass
class Spender:
    """A background caller spending `per_minute` calls evenly through every minute, or, with
    `burst`, all of them the moment each minute begins (a competitor faster than you: what
    it takes is gone however early in the window you call)."""

    per_minute: float
    started: float
    burst: bool = False

    def spent(self, window: Window, t: float, minute_seconds: float) -> int:
        begin = max(window.start, self.started)
        if t <= begin:
            return 0
        minutes = (t - begin) / minute_seconds
        if self.burst:
            return math.floor(self.per_minute * math.ceil(minutes))
        return math.floor(self.per_minute * minutes)


@dataclass
class TenantBudget:
    minute_offset: float
    day_offset: float
    minute: Counter = field(default_factory=Counter)
    day: Counter = field(default_factory=Counter)
    in_progress: int = 0
    spender: Spender | None = None


@dataclass
class AppBudget:
    offset: float
    minute: Counter = field(default_factory=Counter)


class RateLimiter:
    """Counts calls per (app, tenant) and per app; says when one is over a limit."""

    def __init__(self, config: EmulatorConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self._lock = threading.Lock()
        self._tenants: dict[tuple[str, str], TenantBudget] = {}
        self._apps: dict[str, AppBudget] = {}
        self._spending: dict[tuple[str, str], TenantBudget] = {}  # those with a spender

    # -- the gate's side ---------------------------------------------------------------

    def acquire(self, client_id: str, tenant_id: str | None) -> Admission:
        """Count one call, or refuse it; `tenant_id=None` for tenantless calls (/connections)."""
        if not self.config.rate_limits_enabled:
            return Admission(headers={})
        cfg = self.config
        with self._lock:
            t = self._now()
            app_window, app_used = self._app_usage(client_id, t)
            app_left = cfg.app_minute_limit - app_used
            if tenant_id is None:
                if app_left <= 0:
                    return Admission({APP_MINUTE_HEADER: "0"}, "appminute")
                self._apps[client_id].minute.add(app_window, 1)
                return Admission({APP_MINUTE_HEADER: str(app_left - 1)})
            budget = self._tenant(client_id, tenant_id)
            minute, minute_used = self._minute_usage(budget, t)
            day, day_used = self._day_usage(budget, t)
            left = {
                "day": cfg.day_limit - day_used,
                "minute": cfg.minute_limit - minute_used,
                "appminute": app_left,
                "concurrent": cfg.concurrent_limit - budget.in_progress,
            }
            problem = next((name for name, n in left.items() if n <= 0), None)
            if problem is not None:
                retry = {"day": day, "minute": minute}.get(problem)
                return Admission(
                    _headers(left["day"], left["minute"], app_left),
                    problem,
                    seconds_until(retry, t) if retry else None,
                )
            budget.minute.add(minute, 1)
            budget.day.add(day, 1)
            self._apps[client_id].minute.add(app_window, 1)
            budget.in_progress += 1
            headers = _headers(left["day"] - 1, left["minute"] - 1, app_left - 1)
            return Admission(headers, holds_slot=True)

    def release(self, client_id: str, tenant_id: str | None) -> None:
        """Give back the concurrent slot of a call that has finished (however it ended)."""
        if tenant_id is None:
            return
        with self._lock:
            budget = self._tenants.get((client_id, tenant_id))
            if budget is not None and budget.in_progress > 0:
                budget.in_progress -= 1

    # -- "another app" and the admin API -----------------------------------------------

    def spend(self, client_id: str, tenant_id: str, calls: int) -> None:
        """Spend `calls` from the tenant's minute and day budgets (and the app's minute) now."""
        with self._lock:
            t = self._now()
            budget = self._tenant(client_id, tenant_id)
            budget.minute.add(self._minute_window(budget, t), calls)
            budget.day.add(self._day_window(budget, t), calls)
            app_window, _ = self._app_usage(client_id, t)
            self._apps[client_id].minute.add(app_window, calls)

    def set_spender(
        self, client_id: str, tenant_id: str, per_minute: float, *, burst: bool = False
    ) -> None:
        """Start (or change, or with 0 stop) a background spender on the tenant's budget.

        What the previous spender has spent in the current windows stays spent.
        """
        with self._lock:
            t = self._now()
            budget = self._tenant(client_id, tenant_id)
            if budget.spender is not None:
                minute = self._minute_window(budget, t)
                day = self._day_window(budget, t)
                app = window_at(t, self.config.minute_seconds, self._app(client_id).offset)
                budget.minute.add(minute, self._spent(budget, minute, t))
                budget.day.add(day, self._spent(budget, day, t))
                self._apps[client_id].minute.add(app, self._spent(budget, app, t))
            budget.spender = Spender(per_minute, t, burst) if per_minute > 0 else None
            if budget.spender is None:
                self._spending.pop((client_id, tenant_id), None)
            else:
                self._spending[(client_id, tenant_id)] = budget

    def counters(self, client_id: str, tenant_id: str | None) -> dict[str, Any]:
        """What the headers would say now, with the limits and when each window resets."""
        cfg = self.config
        with self._lock:
            t = self._now()
            app_window, app_used = self._app_usage(client_id, t)
            out: dict[str, Any] = {
                "enabled": cfg.rate_limits_enabled,
                "app_minute": _count(cfg.app_minute_limit, app_used, app_window, t),
            }
            if tenant_id is None:
                return out
            budget = self._tenant(client_id, tenant_id)
            minute, minute_used = self._minute_usage(budget, t)
            day, day_used = self._day_usage(budget, t)
            out["minute"] = _count(cfg.minute_limit, minute_used, minute, t)
            out["day"] = _count(cfg.day_limit, day_used, day, t)
            out["concurrent"] = {"limit": cfg.concurrent_limit, "in_progress": budget.in_progress}
            spender = budget.spender
            out["spender"] = (
                None
                if spender is None
                else {"per_minute": spender.per_minute, "burst": spender.burst}
            )
            return out

    def configure(self, **changes: float | int | bool) -> None:
        """Change limits while running (e.g. the 1,000-a-day Starter plan).

        New window lengths start every tenant's windows afresh.
        """
        with self._lock:
            for name, value in changes.items():
                setattr(self.config, name, value)
            if {"minute_seconds", "day_seconds"} & changes.keys():
                for key, budget in list(self._tenants.items()):
                    fresh = self._new_budget(key[1])
                    fresh.in_progress, fresh.spender = budget.in_progress, budget.spender
                    self._tenants[key] = fresh
                self._spending = {k: self._tenants[k] for k in self._spending}
                self._apps.clear()

    def reset(self) -> None:
        """Forget every count and spender (calls in progress keep their slots)."""
        with self._lock:
            for budget in self._tenants.values():
                budget.minute, budget.day, budget.spender = Counter(), Counter(), None
            self._apps.clear()
            self._spending.clear()

    # -- internals (call with the lock held) -------------------------------------------

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def _tenant(self, client_id: str, tenant_id: str) -> TenantBudget:
        key = (client_id, tenant_id)
        budget = self._tenants.get(key)
        if budget is None:
            budget = self._tenants[key] = self._new_budget(tenant_id)
        return budget

    def _new_budget(self, tenant_id: str) -> TenantBudget:
        return TenantBudget(
            minute_offset=offset_for(tenant_id, self.config.minute_seconds, "minute"),
            day_offset=offset_for(tenant_id, self.config.day_seconds, "day"),
        )

    def _app(self, client_id: str) -> AppBudget:
        app = self._apps.get(client_id)
        if app is None:
            app = AppBudget(offset_for(client_id, self.config.minute_seconds, "app"))
            self._apps[client_id] = app
        return app

    def _minute_window(self, budget: TenantBudget, t: float) -> Window:
        return window_at(t, self.config.minute_seconds, budget.minute_offset)

    def _day_window(self, budget: TenantBudget, t: float) -> Window:
        return window_at(t, self.config.day_seconds, budget.day_offset)

    def _minute_usage(self, budget: TenantBudget, t: float) -> tuple[Window, int]:
        window = self._minute_window(budget, t)
        return window, budget.minute.at(window) + self._spent(budget, window, t)

    def _day_usage(self, budget: TenantBudget, t: float) -> tuple[Window, int]:
        window = self._day_window(budget, t)
        return window, budget.day.at(window) + self._spent(budget, window, t)

    def _spent(self, budget: TenantBudget, window: Window, t: float) -> int:
        """Calls the tenant's background spender has made in `window` so far."""
        if budget.spender is None:
            return 0
        return budget.spender.spent(window, t, self.config.minute_seconds)

    def _app_usage(self, client_id: str, t: float) -> tuple[Window, int]:
        """The app's minute window now and the calls in it, background spenders included."""
        app = self._app(client_id)
        window = window_at(t, self.config.minute_seconds, app.offset)
        used = app.minute.at(window)
        for (owner, _), budget in self._spending.items():
            if owner == client_id:
                used += self._spent(budget, window, t)
        return window, used


def _headers(day_left: int, minute_left: int, app_left: int) -> dict[str, str]:
    return {
        DAY_HEADER: str(max(0, day_left)),
        MINUTE_HEADER: str(max(0, minute_left)),
        APP_MINUTE_HEADER: str(max(0, app_left)),
    }


def _count(limit: int, used: int, window: Window, t: float) -> dict[str, Any]:
    return {
        "limit": limit,
        "used": used,
        "remaining": max(0, limit - used),
        "resets_in": round(window.end - t, 3),
    }
