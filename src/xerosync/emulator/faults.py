"""Scripted faults: 5xx bursts, latency, lost responses, organisations offline, maintenance.

Pure bookkeeping: the gate (`access.py`) asks `plan()` what should happen to a call that
has been admitted, and turns the answer into HTTP. Scripted faults fire for the next N
matching calls (or, for latency, until cleared), optionally only for a method, a path
prefix (matched case-insensitively, e.g. `/api.xro/2.0/Contacts`) or a tenant.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from xerosync.clock import Clock

MAINTENANCE_MESSAGE = "The Xero API is currently offline for maintenance"
ORG_OFFLINE_MESSAGE = "The Organisation is offline"
DEFAULT_BODIES = {
    500: "An error occurred in Xero. Check the API Status page for current service status.",
    503: "The Xero API is temporarily unavailable",
}

Kind = Literal["error", "latency", "lost_response"]


@dataclass(frozen=True)
class Match:
    """Which calls a fault applies to; None matches anything."""

    method: str | None = None
    path_prefix: str | None = None
    tenant_id: str | None = None

    def matches(self, method: str, path: str, tenant_id: str | None) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        if self.path_prefix is not None and not path.lower().startswith(self.path_prefix.lower()):
            return False
        return self.tenant_id is None or self.tenant_id == tenant_id


@dataclass
class Fault:
    id: int
    kind: Kind
    match: Match
    remaining: int | None  # calls left to affect; None: until cleared
    status: int | None = None  # error
    body: str | None = None  # error
    seconds: float | None = None  # latency
    fired: int = 0

    def describe(self) -> dict[str, Any]:
        out = asdict(self)
        out.update(out.pop("match"))
        return {k: v for k, v in out.items() if v is not None or k == "remaining"}


@dataclass(frozen=True)
class Plan:
    """What to do to one admitted call."""

    delay: float = 0.0
    error: tuple[int, str] | None = None  # (status, plain-text body) instead of the handler
    lose_response: bool = False  # run the handler, then drop the connection
    fault_ids: tuple[int, ...] = field(default_factory=tuple)


class FaultInjector:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._faults: list[Fault] = []
        self.maintenance = False
        self.offline_tenants: set[str] = set()

    # -- scripting ---------------------------------------------------------------------

    def add_error(self, status: int, count: int, match: Match, body: str | None = None) -> Fault:
        text = body if body is not None else DEFAULT_BODIES.get(status, "Server error")
        return self._add(Fault(0, "error", match, count, status=status, body=text))

    def add_latency(self, seconds: float, count: int | None, match: Match) -> Fault:
        return self._add(Fault(0, "latency", match, count, seconds=seconds))

    def add_lost_response(self, count: int, match: Match) -> Fault:
        return self._add(Fault(0, "lost_response", match, count))

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            before = len(self._faults)
            self._faults = [f for f in self._faults if f.id != fault_id]
            return len(self._faults) < before

    def set_offline(self, tenant_id: str, offline: bool) -> None:
        with self._lock:
            if offline:
                self.offline_tenants.add(tenant_id)
            else:
                self.offline_tenants.discard(tenant_id)

    def set_maintenance(self, on: bool) -> None:
        with self._lock:
            self.maintenance = on

    def clear(self) -> None:
        """Clear every fault: scripted ones, organisations offline and maintenance."""
        with self._lock:
            self._faults.clear()
            self.offline_tenants.clear()
            self.maintenance = False

    def reset(self) -> None:
        """As new: no faults, and fault ids counted from 1 again."""
        self.clear()
        with self._lock:
            self._ids = itertools.count(1)

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {
                "maintenance": self.maintenance,
                "offline_tenants": sorted(self.offline_tenants),
                "scripted": [f.describe() for f in self._faults],
            }

    # -- the gate's side ---------------------------------------------------------------

    def is_offline(self, tenant_id: str | None) -> bool:
        with self._lock:
            return tenant_id is not None and tenant_id in self.offline_tenants

    def plan(self, method: str, path: str, tenant_id: str | None) -> Plan:
        """Consume the scripted faults that apply to this call and say what they do.

        At most one fault of each kind fires per call (the oldest matching one). A call
        answered with an error never reaches the handler, so it uses up no lost-response.
        """
        with self._lock:
            chosen: dict[Kind, Fault] = {}
            for fault in self._faults:
                if fault.kind not in chosen and fault.match.matches(method, path, tenant_id):
                    chosen[fault.kind] = fault
            if "error" in chosen:
                chosen.pop("lost_response", None)
            for fault in chosen.values():
                fault.fired += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
            self._faults = [f for f in self._faults if f.remaining is None or f.remaining > 0]
        latency, error = chosen.get("latency"), chosen.get("error")
        return Plan(
            delay=(latency.seconds or 0.0) if latency else 0.0,
            error=(error.status or 500, error.body or "") if error else None,
            lose_response="lost_response" in chosen,
            fault_ids=tuple(f.id for f in chosen.values()),
        )

    def _add(self, fault: Fault) -> Fault:
        with self._lock:
            fault.id = next(self._ids)
            self._faults.append(fault)
        return fault
