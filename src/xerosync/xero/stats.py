"""What this process's client has asked of Xero: calls by organisation and answer, and the 429s
by the limit Xero named. Counted in memory, per process (Prometheus scrapes every process);
`xerosync.service.metrics` and `xerosync worker --metrics-port` publish them."""

from __future__ import annotations

import threading
from collections import Counter

__all__ = ["CallStats"]


class CallStats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: Counter[tuple[str, str]] = Counter()
        self._limited: Counter[tuple[str, str]] = Counter()

    def answered(self, tenant: str | None, status: int, problem: str | None = None) -> None:
        """One answer from Xero; a 429 is also counted by its limit (minute, day, app...)."""
        who = tenant or ""
        with self._lock:
            self._calls[(who, str(status))] += 1
            if status == 429:
                self._limited[(who, (problem or "unknown").lower())] += 1

    def failed(self, tenant: str | None, kind: str) -> None:
        """A call that got no answer (timeout, connection lost...)."""
        with self._lock:
            self._calls[(tenant or "", kind)] += 1

    def calls(self) -> dict[tuple[str, str], int]:
        """{(tenant, status or failure kind): count}."""
        with self._lock:
            return dict(self._calls)

    def rate_limited(self) -> dict[tuple[str, str], int]:
        """{(tenant, limit): count of 429s}."""
        with self._lock:
            return dict(self._limited)
