"""Xero's rate limits: per app per tenant (minute, day, concurrent) and per app (minute).

Stub: the full implementation (fixed windows offset per tenant, headers, 429s, spending a
tenant's budget from "another app") replaces this.
"""

from __future__ import annotations

from dataclasses import dataclass

from xerosync.clock import Clock
from xerosync.emulator.config import EmulatorConfig


@dataclass(frozen=True)
class Admission:
    """The outcome of asking for a call slot: headers to send, and a refusal if any."""

    headers: dict[str, str]
    problem: str | None = None  # "minute" | "day" | "concurrent" | "appminute"
    retry_after: int | None = None


class RateLimiter:
    def __init__(self, config: EmulatorConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock

    def acquire(self, client_id: str, tenant_id: str | None) -> Admission:
        return Admission(headers={})

    def release(self, client_id: str, tenant_id: str | None) -> None:
        return None
