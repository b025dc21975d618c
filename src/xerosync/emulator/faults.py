"""Scripted faults: 5xx bursts, latency, lost responses, organisations offline.

Stub: the full implementation replaces this.
"""

from __future__ import annotations

from xerosync.clock import Clock


class FaultInjector:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
